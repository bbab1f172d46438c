"""deploy/nginx.conf, run by Debian's nginx on loopback in front of `samizdat serve`."""

import gzip
import re

import pytest

from tests.instances import Instance, free_port, wait_for

from tests.s3_peer import s3_peer  # noqa: F401 (fixture)
from tests.pages.front import answers, fetch, need_nginx, port_of, sign_in, start_nginx, stop

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test", display_name="Rosa L.")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
post = publish_post(Post(blog=blog, author=user, title="Night shift", source="The dockers counted cranes."), editor=user)
print(post.get_absolute_url())
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_nginx()
    base_dir = tmp_path_factory.mktemp("nginx")
    instance = Instance(base_dir / "data")
    instance.data_dir.mkdir()
    instance.env.update(SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0")
    instance.migrate()
    post_path = instance.python(SETUP)
    (instance.data_dir / "media" / "uploads").mkdir(parents=True)
    (instance.data_dir / "media" / "uploads" / "dock.txt").write_text("cranes")
    _, app = instance.serve()
    nginx, base = start_nginx(base_dir / "nginx", instance.data_dir, port_of(app))
    site = type("Site", (), {})()
    site.base, site.post, site.instance = base, post_path, instance
    try:
        assert wait_for(lambda: answers(base + post_path), timeout=120), (instance.data_dir / "serve.log").read_text()
        yield site
    finally:
        stop(nginx)
        instance.stop()


def get(site, path, opener=None, **headers):
    return fetch(site.base + path, opener=opener, **headers)


def post(site, path, data, opener=None):
    return fetch(site.base + path, data, opener=opener)


def test_nginx_serves_the_stored_page_with_samizdats_headers(site):
    first = get(site, site.post)
    status, headers, body = get(site, site.post)
    assert status == 200 and body == first[2]
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
                 "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert headers[name] == first[1][name], name


def test_nginx_answers_304_and_gzip_for_a_stored_page(site):
    get(site, site.post)
    _, headers, body = get(site, site.post)
    assert get(site, site.post, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert get(site, site.post, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    status, zipped_headers, zipped = get(site, site.post, **{"Accept-Encoding": "gzip"})
    assert zipped_headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == body


def test_guest_comment_through_nginx_shows_on_the_next_anonymous_read(site):
    get(site, site.post)
    html = get(site, site.post)[2].decode()
    assert "csrfmiddlewaretoken" not in html
    pk = re.search(r'action="/@news/comments/(\d+)/"', html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    status, _, _ = post(site, f"/@news/comments/{pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": "Solidarity from the print shop.",
        "started": started, "homepage": "",
    })
    assert status == 303
    assert "Solidarity from the print shop." in get(site, site.post)[2].decode()


def test_signed_in_reader_gets_their_own_page_through_nginx(site):
    get(site, site.post)
    browser, _session = sign_in(site.base)
    own = get(site, site.post, browser)[2].decode()
    assert "You are commenting using your" in own and "Log out" in own.replace("Log Out", "Log out")
    assert "You are commenting using your" not in get(site, site.post)[2].decode()


def test_activitypub_client_gets_json_through_nginx_not_the_stored_page(site):
    get(site, site.post), get(site, site.post)
    status, headers, body = get(site, site.post, Accept="application/activity+json")
    assert status == 200 and headers["Content-Type"].startswith("application/activity+json")
    assert b'"Article"' in body


def test_nginx_serves_uploads_itself(site):
    status, headers, body = get(site, "/media/uploads/dock.txt")
    assert status == 200 and body == b"cranes" and headers["X-Content-Type-Options"] == "nosniff"


def test_stored_pages_stay_up_while_samizdat_is_down(site):
    # Last in this module: it stops the app server. Proof that nginx, not Samizdat, answers them.
    get(site, site.post)
    get(site, "/@news/feed/")
    site.instance.stop()
    assert get(site, site.post)[0] == 200
    status, headers, body = get(site, "/@news/feed/")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml") and b"Night shift" in body
    assert get(site, "/@news/2020/")[0] == 502


def bucket_media(endpoint, bucket):
    """deploy/nginx.conf with its block for uploads in a bucket in place of the one for the media folder."""

    def edit(conf):
        local = re.search(r"\n    location /media/ \{.*?\n    \}\n", conf, re.S).group(0)
        commented = re.search(r"\n    #location /media/ \{.*?\n    #\}\n", conf, re.S).group(0)
        block = commented.replace("\n    #", "\n    ").replace("http://s3.example.org/BUCKET/", f"{endpoint}/{bucket}/")
        block = block.replace("Host s3.example.org", f"Host {endpoint.removeprefix('http://')}")
        return conf.replace(local, "\n").replace(commented, block)

    return edit


def test_nginx_passes_uploads_on_from_the_bucket_on_its_own_host(s3_peer, tmp_path):
    need_nginx()
    bucket = s3_peer.new_bucket()
    s3_peer.client().put_object(Bucket=bucket, Key="uploads/dock.txt", Body=b"cranes", ContentType="text/plain")
    nginx, base = start_nginx(tmp_path / "nginx", tmp_path, free_port(), edit=bucket_media(s3_peer.endpoint, bucket))
    try:
        assert wait_for(lambda: answers(base + "/media/uploads/dock.txt"), timeout=20), (
            (tmp_path / "nginx" / "error.log").read_text())
        status, headers, body = fetch(base + "/media/uploads/dock.txt")
        assert body == b"cranes" and headers["Content-Type"].startswith("text/plain")
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert fetch(base + "/media/uploads/none.txt")[0] == 404
    finally:
        stop(nginx)
