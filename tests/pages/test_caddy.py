"""deploy/Caddyfile, run by Debian's Caddy on loopback in front of `samizdat serve`: what
tests/pages/test_nginx.py checks of deploy/nginx.conf, for the admins who choose Caddy."""

import gzip
import http.client
import json
import os
import re
import shutil
import subprocess
import urllib.parse

import pytest

from tests.instances import ROOT, Instance, free_port, unavailable, wait_for
from tests.pages.front import answers, fetch, port_of, sign_in, stop
from tests.pages.test_nginx import SETUP

ADDRESSES = """
import json
from samizdat.comments.models import Comment
print(json.dumps({c.body: c.ip for c in Comment.objects.all()}))
"""


def start_caddy(folder, data_dir, app_port):
    """Caddy running deploy/Caddyfile as shipped, for `data_dir` and the app at `app_port`: (process, base URL)."""
    caddy = shutil.which("caddy")
    if caddy is None:
        unavailable("needs Debian's caddy (apt install caddy)")
    port = free_port()
    conf = (ROOT / "deploy" / "Caddyfile").read_text()
    conf = conf.replace("/var/lib/samizdat", str(data_dir)).replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    # Plain HTTP on a loopback port, and no admin endpoint (its fixed port would clash between runs).
    conf = conf.replace("\n:80 {\n", f"\n{{\n\tadmin off\n}}\n\n:{port} {{\n\tbind 127.0.0.1\n", 1)
    folder.mkdir(parents=True)
    (folder / "Caddyfile").write_text(conf)
    env = dict(os.environ, HOME=str(folder), XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"))
    log = open(folder / "caddy.log", "w")
    process = subprocess.Popen([caddy, "run", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base_dir = tmp_path_factory.mktemp("caddy")
    instance = Instance(base_dir / "data")
    instance.data_dir.mkdir()
    instance.env.update(SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0", SAMIZDAT_TRUSTED_PROXIES="127.0.0.1")
    instance.migrate()
    post_path = instance.python(SETUP)
    (instance.data_dir / "media" / "uploads").mkdir(parents=True)
    (instance.data_dir / "media" / "uploads" / "dock.txt").write_text("cranes")
    _, app = instance.serve()
    caddy, base = start_caddy(base_dir / "caddy", instance.data_dir, port_of(app))
    try:
        ready = wait_for(lambda: answers(base + post_path), timeout=120)
        assert ready, (instance.data_dir / "serve.log").read_text() + (base_dir / "caddy" / "caddy.log").read_text()
        yield type("Site", (), dict(base=base, post=post_path, instance=instance, logs=base_dir))
    finally:
        stop(caddy)
        instance.stop()


def get(site, path, opener=None, **headers):
    return fetch(site.base + path, opener=opener, **headers)


def test_caddy_serves_the_stored_page_with_samizdats_headers(site):
    first = get(site, site.post)  # Samizdat writes it, through Caddy
    status, headers, body = get(site, site.post)
    assert status == 200 and body == first[2]
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
                 "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cache-Control", "Vary"):
        assert headers.get_all(name) == first[1].get_all(name), name
    assert headers["ETag"] and headers["Last-Modified"]


def test_caddy_answers_304_and_gzip_for_a_stored_page(site):
    get(site, site.post)
    _, headers, body = get(site, site.post)
    assert get(site, site.post, **{"If-None-Match": headers["ETag"]})[0] == 304
    status, zipped_headers, zipped = get(site, site.post, **{"Accept-Encoding": "gzip"})
    assert zipped_headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == body


def test_guest_comment_through_caddy_shows_on_the_next_read_with_the_readers_address(site):
    get(site, site.post)
    html = get(site, site.post)[2].decode()
    pk = re.search(r'action="/@news/comments/(\d+)/"', html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"name": "Vera", "email": "vera@example.test", "body": "Solidarity via Caddy.",
                                   "started": started, "homepage": ""})
    # From another loopback address than Caddy's own, which Samizdat must learn from Caddy.
    connection = http.client.HTTPConnection("127.0.0.1", int(site.base.rsplit(":", 1)[1]), timeout=20,
                                            source_address=("127.0.0.2", 0))
    connection.request("POST", f"/@news/comments/{pk}/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert connection.getresponse().status == 303
    connection.close()
    assert "Solidarity via Caddy." in get(site, site.post)[2].decode()
    assert json.loads(site.instance.python(ADDRESSES)) == {"Solidarity via Caddy.": "127.0.0.2"}


def test_signed_in_reader_gets_their_own_page_through_caddy(site):
    get(site, site.post)
    browser, _session = sign_in(site.base)
    assert "You are commenting using your" in get(site, site.post, browser)[2].decode()
    assert "You are commenting using your" not in get(site, site.post)[2].decode()


def test_activitypub_client_gets_json_through_caddy_not_the_stored_page(site):
    get(site, site.post), get(site, site.post)
    status, headers, body = get(site, site.post, Accept="application/activity+json")
    assert status == 200 and headers["Content-Type"].startswith("application/activity+json")
    assert b'"Article"' in body


def test_caddy_serves_uploads_itself(site):
    status, headers, body = get(site, "/media/uploads/dock.txt")
    assert status == 200 and body == b"cranes" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_stored_pages_and_feeds_stay_up_while_samizdat_is_down(site):
    # Last in this module: it stops the app server. Proof that Caddy, not Samizdat, answers them.
    get(site, site.post)
    get(site, "/@news/feed/")
    site.instance.stop()
    assert get(site, site.post)[0] == 200
    status, headers, body = get(site, "/@news/feed/")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8" and b"Night shift" in body
    assert get(site, "/@news/2020/")[0] == 502
