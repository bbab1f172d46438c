"""Following out: a reader here follows a fediverse account from the Reader (the instance actor
sends the Follow), and the account's posts, edits and deletions reach the Reader."""

import json

import pytest
from django.test import Client

from samizdat.federation import delivery, inbox
from samizdat.federation.models import Delivery, Following, InboxItem
from samizdat.reader.models import Entry, Source

from .conftest import AS, signed_post

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def reader(make_user):
    client = Client()
    client.force_login(make_user("vera"))
    return client


def delivered(remote):
    for row in Delivery.objects.filter(state=Delivery.State.PENDING):
        delivery.deliver(row.pk)
    sent = [(path, headers, json.loads(body)) for path, headers, body in remote.received]
    remote.received.clear()
    return sent


def send(client, remote, activity):
    assert signed_post(client, "/inbox", activity, key=remote.key, key_id=remote.key_id).status_code == 202
    for item in InboxItem.objects.filter(state=InboxItem.State.QUEUED):
        inbox.process(item.pk)
    return InboxItem.objects.get(activity_id=activity["id"])


def note(remote, n=1, content="<p>Strike vote tonight</p><script>x()</script>"):
    return {"id": f"{remote.actor_id}/statuses/{n}", "type": "Note", "attributedTo": remote.actor_id,
            "content": content, "url": f"{remote.base}/@alice/{n}", "published": "2026-11-29T09:00:00Z",
            "to": [PUBLIC], "cc": [f"{remote.actor_id}/followers"]}


def create(remote, obj, verb="Create"):
    return {"@context": AS, "id": f"{obj['id']}/{verb.lower()}", "type": verb, "actor": remote.actor_id,
            "object": obj, "to": obj["to"], "cc": obj["cc"]}


def follow_alice(reader, remote):
    host = remote.base.split("://")[1]
    response = reader.post("/dashboard/reader/sources/", {"handle": f"@alice@{host}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    [(path, headers, follow)] = delivered(remote)
    return path, headers, follow


def test_following_an_account_sends_a_follow_from_the_instance_actor(client, reader, remote):
    path, headers, follow = follow_alice(reader, remote)
    assert path == "/users/alice/inbox"
    assert follow["type"] == "Follow" and follow["object"] == remote.actor_id
    assert follow["actor"] == "http://127.0.0.1:8000/actor"
    assert "http://127.0.0.1:8000/actor#main-key" in headers.get("Signature-Input", headers.get("Signature", ""))
    source = Source.objects.get()
    assert source.kind == Source.Kind.ACTOR and source.url == remote.actor_id and source.title == "Alice Remote"
    assert Following.objects.get().status == Following.Status.PENDING
    page = reader.get("/dashboard/reader/sources/").content.decode()
    assert "Alice Remote" in page and "its posts arrive as they are made" in page


def test_accepted_follow_brings_posts_edits_and_deletions_to_the_reader(client, reader, remote):
    _path, _headers, follow = follow_alice(reader, remote)
    accept = {"@context": AS, "id": f"{remote.actor_id}#accepts/follows/1", "type": "Accept",
              "actor": remote.actor_id, "object": follow["id"]}
    assert send(client, remote, accept).state == InboxItem.State.DONE
    assert Following.objects.get().status == Following.Status.ACCEPTED

    item = send(client, remote, create(remote, note(remote)))
    assert item.state == InboxItem.State.DONE, item.note
    page = reader.get("/dashboard/reader/").content.decode()
    assert "Strike vote tonight" in page and "<script>x()" not in page
    entry = Entry.objects.get()
    assert entry.link == f"{remote.base}/@alice/1" and entry.author == "Alice Remote"

    send(client, remote, create(remote, note(remote, content="<p>Strike vote moved to Friday</p>"), "Update"))
    assert "moved to Friday" in Entry.objects.get().content_html
    delete = {"@context": AS, "id": f"{remote.actor_id}/statuses/1#delete", "type": "Delete",
              "actor": remote.actor_id, "object": {"id": note(remote)["id"], "type": "Tombstone"}}
    assert send(client, remote, delete).state == InboxItem.State.DONE
    assert not Entry.objects.exists()


def test_posts_of_an_account_nobody_follows_are_ignored(client, remote, db):
    item = send(client, remote, create(remote, note(remote)))
    assert item.state == InboxItem.State.IGNORED and not Entry.objects.exists()


def test_last_reader_unfollowing_sends_undo(client, reader, remote, make_user):
    _path, _headers, follow = follow_alice(reader, remote)
    other = Client()
    other.force_login(make_user("ivan"))
    host = remote.base.split("://")[1]
    other.post("/dashboard/reader/sources/", {"handle": f"alice@{host}"})
    assert delivered(remote) == []  # one follow for the whole instance
    source = Source.objects.get()
    other.post(f"/dashboard/reader/sources/{source.pk}/unsubscribe/")
    assert delivered(remote) == [] and Following.objects.exists()
    reader.post(f"/dashboard/reader/sources/{source.pk}/unsubscribe/")
    [(_p, _h, undo)] = delivered(remote)
    assert undo["type"] == "Undo" and undo["object"]["id"] == follow["id"]
    assert not Following.objects.exists() and not Source.objects.exists()


def test_rejected_follow_shows_in_the_readers_list(client, reader, remote):
    _path, _headers, follow = follow_alice(reader, remote)
    reject = {"@context": AS, "id": f"{remote.actor_id}#rejects/follows/1", "type": "Reject",
              "actor": remote.actor_id, "object": follow}
    assert send(client, remote, reject).state == InboxItem.State.DONE
    assert not Following.objects.exists()
    assert "did not accept the follow" in reader.get("/dashboard/reader/sources/").content.decode()


@pytest.mark.parametrize("typed", ["not a handle", "@nobody@127.0.0.1:9", "@alice"])
def test_an_account_that_cannot_be_found_says_why_and_keeps_what_was_typed(reader, remote, typed):
    response = reader.post("/dashboard/reader/sources/", {"handle": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error"' in page and f'value="{typed}"' in page
    assert not Source.objects.exists() and not Following.objects.exists()


def test_reply_from_the_reader_goes_out_as_a_note_of_the_readers_blog(client, remote, make_blog):
    blog = make_blog("dispatch", title="The Dispatch")
    writer = Client()
    writer.force_login(blog.memberships.get().user)
    _path, _headers, follow = follow_alice(writer, remote)
    send(client, remote, {"@context": AS, "id": f"{remote.actor_id}#accepts/1", "type": "Accept",
                          "actor": remote.actor_id, "object": follow["id"]})
    send(client, remote, create(remote, note(remote)))
    entry = Entry.objects.get()
    assert f"/dashboard/reader/entries/{entry.pk}/reply/" in writer.get("/dashboard/reader/").content.decode()

    form = writer.get(f"/dashboard/reader/entries/{entry.pk}/reply/").content.decode()
    assert "Strike vote tonight" in form and "The Dispatch" in form
    response = writer.post(f"/dashboard/reader/entries/{entry.pk}/reply/", {"blog": blog.pk, "text": "We'll be *there*."})
    assert response.status_code == 302
    [(path, _headers, activity)] = delivered(remote)
    assert path == "/inbox" and activity["type"] == "Create"
    reply = activity["object"]
    assert reply["type"] == "Note" and reply["inReplyTo"] == note(remote)["id"]
    assert reply["attributedTo"] == activity["actor"] == "http://127.0.0.1:8000/@dispatch/"
    assert "<em>there</em>" in reply["content"] and PUBLIC in reply["to"] and remote.actor_id in reply["cc"]
    assert reply["tag"] == [{"type": "Mention", "href": remote.actor_id, "name": f"@alice@{remote.base.split('://')[1]}"}]
    fetched = Client().get(reply["id"].removeprefix("http://127.0.0.1:8000"), HTTP_ACCEPT="application/activity+json")
    assert json.loads(fetched.content) | {"@context": None} == reply | {"@context": None}


def test_empty_reply_is_refused_with_the_form_back(client, reader, remote, make_blog):
    blog = make_blog("dispatch")
    writer = Client()
    writer.force_login(blog.memberships.get().user)
    follow_alice(writer, remote)
    send(client, remote, create(remote, note(remote)))
    entry = Entry.objects.get()
    response = writer.post(f"/dashboard/reader/entries/{entry.pk}/reply/", {"blog": blog.pk, "text": ""})
    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    assert delivered(remote) == []


def accept_follow(client, reader, remote):
    _path, _headers, follow = follow_alice(reader, remote)
    send(client, remote, {"@context": AS, "id": f"{remote.actor_id}#accepts/1", "type": "Accept",
                          "actor": remote.actor_id, "object": follow["id"]})


def bobs_note(remote):
    """A post by bob, on alice's server, whom alice boosts; bob nobody here follows."""
    bob = f"{remote.base}/users/bob"
    remote.documents["/users/bob"] = {"@context": AS, "id": bob, "type": "Person", "preferredUsername": "bob",
                                      "name": "Bob Boosted", "inbox": f"{bob}/inbox",
                                      "publicKey": {"id": f"{bob}#main-key", "owner": bob,
                                                    "publicKeyPem": remote.public_pem}}
    document = {"@context": AS, "id": f"{bob}/statuses/9", "type": "Note", "attributedTo": bob,
                "content": "<p>Bridge closed</p><script>x()</script>", "url": f"{remote.base}/@bob/9",
                "to": [PUBLIC], "cc": [f"{bob}/followers"]}
    remote.documents["/users/bob/statuses/9"] = document
    return document


def boost(remote, obj):
    return {"@context": AS, "id": f"{remote.actor_id}/statuses/10/activity", "type": "Announce",
            "actor": remote.actor_id, "object": obj, "to": [PUBLIC], "cc": [f"{remote.actor_id}/followers"]}


def test_boost_by_a_followed_account_brings_the_boosted_post_and_undo_removes_it(client, reader, remote):
    accept_follow(client, reader, remote)
    item = send(client, remote, boost(remote, bobs_note(remote)["id"]))
    assert item.state == InboxItem.State.DONE, item.note
    page = reader.get("/dashboard/reader/").content.decode()
    assert "Boosted by Alice Remote" in page and "Bridge closed" in page and "Bob Boosted" in page
    assert "<script>x()" not in page
    entry = Entry.objects.get()
    assert entry.guid == f"{remote.base}/users/bob/statuses/9" and entry.author_url == f"{remote.base}/users/bob"
    undo = {"@context": AS, "id": f"{remote.actor_id}/statuses/10/undo", "type": "Undo", "actor": remote.actor_id,
            "object": {"id": boost(remote, "")["id"], "type": "Announce", "actor": remote.actor_id}}
    assert send(client, remote, undo).state == InboxItem.State.DONE
    assert not Entry.objects.exists()


def bobs_delete(remote):
    """Bob's Delete of his boosted post, a Tombstone, as Mastodon sends it."""
    bob = f"{remote.base}/users/bob"
    return {"@context": AS, "id": f"{bob}/statuses/9#delete", "type": "Delete", "actor": bob,
            "object": {"id": f"{bob}/statuses/9", "type": "Tombstone", "atomUri": f"{bob}/statuses/9"},
            "to": [PUBLIC]}


def test_boosted_post_deleted_by_its_author_leaves_the_reader_though_nobody_follows_them(client, reader, remote):
    accept_follow(client, reader, remote)
    send(client, remote, boost(remote, bobs_note(remote)["id"]))
    assert "Bridge closed" in reader.get("/dashboard/reader/").content.decode()
    # alice (the booster, on bob's very server) cannot delete bob's post.
    forged = {**bobs_delete(remote), "id": f"{remote.actor_id}#delete-bobs", "actor": remote.actor_id}
    assert send(client, remote, forged).state == InboxItem.State.IGNORED
    assert Entry.objects.exists()
    delete = bobs_delete(remote)
    response = signed_post(client, "/inbox", delete, key=remote.key, key_id=f"{remote.base}/users/bob#main-key")
    assert response.status_code == 202
    for item in InboxItem.objects.filter(state=InboxItem.State.QUEUED):
        inbox.process(item.pk)
    assert InboxItem.objects.get(activity_id=delete["id"]).state == InboxItem.State.DONE
    assert not Entry.objects.exists()
    assert "Bridge closed" not in reader.get("/dashboard/reader/?all=1").content.decode()


def test_undoing_a_boost_of_ones_own_post_keeps_the_post_in_the_reader(client, reader, remote):
    accept_follow(client, reader, remote)
    send(client, remote, create(remote, note(remote)))
    remote.documents["/users/alice/statuses/1"] = {"@context": AS, **note(remote)}
    send(client, remote, boost(remote, note(remote)["id"]))  # Mastodon lets alice boost herself
    assert Entry.objects.get().boosted_by == "Alice Remote"
    undo = {"@context": AS, "id": f"{remote.actor_id}/statuses/10/undo", "type": "Undo", "actor": remote.actor_id,
            "object": {"id": boost(remote, "")["id"], "type": "Announce", "actor": remote.actor_id}}
    assert send(client, remote, undo).state == InboxItem.State.DONE
    page = reader.get("/dashboard/reader/").content.decode()
    assert "Strike vote tonight" in page and "Boosted by" not in page


def test_boosted_post_is_read_from_its_own_server_not_the_boosters_word(client, reader, remote):
    accept_follow(client, reader, remote)
    forged = {"id": "https://elsewhere.example/notes/1", "type": "Note", "attributedTo": "https://elsewhere.example/u",
              "content": "<p>Forged</p>", "to": [PUBLIC]}
    item = send(client, remote, boost(remote, forged))
    assert item.state == InboxItem.State.IGNORED and not Entry.objects.exists()


def test_boosts_by_accounts_nobody_follows_bring_nothing(client, remote, db):
    item = send(client, remote, boost(remote, bobs_note(remote)["id"]))
    assert item.state == InboxItem.State.IGNORED and not Entry.objects.exists()


def test_last_reader_deleting_their_account_ends_the_follow(client, reader, remote):
    accept_follow(client, reader, remote)
    response = reader.post("/dashboard/privacy/delete/", {"comments": "keep", "username": "vera"})
    assert response.status_code == 302
    [(path, _headers, undo)] = delivered(remote)
    assert path == "/users/alice/inbox" and undo["type"] == "Undo" and undo["object"]["type"] == "Follow"
    assert not Following.objects.exists() and not Source.objects.exists()
    # Her posts are no longer kept.
    assert send(client, remote, create(remote, note(remote))).state == InboxItem.State.IGNORED


def test_blocking_a_followed_server_ends_the_follow(client, reader, remote, make_user):
    accept_follow(client, reader, remote)
    admin = Client()
    admin.force_login(make_user("root", is_superuser=True))
    response = admin.post("/admin/federation/block/add/", {"domain": "127.0.0.1", "actor_id": "", "reason": "spam"})
    assert response.status_code == 302, response.content.decode()[:2000]
    [(path, _headers, undo)] = delivered(remote)  # the blocked server still hears the Undo
    assert undo["type"] == "Undo" and undo["object"]["object"] == remote.actor_id
    assert not Following.objects.exists()
    assert "blocked" in reader.get("/dashboard/reader/sources/").content.decode()
