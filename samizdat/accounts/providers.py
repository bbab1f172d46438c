"""The outside sign-in providers the instance admin enabled, as the pages show them."""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import get_adapter


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
        if app is None or (app.settings or {}).get("hidden"):
            continue
        query = {"process": "login", **({"next": next_url} if next_url else {})}
        found.append(Provider(
            id=provider.sub_id, kind=app.provider or provider.id, name=app.name or provider.name,
            login_url=provider.get_login_url(request, **query),
        ))
    return sorted(found, key=lambda p: (p.kind != "openid_connect", p.name.casefold()))


def provider_named(request, provider_id):
    """The enabled provider with this id, or None."""
    return next((p for p in enabled_providers(request) if p.id == provider_id), None)


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
