"""Sign-in with an outside account from a post's comment form, against a real OpenID Connect provider
(panva's oidc-provider on loopback): the comment being typed survives the round trip, and every
way the round trip can go wrong brings the reader back to it with a clear message."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from samizdat.comments.models import CommentSettings, Policy
from samizdat.config.settings import signin_providers_from_json
from samizdat.pages import store
from tests.oidc_peer import OIDCPeer, free_port

CALLBACK = "http://testserver/accounts/oidc/alice-idp/login/callback/"


@pytest.fixture(scope="module")
def peer():
    provider = OIDCPeer([CALLBACK])
    yield provider
    provider.stop()


@pytest.fixture
def enabled(peer, settings):
    settings.SOCIALACCOUNT_PROVIDERS = signin_providers_from_json(json.dumps([peer.app()]))
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return peer


@pytest.fixture
def post(make_post, make_blog):
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog)


BODY = "Half-typed thoughts on the strike."


def start(client, post, body=BODY, **fields):
    """Press the provider's icon under `post`: the URL of the provider's authorization page."""
    data = {"provider": "alice-idp", "body": body, "name": "", "email": "", **fields}
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", data)
    assert response.status_code == 303
    connecting = client.get(response["Location"])
    assert "Connecting to Test Provider…" in connecting.content.decode()
    leave = client.post(response["Location"])
    assert leave.status_code == 302 and leave["Location"].startswith("http://127.0.0.1:")
    return leave["Location"]


def sign_in_at_provider(authorize_url, login="alice"):
    """Alice signs in and consents on the provider's own pages; the callback URL it sends back."""
    with httpx.Client(timeout=10) as browser:
        url = authorize_url
        for _ in range(12):
            response = browser.get(url) if not url.startswith("POST ") else browser.post(url[5:], data=form_data)
            if response.is_redirect:
                url = urljoin(str(response.url), response.headers["location"])
                if url.startswith(CALLBACK):
                    return url
                continue
            form = response.text[response.text.find("<form"):]
            form = form[: form.find("</form>")]
            action = re.search(r'action="([^"]+)"', form).group(1)
            form_data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
            if 'name="login"' in form:
                form_data.update(login=login, password="anything")
            url = "POST " + urljoin(str(response.url), action)
    raise AssertionError("the provider never sent the reader back")


def finish(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def test_provider_icon_is_shown_only_when_enabled(client, post, settings, enabled):
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Log in with Test Provider" in page and 'class="provider-icon"' in page
    assert "Fill in your details below or click an icon to log in" in page
    settings.SOCIALACCOUNT_PROVIDERS = {}
    store.clear()  # as `samizdat serve` does at start-up, when a changed setting takes effect
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Log in with" not in page and "click an icon" not in page


def test_round_trip_signs_in_and_keeps_the_typed_comment(client, post, enabled):
    callback = sign_in_at_provider(start(client, post, body="Half-typed thoughts on the strike."))
    back = finish(client, callback)
    assert back.status_code == 302 and back["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your Test Provider account (Alice Test)." in page
    assert "Half-typed thoughts on the strike.</textarea>" in page
    account = SocialAccount.objects.get(provider="alice-idp", uid="alice")
    assert account.user.display_name == "Alice Test"
    assert not account.user.has_usable_password() and not account.user.memberships.exists()


def test_signed_in_reader_comments_under_the_outside_identity(client, post, enabled):
    finish(client, sign_in_at_provider(start(client, post)))
    page = client.get(post.get_absolute_url())
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.content.decode()).group(1)
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    client.post(f"/@{post.blog.slug}/comments/{post.pk}/", {"body": "Signed in from elsewhere.", "nonce": nonce, "started": started})
    comment = post.comments.get()
    assert comment.user.socialaccount_set.get().uid == "alice"
    assert "Signed in from elsewhere." in client.get(post.get_absolute_url()).content.decode()


def test_log_out_from_the_comment_form_keeps_the_comment_and_offers_the_guest_fields(client, post, enabled):
    finish(client, sign_in_at_provider(start(client, post)))
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-out/", {"then": "change", "body": "Still mine."})
    assert response.status_code == 303
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using" not in page
    assert 'name="email"' in page and "Log in with Test Provider" in page
    assert "Still mine.</textarea>" in page


def test_a_second_round_trip_signs_in_to_the_same_account(client, post, enabled):
    finish(client, sign_in_at_provider(start(client, post)))
    other = Client()
    finish(other, sign_in_at_provider(start(other, post)))
    assert other.session["_auth_user_id"] == client.session["_auth_user_id"]


# Bad input: each failure brings the reader back to the post, says what happened, keeps the comment.


def assert_back_with_comment(client, post, response, words):
    assert response.status_code == 302 and response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert words in page
    assert f"{BODY}</textarea>" in page
    assert "_auth_user_id" not in client.session


def test_tampered_state_is_refused(client, post, enabled):
    callback = sign_in_at_provider(start(client, post))
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state=forged{query['state'][0][6:]}"
    assert_back_with_comment(client, post, client.get(forged), "did not work")


def test_replayed_code_is_refused(client, post, enabled):
    callback = sign_in_at_provider(start(client, post))
    finish(client, callback)
    attacker = Client()
    start(attacker, post)  # a round trip of its own is pending, so only the code is stale
    assert_back_with_comment(attacker, post, finish(attacker, callback), "did not work")


def test_code_from_another_round_trip_is_refused(client, post, enabled):
    mine = sign_in_at_provider(start(client, post))
    other = Client()
    theirs = sign_in_at_provider(start(other, post))
    code = parse_qs(urlsplit(theirs).query)["code"][0]
    state = parse_qs(urlsplit(mine).query)["state"][0]
    # Our state with their code: the token endpoint refuses it (PKCE verifier, or the code's owner).
    response = client.get(f"{urlsplit(mine).path}?code={code}&state={state}")
    assert_back_with_comment(client, post, response, "did not work")


def test_reader_cancelling_at_the_provider_comes_back(client, post, enabled):
    authorize = start(client, post)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(f"{urlsplit(CALLBACK).path}?error=access_denied&state={state}")
    assert_back_with_comment(client, post, response, "was cancelled")


def test_provider_that_is_down_sends_the_reader_back(client, post, settings, enabled):
    app = enabled.app()
    app["server_url"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.SOCIALACCOUNT_PROVIDERS = signin_providers_from_json(json.dumps([app]))
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "alice-idp", "body": BODY})
    assert_back_with_comment(client, post, client.post(response["Location"]), "could not be reached")


@pytest.fixture
def garbage_server():
    """An HTTP server on loopback that answers every request with something that is not JSON."""
    class Garbage(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"<html>\x00 not json {")

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_provider_answering_garbage_sends_the_reader_back(client, post, settings, enabled, garbage_server):
    app = enabled.app()
    app["server_url"] = garbage_server
    settings.SOCIALACCOUNT_PROVIDERS = signin_providers_from_json(json.dumps([app]))
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "alice-idp", "body": BODY})
    assert_back_with_comment(client, post, client.post(response["Location"]), "could not be reached")


def test_provider_on_a_private_address_is_refused_by_the_ssrf_checks(client, post, settings, enabled):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = []  # loopback is no longer allowed
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "alice-idp", "body": BODY})
    assert_back_with_comment(client, post, client.post(response["Location"]), "could not be reached")


def test_unknown_provider_is_not_found(client, post, enabled):
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "nope", "body": BODY})
    assert response.status_code == 404
    assert client.get("/accounts/oidc/nope/login/").status_code == 404


# Linking with a real provider (alice's address is alice@example.test, verified by the provider).


def test_verified_address_on_both_sides_signs_in_to_the_existing_account(client, post, make_user, enabled):
    alice = make_user("alice")  # made by the admin: alice@example.test, verified here too
    finish(client, sign_in_at_provider(start(client, post)))
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert SocialAccount.objects.get(uid="alice").user == alice


def test_unverified_local_address_gets_a_separate_account(client, post, make_user, enabled):
    squatter = make_user("squatter")
    squatter.email = "alice@example.test"
    squatter.save()
    squatter.emailaddress_set.update(email="alice@example.test")
    squatter.emailaddress_set.update(verified=False)
    finish(client, sign_in_at_provider(start(client, post)))
    assert client.session["_auth_user_id"] != str(squatter.pk)
    squatter.refresh_from_db()
    assert squatter.has_usable_password()  # nothing of the squatter's account was touched
    assert SocialAccount.objects.get(uid="alice").user.email == ""


def test_signed_in_owner_connects_an_outside_account(client, post, make_user, enabled):
    owner = make_user("writer")
    client.force_login(owner)
    login_url = "/accounts/oidc/alice-idp/login/?process=connect"
    leave = client.post(login_url)
    finish(client, sign_in_at_provider(leave["Location"]))
    assert SocialAccount.objects.get(uid="alice").user == owner


def test_icon_press_from_another_site_is_refused(client, post, enabled):
    response = client.post(
        f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "alice-idp", "body": BODY},
        HTTP_ORIGIN="https://elsewhere.example",
    )
    assert response.status_code == 403


def test_connecting_page_reached_by_a_link_waits_for_a_click(client, post, enabled):
    page = client.get("/accounts/oidc/alice-idp/login/?process=login").content.decode()
    assert "Connecting to Test Provider…" in page and "data-auto-submit" not in page
    pressed = client.post(f"/@{post.blog.slug}/comments/{post.pk}/sign-in/", {"provider": "alice-idp", "body": BODY})
    assert "data-auto-submit" in client.get(pressed["Location"]).content.decode()


def test_signing_in_again_leaves_the_stored_public_pages_alone(client, post, enabled, settings):
    finish(client, sign_in_at_provider(start(client, post)))  # the first time makes the account
    Client().get(post.get_absolute_url())  # an anonymous reader's visit stores the page
    stored = list(settings.SAMIZDAT_PAGES_DIR.rglob("*.html"))
    assert stored
    again = Client()
    finish(again, sign_in_at_provider(start(again, post)))
    assert "_auth_user_id" in again.session
    assert all(path.exists() for path in stored)


def test_connecting_page_lets_its_form_go_on_to_the_provider_only(client, post, enabled):
    response = client.get("/accounts/oidc/alice-idp/login/?process=login")
    csp = response["Content-Security-Policy"]
    assert f"form-action 'self' {enabled.issuer};" in csp
    assert "form-action 'self';" in client.get(post.get_absolute_url())["Content-Security-Policy"]
