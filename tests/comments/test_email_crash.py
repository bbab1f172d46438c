"""Emails and federation survive a killed worker: a real `samizdat worker` SIGKILLed while it talks to a
real SMTP server on loopback (or right when it would queue work), then a new worker; every recipient
gets each email, and only the one in flight when the worker died may arrive twice."""

import asyncio
import collections
import json
import signal
import threading
import time

import pytest

from tests.comments.conftest import Inbox, smtp_server
from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401

SUBSCRIBERS = 8
AUTHOR = "writer@example.test"

# A post with SUBSCRIBERS confirmed follow-up subscribers, and a guest's comment on it (its wake-up
# goes to the queue, which no worker reads yet).
COMMENTED = """
from django.utils import timezone
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments import services
from samizdat.comments.models import CommentSettings, Subscription
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="{author}")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=True)
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
for n in range({subscribers}):
    Subscription.objects.create(email=f"s{{n}}@example.test", kind="replies", blog=blog, post=post,
                                confirmed_at=timezone.now())
submission = services.Submission(body="The cleaners' strike holds.", name="Vera", email="vera@example.test",
                                 nonce="n1", elapsed=60.0)
comment, created = services.submit_comment(post, submission, ip="127.0.0.1")
assert created and comment.status == "approved", comment.status
"""



def email_states(instance):
    """How many emails of the instance were sent, how many not (read straight from its database)."""
    [(sent, left)] = instance.sql(
        "SELECT COUNT(CASE WHEN state = 'sent' THEN 1 END), COUNT(CASE WHEN state <> 'sent' THEN 1 END)"
        " FROM comments_outgoingemail"
    )
    return sent, left


class HoldingInbox(Inbox):
    """An SMTP server's handler that keeps the `hold_at`-th message waiting (its data received, no
    answer yet) until the test has killed the sender."""

    def __init__(self, hold_at):
        super().__init__()
        self.hold_at = hold_at
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return answer


@pytest.fixture
def smtp():
    with smtp_server(HoldingInbox(hold_at=4)) as inbox:
        yield inbox


LEASE = 1  # seconds: how long a killed worker's email in flight stays claimed


@pytest.fixture
def instance(make_instance, smtp):
    instance = make_instance()
    instance.env.update(
        SAMIZDAT_EMAIL_HOST="127.0.0.1", SAMIZDAT_EMAIL_PORT=str(smtp.port), SAMIZDAT_EMAIL_LEASE_SECONDS=str(LEASE),
    )
    return instance


def recipients(smtp):
    return collections.Counter(address for m in smtp.messages for address in m.envelope_to)


def test_comment_emails_of_a_worker_killed_mid_send_reach_everyone_and_only_the_one_in_flight_twice(instance, smtp):
    instance.python(COMMENTED.format(author=AUTHOR, subscribers=SUBSCRIBERS))
    # One worker thread: while the SMTP server holds an email, nothing else of the batch goes out.
    worker = instance.start("worker", "--workers", "1", log_name="worker.log")
    assert smtp.holding.wait(60), worker.log_path.read_text()[-3000:]
    instance.kill(worker)  # the fourth email is in the SMTP server's hands, unanswered
    in_flight = smtp.messages[-1].envelope_to[0]
    smtp.release.set()
    sent, left = email_states(instance)
    assert (sent, left) == (3, SUBSCRIBERS + 1 - 3), "the batch did not stop at the killed worker"

    time.sleep(LEASE)  # the killed worker's claim on the email in flight runs out
    worker = instance.start("worker", "--workers", "1", log_name="worker.log")
    everyone = {AUTHOR, *(f"s{n}@example.test" for n in range(SUBSCRIBERS))}
    arrived = wait_for(lambda: set(recipients(smtp)) == everyone and email_states(instance) == (SUBSCRIBERS + 1, 0),
                       timeout=60)
    assert arrived, (recipients(smtp), worker.log_path.read_text()[-3000:])
    smtp.wait(len(smtp.messages) + 1, timeout=2)  # an email sent once more would come now
    times = recipients(smtp)
    assert times[in_flight] == 2, times  # the SMTP server had it, the worker never heard so
    assert all(n == 1 for address, n in times.items() if address != in_flight), times
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp.messages]
    assert all("The cleaners' strike holds." in body for body in bodies)


NEW_POST_SUBSCRIBED = """
from django.utils import timezone
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import Subscription
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="{author}")
blog = create_blog("news", "News", owner=user)
for n in range({subscribers}):
    Subscription.objects.create(email=f"s{{n}}@example.test", kind="posts", blog=blog, confirmed_at=timezone.now())
publish_post(Post(blog=blog, author=user, title="Strike fund opens", source="Give what you can."), editor=user)
"""

# The minute's new-post sweep in a process SIGKILLed at the moment it would first write to the task
# queue: after its emails were committed, before any worker was woken to send them.
KILLED_AT_QUEUE_WRITE = """
import os, signal
from huey.contrib.djhuey import HUEY
from samizdat.comments import services
HUEY.enqueue = lambda task: os.kill(os.getpid(), signal.SIGKILL)
services.queue_new_post_emails()
"""


def test_new_post_emails_whose_sweep_was_killed_before_waking_a_worker_reach_each_subscriber_once(instance, smtp):
    smtp.hold_at = None
    instance.python(NEW_POST_SUBSCRIBED.format(author=AUTHOR, subscribers=SUBSCRIBERS))
    sweep = instance.start("shell", "--no-imports", "-c", KILLED_AT_QUEUE_WRITE, log_name="sweep.log")
    assert sweep.wait(timeout=60) == -signal.SIGKILL, sweep.log_path.read_text()
    worker = instance.start("worker", log_name="worker.log")
    arrived = wait_for(lambda: len(smtp.messages) >= SUBSCRIBERS, timeout=60)
    assert arrived, f"{len(smtp.messages)} emails; worker log:\n{worker.log_path.read_text()[-3000:]}"
    smtp.wait(SUBSCRIBERS + 1, timeout=3)  # a second email to anyone would come now
    assert recipients(smtp) == {f"s{n}@example.test": 1 for n in range(SUBSCRIBERS)}
    assert all("Strike fund opens" in m["Subject"] for m in smtp.messages)


class Inboxes:
    """A fediverse server's inboxes on loopback, noting each activity posted to them."""

    def __init__(self):
        import http.server

        self.received = []
        inboxes = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                inboxes.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# A post followers have, and a guest's comment on it; then the sweep of its notices, in a process
# SIGKILLed at its first queue write (federation's, after the comment's emails were committed). Its
# clock runs an hour behind, so what it leaves is what a worker killed an hour ago left.
FOLLOWED_POST_COMMENTED = """
import datetime, os, signal
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments import services
from samizdat.comments.models import CommentSettings
from samizdat.federation import publishing
from samizdat.federation.models import Follower, RemoteActor
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
now = timezone.now
timezone.now = lambda: now() - datetime.timedelta(hours=1)
user = create_user("writer", "a long test passphrase 42", email="{author}")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=True)
actor = RemoteActor.objects.create(ap_id="{base}/users/alice", username="alice", url="{base}/@alice",
                                   inbox="{base}/users/alice/inbox", shared_inbox="{base}/inbox")
Follower.objects.create(blog=blog, actor=actor, follow_id="{base}/users/alice#follow")
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
publishing.sync_post(post.pk)  # followers have the post
services._wake_notices = lambda: None
submission = services.Submission(body="The cleaners' strike holds.", name="Vera", email="vera@example.test",
                                 nonce="n1", elapsed=60.0)
comment, created = services.submit_comment(post, submission, ip="127.0.0.1")
HUEY.enqueue = lambda task: os.kill(os.getpid(), signal.SIGKILL)
services.send_due_notices()
"""


def test_comment_whose_federation_was_lost_with_a_killed_worker_reaches_followers_once(instance, smtp):
    smtp.hold_at = None
    inboxes = Inboxes()
    try:
        instance.env["SAMIZDAT_HTTP_ALLOWED_NETWORKS"] = "127.0.0.1/32"
        code = FOLLOWED_POST_COMMENTED.format(author=AUTHOR, base=inboxes.base)
        sweep = instance.start("shell", "--no-imports", "-c", code, log_name="sweep.log")
        assert sweep.wait(timeout=60) == -signal.SIGKILL, sweep.log_path.read_text()
        assert instance.sql("SELECT COUNT(*) FROM comments_comment WHERE notices_due") == [(0,)]
        worker = instance.start("worker", log_name="worker.log")

        def replies():
            return [a for a in inboxes.received if a["type"] == "Create" and a["object"]["type"] == "Note"]

        arrived = wait_for(lambda: replies() and smtp.to(AUTHOR), timeout=60)
        assert arrived, (inboxes.received, smtp.messages, worker.log_path.read_text()[-3000:])
        time.sleep(2)  # a second Create would come now
        [create] = replies()
        assert "The cleaners' strike holds." in create["object"]["content"]
        assert len(smtp.to(AUTHOR)) == 1
    finally:
        inboxes.close()
