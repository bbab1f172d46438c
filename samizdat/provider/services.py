"""Registering client applications, remembering consent, and reading bearer tokens for the API."""

import dataclasses
import hashlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken, clear_expired

from .models import Consent, IndieAuthCode
from .scopes import SCOPES


@dataclasses.dataclass(frozen=True)
class RegisteredClient:
    application: Application
    client_id: str
    client_secret: str  # shown once: only a hash is stored


def register_client(name, redirect_uris, *, public=False, skip_consent=False, user=None):
    """Register an OpenID Connect / OAuth 2 client (authorization code flow, RS256 ID tokens)."""
    if not redirect_uris:
        raise ValueError("at least one redirect URI is needed")
    secret = "" if public else generate_client_secret()
    application = Application(
        name=name,
        user=user,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=skip_consent,
        client_secret=secret,
        hash_client_secret=True,
    )
    application.full_clean(exclude=["client_secret"])
    application.save()
    return RegisteredClient(application=application, client_id=application.client_id, client_secret=secret)


def known_scopes(scopes):
    return [s for s in scopes if s in SCOPES]


def has_consent(user, application, scopes):
    """Whether `user` already said yes to `application` for all of `scopes`."""
    granted = Consent.objects.filter(user=user, application=application).values_list("scopes", flat=True).first()
    return granted is not None and set(scopes) <= set(granted)


def remember_consent(user, application, scopes):
    """Record `user`'s yes to `application` for `scopes`, adding to what they granted before."""
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, application=application, defaults={"scopes": sorted(set(scopes))}
        )
        if not created:
            consent.scopes = sorted(set(consent.scopes) | set(scopes))
            consent.updated_at = timezone.now()
            consent.save(update_fields=["scopes", "updated_at"])
    return consent


def revoke_consent(user, application):
    """Forget the consent and revoke every token `application` holds for `user` (refresh tokens too)."""
    Consent.objects.filter(user=user, application=application).delete()
    for token in AccessToken.objects.filter(user=user, application=application):
        token.revoke()
    for refresh in RefreshToken.objects.filter(user=user, application=application, revoked__isnull=True):
        refresh.revoke()


@dataclasses.dataclass(frozen=True)
class ConnectedApp:
    application: Application
    name: str
    scopes: list
    since: object


def connected_apps(user):
    """The applications `user` let in: OAuth/OpenID Connect consents and IndieAuth clients with live tokens."""
    found = {}
    for consent in Consent.objects.filter(user=user).select_related("application").order_by("-updated_at"):
        found[consent.application_id] = ConnectedApp(
            consent.application, consent.application.name, consent.scopes, consent.updated_at
        )
    live = (
        AccessToken.objects.filter(user=user, expires__gt=timezone.now(), application__isnull=False)
        .select_related("application", "indieauth").order_by("-created")
    )
    for token in live:
        if token.application_id not in found:
            name = token.indieauth.client_id if hasattr(token, "indieauth") else token.application.name
            found[token.application_id] = ConnectedApp(token.application, name, token.scope.split(), token.created)
    return list(found.values())


def applications_data_of(user):
    """The applications the account let in, for the person's download (no token values)."""
    return {"connected_applications": [
        {"name": app.name, "scopes": list(app.scopes), "since": app.since.isoformat()} for app in connected_apps(user)
    ]}


@dataclasses.dataclass(frozen=True)
class BearerGrant:
    user: object
    scopes: frozenset
    client_id: str
    me: str | None  # the IndieAuth profile URL the token speaks for, when it is an IndieAuth token


def bearer_grant(token):
    """(user, scopes, …) for a valid OAuth 2 or IndieAuth access token, else None.

    The one function the API's authentication calls (samizdat.api.auth), so it never touches
    django-oauth-toolkit's models. Expired or revoked tokens and inactive users give None.
    """
    if not token:
        return None
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    access = (
        AccessToken.objects.select_related("user", "application", "indieauth")
        .filter(token_checksum=checksum)
        .first()
    )
    if access is None or access.is_expired() or access.user is None or not access.user.is_active:
        return None
    if access.application is not None and not access.application.is_usable(None):
        return None
    indieauth = getattr(access, "indieauth", None)
    return BearerGrant(
        user=access.user,
        scopes=frozenset(access.scope.split()),
        client_id=indieauth.client_id if indieauth else (access.application.client_id if access.application else ""),
        me=indieauth.me if indieauth else None,
    )


def token_details(token):
    """What introspection tells about a valid access token (RFC 7662 members), else None."""
    grant = bearer_grant(token)
    if grant is None:
        return None
    access = AccessToken.objects.get(token_checksum=hashlib.sha256(token.encode("utf-8")).hexdigest())
    details = {
        "client_id": grant.client_id, "scope": access.scope, "username": grant.user.username,
        "exp": int(access.expires.timestamp()), "iat": int(access.created.timestamp()),
    }
    if grant.me:
        details["me"] = grant.me
    return details


def purge_expired():
    """Delete expired tokens and grants (DOT's clear_expired) and IndieAuth codes past their time."""
    clear_expired()
    deleted, _rows = IndieAuthCode.objects.filter(expires_at__lt=timezone.now() - timedelta(hours=1)).delete()
    return deleted
