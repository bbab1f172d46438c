"""Sign-in with a fediverse account: the instance registers itself as an app on the reader's server
the first time, keeps that app, and signs the reader in through the server's OAuth.

No Mastodon-API server can run here (Mastodon needs Ruby, PostgreSQL and Redis of its own), so a
small one on loopback answers the four calls we make, as docs.joinmastodon.org describes them."""

import base64
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp

from samizdat.accounts.fediverse_apps import FediverseError, server_from
from samizdat.comments.models import CommentSettings, Policy
from tests.accounts import loopback

BODY = "Written before going to my server."


class MastodonAPI:
    """/api/v1/apps, /oauth/authorize (approves at once), /oauth/token (checks PKCE), verify_credentials."""

    def __init__(self):
        self.apps, self.codes, self.tokens = {}, {}, {}
        self.registrations = 0
        api = self

        class Handler(loopback.Handler):
            def do_POST(self):
                path = urlsplit(self.path).path
                form = self.form()
                if path == "/api/v1/apps":
                    api.registrations += 1
                    client_id = secrets.token_hex(8)
                    api.apps[client_id] = {"secret": secrets.token_hex(16), "redirect_uri": form["redirect_uris"]}
                    return self.json(200, {"client_id": client_id, "client_secret": api.apps[client_id]["secret"]})
                if path == "/oauth/token":
                    grant = api.codes.pop(form.get("code"), None)
                    auth = self.headers.get("Authorization", "")
                    if auth.startswith("Basic "):
                        client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                    else:
                        client_id, secret = form.get("client_id"), form.get("client_secret")
                    challenge = loopback.s256(form.get("code_verifier", ""))
                    if not grant or grant["client_id"] != client_id or api.apps[client_id]["secret"] != secret \
                            or grant["challenge"] != challenge:
                        return self.json(400, {"error": "invalid_grant"})
                    token = secrets.token_hex(16)
                    api.tokens[token] = grant["account"]
                    return self.json(200, {"access_token": token, "token_type": "Bearer", "scope": "read:accounts"})
                return self.json(404, {"error": "not found"})

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/oauth/authorize":
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    app = api.apps[query["client_id"]]
                    assert query["redirect_uri"] == app["redirect_uri"]
                    code = secrets.token_hex(8)
                    api.codes[code] = {"client_id": query["client_id"], "challenge": query.get("code_challenge"),
                                       "account": {"id": "109", "username": "olga", "acct": "olga",
                                                   "display_name": "Olga Print", "url": "http://example.invalid/@olga"}}
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}")
                    self.end_headers()
                    return None
                if parts.path == "/api/v1/accounts/verify_credentials":
                    account = api.tokens.get(self.headers.get("Authorization", "")[7:])
                    return self.json(200, account) if account else self.json(401, {"error": "bad token"})
                return self.json(404, {"error": "not found"})

        self.server = loopback.Server(Handler)
        self.origin = self.server.origin

    def stop(self):
        self.server.stop()


@pytest.fixture(scope="module")
def mastodon():
    api = MastodonAPI()
    yield api
    api.stop()


@pytest.fixture
def post(settings, make_blog, make_post):
    settings.SAMIZDAT_FEDIVERSE_SIGNIN = True
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog)


def press(client, post, typed):
    return client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/",
                       {"provider": "fediverse", "fediverse": typed, "body": BODY})


def round_trip(client, post, mastodon):
    connecting = press(client, post, mastodon.origin)
    assert connecting.status_code == 303
    leave = client.post(connecting["Location"])
    assert leave["Location"].startswith(f"{mastodon.origin}/oauth/authorize?")
    back = httpx.get(leave["Location"], follow_redirects=False)
    callback = urlsplit(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_reader_signs_in_with_their_server_and_keeps_the_comment(client, post, mastodon):
    response = round_trip(client, post, mastodon)
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    host = urlsplit(mastodon.origin).netloc
    assert f"You are commenting using your {host} account (Olga Print)." in page
    assert f"{BODY}</textarea>" in page
    account = SocialAccount.objects.get()
    assert account.uid == f"109@{host}" and account.user.email == ""


def test_the_app_is_registered_once_per_server(client, post, mastodon):
    before = mastodon.registrations
    round_trip(client, post, mastodon)
    from django.test import Client

    round_trip(Client(), post, mastodon)
    assert mastodon.registrations == before + 1
    assert SocialApp.objects.filter(provider="fediverse").count() == 1


def test_registering_with_new_servers_is_limited_per_address(client, post, settings, mastodon):
    # Each new server costs an outgoing request and a stored app: typing names in a loop is refused.
    settings.SAMIZDAT_FEDIVERSE_REGISTRATIONS_PER_HOUR = 2
    assert press(client, post, mastodon.origin).status_code == 303
    press(client, post, "http://127.0.0.1:9")
    assert "could not be reached" in client.get(post.get_absolute_url()).content.decode()
    press(client, post, "http://127.0.0.1:7")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Too many new servers were tried from here" in page and f"{BODY}</textarea>" in page
    # A server already registered is no new one: its readers still get through.
    assert press(client, post, mastodon.origin).status_code == 303
    assert SocialApp.objects.filter(provider="fediverse").count() == 1


def test_fediverse_sign_in_is_off_unless_the_admin_turns_it_on(client, post, settings, mastodon):
    settings.SAMIZDAT_FEDIVERSE_SIGNIN = False
    assert "fediverse account" not in client.get(post.get_absolute_url()).content.decode()
    response = press(client, post, mastodon.origin)
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    assert "not enabled" in client.get(post.get_absolute_url()).content.decode()


def test_a_server_without_the_mastodon_api_sends_the_reader_back(client, post, settings):
    not_mastodon = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = press(client, post, not_mastodon)
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "could not be reached" in page and f"{BODY}</textarea>" in page
    assert not SocialApp.objects.exists()


def test_a_private_address_is_refused_by_the_ssrf_checks(client, post, settings, mastodon):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["10.0.0.0/8"]  # loopback not allowed, nor plain http to it
    press(client, post, mastodon.origin)
    assert "https only" in client.get(post.get_absolute_url()).content.decode()
    assert not SocialApp.objects.exists()


@pytest.mark.parametrize("typed, origin", [
    ("@olga@example.social", "https://example.social"),
    ("olga@Example.Social", "https://example.social"),
    ("example.social", "https://example.social"),
    ("https://example.social/", "https://example.social"),
    ("https://example.social:8443", "https://example.social:8443"),
])
def test_addresses_name_their_server(typed, origin, settings):
    assert server_from(typed) == origin


@pytest.mark.parametrize("typed", ["", "   ", "ftp://example.social", "http://example.social", "a b@c d", "https://u@example.social"])
def test_unusable_addresses_are_refused_with_a_reason(typed, settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = []
    with pytest.raises(FediverseError):
        server_from(typed)
