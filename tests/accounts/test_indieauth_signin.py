"""Sign-in with IndieAuth ("log in with your own website"): discovery on the reader's site, the
authorization request with PKCE, the code redeemed for a confirmed profile URL.

The reader's site and its IndieAuth server are a small server on loopback that answers as the W3C
IndieAuth spec describes (a personal site with its own server cannot run here otherwise)."""

import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from samizdat.accounts.indieauth.client import IndieAuthError, profile_url
from samizdat.comments.models import CommentSettings, Policy
from tests.accounts import loopback

BODY = "Typed before going to my own site."


class IndieSite:
    """A personal site at / naming its metadata, and its IndieAuth server (approves at once)."""

    def __init__(self):
        self.codes = {}
        self.vouch_for = None  # a `me` to confirm instead of the site's own (a lying server)
        site = self

        class Handler(loopback.Handler):
            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/":
                    page = '<html><head><link rel="indieauth-metadata" href="/meta"></head><body>Dana</body></html>'
                    return self.send(200, page, "text/html; charset=utf-8")
                if parts.path == "/meta":
                    return self.send(200, json.dumps({
                        "issuer": f"{site.origin}/", "authorization_endpoint": f"{site.origin}/auth",
                        "token_endpoint": f"{site.origin}/token"}))
                if parts.path == "/auth":
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    code = secrets.token_hex(8)
                    site.codes[code] = query
                    back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state'], 'iss': site.origin + '/'})}"
                    return self.send(302, "", headers=[("Location", back)])
                return self.send(404, "{}")

            def do_POST(self):
                form = self.form()
                request = site.codes.pop(form.get("code", ""), None)
                challenge = loopback.s256(form.get("code_verifier", ""))
                if not request or request["client_id"] != form.get("client_id") \
                        or request["redirect_uri"] != form.get("redirect_uri") or request["code_challenge"] != challenge:
                    return self.send(400, json.dumps({"error": "invalid_grant"}))
                me = site.vouch_for or f"{site.origin}/"
                return self.send(200, json.dumps({"me": me, "profile": {"name": "Dana Site"}}))

        self.server = loopback.Server(Handler)
        self.origin = self.server.origin

    def stop(self):
        self.server.stop()


@pytest.fixture(scope="module")
def indie_site():
    site = IndieSite()
    yield site
    site.stop()


@pytest.fixture
def post(settings, make_blog, make_post, indie_site):
    settings.SAMIZDAT_INDIEAUTH_SIGNIN = True
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    indie_site.vouch_for = None
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog)


def press(client, post, typed):
    return client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/",
                       {"provider": "indieauth", "indieauth": typed, "body": BODY})


def to_server(client, post, indie_site):
    """Press "Log in" with the site's address; the callback URL the site's server sends back."""
    connecting = press(client, post, indie_site.origin)
    assert connecting.status_code == 303
    page = client.get(connecting["Location"]).content.decode()
    host = urlsplit(indie_site.origin).netloc
    assert f"Connecting to {host}…" in page and "data-auto-follow" in page
    authorize = re.search(rf'href="({re.escape(indie_site.origin)}/auth\?[^"]+)"', page).group(1).replace("&amp;", "&")
    back = httpx.get(authorize, follow_redirects=False)
    return urlsplit(back.headers["location"])


def test_reader_signs_in_with_their_website_and_keeps_the_comment(client, post, indie_site):
    callback = to_server(client, post, indie_site)
    response = client.get(f"{callback.path}?{callback.query}")
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your IndieAuth account (Dana Site)." in page
    assert f"{BODY}</textarea>" in page
    assert SocialAccount.objects.get().uid == f"{indie_site.origin}/"


def test_a_code_is_redeemed_once(client, post, indie_site):
    callback = to_server(client, post, indie_site)
    client.get(f"{callback.path}?{callback.query}")
    other = Client()
    response = other.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 400 and "Signing in did not work" in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_tampered_state_is_refused(client, post, indie_site):
    callback = to_server(client, post, indie_site)
    query = callback.query.replace("state=", "state=x")
    response = client.get(f"{callback.path}?{query}")
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    assert "did not work" in client.get(post.get_absolute_url()).content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_issuer_is_refused(client, post, indie_site):
    callback = to_server(client, post, indie_site)
    query = callback.query.replace("iss=", "iss=https%3A%2F%2Fevil.example%2F&was=")
    client.get(f"{callback.path}?{query}")
    assert "_auth_user_id" not in client.session


def test_server_vouching_for_another_site_is_refused(client, post, indie_site, settings):
    indie_site.vouch_for = "http://127.0.0.2/"  # not a site this server is declared for
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    callback = to_server(client, post, indie_site)
    client.get(f"{callback.path}?{callback.query}")
    assert "_auth_user_id" not in client.session
    assert f"{BODY}</textarea>" in client.get(post.get_absolute_url()).content.decode()


def test_site_without_indieauth_sends_the_reader_back(client, post, settings):
    response = press(client, post, "http://127.0.0.1:9/")
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "could not be reached" in page and f"{BODY}</textarea>" in page


@pytest.mark.parametrize("typed, url", [
    ("example.org", "https://example.org/"),
    ("https://Example.org", "https://example.org/"),
    ("https://example.org/~dana", "https://example.org/~dana"),
])
def test_website_addresses_are_made_canonical(typed, url, settings):
    assert profile_url(typed) == url


@pytest.mark.parametrize("typed", ["", "ftp://example.org", "http://example.org", "https://u:p@example.org", "https://example.org/#me"])
def test_unusable_website_addresses_are_refused(typed, settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = []
    with pytest.raises(IndieAuthError):
        profile_url(typed)
