"""Follow requests from other servers, held when a blog approves followers, answered on the
dashboard's Followers screen; remote followers count in the blog's follower counts."""

import json
import re

import pytest
from django.test import Client

from samizdat.blogs.roles import Role
from samizdat.federation import delivery, inbox, services
from samizdat.federation.models import Delivery, Follower, InboxItem
from samizdat.social import services as social_services

from .conftest import AS, signed_post


@pytest.fixture
def blog(make_blog):
    return make_blog("dispatch", title="The Dispatch")


@pytest.fixture
def editor(blog, member):
    return member(blog, Role.EDITOR)


def owner_of(blog):
    return blog.memberships.get(role=Role.OWNER).user


def follow(client, remote, n=1):
    activity = {"@context": AS, "id": f"{remote.actor_id}#follows/{n}", "type": "Follow",
                "actor": remote.actor_id, "object": "http://127.0.0.1:8000/@dispatch/"}
    assert signed_post(client, "/inbox", activity, key=remote.key, key_id=remote.key_id).status_code == 202
    for item in InboxItem.objects.filter(state=InboxItem.State.QUEUED):
        inbox.process(item.pk)
    return activity


def delivered(remote):
    for row in Delivery.objects.filter(state=Delivery.State.PENDING):
        delivery.deliver(row.pk)
    sent = [json.loads(body) for _path, _headers, body in remote.received]
    remote.received.clear()
    return sent


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_actor_says_it_approves_followers_once_the_owner_turns_it_on(client, blog):
    owner = owner_of(blog)
    actor = lambda: json.loads(Client().get("/@dispatch/", HTTP_ACCEPT="application/activity+json").content)  # noqa: E731
    assert actor()["manuallyApprovesFollowers"] is False
    response = signed_in(owner).post("/dashboard/dispatch/settings/federation/", {"approve_followers": "on"})
    assert response.status_code == 302
    assert actor()["manuallyApprovesFollowers"] is True
    page = signed_in(owner).get("/dashboard/dispatch/settings/").content.decode()
    assert re.search(r'<input[^>]*name="approve_followers"[^>]*checked', page)


def test_held_request_is_accepted_on_the_followers_screen(client, blog, remote, editor):
    services.set_approve_followers(blog, True)
    activity = follow(client, remote)
    assert delivered(remote) == []  # nothing said until someone decides
    follower = Follower.objects.get(blog=blog)
    assert follower.status == Follower.Status.PENDING

    screen = signed_in(editor).get("/dashboard/dispatch/followers/").content.decode()
    assert "Follow requests" in screen and "Alice Remote" in screen and "@alice@127.0.0.1" in screen
    assert "0 followers" in Client().get("/@dispatch/").content.decode()  # a request is no follower yet

    response = signed_in(editor).post(f"/dashboard/dispatch/followers/{follower.pk}/accept/", follow=True)
    assert "Alice Remote" in response.content.decode() and "now follows this blog" in response.content.decode()
    [accept] = delivered(remote)
    assert accept["type"] == "Accept" and accept["object"]["id"] == activity["id"]
    assert Follower.objects.get().status == Follower.Status.ACCEPTED


def test_held_request_rejected_sends_reject_and_is_forgotten(client, blog, remote, editor):
    services.set_approve_followers(blog, True)
    activity = follow(client, remote)
    follower = Follower.objects.get()
    signed_in(editor).post(f"/dashboard/dispatch/followers/{follower.pk}/reject/")
    [reject] = delivered(remote)
    assert reject["type"] == "Reject" and reject["object"]["id"] == activity["id"]
    assert not Follower.objects.exists()


def test_removing_a_follower_tells_their_server(client, blog, remote, editor):
    follow(client, remote)
    delivered(remote)
    follower = Follower.objects.get()
    screen = signed_in(editor).get("/dashboard/dispatch/followers/").content.decode()
    assert "Followers on other servers" in screen and "Alice Remote" in screen
    signed_in(editor).post(f"/dashboard/dispatch/followers/{follower.pk}/reject/")
    assert [a["type"] for a in delivered(remote)] == ["Reject"] and not Follower.objects.exists()


def test_turning_approval_off_accepts_held_requests_and_tells_followers(client, blog, remote):
    services.set_approve_followers(blog, True)
    follow(client, remote)
    services.set_approve_followers(blog, False)
    assert Follower.objects.get().status == Follower.Status.ACCEPTED
    kinds = [a["type"] for a in delivered(remote)]
    assert "Accept" in kinds


def test_remote_followers_count_on_the_blog_and_in_settings(client, blog, remote, make_user):
    social_services.follow_blog(make_user("reader"), blog)
    assert "1 follower" in Client().get("/@dispatch/").content.decode()
    follow(client, remote)
    assert "2 followers" in Client().get("/@dispatch/").content.decode()
    settings_page = signed_in(owner_of(blog)).get("/dashboard/dispatch/settings/").content.decode()
    assert "2 people follow this blog." in settings_page
    services.set_approve_followers(blog, True)
    follow(client, remote, 2)  # a repeated Follow of an accepted follower stays accepted
    assert "2 followers" in Client().get("/@dispatch/").content.decode()


def test_followers_screen_is_for_editors_and_owners(blog, member):
    author = member(blog, Role.AUTHOR)
    assert signed_in(author).get("/dashboard/dispatch/followers/").status_code == 403
    assert "/dashboard/dispatch/followers/" not in signed_in(author).get("/dashboard/dispatch/posts/").content.decode()
