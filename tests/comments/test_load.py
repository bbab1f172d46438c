"""Comments under load, through `samizdat serve` (Granian, two worker processes) on file-based SQLite."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.instances import answers, make_instance, scratch_database_url, wait_for  # noqa: F401

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
print(post.pk, post.get_absolute_url())
"""
COUNT = "from samizdat.comments.models import Comment; print(Comment.objects.filter(post_id={pk}).count(), Comment.objects.filter(post_id={pk}).values('nonce').distinct().count())"


@pytest.fixture
def server(make_instance):
    """A served instance with one open post; rate limits raised, as the issue asks for this test."""
    instance = make_instance(sqlite=True)
    instance.env.update(
        SAMIZDAT_COMMENT_RATE_PER_MINUTE="1000000", SAMIZDAT_COMMENT_RATE_PER_HOUR="1000000",
        SAMIZDAT_COMMENT_MIN_SECONDS="0",
    )
    pk, path = instance.python(SETUP).split()
    process, base = instance.serve("--workers", "2", "--no-collectstatic")
    # Two Granian workers importing Django on a busy machine: a generous deadline, polled.
    assert wait_for(lambda: answers(base + path), timeout=120), process.log_path.read_text()
    instance.base, instance.post_pk, instance.post_path, instance.process = base, int(pk), path, process
    return instance


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Reader:
    """One browser-like client: cookies, the form's hidden fields, and POSTs that do not follow redirects."""

    def __init__(self, server):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        html = self.opener.open(server.base + server.post_path, timeout=30).read().decode()
        # A guest's form carries no CSRF token (it may be a stored page: samizdat.core.csrf).
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        self.csrf = token.group(1) if token else ""
        self.started = re.search(r'name="started" value="([^"]+)"', html).group(1)

    def post(self, nonce, body):
        data = urllib.parse.urlencode({
            "csrfmiddlewaretoken": self.csrf, "name": "Reader", "email": f"{nonce}@example.test",
            "body": body, "nonce": nonce, "started": self.started, "homepage": "",
        }).encode()
        request = urllib.request.Request(
            f"{self.server.base}/@news/comments/{self.server.post_pk}/", data=data,
            headers={"Referer": self.server.base + self.server.post_path},
        )
        try:
            return self.opener.open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            return error.code


def stored(server):
    total, distinct = server.python(COUNT.format(pk=server.post_pk)).split()
    return int(total), int(distinct)


def test_eight_clients_posting_200_comments_each_store_every_accepted_comment_once(server):
    clients, per_client = 8, 200
    statuses = [[] for _ in range(clients)]
    start_at = time.time() + 1

    def run(i):
        reader = Reader(server)
        time.sleep(max(0, start_at - time.time()))
        for n in range(per_client):
            statuses[i].append(reader.post(f"c{i}-{n}", f"Comment {n} from client {i}: the strike goes on."))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    flat = [s for client in statuses for s in client]
    accepted = flat.count(303)
    print(f"\n{accepted} of {len(flat)} comments accepted in {elapsed:.1f}s: {accepted / elapsed:.0f} comments/s")
    assert len(flat) == clients * per_client
    assert not [s for s in flat if s >= 500], server.process.log_path.read_text()[-3000:]
    assert accepted == clients * per_client, sorted(set(flat))
    assert stored(server) == (accepted, accepted)


def test_the_same_form_sent_by_eight_clients_at_once_stores_one_comment(server):
    readers = [Reader(server) for _ in range(8)]
    barrier = threading.Barrier(len(readers))
    statuses = []

    def run(reader):
        barrier.wait()
        statuses.append(reader.post("same-nonce", "Sent twice, stored once."))

    threads = [threading.Thread(target=run, args=(r,)) for r in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303] * 8
    assert stored(server) == (1, 1)
