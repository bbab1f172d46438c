"""Posts go out to followers as Create, Update and Delete; drafts, private posts and pages never."""

import json

import pytest
from django.utils import timezone

from samizdat.federation import delivery, publishing, tasks
from samizdat.federation.models import FederatedPost, Follower, RemoteActor
from samizdat.posts import services as post_services
from samizdat.posts.models import Post
from tests.comments.conftest import immediate_tasks  # noqa: F401

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def blog(make_blog, remote):
    blog = make_blog("dispatch", title="The Dispatch")
    actor = RemoteActor.objects.create(
        ap_id=remote.actor_id, username="alice", inbox=f"{remote.actor_id}/inbox", shared_inbox=f"{remote.base}/inbox"
    )
    Follower.objects.create(blog=blog, actor=actor, follow_id=f"{remote.actor_id}#f")
    return blog


def sent(remote):
    return [json.loads(body) for path, _headers, body in remote.received if path == "/inbox"]


def test_publishing_sends_a_create_article_to_the_shared_inbox(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, title="Heat survey", tags=["climate"])
    [create] = sent(remote)
    assert create["type"] == "Create"
    assert create["actor"] == "http://127.0.0.1:8000/@dispatch/"
    article = create["object"]
    assert article["type"] == "Article" and article["name"] == "Heat survey"
    assert article["id"] == "http://127.0.0.1:8000" + post.get_absolute_url()
    assert article["preview"]["type"] == "Note"
    assert create["to"] == ["https://www.w3.org/ns/activitystreams#Public"]


def test_editing_sends_an_update_and_saving_unchanged_sends_nothing(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, title="First")
    editor = post.author
    with django_capture_on_commit_callbacks(execute=True):
        post_services.save_post(post, editor=editor)
    assert [a["type"] for a in sent(remote)] == ["Create"]
    post.source = "Corrected text."
    with django_capture_on_commit_callbacks(execute=True):
        post_services.save_post(post, editor=editor)
    update = sent(remote)[-1]
    assert update["type"] == "Update" and "Corrected text." in update["object"]["content"]


def test_unpublishing_sends_delete_and_leaves_a_tombstone(blog, remote, make_post, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog)
    url = post.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        post_services.unpublish_post(post, editor=post.author)
    delete = sent(remote)[-1]
    assert delete["type"] == "Delete" and delete["object"]["type"] == "Tombstone"
    response = client.get(url, HTTP_ACCEPT="application/activity+json")
    assert response.status_code == 410 and response.json()["type"] == "Tombstone"
    # Browsers still get the ordinary "not found" page.
    assert client.get(url).status_code == 404


def test_deleting_sends_delete(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog)
    with django_capture_on_commit_callbacks(execute=True):
        post_services.delete_post(post)
    assert [a["type"] for a in sent(remote)] == ["Create", "Delete"]


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PRIVATE])
def test_drafts_and_private_posts_never_leave(blog, remote, make_post, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(blog, status=status)
    assert sent(remote) == []


def test_pages_never_leave(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(blog, kind=Post.Kind.PAGE)
    assert sent(remote) == []


def test_scheduled_post_goes_out_when_published(blog, remote, make_post, django_capture_on_commit_callbacks):
    post = make_post(blog, status=Post.Status.SCHEDULED, when=timezone.now() + timezone.timedelta(hours=1))
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timezone.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_services.publish_scheduled_post(post.pk)
    assert [a["type"] for a in sent(remote)] == ["Create"]


def test_sweep_sends_posts_whose_wake_up_was_lost(blog, remote, make_post):
    post = make_post(blog)  # no on_commit here: the signal never fired
    assert publishing.unfederated_posts(timezone.now() - timezone.timedelta(days=1)) == [post.pk]
    publishing.sync_post(post.pk)
    assert publishing.unfederated_posts(timezone.now() - timezone.timedelta(days=1)) == []


def test_sweep_sends_the_delete_of_posts_whose_wake_up_was_lost(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept, deleted, unpublished = (make_post(blog, title=t) for t in ("Kept", "Gone", "Draft again"))
    gone = {FederatedPost.objects.get(post=p).ap_id for p in (deleted, unpublished)}
    remote.received.clear()
    # No on_commit here: their signals never fired, as when the process died after the commit.
    post_services.delete_post(deleted)
    post_services.unpublish_post(unpublished, editor=unpublished.author)
    assert sent(remote) == []
    with django_capture_on_commit_callbacks(execute=True):
        tasks.federate_due_posts_task()
    assert sorted(a["type"] for a in sent(remote)) == ["Delete", "Delete"]
    assert {a["object"]["id"] for a in sent(remote)} == gone
    with django_capture_on_commit_callbacks(execute=True):
        tasks.federate_due_posts_task()
    assert len(sent(remote)) == 2  # once


def test_sweep_sends_the_update_of_a_post_whose_wake_up_was_lost_once(blog, remote, make_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, title="Heat survey")
    remote.received.clear()
    post.source = "Corrected: the survey runs until Friday."
    post_services.save_post(post, editor=post.author)  # no on_commit here: the signal never fired
    assert publishing.edited_posts() == []  # its own task may still be queued
    later = timezone.now() + delivery.GRACE + timezone.timedelta(seconds=1)
    assert publishing.edited_posts(later) == [post.pk]
    with django_capture_on_commit_callbacks(execute=True):
        for pk in publishing.edited_posts(later):
            publishing.sync_post(pk)
    [update] = sent(remote)
    assert update["type"] == "Update" and "until Friday" in update["object"]["content"]
    assert publishing.edited_posts(later) == []
