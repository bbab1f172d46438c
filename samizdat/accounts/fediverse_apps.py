"""The OAuth apps this instance registers on fediverse servers, one per server, made on first use.

A reader types their address (@name@server, name@server, server, or https://server); the server's
Mastodon client API registers us as an app (POST /api/v1/apps, docs.joinmastodon.org/methods/apps/)
and the app is kept as an allauth SocialApp (provider "fediverse"), so the next reader from that
server goes straight there. Every request goes through samizdat.core.http's SSRF checks.
"""

import ipaddress
import json
from urllib.parse import urlencode, urlsplit

from allauth.socialaccount.models import SocialApp
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from samizdat.core import http
from samizdat.core.clients import client_address

from . import ratelimit

PROVIDER = "fediverse"


class FediverseError(Exception):
    """The address or the server cannot be used; the message is for the reader."""


def server_from(text):
    """The origin (https://host[:port]) of the server in what the reader typed."""
    text = (text or "").strip()
    if not text:
        raise FediverseError(_("Type your fediverse address, such as @name@example.social."))
    if "://" in text:
        parts = urlsplit(text)
        scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    else:
        scheme, netloc = "https", text.rsplit("@", 1)[-1].strip("/").lower()
    host = netloc.rsplit(":", 1)[0].strip("[]")
    if scheme not in ("http", "https") or not host or "/" in netloc or "@" in netloc or " " in netloc:
        raise FediverseError(_("That does not look like a fediverse address: try @name@example.social."))
    if scheme == "http" and not allowed_plain_http(host):
        raise FediverseError(_("Fediverse servers are reached over https only."))
    return f"{scheme}://{netloc}"


def allowed_plain_http(host):
    # Plain http only for a server in a network the admin allowed (a test server on loopback).
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(n.strip(), strict=False) for n in settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS
    )


def provider_id_for(origin):
    """The sub-provider id of a server: its host (and port), fit for a URL path segment."""
    return urlsplit(origin).netloc.replace(":", "-")


def app_for(request, origin):
    """This instance's app on the server at `origin`, registered there now if there is none yet."""
    provider_id = provider_id_for(origin)
    app = SocialApp.objects.filter(provider=PROVIDER, provider_id=provider_id).first()
    if app is not None:
        return app
    limits = ratelimit.fediverse_app_limits(client_address(request))
    if ratelimit.retry_after(ratelimit.FEDIVERSE_APP, limits):
        raise FediverseError(_("Too many new servers were tried from here. Please try again in an hour."))
    ratelimit.record_failure(ratelimit.FEDIVERSE_APP, address=limits[0].key)  # each try counts, as for sign-up
    # The callback as allauth will send it: built from this request, like allauth's own.
    callback = build_absolute_uri(request, reverse("fediverse_callback", kwargs={"provider_id": provider_id}))
    client_id, secret = _register(origin, callback)
    with transaction.atomic():
        app = SocialApp.objects.filter(provider=PROVIDER, provider_id=provider_id).first()
        if app is None:  # a reader from the same server who started at the same moment made one
            app = SocialApp.objects.create(
                provider=PROVIDER, provider_id=provider_id, name=urlsplit(origin).netloc,
                client_id=client_id, secret=secret, settings={"origin": origin},
            )
    return app


def _register(origin, callback):
    body = urlencode({
        "client_name": settings.SITE_NAME, "redirect_uris": callback,
        "scopes": "read:accounts", "website": settings.SITE_URL,
    }).encode()
    try:
        response = http.post(
            f"{origin}/api/v1/apps", body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        data = json.loads(response.content) if response.status == 200 else None
    except (http.FetchError, ValueError, RecursionError) as exc:
        raise FediverseError(_("%(server)s could not be reached, or is not a fediverse server we can sign in with.")
                             % {"server": urlsplit(origin).netloc}) from exc
    if not isinstance(data, dict) or not data.get("client_id") or not data.get("client_secret"):
        raise FediverseError(_("%(server)s did not let us register for sign-in (it answered %(status)s).")
                             % {"server": urlsplit(origin).netloc, "status": response.status})
    return str(data["client_id"]), str(data["client_secret"])
