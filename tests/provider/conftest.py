"""A live server, a real HTTP client (httpx) with a signed-in session, and PKCE helpers."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings
from django.test import Client

from samizdat.provider import services

CALLBACK = "http://127.0.0.1:9/callback"  # never fetched: the tests read the redirect itself


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def http_client(live_server):
    """An httpx client on the live server that does not follow redirects (we read them)."""
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


@pytest.fixture
def signed_in(live_server, make_user):
    """An httpx client carrying the session of a new user (made with Django's force_login)."""
    clients = []

    def sign_in(user=None):
        user = user or make_user(display_name="Ana Petrova")
        django_client = Client()
        django_client.force_login(user)
        cookie = django_client.cookies[settings.SESSION_COOKIE_NAME].value
        client = httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10,
                              cookies={settings.SESSION_COOKIE_NAME: cookie})
        client.user = user
        clients.append(client)
        return client

    yield sign_in
    for client in clients:
        client.close()


@pytest.fixture
def oidc_client(db):
    """A confidential client registered by the admin, as `samizdat oidc-client add` does."""
    return services.register_client("Instance B", [CALLBACK])


@pytest.fixture
def public_client(db):
    return services.register_client("Phone app", [CALLBACK], public=True)


def csrf_form(client, response):
    """The hidden fields and CSRF token of the consent form in `response`."""
    from lxml import html

    document = html.fromstring(response.text)
    form = document.xpath("//main//form[@method='post']")[0]
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")}
