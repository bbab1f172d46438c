"""A person downloads all their data as JSON, and deletes their account, keeping their comments as
"deleted user" or removing them."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from samizdat.accounts.models import User
from samizdat.comments.models import Comment, Subscription
from samizdat.social.services import follow_blog, like_post


@pytest.fixture
def reader(make_user, make_post):
    """A reader who commented, liked, followed and subscribed, with an outside account connected."""
    user = make_user("nadia", display_name="Nadia K.")
    post = make_post()
    comment = Comment.objects.create(post=post, user=user, author_name="Nadia K.", author_email="nadia@example.test",
                                     body="Solidarity.", html="<p>Solidarity.</p>", status=Comment.Status.APPROVED)
    reply = Comment.objects.create(post=post, parent=comment, author_name="Guest", author_email="g@example.test",
                                   body="Agreed.", html="<p>Agreed.</p>", status=Comment.Status.APPROVED, depth=2)
    like_post(user, post)
    follow_blog(user, post.blog)
    Subscription.objects.create(email="Nadia@example.test", kind=Subscription.Kind.POSTS, blog=post.blog)
    SocialAccount.objects.create(user=user, provider="alice-idp", uid="nadia-elsewhere")
    return dict(user=user, post=post, comment=comment, reply=reply)


def test_download_holds_profile_comments_likes_follows_and_subscriptions(client, reader):
    client.force_login(reader["user"])
    response = client.get("/dashboard/privacy/export.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["display_name"] == "Nadia K."
    assert data["profile"]["email_addresses"][0]["email"] == "nadia@example.test"
    assert data["profile"]["outside_accounts"] == [
        {"provider": "alice-idp", "uid": "nadia-elsewhere", "date_joined": data["profile"]["outside_accounts"][0]["date_joined"]}
    ]
    assert [c["body"] for c in data["comments"]] == ["Solidarity."]
    assert data["likes"][0]["post"].endswith(reader["post"].get_absolute_url())
    assert data["follows"][0]["blog"] == reader["post"].blog.slug
    assert data["email_subscriptions"][0]["kind"] == "posts"


def test_download_holds_reader_feeds_api_tokens_and_connected_applications_without_secrets(client, reader):
    from oauth2_provider.models import Application

    from samizdat.api.tokens import create_token
    from samizdat.provider.services import remember_consent
    from samizdat.reader.models import Source, Subscription as ReaderSubscription

    user = reader["user"]
    source = Source.objects.create(url="https://news.example.org/feed/", title="Strike news")
    ReaderSubscription.objects.create(user=user, source=source)
    _, secret = create_token(user, name="Phone app", scopes=["read", "create"])
    application = Application.objects.create(
        name="Union notes", client_type="public", authorization_grant_type="authorization-code",
        redirect_uris="https://notes.example.org/cb")
    remember_consent(user, application, ["read"])
    client.force_login(user)
    body = client.get("/dashboard/privacy/export.json").content.decode()
    data = json.loads(body)
    assert data["reader"] == [{"kind": "feed", "address": "https://news.example.org/feed/", "site": "",
                               "title": "Strike news", "since": data["reader"][0]["since"]}]
    assert [(t["name"], t["scopes"]) for t in data["api_tokens"]] == [("Phone app", ["read", "create"])]
    assert [(a["name"], a["scopes"]) for a in data["connected_applications"]] == [("Union notes", ["read"])]
    # The file is for keeping: no secret in it, not even a token's hash.
    token = user.api_tokens.get()
    assert secret not in body and token.digest not in body


def test_download_holds_nobody_elses_data(client, reader, make_user):
    other = make_user("other")
    client.force_login(other)
    data = json.loads(client.get("/dashboard/privacy/export.json").content)
    assert data["comments"] == [] and data["likes"] == [] and data["email_subscriptions"] == []
    assert "nadia" not in json.dumps(data).lower()


def delete(client, user, comments):
    client.force_login(user)
    return client.post("/dashboard/privacy/delete/", {"comments": comments, "username": user.username})


def test_delete_keeping_comments_shows_them_as_deleted_user(client, reader):
    response = delete(client, reader["user"], "keep")
    assert response.status_code == 302
    assert not User.objects.filter(username="nadia").exists()
    comment = Comment.objects.get(pk=reader["comment"].pk)
    assert comment.user is None and comment.author_name == "deleted user" and comment.author_email == ""
    page = client.get(reader["post"].get_absolute_url()).content.decode()
    assert "deleted user" in page and "Nadia K." not in page and "Agreed." in page
    assert not EmailAddress.objects.filter(email="nadia@example.test").exists()
    assert not SocialAccount.objects.filter(uid="nadia-elsewhere").exists()
    assert not Subscription.objects.exists()
    assert "_auth_user_id" not in client.session


def test_delete_removing_comments_removes_them(client, reader):
    delete(client, reader["user"], "delete")
    assert not Comment.objects.filter(pk=reader["comment"].pk).exists()
    assert "Solidarity." not in client.get(reader["post"].get_absolute_url()).content.decode()


def test_delete_needs_the_username_typed(client, reader):
    client.force_login(reader["user"])
    response = client.post("/dashboard/privacy/delete/", {"comments": "keep", "username": "someone"})
    assert response.status_code == 400 and "not your username" in response.content.decode()
    assert User.objects.filter(username="nadia").exists()


def test_writer_with_posts_is_told_what_to_do_first(client, make_post):
    post = make_post()
    author = post.author
    response = delete(client, author, "keep")
    assert response.status_code == 400
    assert "written posts" in response.content.decode()
    assert User.objects.filter(pk=author.pk).exists()
