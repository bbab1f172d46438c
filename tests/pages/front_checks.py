"""What every shipped front server (deploy/nginx.conf, deploy/Caddyfile) must do in front of `samizdat
serve`, checked alike for each by tests/pages/test_nginx.py and test_caddy.py."""

import contextlib
import gzip
import http.client
import json
import re
import urllib.parse

from tests.instances import Instance, wait_for
from tests.pages.front import answers, fetch, port_of, sign_in, stop

# A blog "news" that publishes comments at once, with one post: prints its address.
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
ADDRESSES = """
import json
from samizdat.comments.models import Comment
print(json.dumps({c.body: c.ip for c in Comment.objects.all()}))
"""


@contextlib.contextmanager
def front_site(base_dir, start_front):
    """An instance with SETUP's post and an upload in its media folder, served by `samizdat serve` behind
    the front server `start_front(folder, data_dir, app_port)` starts: the site, stopped afterwards."""
    instance = Instance(base_dir / "data")
    instance.data_dir.mkdir()
    instance.env.update(
        SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0", SAMIZDAT_TRUSTED_PROXIES="127.0.0.1"
    )
    instance.migrate()
    post_path = instance.python(SETUP)
    (instance.data_dir / "media" / "uploads").mkdir(parents=True)
    (instance.data_dir / "media" / "uploads" / "dock.txt").write_text("cranes")
    _, app = instance.serve()
    front, base = start_front(base_dir / "front", instance.data_dir, port_of(app))
    try:
        ready = wait_for(lambda: answers(base + post_path), timeout=120)
        logs = [instance.data_dir / "serve.log", *(base_dir / "front").glob("*.log")]
        assert ready, "\n".join(log.read_text()[-3000:] for log in logs)
        yield type("Site", (), dict(base=base, post=post_path, instance=instance))
    finally:
        stop(front)
        instance.stop()


def get(site, path, opener=None, **headers):
    return fetch(site.base + path, opener=opener, **headers)


class FrontServerChecks:
    """The checks every front server passes: a module subclasses this as `Test<Server>` and gives a
    module-scoped `site` fixture (from `front_site`). Run in this order; the last stops the app server."""

    def test_stored_page_is_served_with_samizdats_headers(self, site):
        first = get(site, site.post)  # Samizdat writes it, through the front server
        status, headers, body = get(site, site.post)
        assert status == 200 and body == first[2]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
                     "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cache-Control", "Vary"):
            assert headers.get_all(name) == first[1].get_all(name), name
        assert headers["ETag"] and headers["Last-Modified"]

    def test_stored_page_answers_304_and_gzip(self, site):
        get(site, site.post)
        _, headers, body = get(site, site.post)
        assert get(site, site.post, **{"If-None-Match": headers["ETag"]})[0] == 304
        assert get(site, site.post, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        status, zipped_headers, zipped = get(site, site.post, **{"Accept-Encoding": "gzip"})
        assert zipped_headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == body

    def test_guest_comment_shows_on_the_next_anonymous_read_with_the_readers_address(self, site):
        get(site, site.post)
        html = get(site, site.post)[2].decode()
        assert "csrfmiddlewaretoken" not in html
        pk = re.search(r'action="/@news/comments/(\d+)/"', html).group(1)
        started = re.search(r'name="started" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({
            "name": "Vera", "email": "vera@example.test", "body": "Solidarity from the print shop.",
            "started": started, "homepage": "",
        })
        # From another loopback address than the front server's own, which Samizdat must learn from it.
        connection = http.client.HTTPConnection("127.0.0.1", port_of(site.base), timeout=20,
                                                source_address=("127.0.0.2", 0))
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", f"/@news/comments/{pk}/", body, form)
        assert connection.getresponse().status == 303
        connection.close()
        assert "Solidarity from the print shop." in get(site, site.post)[2].decode()
        assert json.loads(site.instance.python(ADDRESSES)) == {"Solidarity from the print shop.": "127.0.0.2"}

    def test_signed_in_reader_gets_their_own_page(self, site):
        get(site, site.post)
        browser, _session = sign_in(site.base)
        own = get(site, site.post, browser)[2].decode()
        assert "You are commenting using your" in own and "Log out" in own.replace("Log Out", "Log out")
        assert "You are commenting using your" not in get(site, site.post)[2].decode()

    def test_activitypub_client_gets_json_not_the_stored_page(self, site):
        get(site, site.post), get(site, site.post)
        status, headers, body = get(site, site.post, Accept="application/activity+json")
        assert status == 200 and headers["Content-Type"].startswith("application/activity+json")
        assert b'"Article"' in body

    def test_uploads_are_served_by_the_front_server_sandboxed(self, site):
        status, headers, body = get(site, "/media/uploads/dock.txt")
        assert status == 200 and body == b"cranes" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"

    def test_stored_pages_and_feeds_stay_up_while_samizdat_is_down(self, site):
        # Last: it stops the app server. Proof that the front server, not Samizdat, answers them.
        get(site, site.post)
        get(site, "/@news/feed/")
        site.instance.stop()
        assert get(site, site.post)[0] == 200
        status, headers, body = get(site, "/@news/feed/")
        assert status == 200 and b"Night shift" in body
        assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert get(site, "/@news/2020/")[0] == 502
