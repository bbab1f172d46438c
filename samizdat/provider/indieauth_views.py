"""IndieAuth endpoints: metadata, authorization (with consent), token, introspection, revocation.

Sections cited are those of the W3C IndieAuth specification (indieauth.spec.indieweb.org).
"""

import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import indieauth, services
from .scopes import SCOPES
from .views import continue_to, csp_allowing_form_target

SESSION_KEY = "indieauth_requests"


def origin_of(request):
    return f"{request.scheme}://{request.get_host()}"


def issuer(request):
    """Our issuer identifier (§4.1.1): the instance's origin, a prefix of the metadata URL."""
    return origin_of(request) + "/"


def _oauth_error(error, description, status=400):
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _with_query(url, params):
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    return urlunsplit(parts._replace(query=query))


@require_GET
def metadata(request):
    """The authorization server metadata (§4.1.1), found through rel="indieauth-metadata"."""
    absolute = request.build_absolute_uri
    response = JsonResponse({
        "issuer": issuer(request),
        "authorization_endpoint": absolute(reverse("provider:indieauth-authorize")),
        "token_endpoint": absolute(reverse("provider:indieauth-token")),
        "introspection_endpoint": absolute(reverse("provider:indieauth-introspect")),
        "introspection_endpoint_auth_methods_supported": ["Bearer"],
        "revocation_endpoint": absolute(reverse("provider:indieauth-revoke")),
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": indieauth.SCOPES,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
    })
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _default_me(hint, choices, scopes):
    """The address preselected on the consent screen: the client's hint if it is one of ours; for a
    client that wants to post (Micropub), the first blog, whose pages name its Micropub endpoint;
    else the profile page."""
    if hint in choices:
        return hint
    if set(scopes) & {"create", "update", "delete", "media"} and len(choices) > 1:
        return choices[1]
    return choices[0]


def _error_page(request, message, status=400):
    return render(request, "provider/indieauth_error.html", {"message": message}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class AuthorizeView(LoginRequiredMixin, View):
    """GET: the authorization request (§5.2), shown for consent to a signed-in person.
    POST: a client redeeming a code for the profile URL only (§5.3.2), without a token.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":  # from the client's server: no session, no CSRF token
            return self.redeem(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        params = request.GET
        client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
        try:
            indieauth.check_client_id(client_id)
        except ValueError as exc:
            return _error_page(request, _("This application gave an address that is not valid (%(reason)s).")
                               % {"reason": exc})
        client = indieauth.discover_client(client_id)
        try:
            indieauth.check_redirect_uri(client, redirect_uri)
        except ValueError as exc:
            # Never redirect to an address the client did not vouch for: an open redirect otherwise.
            return _error_page(request, _("This application asked to send you to an address it does not "
                                          "own (%(reason)s).") % {"reason": exc})
        state = params.get("state", "")

        def refuse(error, description):
            url = _with_query(redirect_uri, {
                "error": error, "error_description": description, "state": state, "iss": issuer(request),
            })
            return continue_to(request, url) or HttpResponseRedirect(url)

        # `id` is the older spec's profile-only response type; its codes are redeemed the same way.
        if params.get("response_type", "code") not in {"code", "id"}:
            return refuse("unsupported_response_type", "Only response_type=code is supported.")
        if not state:
            return refuse("invalid_request", "state is required.")
        if not params.get("code_challenge") or params.get("code_challenge_method", "S256") != "S256":
            return refuse("invalid_request", "PKCE with code_challenge_method=S256 is required.")
        requested = [s for s in params.get("scope", "").split() if s in indieauth.SCOPES]
        choices = indieauth.profile_urls(request.user, origin_of(request))
        pending = {
            "client_id": client_id, "client_name": client.name, "redirect_uri": redirect_uri, "state": state,
            "code_challenge": params["code_challenge"][:128], "scopes": requested,
        }
        key = secrets.token_urlsafe(16)
        stored = request.session.get(SESSION_KEY, {})
        # Keep the last few pending requests only (several tabs at once are fine).
        stored = dict(list(stored.items())[-4:])
        stored[key] = pending
        request.session[SESSION_KEY] = stored
        context = {
            "key": key, "client": client, "redirect_host": urlsplit(redirect_uri).netloc,
            "scopes": [(s, SCOPES[s]) for s in requested],
            "choices": choices, "selected_me": _default_me(params.get("me", ""), choices, requested),
        }
        response = render(request, "provider/indieauth_authorize.html", context)
        policy = csp_allowing_form_target(redirect_uri)
        if policy:
            response["Content-Security-Policy"] = policy
        return response

    def redeem(self, request):
        try:
            grant = _redeem(request)
        except indieauth.IndieAuthError as exc:
            return _oauth_error(exc.error, exc.description)
        return JsonResponse(indieauth.profile_response(grant, origin_of(request)))


@require_POST
def consent(request):
    """The person's answer on the consent screen: back to the client with a code, or with access_denied."""
    if not request.user.is_authenticated:
        return _error_page(request, _("Please sign in again and start over from the application."), status=403)
    stored = request.session.get(SESSION_KEY, {})
    pending = stored.pop(request.POST.get("key", ""), None)
    request.session[SESSION_KEY] = stored
    if pending is None:
        return _error_page(request, _("This sign-in request has expired or was already answered. "
                                      "Please start over from the application."))
    answer = {"state": pending["state"], "iss": issuer(request)}
    if "allow" not in request.POST:
        answer.update(error="access_denied", error_description="The user declined.")
        return HttpResponseRedirect(_with_query(pending["redirect_uri"], answer))
    me = request.POST.get("me", "")
    if me not in indieauth.profile_urls(request.user, origin_of(request)):
        return _error_page(request, _("Choose one of your own addresses to sign in as."))
    chosen = set(request.POST.getlist("scope"))
    answer["code"] = indieauth.issue_code(
        request.user, client_id=pending["client_id"], redirect_uri=pending["redirect_uri"], me=me,
        scopes=[s for s in pending["scopes"] if s in chosen], code_challenge=pending["code_challenge"],
    )
    return HttpResponseRedirect(_with_query(pending["redirect_uri"], answer))


def _redeem(request):
    """Check a code redemption request's fields (§5.3.1) against its code; IndieAuthError if refused."""
    post = request.POST
    return indieauth.redeem_code(
        code=post.get("code", ""), client_id=post.get("client_id", ""),
        redirect_uri=post.get("redirect_uri", ""), code_verifier=post.get("code_verifier", ""),
    )


def _bearer(request):
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_http_methods(["GET", "POST"])
def token(request):
    """Redeem a code for an access token (§5.3.3); also the older spec's GET verification and revocation."""
    if request.method == "GET":
        grant = services.bearer_grant(_bearer(request))
        if grant is None or grant.me is None:
            response = _oauth_error("invalid_token", "The access token is unknown, expired or revoked.", status=401)
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return JsonResponse({"me": grant.me, "client_id": grant.client_id, "scope": " ".join(sorted(grant.scopes))})
    if request.POST.get("action") == "revoke":
        indieauth.revoke_token(request.POST.get("token", ""))
        return JsonResponse({})
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Only grant_type=authorization_code is supported.")
    try:
        grant = _redeem(request)
    except indieauth.IndieAuthError as exc:
        return _oauth_error(exc.error, exc.description)
    if not grant.scope.split():
        # §5.3.3: a code issued without scopes gives no access token.
        return _oauth_error("invalid_grant", "The authorization code was issued without scopes: "
                                             "redeem it at the authorization endpoint.")
    body = indieauth.issue_token(grant)
    body.update({k: v for k, v in indieauth.profile_response(grant, origin_of(request)).items() if k == "profile"})
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def introspect(request):
    """Token introspection (RFC 7662, §6.1), for callers holding a valid token of this instance."""
    if services.bearer_grant(_bearer(request)) is None:
        response = _oauth_error("invalid_token", "Send a valid access token in the Authorization header.", 401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    details = services.token_details(request.POST.get("token", ""))
    if details is None:
        return JsonResponse({"active": False})
    return JsonResponse({"active": True, **details})


@csrf_exempt
@require_POST
def revoke(request):
    """Token revocation (RFC 7009, §7): always 200, known token or not."""
    indieauth.revoke_token(request.POST.get("token", ""))
    return JsonResponse({})
