"""Boosts (Announce) and quote posts as Mastodon, Misskey, Pleroma/Akkoma and GoToSocial send them,
through the signed inbox to "Reblogged by" under the post."""

import json

import pytest
from django.test import Client

from samizdat.federation import delivery
from samizdat.federation.models import Delivery, InboxItem
from samizdat.posts import services as post_services
from samizdat.reblogs.models import Reblog

from .test_conversations import blog, payload, post, send, url_of  # noqa: F401

ANNOUNCES = ["mastodon_announce.json", "misskey_renote.json", "pleroma_announce.json", "gotosocial_announce.json"]
QUOTES = ["misskey_quote.json", "akkoma_quote.json"]


def page(post):
    return Client().get(post.get_absolute_url()).content.decode()


def delivered(remote):
    for row in Delivery.objects.filter(state=Delivery.State.PENDING):
        delivery.deliver(row.pk)
    return [json.loads(body) for _path, _headers, body in remote.received]


@pytest.mark.parametrize("name", ANNOUNCES)
def test_boost_from_each_server_shows_as_reblogged_by(client, remote, post, name):
    item = send(client, remote, payload(name, remote, url_of(post)))
    assert item.state == InboxItem.State.DONE, item.note
    row = Reblog.objects.get(original=post)
    assert row.local is False and row.actor_url == remote.actor_id and not row.is_quote
    html = page(post)
    assert "Reblogged 1 time" in html
    assert f'<a href="{remote.base}/@alice">Alice Remote</a>' in html


def test_boost_twice_counts_once_and_undo_takes_it_back(client, remote, post):
    send(client, remote, payload("mastodon_announce.json", remote, url_of(post)))
    again = payload("gotosocial_announce.json", remote, url_of(post))
    assert "already" in send(client, remote, again).note
    assert Reblog.objects.filter(original=post).count() == 1
    item = send(client, remote, payload("mastodon_undo_announce.json", remote, url_of(post)))
    assert item.state == InboxItem.State.DONE, item.note
    assert not Reblog.objects.exists()
    assert 'class="reblogged-by"' not in page(post)


def test_undo_of_someone_elses_boost_changes_nothing(client, remote, post):
    send(client, remote, payload("mastodon_announce.json", remote, url_of(post)))
    Reblog.objects.update(actor_url=f"{remote.base}/users/bob")
    item = send(client, remote, payload("mastodon_undo_announce.json", remote, url_of(post)))
    assert item.state == InboxItem.State.IGNORED and Reblog.objects.count() == 1


def test_boost_addressed_to_followers_only_is_not_listed(client, remote, post):
    activity = payload("mastodon_announce.json", remote, url_of(post)) | {"to": [f"{remote.actor_id}/followers"], "cc": []}
    item = send(client, remote, activity)
    assert item.state == InboxItem.State.IGNORED and not Reblog.objects.exists()


def test_boost_of_a_draft_or_elsewhere_is_ignored(client, remote, post):
    target = url_of(post)
    post_services.unpublish_post(post, editor=post.author)
    assert send(client, remote, payload("mastodon_announce.json", remote, target)).state == InboxItem.State.IGNORED
    other = payload("gotosocial_announce.json", remote, "https://elsewhere.example/notes/1")
    assert send(client, remote, other).state == InboxItem.State.IGNORED
    assert not Reblog.objects.exists()


@pytest.mark.parametrize("name", QUOTES)
def test_quote_post_is_a_reblog_linking_to_the_quote(client, remote, post, name):
    activity = payload(name, remote, url_of(post))
    item = send(client, remote, activity)
    assert item.state == InboxItem.State.DONE, item.note
    row = Reblog.objects.get(original=post)
    assert row.is_quote and row.ap_id == activity["object"]["id"]
    assert f'<a href="{activity["object"]["id"]}">Alice Remote</a>' in page(post)


def test_deleted_quote_post_is_no_longer_listed(client, remote, post):
    activity = payload("misskey_quote.json", remote, url_of(post))
    send(client, remote, activity)
    delete = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{remote.base}/notes/9zr0quote01/delete",
              "type": "Delete", "actor": remote.actor_id,
              "object": {"id": activity["object"]["id"], "type": "Tombstone"}}
    assert send(client, remote, delete).state == InboxItem.State.DONE
    assert not Reblog.objects.exists() and 'class="reblogged-by"' not in page(post)


def test_reply_that_quotes_is_both_a_comment_and_a_reblog(client, remote, post):
    activity = payload("misskey_quote.json", remote, url_of(post))
    activity["object"]["inReplyTo"] = url_of(post)
    item = send(client, remote, activity)
    assert "reblog" in item.note and "comment" in item.note
    assert post.comments.filter(local=False).exists() and Reblog.objects.filter(is_quote=True).exists()


def test_mastodon_quote_request_is_accepted_with_an_authorization_we_serve(client, remote, post):
    note = payload("mastodon_quote_note.json", remote, url_of(post))
    remote.documents["/users/alice/statuses/113500000000000777"] = note
    request = payload("mastodon_quote_request.json", remote, url_of(post))
    item = send(client, remote, request)
    assert item.state == InboxItem.State.DONE, item.note
    row = Reblog.objects.get(original=post, is_quote=True)
    assert f'<a href="{remote.base}/@alice/113500000000000777">Alice Remote</a>' in page(post)

    [accept] = delivered(remote)
    assert accept["type"] == "Accept" and accept["actor"] == "http://127.0.0.1:8000/@dispatch/"
    assert accept["object"]["id"] == request["id"] and accept["object"]["instrument"] == note["id"]
    stamp = Client().get(accept["result"].removeprefix("http://127.0.0.1:8000"), HTTP_ACCEPT="application/activity+json")
    document = json.loads(stamp.content)
    assert document["type"] == "QuoteAuthorization" and document["id"] == accept["result"]
    assert document["interactingObject"] == note["id"] and document["interactionTarget"] == url_of(post)
    assert document["attributedTo"] == accept["actor"]
    # The post says anyone may quote it, which is why Mastodon asks.
    article = json.loads(Client().get(post.get_absolute_url(), HTTP_ACCEPT="application/activity+json").content)
    assert article["interactionPolicy"]["canQuote"]["automaticApproval"] == ["https://www.w3.org/ns/activitystreams#Public"]
    # Once the quote is gone, so is its authorization.
    row.delete()
    assert Client().get(accept["result"].removeprefix("http://127.0.0.1:8000")).status_code == 404


def test_quote_request_for_a_followers_only_quote_is_rejected(client, remote, post):
    note = payload("mastodon_quote_note.json", remote, url_of(post)) | {"to": [f"{remote.actor_id}/followers"], "cc": []}
    request = payload("mastodon_quote_request.json", remote, url_of(post)) | {"instrument": note}
    send(client, remote, request)
    assert not Reblog.objects.exists()
    [reject] = delivered(remote)
    assert reject["type"] == "Reject" and reject["object"]["id"] == request["id"] and "result" not in reject
