"""Every URL that takes a POST refuses one without a CSRF token, except the documented exceptions."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samizdat.core.converters import FourDigitConverter, TwoDigitConverter

# URL name: why it needs no CSRF token. Each one must be safe to POST from anywhere.
EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without a form; the signed token in the
    # address is the credential, and unsubscribing is all it can do.
    "comments:unsubscribe": "signed token, RFC 8058 one-click",
    # Guests' forms on stored pages, which carry no per-reader token (samizdat.core.csrf): a
    # signed-in reader's post without a valid token is handled as a guest's, with no more rights
    # than the forger has anyway. test_form.py and test_follow_by_email.py check both sides.
    "comments:post": "guest form: signed-in readers without a token count as guests",
    "comments:follow_by_email": "guest form: signed-in readers without a token count as guests",
    # ActivityPub inboxes: other servers POST there with no cookie; every request must carry a
    # valid HTTP Signature instead (401 without one), and the activity is all it can deliver.
    "federation:inbox": "HTTP Signature, ActivityPub server-to-server",
    "federation:shared_inbox": "HTTP Signature, ActivityPub server-to-server",
    # OAuth 2 / OpenID Connect endpoints that other servers call, not browsers with our cookies:
    # each authenticates the caller itself (client credentials, code + PKCE verifier, or a
    # bearer token) and ignores the session (RFC 6749 §3.2, RFC 7009, OpenID Connect Core §5.3).
    "oauth2_provider:token": "client credentials / code + PKCE verifier",
    "oauth2_provider:revoke-token": "the token itself, RFC 7009",
    "oauth2_provider:user-info": "bearer token",
    # IndieAuth (W3C): the authorization endpoint's POST only redeems a code with its PKCE
    # verifier (§5.3.2); the consent form posts to provider:indieauth-consent, which is protected.
    "provider:indieauth-authorize": "code + PKCE verifier",
    "provider:indieauth-token": "code + PKCE verifier, or a bearer token",
    "provider:indieauth-introspect": "bearer token",
    "provider:indieauth-revoke": "the token itself, RFC 7009",
    # The provider icons of a guest's comment form (a stored page, no token): it only starts a
    # sign-in round trip, refuses other origins, and its "Connecting" page asks for a click then.
    "comments:sign_in_with": "guest form: starts a sign-in; other origins refused",
    # allauth's Google One Tap endpoint: never reached, samizdat.accounts.urls answers its path
    # first with a 404 (test_google_one_tap_is_not_offered).
    "google_login_by_token": "shadowed by accounts.views.not_offered",
}
# URL namespaces whose views take no cookie: a credential in the Authorization header (or a
# Micropub form's access_token) that a browser never adds by itself, or nothing (Webmention,
# which anyone may send). The APIs never answer with a Basic challenge, so no browser keeps
# Basic credentials to replay (samizdat/api/v1/problems.py).
EXEMPT_NAMESPACES = {
    "api_v1": "token or application password in the Authorization header",
    "wordpress": "application password in the Authorization header",
    "micropub": "access token in the header or the form",
    "webmention": "public by design (W3C Webmention), verified by fetching the source",
}


def exempt(name):
    return name in EXEMPT or name.split(":")[0] in EXEMPT_NAMESPACES


def test_google_one_tap_is_not_offered(client, db):
    assert client.post(reverse("google_login_by_token"), {"credential": "x"}).status_code == 404


def walk(resolvers, namespace="", parents=()):
    """(full URL name, pattern) of every named URL pattern, admin's included; `pattern.parents`
    holds the patterns of the includes around it (whose arguments it needs too)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner, (*parents, entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            entry.parents = parents
            yield f"{namespace}{entry.name}", entry


def sample_kwargs(pattern):
    """Arguments that fit a route's converters; the objects need not exist (CSRF is checked first)."""
    samples = {}
    for route in (*pattern.parents, pattern.pattern):
        samples.update(_samples(route))
    return samples


def _samples(route):
    samples = {}
    # Regular-expression routes (allauth's confirmation and reset keys): a word fits their groups.
    for name in getattr(getattr(route, "regex", None), "groupindex", {}):
        samples[name] = "x"
    for name, converter in getattr(route, "converters", {}).items():
        if isinstance(converter, FourDigitConverter):
            samples[name] = 2024
        elif isinstance(converter, TwoDigitConverter):
            samples[name] = 1
        elif converter.regex == "[0-9]+":
            samples[name] = 1
        else:
            samples[name] = "x"
    return samples


def ours():
    """Our URL patterns (not the admin's, which Django protects and tests) with sample addresses."""
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        if name == "media":
            yield name, "/media/uploads/x.png"
        else:
            yield name, reverse(name, kwargs=sample_kwargs(pattern))


def test_url_walk_finds_the_forms_that_change_things():
    names = {name for name, _ in ours()}
    expected = {"accounts:login", "comments:post", "social:like", "dashboard:post_edit", "dashboard:settings"}
    assert expected <= names


def test_no_view_is_csrf_exempt_but_the_documented_ones():
    found = {
        name for name, pattern in walk(get_resolver().url_patterns)
        if getattr(pattern.callback, "csrf_exempt", False) and name.split(":")[0] not in EXEMPT_NAMESPACES
    }
    assert found == set(EXEMPT)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_post_without_csrf_token_is_refused_on_every_url(db, make_user, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(make_user(is_superuser=True))
    accepted = {}
    for name, path in ours():
        if exempt(name):
            continue
        response = client.post(path, {"title": "x", "body": "x"})
        if response.status_code != 403:
            accepted[name] = (path, response.status_code)
    assert accepted == {}


def test_post_with_the_wrong_csrf_token_is_refused(db, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    client.get("/dashboard/")
    response = client.post("/dashboard/new/", {"csrfmiddlewaretoken": "x" * 64, "slug": "b", "title": "B"})
    assert response.status_code == 403
