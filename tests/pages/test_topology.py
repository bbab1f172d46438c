"""Several processes, one site: two app servers, two workers on a Redis queue, nginx in front.

The documented topology for more than one process (docs/performance.md): every app server and
worker sees one database (PostgreSQL in CI's second run), one Redis queue and one page store. A
change made through one app server, or by a worker, must reach the pages nginx answers from the
store that another app server filled; a post published through one app server reaches each
follower's server once, whichever worker sends it.
"""

import json
import re
import time
import urllib.request

import pytest

from bench.inboxes import Inboxes
from tests.instances import make_instance, redis_url, scratch_database_url, wait_for  # noqa: F401 (fixtures)
from tests.pages.front import OPEN_THREAD, answers, fetch, need_nginx, port_of, sign_in, start_nginx, stop

# Followers of "news" on the loopback servers: two per server with its shared inbox, and one
# on the first server whose server has none (its own inbox gets the post). Prints a token for the
# API.
FOLLOWERS = """
from samizdat.accounts.models import User
from samizdat.api.models import ALL_SCOPES
from samizdat.api.tokens import create_token
from samizdat.blogs.models import Blog
from samizdat.federation.models import Follower, RemoteActor
blog = Blog.objects.get(slug="news")
bases = {bases!r}
for n in range(2 * len(bases)):
    base = bases[n % len(bases)]
    actor = RemoteActor.objects.create(ap_id=f"{{base}}/users/u{{n}}", inbox=f"{{base}}/users/u{{n}}/inbox",
                                       shared_inbox=f"{{base}}/inbox")
    Follower.objects.create(blog=blog, actor=actor, follow_id=actor.ap_id + "#follow")
loner = RemoteActor.objects.create(ap_id=f"{{bases[0]}}/solo", inbox=f"{{bases[0]}}/solo/inbox")
Follower.objects.create(blog=blog, actor=loner, follow_id=loner.ap_id + "#follow")
print(create_token(User.objects.get(username="writer"), name="topology", scopes=ALL_SCOPES)[1])
"""
# The blog's key id and public key, which the followers' servers must know before any delivery
# (a worker may send them the fixture's own post as soon as they follow).
KEY = """
import json
from samizdat.blogs.models import Blog
from samizdat.federation import ids, keys
blog = Blog.objects.get(slug="news")
print(json.dumps([ids.key_id(blog), keys.blog_key(blog).public_pem]))
"""
# The minute's sweep of due deliveries, queued now: it runs on a worker while the fan-out's tasks do.
SWEEP = "from samizdat.federation import tasks; tasks.retry_deliveries_task(); tasks.retry_deliveries_task()"
UNDELIVERED = "from samizdat.federation.models import Delivery; print(Delivery.objects.exclude(state='delivered').count())"
SERVERS = 120  # more than one delivery task's worth, so both workers send

SCHEDULE = """
import datetime
from django.utils import timezone
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
post = Post(blog=Blog.objects.get(slug="news"), author=User.objects.get(username="writer"), title="Dawn edition")
post = publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(seconds={seconds}))
print(post.published_at.timestamp())
"""


@pytest.fixture
def site(make_instance, tmp_path):
    need_nginx()
    instance = make_instance(redis_url=redis_url())
    instance.env.update(
        SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0", SAMIZDAT_HTTP_ALLOWED_NETWORKS="127.0.0.1/32"
    )
    pk, path = instance.python(OPEN_THREAD).split()
    _, writer = instance.serve("--no-collectstatic", log_name="writer.log")
    _, reader = instance.serve("--no-collectstatic", log_name="reader.log")
    instance.start("worker", log_name="worker1.log")
    instance.start("worker", "--no-periodic", log_name="worker2.log")
    # Readers come through nginx to the second app server; writers go to the first.
    nginx, base = start_nginx(tmp_path / "nginx", instance.data_dir, port_of(reader))
    try:
        for url in (writer + path, base + path):
            assert wait_for(lambda: answers(url), timeout=120), (instance.data_dir / "writer.log").read_text()
        yield type("Site", (), dict(base=base, writer=writer, post=path, pk=int(pk), instance=instance))
    finally:
        stop(nginx)


def test_comment_through_one_app_server_reaches_the_page_nginx_serves(site):
    fetch(site.base + site.post)
    html = fetch(site.base + site.post)[2].decode()  # from the store now
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    status, _, _ = fetch(f"{site.writer}/@news/comments/{site.pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": "Sent to the other server.", "started": started,
        "homepage": "",
    })
    assert status == 303
    assert "Sent to the other server." in fetch(site.base + site.post)[2].decode()


def test_post_published_by_a_worker_reaches_the_stored_blog_home(site):
    # Due in 20 s: time enough, on a busy machine, to store the blog home and feed before the worker
    # publishes it (a 3 s schedule could pass while `python` was still exiting).
    due = float(site.instance.python(SCHEDULE.format(seconds=20)))
    fetch(site.base + "/@news/"), fetch(site.base + "/@news/feed/")
    home = fetch(site.base + "/@news/")[2].decode()
    assert "Dawn edition" not in home, f"shown {time.time() - due:+.1f} s from the time it was due"
    shown = wait_for(lambda: "Dawn edition" in fetch(site.base + "/@news/")[2].decode(), timeout=60)
    assert shown, (site.instance.data_dir / "worker1.log").read_text()[-2000:]
    assert "Dawn edition" in fetch(site.base + "/@news/feed/")[2].decode()


def test_post_published_through_one_app_server_reaches_each_follower_server_once(site):
    reaches_each_follower_server_once(site, "127.0.0.1")


def reaches_each_follower_server_once(site, host):
    """Publish through the writer's app server to 120 follower servers listening on `host`: each gets
    the post exactly once, whichever worker (and the minute's sweeps, racing them) sends it."""
    # Each server answers in 0.3 s, so the sweeps below find deliveries still due.
    with Inboxes(SERVERS, delay=0.3, host=host) as inboxes:
        key_id, public_key = json.loads(site.instance.python(KEY))
        inboxes.keys[key_id] = public_key
        token = site.instance.python(FOLLOWERS.format(bases=inboxes.bases()))
        request = urllib.request.Request(
            f"{site.writer}/api/v1/blogs/news/posts", method="POST",
            data=json.dumps({"title": "Night edition", "source": "Out now.", "status": "published"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert urllib.request.urlopen(request, timeout=30).status == 201
        assert wait_for(lambda: inboxes.received, timeout=60), (site.instance.data_dir / "worker1.log").read_text()[-3000:]
        site.instance.python(SWEEP)  # one for each worker, racing the tasks
        delivered = wait_for(lambda: site.instance.python(UNDELIVERED) == "0", timeout=120, interval=1)
        assert delivered, (site.instance.data_dir / "worker2.log").read_text()[-3000:]
        # (The fixture's own post may have gone out too, if a worker got to it after the followers came.)
        (activity,) = {activity for activity, _inbox in inboxes.received if "/night-edition/#create-" in activity}
        received = inboxes.deliveries(activity)
    expected = {f"{base}/inbox" for base in inboxes.bases()} | {f"{inboxes.bases()[0]}/solo/inbox"}
    assert set(received) == expected
    assert set(received.values()) == {1}, {inbox: n for inbox, n in received.items() if n > 1}
    assert not inboxes.refused


def test_signing_out_through_one_app_server_ends_the_session_on_the_other(site):
    browser, session = sign_in(site.writer)
    # The other app server (behind nginx: a cookie goes past the store) knows the session...
    assert fetch(site.base + "/dashboard/", Cookie=f"sessionid={session}")[0] == 200
    # ...which is kept in the shared Redis, not only in the database.
    assert site.instance.python(f"from django.core.cache import cache; print(cache.has_key('django.contrib.sessions.cached_db{session}'))") == "True"
    page = fetch(site.base + "/dashboard/", opener=browser)[2].decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert fetch(site.base + "/accounts/logout/", {"csrfmiddlewaretoken": token}, opener=browser)[0] == 302
    # The session is gone on the first app server too, cookie or not.
    assert fetch(site.writer + "/dashboard/", Cookie=f"sessionid={session}")[0] == 302
