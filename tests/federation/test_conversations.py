"""Replies and likes as Mastodon, Pleroma/Akkoma, Misskey, GoToSocial and the WordPress plugin send
them (payloads/, shaped after what those servers send), through the signed inbox to comments and likes."""

import json
from pathlib import Path

import pytest
from django.test import Client

from samizdat.comments.models import Comment, CommentSettings, Policy
from samizdat.federation import inbox
from samizdat.federation.models import InboxItem
from samizdat.social.models import Like

from .conftest import signed_post

PAYLOADS = Path(__file__).parent / "payloads"
BLOG_ACTOR = "http://127.0.0.1:8000/@dispatch/"
REPLIES = ["mastodon_reply.json", "pleroma_reply.json", "misskey_reply.json", "gotosocial_reply.json",
           "wordpress_reply.json"]
LIKES = ["mastodon_like.json", "misskey_like.json", "gotosocial_like.json", "akkoma_emoji_react.json"]


@pytest.fixture
def blog(make_blog):
    return make_blog("dispatch", title="The Dispatch")


@pytest.fixture
def post(blog, make_post):
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog, title="Heat survey")


def url_of(post):
    return "http://127.0.0.1:8000" + post.get_absolute_url()


def payload(name, remote, target):
    text = (PAYLOADS / name).read_text()
    for key, value in {"{actor}": remote.actor_id, "{origin}": remote.base, "{target}": target,
                       "{blog}": BLOG_ACTOR}.items():
        text = text.replace(key, value)
    return json.loads(text)


def send(client, remote, activity):
    response = signed_post(client, "/inbox", activity, key=remote.key, key_id=remote.key_id)
    assert response.status_code == 202, response.content
    for item in InboxItem.objects.filter(state=InboxItem.State.QUEUED):
        inbox.process(item.pk)
    return InboxItem.objects.get(activity_id=activity["id"])


@pytest.mark.parametrize("name", REPLIES)
def test_reply_from_each_server_becomes_a_comment(client, remote, post, name):
    activity = payload(name, remote, url_of(post))
    item = send(client, remote, activity)
    assert item.state == InboxItem.State.DONE, item.note
    comment = Comment.objects.get(post=post)
    assert comment.local is False and comment.ap_id == activity["object"]["id"]
    assert comment.status == Comment.Status.APPROVED
    assert comment.author_name == "Alice Remote"
    assert comment.author_url == f"{remote.base}/@alice"
    assert "<script" not in comment.html
    assert comment.author_avatar.startswith("avatars/")
    page = Client().get(post.get_absolute_url()).content.decode()
    assert comment.html in page
    assert f'src="/media/{comment.author_avatar}"' in page
    assert f'href="{remote.base}/@alice"' in page
    assert f'src="{remote.base}' not in page  # never hot-linked


def test_reply_to_a_comment_joins_its_thread(client, remote, post):
    parent = Comment.objects.create(post=post, author_name="Vera", body="First", html="<p>First</p>",
                                    status=Comment.Status.APPROVED)
    send(client, remote, payload("mastodon_reply.json", remote, f"http://127.0.0.1:8000/ap/comments/{parent.pk}"))
    reply = Comment.objects.get(local=False)
    assert reply.parent == parent and reply.depth == 2


def test_first_remote_reply_is_held_when_the_blog_holds_first_comments(client, remote, post):
    CommentSettings.objects.filter(blog=post.blog).update(policy=Policy.HOLD_FIRST)
    send(client, remote, payload("mastodon_reply.json", remote, url_of(post)))
    comment = Comment.objects.get(local=False)
    assert comment.status == Comment.Status.PENDING and "first_time" in comment.reasons
    assert comment.html not in Client().get(post.get_absolute_url()).content.decode()


def test_same_reply_twice_is_one_comment(client, remote, post):
    activity = payload("mastodon_reply.json", remote, url_of(post))
    send(client, remote, activity)
    from samizdat.federation import handlers

    handlers.dispatch(activity, InboxItem.objects.get().actor, None)
    assert Comment.objects.count() == 1


def test_edit_and_delete_of_a_reply(client, remote, post):
    send(client, remote, payload("mastodon_reply.json", remote, url_of(post)))
    send(client, remote, payload("mastodon_update.json", remote, url_of(post)))
    comment = Comment.objects.get(local=False)
    assert "corrected" in comment.html
    send(client, remote, payload("mastodon_delete.json", remote, url_of(post)))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH


def test_direct_message_is_no_comment(client, remote, post):
    activity = payload("mastodon_reply.json", remote, url_of(post))
    activity["object"]["to"], activity["object"]["cc"] = [BLOG_ACTOR], []
    item = send(client, remote, activity)
    assert item.state == InboxItem.State.IGNORED and not Comment.objects.exists()


def test_reply_to_something_else_is_ignored(client, remote, post):
    item = send(client, remote, payload("mastodon_reply.json", remote, "https://elsewhere.example/notes/1"))
    assert item.state == InboxItem.State.IGNORED and not Comment.objects.exists()


def test_reply_to_a_closed_post_is_refused(client, remote, post):
    from samizdat.comments.services import set_post_open

    set_post_open(post, False)
    item = send(client, remote, payload("mastodon_reply.json", remote, url_of(post)))
    assert item.state == InboxItem.State.IGNORED and not Comment.objects.exists()


@pytest.mark.parametrize("name", LIKES)
def test_like_from_each_server_is_counted_with_the_liker_listed(client, remote, post, name):
    item = send(client, remote, payload(name, remote, url_of(post)))
    assert item.state == InboxItem.State.DONE, item.note
    like = Like.objects.get(post=post)
    assert like.local is False and like.actor_id == remote.actor_id
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "1 blogger likes this." in page
    assert f'href="{remote.base}/@alice"' in page and 'title="Alice Remote"' in page


def test_like_twice_counts_once_and_undo_takes_it_back(client, remote, post):
    send(client, remote, payload("mastodon_like.json", remote, url_of(post)))
    again = payload("mastodon_like.json", remote, url_of(post)) | {"id": f"{remote.actor_id}#likes/2"}
    send(client, remote, again)
    assert Like.objects.count() == 1
    send(client, remote, payload("mastodon_undo_like.json", remote, url_of(post)))
    assert not Like.objects.exists()
