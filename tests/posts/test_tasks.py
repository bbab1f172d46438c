"""Scheduled publishing through a real `samizdat worker`, on the SQLite queue and on Redis."""

import datetime

import pytest
from django.utils import timezone

from samizdat.posts.models import Post
from samizdat.posts.services import publish_due_posts, publish_post, publish_scheduled_post
from tests.instances import make_instance, redis_url, scratch_database_url, wait_for  # noqa: F401

SCHEDULE_POST = """
import datetime
from django.utils import timezone
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("news", "News", owner=user)
post = Post(blog=blog, author=user, title="Strike called off", source="The union *agreed*.")
post = publish_post(post, editor=user, when=timezone.now() + datetime.timedelta(seconds={seconds}))
print(post.pk, post.status)
"""

STATUS = "from samizdat.posts.models import Post; print(Post.objects.get(pk={pk}).status)"


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def instance(request, make_instance):
    """A migrated instance whose queue is the embedded SQLite one or a real Redis."""
    return make_instance(redis_url=redis_url() if request.param == "redis-queue" else "")


def status_of(instance, pk):
    return instance.python(STATUS.format(pk=pk))


def test_worker_publishes_scheduled_post_at_its_time(instance):
    # No periodic sweep: only the wake-up queued when the post was scheduled can publish it.
    worker = instance.start("worker", "--no-periodic", log_name="worker.log")
    pk, status = instance.python(SCHEDULE_POST.format(seconds=4)).split()
    assert status == "scheduled"
    published = wait_for(lambda: status_of(instance, pk) == "published", timeout=40)
    assert published, f"not published; worker log:\n{worker.log_path.read_text()}"
    assert worker.poll() is None


def test_worker_start_publishes_posts_that_came_due_while_it_was_down(instance):
    pk, _ = instance.python(SCHEDULE_POST.format(seconds=3600)).split()
    # The wake-up was queued for an hour from now; move the post's time into the past
    # behind the queue's back, as if the worker had been down when the post came due.
    instance.python(
        "import datetime; from django.utils import timezone; from samizdat.posts.models import Post; "
        f"Post.objects.filter(pk={pk}).update(published_at=timezone.now() - datetime.timedelta(minutes=5))"
    )
    worker = instance.start("worker", log_name="worker.log")
    published = wait_for(lambda: status_of(instance, pk) == "published", timeout=40)
    assert published, f"not published; worker log:\n{worker.log_path.read_text()}"


def test_scheduling_queues_a_wake_up_after_commit(make_post, django_capture_on_commit_callbacks, monkeypatch):
    from samizdat.posts import tasks

    queued = []
    monkeypatch.setattr(tasks.publish_post_task, "schedule", lambda args, eta: queued.append((args, eta)))
    post = make_post(status=Post.Status.DRAFT)
    when = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        publish_post(post, editor=post.author, when=when)
    assert queued == [((post.pk,), when)]


def test_publishing_a_scheduled_post_twice_publishes_it_once(make_post):
    post = make_post(status=Post.Status.DRAFT)
    publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(minutes=5))
    later = timezone.now() + datetime.timedelta(minutes=6)
    assert publish_scheduled_post(post.pk, now=later) is True
    assert publish_scheduled_post(post.pk, now=later) is False
    assert publish_due_posts(now=later) == 0


def test_early_wake_up_leaves_the_post_scheduled(make_post):
    post = make_post(status=Post.Status.DRAFT)
    publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(minutes=5))
    assert publish_scheduled_post(post.pk) is False
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
