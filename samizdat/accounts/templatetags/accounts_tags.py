"""`{% signin_providers %}` for the icon rows of the sign-in page and the comment form."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from .. import providers, services

register = template.Library()


@register.simple_tag(takes_context=True)
def signin_providers(context, next_url=""):
    """The providers the admin enabled, each with its login URL (going back to `next_url`)."""
    return providers.enabled_providers(context["request"], next_url=next_url)


@register.simple_tag(takes_context=True)
def signed_in_with(context):
    """The outside provider this session signed in with, or None."""
    return providers.signed_in_with(context["request"])


@register.inclusion_tag("accounts/_icon.html")
def provider_icon(kind):
    """Our own small SVG drawing for a provider type (a key for any OpenID Connect issuer)."""
    return {"kind": kind}


@register.simple_tag
def signup_mode():
    """Who may create a local account here: "closed", "invite" or "open" (SAMIZDAT_SIGNUP)."""
    return settings.SAMIZDAT_SIGNUP


@register.filter
def inline_svg(svg):
    """An SVG document that we drew ourselves (the TOTP QR code), ready to put inside a page."""
    svg = str(svg or "")
    start = svg.find("<svg")
    return mark_safe(svg[start:] if start >= 0 else "")  # noqa: S308 (made by qrcode from our own URL)


@register.simple_tag(takes_context=True)
def connecting_on_its_own(context, provider):
    """Whether the "Connecting to <provider>…" page may go on without a click (see services.take_connecting)."""
    return services.take_connecting(context["request"], provider.sub_id)


@register.simple_tag
def fediverse_signin():
    """Whether readers may sign in with their fediverse account here."""
    return providers.fediverse_enabled()


@register.simple_tag
def indieauth_signin():
    """Whether readers may sign in with their own website (IndieAuth) here."""
    return providers.indieauth_enabled()
