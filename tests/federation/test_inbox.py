"""The inbox against a real remote server on loopback: signatures, follows, and deliveries back."""

import json

import pytest

from samizdat.federation import delivery, inbox, services, signatures
from samizdat.federation.models import Delivery, Follower, InboxItem, Server

from .conftest import AS, signed_post

ACTOR = "http://127.0.0.1:8000/@dispatch/"


@pytest.fixture
def blog(make_blog):
    return make_blog("dispatch", title="The Dispatch")


def follow(remote, n=1):
    return {"@context": AS, "id": f"{remote.actor_id}#follows/{n}", "type": "Follow",
            "actor": remote.actor_id, "object": ACTOR}


def post_follow(client, remote, activity=None, **kwargs):
    return signed_post(client, "/inbox", activity or follow(remote), key=remote.key, key_id=remote.key_id, **kwargs)


def process_all():
    for item in InboxItem.objects.filter(state=InboxItem.State.QUEUED):
        inbox.process(item.pk)


def deliver_all():
    for pk in Delivery.objects.filter(state=Delivery.State.PENDING).values_list("pk", flat=True):
        delivery.deliver(pk)


def test_unsigned_post_is_refused_and_not_stored(client, blog, remote):
    response = client.post("/inbox", data=json.dumps(follow(remote)), content_type="application/activity+json")
    assert response.status_code == 401
    assert not InboxItem.objects.exists()


@pytest.mark.parametrize("style", [signatures.CAVAGE, signatures.RFC9421])
def test_signed_follow_is_accepted_and_the_follower_told(client, blog, remote, style):
    response = post_follow(client, remote, style=style)
    assert response.status_code == 202, response.content
    process_all()
    follower = Follower.objects.get(blog=blog)
    assert follower.status == Follower.Status.ACCEPTED
    assert follower.actor.shared_inbox == f"{remote.base}/inbox"
    assert follower.actor.name == "Alice Remote"
    deliver_all()
    [(path, headers, body)] = remote.received
    assert path == "/users/alice/inbox"
    accept = json.loads(body)
    assert accept["type"] == "Accept" and accept["actor"] == ACTOR
    assert accept["object"]["id"] == follow(remote)["id"]
    # The Accept is signed with the blog's key, as its actor document publishes it.
    actor = client.get("/@dispatch/", HTTP_ACCEPT="application/activity+json").json()
    message = signatures.Message("POST", remote.actor_id + "/inbox", headers, body)
    assert signatures.verify(message, lambda key_id, refresh: actor["publicKey"]["publicKeyPem"]) == actor["publicKey"]["id"]


def test_key_fetch_is_signed_by_the_instance_actor(client, blog, remote):
    post_follow(client, remote)
    path, headers = remote.gets[0]
    assert path == "/users/alice"
    assert "http://127.0.0.1:8000/actor#main-key" in (headers.get("Signature-Input", "") + headers.get("Signature", ""))


def test_server_refusing_rfc9421_gets_cavage_and_is_remembered(client, blog, remote):
    remote.refuse_rfc9421 = True
    assert post_follow(client, remote).status_code == 202
    process_all()
    deliver_all()
    [(_path, headers, _body)] = remote.received
    assert "Signature-Input" not in headers and 'algorithm="rsa-sha256"' in headers["Signature"]
    assert Server.objects.get(domain=remote.base.split("//")[1]).signature_style == "cavage"


def test_same_activity_twice_is_stored_once(client, blog, remote):
    post_follow(client, remote)
    assert post_follow(client, remote).status_code == 202
    assert InboxItem.objects.count() == 1


def test_key_of_another_actor_is_refused(client, blog, remote):
    activity = follow(remote) | {"actor": f"{remote.base}/users/mallory"}
    assert post_follow(client, remote, activity).status_code == 401


def test_tampered_body_is_refused(client, blog, remote):
    def tamper(message):
        message.body = message.body.replace(b"Follow", b"Folloq")

    assert post_follow(client, remote, tamper=tamper).status_code == 401


def test_rotated_key_is_refetched(client, blog, remote):
    post_follow(client, remote)
    remote.rotate_key()
    assert post_follow(client, remote, follow(remote, 2)).status_code == 202


def test_blog_approving_followers_holds_the_follow(client, blog, remote):
    services.set_approve_followers(blog, True)
    post_follow(client, remote)
    process_all()
    follower = Follower.objects.get(blog=blog)
    assert follower.status == Follower.Status.PENDING
    assert not Delivery.objects.exists()
    services.accept_follower(follower)
    deliver_all()
    assert json.loads(remote.received[0][2])["type"] == "Accept"


def test_undo_follow_removes_the_follower(client, blog, remote):
    post_follow(client, remote)
    process_all()
    undo = {"@context": AS, "id": f"{remote.actor_id}#undo/1", "type": "Undo", "actor": remote.actor_id,
            "object": follow(remote)}
    assert post_follow(client, remote, undo).status_code == 202
    process_all()
    assert not Follower.objects.exists()


def test_oversized_body_is_refused(client, blog, remote, settings):
    settings.SAMIZDAT_AP_MAX_BODY_BYTES = 100
    assert post_follow(client, remote).status_code == 413


def test_body_that_is_no_json_object_is_400(client, blog):
    for body in (b"{not json", b"[" * 50_000, b"[]"):
        assert client.post("/inbox", body, content_type="application/activity+json").status_code == 400


def test_inbox_rate_limit_answers_429(client, blog, remote, settings):
    settings.SAMIZDAT_AP_INBOX_RATE_PER_MINUTE = 2
    post_follow(client, remote, follow(remote, 1))
    post_follow(client, remote, follow(remote, 2))
    response = post_follow(client, remote, follow(remote, 3))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_failed_delivery_backs_off_and_opens_the_breaker(blog, remote):
    remote.inbox_status = 503
    payloads = [{"id": f"{ACTOR}#n{n}", "type": "Create"} for n in range(delivery.BREAKER_THRESHOLD + 1)]
    for payload in payloads:
        delivery.queue(blog, payload, [f"{remote.base}/inbox"])
    first = Delivery.objects.order_by("pk").first()
    assert not delivery.deliver(first.pk)
    first.refresh_from_db()
    assert first.state == Delivery.State.PENDING and first.attempts == 1 and first.last_status == 503
    assert first.next_attempt_at > first.created_at
    for row in Delivery.objects.order_by("pk")[1:]:
        delivery.deliver(row.pk)
    server = Server.objects.get(domain=remote.base.split("//")[1])
    assert server.failures >= delivery.BREAKER_THRESHOLD and server.resume_at is not None
    tries = len(remote.received) + 0
    remote.inbox_status = 202
    last = Delivery.objects.order_by("pk").last()
    Delivery.objects.filter(pk=last.pk).update(next_attempt_at=first.created_at)
    assert not delivery.deliver(last.pk)  # the breaker holds it back
    assert len(remote.received) == tries


def test_delivery_goes_once_per_shared_inbox(blog, remote):
    made = delivery.queue(blog, {"id": f"{ACTOR}#x", "type": "Create"}, [f"{remote.base}/inbox"] * 3)
    assert len(made) == 1
    assert delivery.deliver(made[0])
    assert Delivery.objects.get().state == Delivery.State.DELIVERED
