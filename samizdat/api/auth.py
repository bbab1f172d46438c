"""The one place that turns a request's credentials into a Grant: who is calling, and what they may do.

Every API surface (/api/v1/, /wp-json/, Micropub) asks `authenticate`. It accepts:

- `Authorization: Bearer <personal access token>` (ours start with `smz_`);
- `Authorization: Basic <username:application password>`, as WordPress clients send;
- `Authorization: Bearer <OAuth 2 / IndieAuth access token>` issued by this instance's provider
  (samizdat.provider): `_oauth_grant` asks its one function for the user and scopes.

It also applies the API's rate limits (samizdat.accounts.ratelimit, as sign-in does): wrong
credentials per client address, and writes per account; past either, `RateLimited` (429).
"""

import base64
import binascii
import dataclasses

from django.conf import settings

from samizdat.accounts import ratelimit
from samizdat.core.clients import client_address
from samizdat.provider import services as provider_services

from . import tokens


class AuthError(Exception):
    """Credentials were sent but are wrong, revoked or malformed (401)."""


class RateLimited(Exception):
    """Too many wrong credentials from this address, or writes by this account (429, Retry-After)."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclasses.dataclass(frozen=True)
class Grant:
    user: object
    scopes: frozenset
    via: str  # "token", "app_password" or "oauth"
    token_id: int | None = None

    def allows(self, scope):
        return scope in self.scopes


def _token_grant(token, via):
    return Grant(user=token.user, scopes=frozenset(token.scopes), via=via, token_id=token.pk)


def _oauth_grant(secret):
    """A Grant for a valid OAuth 2 or IndieAuth access token from the provider app, or None.

    The provider's scopes carry our scopes' names (samizdat/provider/scopes.py), so a third-party
    app's token is checked exactly like a personal one.
    """
    found = provider_services.bearer_grant(secret)
    if found is None:
        return None
    return Grant(user=found.user, scopes=frozenset(found.scopes), via="oauth")


def from_bearer(secret):
    """The Grant for a bearer token; AuthError when no credential has this secret."""
    secret = (secret or "").strip()
    token = tokens.check_personal_token(secret) if secret else None
    if token is not None:
        return _token_grant(token, "token")
    grant = _oauth_grant(secret) if secret else None
    if grant is None:
        raise AuthError("The access token is unknown, revoked or malformed.")
    return grant


def from_basic(username, password):
    """The Grant for a user name (or email) and an application password; AuthError otherwise."""
    token = tokens.check_app_password(username or "", password or "")
    if token is None:
        raise AuthError("The user name or application password is wrong, or the password was revoked.")
    return _token_grant(token, "app_password")


def parse_basic(value):
    """(username, password) from the value of a Basic Authorization header; AuthError if malformed."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise AuthError("The Basic credentials are not valid base64 of user:password.") from exc
    username, sep, password = decoded.partition(":")
    if not sep:
        raise AuthError("The Basic credentials are not valid base64 of user:password.")
    return username, password


def authenticate(request, *, form_token=None):
    """The request's Grant, None when it sent no credentials, AuthError when they are wrong.

    `form_token` is an access token sent in a form body (Micropub allows `access_token` there).
    RateLimited while the address has sent too many wrong credentials (checked before these are
    tried, so a guess that happens to be right tells nothing), or the account made too many writes.
    """
    if not request.headers.get("Authorization") and not form_token:
        return None
    limits = ratelimit.api_auth_limits(client_address(request))
    wait = ratelimit.retry_after(ratelimit.API_AUTH, limits)
    if wait:
        raise RateLimited("Too many wrong credentials were sent from your address. Try again later.", wait)
    try:
        grant = _read_credentials(request, form_token)
    except AuthError:
        ratelimit.record_failure(ratelimit.API_AUTH, address=limits[0].key)
        raise
    if request.method in WRITE_METHODS and settings.SAMIZDAT_API_WRITES_PER_MINUTE > 0:
        limits = ratelimit.api_write_limits(grant.user.pk)
        wait = ratelimit.retry_after(ratelimit.API_WRITE, limits)
        if wait:
            raise RateLimited("Too many changes in a short time with this account. Try again later.", wait)
        ratelimit.record_failure(ratelimit.API_WRITE, account=limits[0].key)
    return grant


def _read_credentials(request, form_token):
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return from_bearer(value)
    if scheme == "basic":
        return from_basic(*parse_basic(value))
    if header:
        raise AuthError("Use a Bearer token or Basic credentials with an application password.")
    return from_bearer(form_token)
