"""IndieAuth sign-in: the "Connecting to <site>…" page and the callback."""

import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .. import services
from . import client

SESSION_KEY = "samizdat_indieauth"
PENDING_MAX = 5  # round trips one browser may have open at once
PENDING_SECONDS = 15 * 60


def client_id(request):
    """Our client identifier: the instance's home page (IndieAuth §4.2), as allauth builds URLs."""
    return services.absolute(request, "/")


def start(request, typed, *, next_url=""):
    """Find the reader's IndieAuth server and open a round trip: the URL of our "Connecting…" page
    and its state. IndieAuthError says why not."""
    server = client.discover(client.profile_url(typed))
    redirect_uri = services.absolute(request, reverse("indieauth_callback"))
    url, state, verifier = client.authorization_request(server, client_id=client_id(request), redirect_uri=redirect_uri)
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    pending = {
        k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v["at"] > time.time() - PENDING_SECONDS
    }
    pending[state] = {"server": server, "verifier": verifier, "next": next_url, "url": url, "at": time.time()}
    request.session[SESSION_KEY] = dict(sorted(pending.items(), key=lambda kv: kv[1]["at"])[-PENDING_MAX:])
    return reverse("indieauth_connecting", kwargs={"state": state}), state


def connecting(request, state):
    """"Connecting to <site>…": a link to the reader's server (a link, not a form: the page's
    form-action allows only us); with scripts on it is followed at once after a press here."""
    entry = request.session.get(SESSION_KEY, {}).get(state)
    if entry is None:
        raise Http404
    site = urlsplit(entry["server"]["me"]).netloc
    go_on = services.take_connecting(request, f"indieauth:{state}")
    return render(request, "accounts/indieauth_connecting.html", {"site": site, "url": entry["url"], "go_on": go_on})


def callback(request):
    """Back from the reader's server: check what came back, redeem the code, sign in."""
    state = request.GET.get("state", "")
    entry = request.session.get(SESSION_KEY, {}).pop(state, None)
    request.session.modified = True
    site = urlsplit(entry["server"]["me"]).netloc if entry else ""
    provider = SimpleNamespace(name=site or "IndieAuth")
    try:
        if entry is None:
            return _failed(request, provider, error="unknown")
        server = entry["server"]
        if "error" in request.GET:
            return _failed(request, provider, error="cancelled" if request.GET["error"] == "access_denied" else "unknown")
        if server["issuer"] and request.GET.get("iss") != server["issuer"]:
            return _failed(request, provider, exception=PermissionDenied("iss does not match"))
        data = client.redeem(server, code=request.GET.get("code", ""), client_id=client_id(request),
                             redirect_uri=services.absolute(request, reverse("indieauth_callback")),
                             verifier=entry["verifier"])
        who = client.confirmed_me(server, data)
    except client.IndieAuthError as exc:
        return _failed(request, provider, exception=exc)
    login = get_adapter(request).get_provider(request, "indieauth").sociallogin_from_response(request, who)
    login.state = {"process": "login", "next": entry["next"]}
    return complete_social_login(request, login)


def _failed(request, provider, *, error=None, exception=None):
    try:
        services.after_failed_round_trip(request, provider, error=error, exception=exception)
    except ImmediateHttpResponse as back:
        return back.response
    return render(request, "socialaccount/authentication_error.html", status=400)
