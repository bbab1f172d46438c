"""Personal access tokens and application passwords: made in the dashboard, shown once, hashed, revoked."""

import hashlib

from django.urls import reverse

from samizdat.api.models import Token

from .conftest import Api


def test_token_made_in_dashboard_is_shown_once_and_stored_only_as_digest(client, team):
    client.force_login(team.author)
    response = client.post(
        reverse("tokens:token_list"), {"kind": "personal", "name": "Phone", "scopes": ["read", "create"]}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["created"][1]
    assert secret.startswith("smz_") and secret in response.content.decode()
    token = Token.objects.get(user=team.author)
    assert token.scopes == ["read", "create"] and secret not in str(token.__dict__)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    # The list shows it by name, never its secret.
    listing = client.get(reverse("tokens:token_list")).content.decode()
    assert "Phone" in listing and secret not in listing


def test_token_works_until_revoked(client, team):
    client.force_login(team.author)
    secret = client.post(
        reverse("tokens:token_list"), {"kind": "personal", "name": "Script", "scopes": ["read"]}
    ).context["created"][1]
    api = Api(client, secret)
    client.logout()
    assert api.get("/api/v1/me").json()["username"] == "author"
    client.force_login(team.author)
    token = Token.objects.get(user=team.author)
    client.post(reverse("tokens:token_revoke", args=[token.pk]))
    client.logout()
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_app_password_signs_in_with_basic_auth_with_or_without_spaces(client, team):
    client.force_login(team.editor)
    password = client.post(
        reverse("tokens:token_list"), {"kind": "app_password", "name": "MarsEdit", "scopes": ["read"]}
    ).context["created"][1]
    client.logout()
    assert len(password) == 29 and password.count(" ") == 5
    for typed in (password, password.replace(" ", "")):
        assert Api(client, basic=("editor", typed)).get("/api/v1/me").json()["username"] == "editor"
    assert Api(client, basic=("author", password)).get("/api/v1/me").status_code == 401
    assert Api(client, basic=("editor", "wrong password here....")).get("/api/v1/me").status_code == 401


def test_token_form_without_name_or_scope_keeps_what_was_typed(client, team):
    client.force_login(team.author)
    response = client.post(reverse("tokens:token_list"), {"kind": "personal", "name": "Laptop"})
    assert response.status_code == 400 and not Token.objects.exists()
    assert 'value="Laptop"' in response.content.decode()


def test_someone_elses_token_cannot_be_revoked(client, team):
    from .conftest import token_for

    secret = token_for(team.owner)
    client.force_login(team.author)
    token = Token.objects.get(user=team.owner)
    assert client.post(reverse("tokens:token_revoke", args=[token.pk])).status_code == 404
    client.logout()
    assert Api(client, secret).get("/api/v1/me").status_code == 200
