"""The outside sign-in providers the instance admin enabled, as the pages show them."""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import get_adapter
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import fediverse_apps
from .indieauth import views as indieauth_views
from .indieauth.client import IndieAuthError
from .fediverse_apps import PROVIDER as FEDIVERSE


@dataclass(frozen=True)
class Provider:
    id: str  # allauth's provider id: "github", or the admin's name for an OpenID Connect issuer
    kind: str  # the provider type: "openid_connect", "google", "github", ...
    name: str
    login_url: str  # the page that says "Connecting to <name>…" and sends the reader there


def enabled_providers(request, *, next_url=""):
    """Every provider with an app configured (in settings or the admin), in a stable order."""
    found = []
    for provider in get_adapter(request).list_providers(request):
        app = provider.app
        if app is None or (app.settings or {}).get("hidden") or app.provider == FEDIVERSE:
            continue  # fediverse servers' apps are made per reader's server, not shown as icons
        query = {"process": "login", **({"next": next_url} if next_url else {})}
        found.append(Provider(
            id=provider.sub_id, kind=app.provider or provider.id, name=app.name or provider.name,
            login_url=provider.get_login_url(request, **query),
        ))
    return sorted(found, key=lambda p: (p.kind != "openid_connect", p.name.casefold()))


def provider_named(request, provider_id):
    """The enabled provider with this id (a fediverse server's too), or None."""
    for provider in get_adapter(request).list_providers(request):
        app = provider.app
        if app is None and provider.sub_id == provider_id:  # a provider without apps: IndieAuth
            return Provider(id=provider.id, kind=provider.id, name=provider.name, login_url="")
        if app is not None and provider.sub_id == provider_id:
            return Provider(id=provider.sub_id, kind=app.provider or provider.id, name=app.name or provider.name,
                            login_url=provider.get_login_url(request))
    return None


def fediverse_enabled():
    """Whether the admin lets readers sign in with their fediverse account (SAMIZDAT_FEDIVERSE_SIGNIN)."""
    return settings.SAMIZDAT_FEDIVERSE_SIGNIN


def fediverse_login_url(request, typed, *, next_url=""):
    """Where to send a reader who typed their fediverse address: the "Connecting…" page of our app
    on their server (registered there now, the first time). FediverseError says why not."""
    if not fediverse_enabled():
        raise fediverse_apps.FediverseError(_("Signing in with a fediverse account is not enabled here."))
    app = fediverse_apps.app_for(request, fediverse_apps.server_from(typed))
    query = {"process": "login", **({"next": next_url} if next_url else {})}
    return app.provider_id, reverse("fediverse_login", kwargs={"provider_id": app.provider_id}) + "?" + urlencode(query)


def signed_in_with(request):
    """The provider this browser's session signed in with, or None for a local password."""
    if not request.user.is_authenticated:
        return None
    for record in reversed(get_authentication_records(request, request.user)):
        if record.get("method") == "socialaccount":
            provider = provider_named(request, record.get("provider", ""))
            if provider is not None:
                return provider
        if record.get("method") == "password":
            return None
    return None


def indieauth_enabled():
    """Whether the admin lets readers sign in with their own website (SAMIZDAT_INDIEAUTH_SIGNIN)."""
    return settings.SAMIZDAT_INDIEAUTH_SIGNIN


def indieauth_connecting_url(request, typed, *, next_url=""):
    """Where to send a reader who typed their website: our "Connecting…" page for their site's
    IndieAuth server, and the key that lets that page go on by itself. IndieAuthError says why not."""
    if not indieauth_enabled():
        raise IndieAuthError(_("Signing in with your own website is not enabled here."))
    url, state = indieauth_views.start(request, typed, next_url=next_url)
    return f"indieauth:{state}", url
