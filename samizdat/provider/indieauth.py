"""IndieAuth (W3C, indieauth.spec.indieweb.org): client checks, codes, tokens, profile URLs.

Tokens are django-oauth-toolkit access tokens, so `services.bearer_grant` reads both kinds and
the API checks one table. Each IndieAuth client (a URL) gets an Application row of its own.
"""

import base64
import dataclasses
import hashlib
import ipaddress
import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import html as lxml_html
from oauth2_provider.models import AccessToken, Application, set_token_value

from samizdat.blogs.models import Blog
from samizdat.blogs.roles import Role
from samizdat.core import http

from .claims import picture_url, profile_url, verified_email
from .models import IndieAuthCode, IndieAuthToken
from .scopes import API_SCOPES

CODE_SECONDS = 120  # the spec: "MUST expire shortly after it is issued", at most 10 minutes
SCOPES = ["profile", "email", *API_SCOPES]


class IndieAuthError(Exception):
    """A request the spec says to refuse; `error` is the OAuth 2 error code."""

    def __init__(self, error, description):
        super().__init__(description)
        self.error = error
        self.description = description


def _digest(value):
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def check_client_id(client_id):
    """Refuse a client_id that is not a URL the spec allows (§3.2): ValueError with the reason."""
    parts = urlsplit(client_id or "")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("client_id must be an http or https URL")
    if parts.fragment or parts.username or parts.password:
        raise ValueError("client_id must not contain a fragment or user information")
    segments = (parts.path or "/").split("/")
    if "." in segments or ".." in segments:
        raise ValueError("client_id must not contain . or .. path segments")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not address.is_loopback:
        raise ValueError("client_id must use a domain name (or a loopback address)")


def _origin(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.hostname, parts.port)


@dataclasses.dataclass
class Client:
    client_id: str
    name: str
    redirect_uris: list


def discover_client(client_id):
    """The client's name and published redirect URIs, fetched from its client_id (§4.2).

    JSON client metadata (`client_name`, `redirect_uris`) or an HTML page (h-app name,
    `<link rel="redirect_uri">`). Through the SSRF-safe client; a client whose page cannot be
    fetched is still shown, by its address.
    """
    client = Client(client_id=client_id, name=urlsplit(client_id).hostname or client_id, redirect_uris=[])
    try:
        response = http.fetch(client_id, max_bytes=256 * 1024, timeout=5)
    except http.FetchError:
        return client
    if response.status != 200:
        return client
    if "json" in response.content_type:
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):
            return client
        if isinstance(data, dict):
            if isinstance(data.get("client_name"), str) and data["client_name"].strip():
                client.name = data["client_name"].strip()[:100]
            uris = data.get("redirect_uris")
            if isinstance(uris, list):
                client.redirect_uris = [u for u in uris if isinstance(u, str)]
        return client
    if "html" in response.content_type and response.content.strip():
        try:
            document = lxml_html.fromstring(response.content, base_url=response.url)
        except (ValueError, lxml_html.etree.ParserError):
            return client
        document.make_links_absolute(response.url)
        client.redirect_uris = [
            link.get("href") for link in document.xpath('//link[@rel="redirect_uri"]|//a[@rel="redirect_uri"]')
            if link.get("href")
        ]
        names = document.xpath('//*[contains(concat(" ", @class, " "), " h-app ")]'
                               '//*[contains(concat(" ", @class, " "), " p-name ")]')
        name = (names[0].text_content().strip() if names else "")[:100]
        if name:
            client.name = name
    return client


def check_redirect_uri(client, redirect_uri):
    """Refuse a redirect_uri on another origin than the client_id unless the client published it (§5.2)."""
    parts = urlsplit(redirect_uri or "")
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.fragment:
        raise ValueError("redirect_uri must be an http or https URL without a fragment")
    if _origin(redirect_uri) != _origin(client.client_id) and redirect_uri not in client.redirect_uris:
        raise ValueError("redirect_uri is on another host than client_id and the client does not list it")


def profile_urls(user, origin):
    """The URLs `user` may sign in as: their profile page, then the blogs they own."""
    urls = [profile_url(user, origin)]
    scheme = urlsplit(origin).scheme
    owned = Blog.objects.filter(memberships__user=user, memberships__role=Role.OWNER).order_by("slug")
    for blog in owned:
        if blog.custom_domain:
            urls.append(f"{scheme}://{blog.custom_domain}/")
        urls.append(origin + blog.get_absolute_url())
    return urls


def issue_code(user, *, client_id, redirect_uri, me, scopes, code_challenge):
    """A fresh authorization code for a consented request; only its digest is stored."""
    code = secrets.token_urlsafe(32)
    IndieAuthCode.objects.create(
        digest=_digest(code), user=user, client_id=client_id, redirect_uri=redirect_uri, me=me,
        scope=" ".join(s for s in SCOPES if s in set(scopes)), code_challenge=code_challenge,
        expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
    )
    return code


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def redeem_code(*, code, client_id, redirect_uri, code_verifier):
    """The IndieAuthCode for a redemption request, marked used; IndieAuthError when refused.

    A code is good once: a replayed code is refused (and, as RFC 6749 §4.1.2 advises, the tokens
    issued from it are revoked).
    """
    if not code or not code_verifier:
        raise IndieAuthError("invalid_request", "code and code_verifier are required.")
    with transaction.atomic():
        grant = IndieAuthCode.objects.select_for_update().filter(digest=_digest(code)).first()
        if grant is None:
            raise IndieAuthError("invalid_grant", "The authorization code is unknown.")
        replayed = grant.used_at is not None
        if not replayed:
            grant.used_at = timezone.now()
            grant.save(update_fields=["used_at"])
    if replayed:
        for token in IndieAuthToken.objects.filter(code_digest=grant.digest).select_related("access_token"):
            token.access_token.revoke()
        raise IndieAuthError("invalid_grant", "The authorization code was already used.")
    if grant.expires_at < timezone.now():
        raise IndieAuthError("invalid_grant", "The authorization code has expired.")
    if grant.client_id != client_id or grant.redirect_uri != redirect_uri:
        raise IndieAuthError("invalid_grant", "client_id or redirect_uri differ from the authorization request.")
    try:
        verifier_ok = secrets.compare_digest(s256(code_verifier), grant.code_challenge)
    except UnicodeEncodeError:
        verifier_ok = False
    if not verifier_ok:
        raise IndieAuthError("invalid_grant", "The code_verifier does not match the code_challenge.")
    return grant


def profile_response(grant, origin):
    """The `me` and, with the profile/email scopes, the `profile` member of a redemption answer (§5.3.4)."""
    body = {"me": grant.me}
    scopes = set(grant.scope.split())
    if "profile" in scopes:
        user = grant.user
        body["profile"] = {"name": user.name, "url": grant.me, "photo": picture_url(user, origin)}
        if "email" in scopes:
            email = verified_email(user)
            if email:
                body["profile"]["email"] = email
    return body


def _application_for(client_id):
    """The Application row that stands for IndieAuth client `client_id` (made on first use)."""
    key = "indieauth-" + _digest(client_id)[:40]
    application, _created = Application.objects.get_or_create(
        client_id=key,
        defaults=dict(
            name=f"IndieAuth: {client_id}"[:255],
            client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="",
            client_secret="",
            hash_client_secret=False,
        ),
    )
    return application


def issue_token(grant):
    """An access token for a redeemed code with scopes; its answer for the token endpoint (§5.3.3)."""
    raw = secrets.token_urlsafe(32)
    expires_in = settings.OAUTH2_PROVIDER.get("ACCESS_TOKEN_EXPIRE_SECONDS", 36000)
    access = AccessToken(
        user=grant.user, application=_application_for(grant.client_id), scope=" ".join(grant.scope.split()),
        expires=timezone.now() + timedelta(seconds=expires_in),
    )
    set_token_value(access, raw)
    with transaction.atomic():
        access.save()
        IndieAuthToken.objects.create(access_token=access, me=grant.me, client_id=grant.client_id, code_digest=grant.digest)
    return {
        "access_token": raw, "token_type": "Bearer", "scope": grant.scope,
        "me": grant.me, "expires_in": expires_in,
    }


def revoke_token(raw):
    """Revoke an IndieAuth or OAuth access token by its value; unknown tokens are ignored (RFC 7009)."""
    access = AccessToken.objects.filter(token_checksum=_digest(raw or "")).first()
    if access is not None:
        access.revoke()
