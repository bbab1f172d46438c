"""The instance as an OpenID Connect provider, driven over HTTP against a live server."""

import json
import secrets
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from jwcrypto import jwk, jwt

from samizdat.pages import store
from samizdat.provider import services
from samizdat.provider.models import Consent

from .conftest import CALLBACK, csrf_form, pkce_pair, query_of


def authorize(client, app, *, scope="openid profile", state=None, nonce=None, challenge=None, redirect_uri=CALLBACK,
              **extra):
    params = dict(response_type="code", client_id=app.client_id, redirect_uri=redirect_uri, scope=scope,
                  state=state or secrets.token_urlsafe(8), nonce=nonce or secrets.token_urlsafe(8), **extra)
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return client.get("/oauth/authorize/", params=params)


def allow(client, consent_page):
    fields = csrf_form(client, consent_page)
    return client.post("/oauth/authorize/", data={**fields, "allow": "on"},
                       headers={"Referer": str(consent_page.url)})


def exchange(http_client, app, code, verifier=None, redirect_uri=CALLBACK):
    data = dict(grant_type="authorization_code", code=code, redirect_uri=redirect_uri, client_id=app.client_id)
    if app.client_secret:
        data["client_secret"] = app.client_secret
    if verifier:
        data["code_verifier"] = verifier
    return http_client.post("/oauth/token/", data=data)


def get_code(client, app, **kwargs):
    """Go through authorize and consent; the redirect's query (code, state, iss)."""
    response = authorize(client, app, **kwargs)
    if response.status_code == 200:
        response = allow(client, response)
    assert response.status_code == 302, response.text[:500]
    assert response.headers["location"].startswith(kwargs.get("redirect_uri", CALLBACK))
    return query_of(response.headers["location"])


def test_discovery_document_names_our_endpoints_and_rs256(http_client, live_server):
    config = http_client.get("/.well-known/openid-configuration").json()
    assert config["issuer"] == live_server.url
    assert config["authorization_endpoint"] == live_server.url + "/oauth/authorize/"
    assert config["userinfo_endpoint"] == live_server.url + "/oauth/userinfo/"
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["response_types_supported"] == ["code"]
    keys = http_client.get(urlsplit(config["jwks_uri"]).path).json()["keys"]
    assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0]


def test_code_flow_gives_signed_id_token_and_userinfo(signed_in, http_client, oidc_client, live_server):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    consent = authorize(reader, oidc_client, scope="openid profile", challenge=challenge, state="st-1", nonce="n-1")
    assert consent.status_code == 200
    assert "Allow Instance B to use your account?" in consent.text
    answer = query_of(allow(reader, consent).headers["location"])
    assert answer["state"] == "st-1" and answer["iss"] == live_server.url
    tokens = exchange(http_client, oidc_client, answer["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    tokens = tokens.json()

    keys = jwk.JWKSet.from_json(http_client.get("/.well-known/jwks.json").text)
    id_token = jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"])
    claims = json.loads(id_token.claims)
    assert claims["iss"] == live_server.url
    assert claims["aud"] == oidc_client.client_id
    assert claims["nonce"] == "n-1"
    assert claims["sub"] == str(reader.user.pk)

    info = http_client.get("/oauth/userinfo/", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert info["sub"] == str(reader.user.pk)
    assert info["preferred_username"] == reader.user.username
    assert info["name"] == "Ana Petrova"
    assert info["profile"] == f"{live_server.url}/~{reader.user.username}/"
    assert info["picture"].startswith(live_server.url + "/")
    assert "email" not in info  # not asked for (and not confirmed)
    picture = http_client.get(urlsplit(info["picture"]).path)
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/svg+xml"


def test_unconfirmed_email_is_not_given_even_with_email_scope(signed_in, http_client, oidc_client, make_user):
    # Accounts the admin makes start confirmed (samizdat.accounts.services.create_user): unconfirm it.
    user = make_user(display_name="Ana Petrova")
    user.emailaddress_set.update(verified=False)
    reader = signed_in(user)
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, scope="openid email", challenge=challenge)
    token = exchange(http_client, oidc_client, answer["code"], verifier).json()["access_token"]
    info = http_client.get("/oauth/userinfo/", headers={"Authorization": f"Bearer {token}"}).json()
    assert reader.user.email and "email" not in info


def test_consent_is_remembered_for_the_same_scopes(signed_in, oidc_client):
    reader = signed_in()
    get_code(reader, oidc_client, challenge=pkce_pair()[1])
    assert Consent.objects.filter(user=reader.user, application=oidc_client.application).exists()
    again = authorize(reader, oidc_client, challenge=pkce_pair()[1])
    assert again.status_code == 302 and "code" in query_of(again.headers["location"])
    # A wider request asks again.
    wider = authorize(reader, oidc_client, scope="openid profile email", challenge=pkce_pair()[1])
    assert wider.status_code == 200 and "Allow Instance B" in wider.text


def test_denying_sends_access_denied_back(signed_in, oidc_client):
    reader = signed_in()
    consent = authorize(reader, oidc_client, challenge=pkce_pair()[1], state="keep-me")
    response = reader.post("/oauth/authorize/", data=csrf_form(reader, consent))
    answer = query_of(response.headers["location"])
    assert answer["error"] == "access_denied" and answer["state"] == "keep-me"
    assert not Consent.objects.filter(user=reader.user).exists()


def test_signed_out_reader_is_sent_to_our_login_page(http_client, oidc_client):
    response = authorize(http_client, oidc_client, challenge=pkce_pair()[1])
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(resolve_url(settings.LOGIN_URL))
    assert query_of(location)["next"].startswith("/oauth/authorize/?response_type=code")


def test_wrong_pkce_verifier_is_refused(signed_in, http_client, oidc_client):
    reader = signed_in()
    _verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, challenge=challenge)
    response = exchange(http_client, oidc_client, answer["code"], pkce_pair()[0])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_public_client_must_use_pkce(signed_in, public_client):
    reader = signed_in()
    response = authorize(reader, public_client)
    answer = query_of(response.headers["location"])
    assert answer["error"] == "invalid_request"
    assert "code" not in answer


def test_public_client_flow_with_pkce_works_without_secret(signed_in, http_client, public_client):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, public_client, challenge=challenge)
    response = exchange(http_client, public_client, answer["code"], verifier)
    assert response.status_code == 200 and response.json()["id_token"]


def test_unregistered_redirect_uri_shows_an_error_and_does_not_redirect(signed_in, oidc_client):
    reader = signed_in()
    response = authorize(reader, oidc_client, challenge=pkce_pair()[1], redirect_uri="http://evil.test/cb")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "This sign-in request cannot go on" in response.text


def test_replayed_code_is_refused(signed_in, http_client, oidc_client):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, challenge=challenge)
    assert exchange(http_client, oidc_client, answer["code"], verifier).status_code == 200
    replay = exchange(http_client, oidc_client, answer["code"], verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(signed_in, http_client, oidc_client):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, challenge=challenge)
    response = http_client.post("/oauth/token/", data=dict(
        grant_type="authorization_code", code=answer["code"], redirect_uri=CALLBACK, code_verifier=verifier,
        client_id=oidc_client.client_id, client_secret="not-the-secret"))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("scope", ["read create media", "read"])
def test_bearer_grant_turns_an_api_token_into_user_and_scopes(signed_in, http_client, oidc_client, scope):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, scope=scope, challenge=challenge)
    token = exchange(http_client, oidc_client, answer["code"], verifier).json()["access_token"]
    grant = services.bearer_grant(token)
    assert grant.user == reader.user and grant.scopes == frozenset(scope.split())
    assert services.bearer_grant(token + "x") is None
    services.revoke_consent(reader.user, oidc_client.application)
    assert services.bearer_grant(token) is None


def test_signing_in_to_a_client_leaves_the_stored_public_pages_alone(signed_in, http_client, oidc_client, make_post):
    post = make_post()
    reader = signed_in()  # a new user: every stored page goes, so read the post afterwards
    http_client.get(post.get_absolute_url())
    stored = list((store.root() / "www").rglob("index.html"))
    assert stored
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, challenge=challenge)
    assert exchange(http_client, oidc_client, answer["code"], verifier).status_code == 200
    assert all(page.exists() for page in stored)


def test_refresh_token_renews_the_access_token_once(signed_in, http_client, oidc_client):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, scope="openid read", challenge=challenge)
    first = exchange(http_client, oidc_client, answer["code"], verifier).json()
    refresh = dict(grant_type="refresh_token", refresh_token=first["refresh_token"],
                   client_id=oidc_client.client_id, client_secret=oidc_client.client_secret)
    renewed = http_client.post("/oauth/token/", data=refresh)
    assert renewed.status_code == 200
    assert services.bearer_grant(renewed.json()["access_token"]).user == reader.user
    # Rotated: the old refresh token is spent.
    assert http_client.post("/oauth/token/", data=refresh).status_code == 400


def test_oauth_server_metadata_offers_only_the_code_flow(http_client, live_server):
    metadata = http_client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == live_server.url
    assert metadata["response_types_supported"] == ["code"]
    assert "password" not in metadata["grant_types_supported"]
    assert "implicit" not in metadata["grant_types_supported"]
    assert {"read", "create", "update", "delete", "media", "moderate"} <= set(metadata["scopes_supported"])


def test_reader_sees_and_revokes_a_connected_app(signed_in, http_client, oidc_client):
    reader = signed_in()
    verifier, challenge = pkce_pair()
    answer = get_code(reader, oidc_client, scope="openid read", challenge=challenge)
    token = exchange(http_client, oidc_client, answer["code"], verifier).json()["access_token"]
    page = reader.get("/oauth/apps/")
    assert "Instance B" in page.text and "drafts included" in page.text
    fields = csrf_form(reader, page)
    response = reader.post("/oauth/apps/", data={**fields}, headers={"Referer": str(page.url)})
    assert response.status_code == 302
    assert services.bearer_grant(token) is None
    assert "No application may use your account." in reader.get("/oauth/apps/").text
    # Next time the consent screen is shown again.
    assert authorize(reader, oidc_client, challenge=pkce_pair()[1]).status_code == 200


def test_confirmed_email_is_given_with_the_email_scope_only(signed_in, http_client, oidc_client):
    if not apps.is_installed("allauth.account"):
        pytest.skip("confirmed addresses are django-allauth's (Identity issue), not installed here")
    email_address = apps.get_model("account", "EmailAddress")
    reader = signed_in()
    email_address.objects.update_or_create(
        user=reader.user, email=reader.user.email, defaults={"verified": True, "primary": True}
    )
    for scope, expected in (("openid profile", None), ("openid email", reader.user.email)):
        verifier, challenge = pkce_pair()
        answer = get_code(reader, oidc_client, scope=scope, challenge=challenge)
        tokens = exchange(http_client, oidc_client, answer["code"], verifier).json()
        info = http_client.get("/oauth/userinfo/", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
        assert info.get("email") == expected
        if expected:
            assert info["email_verified"] is True
