"""A new comment's notices go out through a real `samizdat worker` to a real SMTP server on loopback,
also when the wake-up that follows the comment's commit never came (a crash), no worker ran, or a
worker was killed while it was queueing them."""

import signal

import pytest

from tests.comments.conftest import Inbox, free_port
from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("news", "News", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=True)
post = publish_post(Post(blog=blog, author=user, title="Open thread", source="Talk here."), editor=user)
print(post.pk)
"""

# Guests' comments as the form's view takes them in; with `crash`, the process dies (as far as the
# queue knows) right after each commit, before it could queue the worker's wake-up.
COMMENT = """
from samizdat.comments import services
from samizdat.posts.models import Post
if {crash}:
    services._wake_notices = lambda: None
post = Post.objects.select_related("blog").get(pk={pk})
for n in range({count}):
    submission = services.Submission(body=f"Comment {{n}}: the cleaners' strike holds.", name="Vera",
                                     email="vera@example.test", nonce=f"n{{n}}", elapsed=60.0)
    comment, created = services.submit_comment(post, submission, ip="127.0.0.1")
    assert created and comment.status == "approved", comment.status
"""

# A sweep of due notices in a process SIGKILLed at the moment it would first write to the task
# queue: after it took a comment's notices in hand, before any of them was queued. Its clock runs
# an hour behind, so what it leaves is what a sweep killed an hour ago left.
KILLED_SWEEP = """
import datetime, os, signal
from django.utils import timezone
from huey.contrib.djhuey import HUEY
now = timezone.now
timezone.now = lambda: now() - datetime.timedelta(hours=1)
HUEY.enqueue = lambda task: os.kill(os.getpid(), signal.SIGKILL)
services.send_due_notices()
"""


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def blog_instance(make_instance, smtp):
    instance = make_instance()
    instance.env.update(SAMIZDAT_EMAIL_HOST="127.0.0.1", SAMIZDAT_EMAIL_PORT=str(smtp.port))
    instance.post_pk = int(instance.python(SETUP))
    return instance


def subjects_to_author(smtp):
    return sorted(m["Subject"] for m in smtp.to("writer@example.test"))


def test_comment_accepted_while_no_worker_ran_and_its_wake_up_lost_reaches_the_author_when_the_worker_starts(
    blog_instance, smtp,
):
    blog_instance.python(COMMENT.format(crash=True, pk=blog_instance.post_pk, count=1))
    assert smtp.wait(1, timeout=1) == []
    worker = blog_instance.start("worker", log_name="worker.log")
    arrived = wait_for(lambda: len(smtp.to("writer@example.test")) >= 1, timeout=40)
    assert arrived, f"no notice; worker log:\n{worker.log_path.read_text()}"
    [message] = smtp.to("writer@example.test")
    assert "Comment 0: the cleaners' strike holds." in message.get_body(preferencelist=("plain",)).get_content()
    assert "vera@example.test" not in message.as_string()


def test_comments_in_quick_succession_each_reach_the_author_once_through_one_wake_up(blog_instance, smtp):
    # No periodic sweep: only the wake-up queued after the commits can send the notices.
    worker = blog_instance.start("worker", "--no-periodic", log_name="worker.log")
    blog_instance.python(COMMENT.format(crash=False, pk=blog_instance.post_pk, count=3))
    arrived = wait_for(lambda: len(smtp.to("writer@example.test")) >= 3, timeout=40)
    assert arrived, f"{len(smtp.messages)} notices; worker log:\n{worker.log_path.read_text()}"
    smtp.wait(4, timeout=3)  # a second notice of any comment would come now
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp.to("writer@example.test")]
    assert sorted(n for n in range(3) for body in bodies if f"Comment {n}:" in body) == [0, 1, 2]
    due = blog_instance.sql("SELECT COUNT(*) FROM comments_comment WHERE notices_due")
    assert due == [(0,)]


def test_comment_whose_sweep_was_killed_before_queueing_its_notices_reaches_the_author_once(blog_instance, smtp):
    code = COMMENT.format(crash=True, pk=blog_instance.post_pk, count=1) + KILLED_SWEEP
    sweep = blog_instance.start("shell", "--no-imports", "-c", code, log_name="sweep.log")
    assert sweep.wait(timeout=60) == -signal.SIGKILL, sweep.log_path.read_text()
    worker = blog_instance.start("worker", log_name="worker.log")
    arrived = wait_for(lambda: len(smtp.to("writer@example.test")) >= 1, timeout=40)
    assert arrived, f"the notice was lost; worker log:\n{worker.log_path.read_text()}"
    smtp.wait(2, timeout=3)  # a second notice would come now
    [message] = smtp.to("writer@example.test")
    assert "Comment 0: the cleaners' strike holds." in message.get_body(preferencelist=("plain",)).get_content()
