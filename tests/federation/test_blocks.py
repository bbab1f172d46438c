"""Blocking an account or a whole server: its activities are dropped, nothing goes to it."""


from samizdat.federation import blocks, delivery, inbox, services
from samizdat.federation.models import Delivery, Follower, InboxItem, RemoteActor

from .conftest import AS, signed_post

ACTOR = "http://127.0.0.1:8000/@dispatch/"


def follow(remote, n=1):
    return {"@context": AS, "id": f"{remote.actor_id}#follows/{n}", "type": "Follow", "actor": remote.actor_id, "object": ACTOR}


def test_blocked_server_is_dropped_without_a_key_fetch(client, make_blog, remote):
    make_blog("dispatch")
    blocks.block(domain="127.0.0.1", reason="test")
    response = signed_post(client, "/inbox", follow(remote), key=remote.key, key_id=remote.key_id)
    assert response.status_code == 202
    assert not InboxItem.objects.exists() and remote.gets == []


def test_blocked_account_is_dropped(client, make_blog, remote):
    make_blog("dispatch")
    blocks.block(actor_id=remote.actor_id)
    signed_post(client, "/inbox", follow(remote), key=remote.key, key_id=remote.key_id)
    assert not InboxItem.objects.exists()


def test_block_removes_followers_and_stops_deliveries(make_blog, remote):
    blog = make_blog("dispatch")
    actor = RemoteActor.objects.create(ap_id=remote.actor_id, inbox=f"{remote.actor_id}/inbox",
                                       shared_inbox=f"{remote.base}/inbox")
    Follower.objects.create(blog=blog, actor=actor, follow_id="x")
    assert services.follower_inboxes(blog) == [f"{remote.base}/inbox"]
    blocks.block(domain="127.0.0.1")
    assert not Follower.objects.exists()
    delivery.queue(blog, {"id": f"{ACTOR}#x", "type": "Create"}, [f"{remote.base}/inbox"])
    assert not Delivery.objects.exists()


def test_other_servers_are_not_caught_by_a_block(client, make_blog, remote):
    make_blog("dispatch")
    blocks.block(domain="spam.example")
    assert signed_post(client, "/inbox", follow(remote), key=remote.key, key_id=remote.key_id).status_code == 202
    for item in InboxItem.objects.all():
        inbox.process(item.pk)
    assert Follower.objects.count() == 1
    assert blocks.is_blocked("https://a.spam.example/users/x") and not blocks.is_blocked("https://notspam.example/u")
