"""Tokens from the instance's OAuth 2 / IndieAuth provider work on every API surface, with their scopes."""

import datetime

from django.utils import timezone
from oauth2_provider.models import AccessToken

from samizdat.posts.models import Post
from samizdat.provider.services import register_client


def _token(user, scope, *, expired=False):
    client = register_client("Writing app", ["https://app.example/callback"])
    expires = timezone.now() + datetime.timedelta(hours=-1 if expired else 1)
    AccessToken.objects.create(
        user=user, application=client.application, token=f"oauth-{scope}-{expired}", scope=scope, expires=expires
    )
    return f"oauth-{scope}-{expired}"


def test_oauth_token_reads_and_writes_within_its_scopes(client, team):
    token = _token(team.author, "openid read create")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "author"
    created = client.post(
        "/api/v1/blogs/union/posts", {"title": "From an app"}, content_type="application/json", headers=headers
    )
    assert created.status_code == 201
    refused = client.delete(f"/api/v1/blogs/union/posts/{created.json()['id']}", headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert Post.objects.filter(title="From an app").exists()


def test_indieauth_style_token_posts_through_micropub(client, team):
    token = _token(team.author, "profile create media")
    response = client.post("/@union/micropub", {"content": "Hello from Quill"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201 and Post.objects.get().source == "Hello from Quill"


def test_expired_or_identity_only_tokens_do_nothing(client, team):
    expired = _token(team.author, "read create", expired=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    identity = _token(team.author, "openid profile")
    response = client.get("/api/v1/blogs", headers={"Authorization": f"Bearer {identity}"})
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
