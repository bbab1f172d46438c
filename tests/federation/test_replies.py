"""Local comments on a federated post go out as replies, guests' ones on behalf of the blog."""

import datetime
import json

import pytest
from django.utils import timezone

from samizdat.comments import services as comments
from samizdat.comments.models import Comment, CommentSettings, Policy
from samizdat.federation import delivery, replies
from samizdat.federation.models import Follower, RemoteActor
from samizdat.posts.models import Post
from tests.comments.conftest import immediate_tasks  # noqa: F401

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def setup(make_blog, make_post, remote, django_capture_on_commit_callbacks):
    blog = make_blog("dispatch", title="The Dispatch")
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN, notify_authors=False)
    actor = RemoteActor.objects.create(
        ap_id=remote.actor_id, username="alice", url=f"{remote.base}/@alice",
        inbox=f"{remote.actor_id}/inbox", shared_inbox=f"{remote.base}/inbox",
    )
    Follower.objects.create(blog=blog, actor=actor, follow_id=f"{remote.actor_id}#f")
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, title="Heat survey")
    remote.received.clear()
    return post


def sent(remote):
    return [json.loads(body) for _path, _headers, body in remote.received]


def guest(post, body="Good work", name="Vera"):
    return comments.submit_comment(
        post, comments.Submission(body=body, name=name, email="vera@example.test", elapsed=60.0)
    )[0]


def test_guest_comment_goes_out_as_the_blogs_reply_with_the_guests_name(setup, remote, django_capture_on_commit_callbacks):
    post = setup
    with django_capture_on_commit_callbacks(execute=True):
        comment = guest(post)
    [create] = sent(remote)
    note = create["object"]
    assert create["type"] == "Create" and note["type"] == "Note"
    assert note["id"] == f"http://127.0.0.1:8000/ap/comments/{comment.pk}"
    assert note["inReplyTo"] == "http://127.0.0.1:8000" + post.get_absolute_url()
    assert note["attributedTo"] == "http://127.0.0.1:8000/@dispatch/"
    assert "Vera" in note["content"] and "Good work" in note["content"]
    assert "vera@example.test" not in json.dumps(create)


def test_reply_to_a_remote_comment_mentions_its_author(setup, remote, django_capture_on_commit_callbacks):
    post = setup
    parent, _ = comments.receive_remote_comment(
        post, parent=None, ap_id=f"{remote.actor_id}/statuses/1", author_name="Alice Remote",
        author_url=f"{remote.base}/@alice", author_avatar="", html="<p>Hi</p>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        comments.submit_comment(post, comments.Submission(
            body="Hello Alice", name="Vera", email="vera@example.test", elapsed=60.0, parent_id=parent.pk,
        ))
    [create] = sent(remote)
    note = create["object"]
    assert note["inReplyTo"] == f"{remote.actor_id}/statuses/1"
    assert remote.actor_id in note["cc"]
    assert note["tag"] == [{"type": "Mention", "href": remote.actor_id, "name": "@alice@" + remote.base.split("//")[1]}]


def test_held_comment_stays_home_until_approved(setup, remote, django_capture_on_commit_callbacks):
    CommentSettings.objects.filter(blog=setup.blog).update(policy=Policy.HOLD_ALL)
    post = Post.objects.select_related("blog").get(pk=setup.pk)  # not the cached settings
    with django_capture_on_commit_callbacks(execute=True):
        comment = guest(post)
    assert comment.status == Comment.Status.PENDING and sent(remote) == []
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(comment, "approve")
    assert [a["type"] for a in sent(remote)] == ["Create"]


def test_trashed_and_deleted_comments_are_deleted_remotely(setup, remote, django_capture_on_commit_callbacks):
    post = setup
    with django_capture_on_commit_callbacks(execute=True):
        first, second = guest(post, "One"), guest(post, "Two", name="Ivan")
    ids = {f"http://127.0.0.1:8000/ap/comments/{c.pk}" for c in (first, second)}
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(first, "trash")
    with django_capture_on_commit_callbacks(execute=True):
        comments.moderate(second, "delete")
    deletes = [a for a in sent(remote) if a["type"] == "Delete"]
    assert {d["object"]["id"] for d in deletes} == ids


def test_edit_sends_an_update(setup, remote, django_capture_on_commit_callbacks):
    post = setup
    with django_capture_on_commit_callbacks(execute=True):
        comment = guest(post)
    with django_capture_on_commit_callbacks(execute=True):
        comments.edit_comment(comment, body="Good work, corrected", name="Vera", url="")
    assert [a["type"] for a in sent(remote)] == ["Create", "Update"]


def test_comment_on_a_post_never_federated_stays_home(make_blog, make_post, remote, django_capture_on_commit_callbacks):
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN, notify_authors=False)
    post = make_post(blog)  # published before federation knew of it (no on_commit here)
    with django_capture_on_commit_callbacks(execute=True):
        guest(post)
    assert sent(remote) == []


def test_blog_inbox_reads_as_an_empty_collection(client, make_blog):
    make_blog("dispatch")
    response = client.get("/@dispatch/ap/inbox", HTTP_ACCEPT="application/activity+json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["type"] == "OrderedCollection" and response.json()["totalItems"] == 0


def test_sweep_sends_what_lost_wake_ups_left_untold_about_comments(setup, remote, django_capture_on_commit_callbacks):
    post = setup
    with django_capture_on_commit_callbacks(execute=True):
        trashed, deleted = guest(post, "One"), guest(post, "Two", name="Ivan")
    gone = {f"http://127.0.0.1:8000/ap/comments/{c.pk}" for c in (trashed, deleted)}
    remote.received.clear()
    # No on_commit here: their wake-ups never came, as when the process died after the commit.
    comments.moderate(trashed, "trash")
    comments.moderate(deleted, "delete")
    new = guest(post, "Three", name="Olga")
    Comment.objects.filter(pk=new.pk).update(notices_due=False)  # its sweep died at the queue write
    assert sent(remote) == []
    later = timezone.now() + delivery.GRACE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert replies.sync_due_comments(now=later) == 3
    assert sorted((a["type"], a["object"]["id"]) for a in sent(remote)) == sorted(
        [("Create", f"http://127.0.0.1:8000/ap/comments/{new.pk}"), *(("Delete", ap_id) for ap_id in gone)]
    )
    assert replies.sync_due_comments(now=later) == 0


def test_sweep_leaves_a_comment_changed_moments_ago_to_its_own_task(setup, remote):
    new = guest(setup, "Three", name="Olga")
    Comment.objects.filter(pk=new.pk).update(notices_due=False)
    assert replies.unfederated_comments() == []
    assert replies.unfederated_comments(now=timezone.now() + delivery.GRACE + datetime.timedelta(seconds=1)) == [new.pk]
