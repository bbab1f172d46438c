"""Behind nginx, each reader keeps their own address: rate limits and blocklists do not lump every
reader together under the front server's address, and nobody else can name an address for them."""

import http.client
import re
import urllib.parse

import pytest

from tests.comments.conftest import free_port
from tests.instances import Instance, wait_for
from tests.pages.front import OPEN_THREAD, answers, fetch, need_nginx, start_nginx, stop

STORED_ADDRESSES = """
from samizdat.comments.models import Comment
print(" ".join(sorted(str(c.ip) for c in Comment.objects.all())))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_nginx()
    base_dir = tmp_path_factory.mktemp("addresses")
    instance = Instance(base_dir / "data")
    instance.data_dir.mkdir()
    # One comment a minute per address, as a blog under attack might set it.
    instance.env.update(SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0",
                        SAMIZDAT_COMMENT_RATE_PER_MINUTE="1", SAMIZDAT_TRUSTED_PROXIES="127.0.0.1")
    instance.run("migrate", "--verbosity", "0")
    _, post_path = instance.python(OPEN_THREAD).split()
    app_port = free_port()
    instance.start("serve", "--host", "127.0.0.1", "--port", str(app_port), log_name="serve.log")
    nginx, base = start_nginx(base_dir / "nginx", instance.data_dir, app_port)
    try:
        assert wait_for(lambda: answers(base + post_path), timeout=60), (instance.data_dir / "serve.log").read_text()
        html = fetch(base + post_path)[2].decode()
        action = re.search(r'action="(/@news/comments/\d+/)"', html).group(1)
        started = re.search(r'name="started" value="([^"]+)"', html).group(1)
        yield type("Site", (), dict(base=base, app_port=app_port, action=action, started=started, instance=instance))
    finally:
        stop(nginx)
        instance.stop()


def comment(site, port, reader, text, *, headers=None):
    """A guest comment sent from the loopback address `reader` to `port`: the answer's status."""
    # Each reader their own email too: the limit also counts one commenter across addresses.
    body = urllib.parse.urlencode({"name": "Reader", "email": f"reader-{reader}@example.test", "body": text,
                                   "started": site.started, "homepage": ""})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(reader, 0))
    try:
        connection.request("POST", site.action, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                       **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_readers_behind_nginx_are_rate_limited_each_on_their_own_address(site):
    nginx_port = int(site.base.rsplit(":", 1)[1])
    assert comment(site, nginx_port, "127.0.0.2", "First word from the print shop.") == 303
    # The same reader again within the minute is refused...
    assert comment(site, nginx_port, "127.0.0.2", "Second word from the print shop.") == 429
    # ...but another reader, coming through the same nginx, is not held back by the first.
    assert comment(site, nginx_port, "127.0.0.3", "Greetings from the docks.") == 303
    # A reader cannot escape the limit by naming another address: nginx appends the real one.
    forged = {"X-Forwarded-For": "198.51.100.7"}
    assert comment(site, nginx_port, "127.0.0.2", "Third try, in disguise.", headers=forged) == 429
    assert site.instance.python(STORED_ADDRESSES).split() == ["127.0.0.2", "127.0.0.3"]


def test_an_address_named_by_anyone_but_the_front_server_is_ignored(site):
    # Straight to the app server from an address that is not a trusted proxy: its header is not believed.
    forged = {"X-Forwarded-For": "198.51.100.8"}
    assert comment(site, site.app_port, "127.0.0.4", "Straight to the app.", headers=forged) == 303
    assert "127.0.0.4" in site.instance.python(STORED_ADDRESSES).split()
    assert "198.51.100.8" not in site.instance.python(STORED_ADDRESSES)
