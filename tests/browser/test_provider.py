"""Signing in to another site with this instance, in Chromium: login page, consent, back to the client.

The client is a small HTTP server on another loopback origin that records the redirect it gets.
"""

import http.server
import secrets
import threading
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from samizdat.provider import services
from tests.provider.conftest import pkce_pair

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 9"


class Callback(http.server.BaseHTTPRequestHandler):
    received = []

    def do_GET(self):
        if self.path.startswith("/callback"):
            Callback.received.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Client</title><h1>Back at the client</h1>")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def client_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def authorize_url(live_server, client, redirect_uri, state):
    _verifier, challenge = pkce_pair()
    return live_server.url + "/oauth/authorize/?" + urlencode(dict(
        response_type="code", client_id=client.client_id, redirect_uri=redirect_uri, scope="openid profile",
        state=state, nonce=secrets.token_urlsafe(8), code_challenge=challenge, code_challenge_method="S256"))


def sign_in_on_login_page(page):
    # Our sign-in page: its username field is "login" since django-allauth, "username" before.
    page.locator("input[name=login], input[name=username]").first.fill("ana")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def test_reader_signs_in_consents_and_returns_to_the_client(new_context, live_server, make_user, client_site):
    make_user("ana", password=PASSWORD, display_name="Ana Petrova")
    redirect_uri = client_site + "/callback"
    client = services.register_client("Dockers' Forum", [redirect_uri])
    Callback.received.clear()

    page = new_context().new_page()
    page.goto(authorize_url(live_server, client, redirect_uri, "first"))
    sign_in_on_login_page(page)
    page.get_by_role("heading", name="Allow Dockers' Forum to use your account?").wait_for()
    page.get_by_role("button", name="Allow").click()
    page.get_by_role("heading", name="Back at the client").wait_for()
    answer = parse_qs(urlsplit(Callback.received[-1]).query)
    assert answer["state"] == ["first"] and answer["code"]

    # Another day, another browser: the consent is remembered, so signing in leads straight back,
    # although the redirect now follows the login form's answer.
    page = new_context().new_page()
    page.goto(authorize_url(live_server, client, redirect_uri, "second"))
    sign_in_on_login_page(page)
    page.get_by_role("heading", name="Back at the client").wait_for()
    answer = parse_qs(urlsplit(Callback.received[-1]).query)
    assert answer["state"] == ["second"] and answer["code"]


def test_consent_screen_is_translated(new_context, live_server, make_user, client_site):
    make_user("ana", password=PASSWORD)
    redirect_uri = client_site + "/callback"
    client = services.register_client("Форум", [redirect_uri])
    page = new_context(locale="ru-RU").new_page()
    page.goto(authorize_url(live_server, client, redirect_uri, "ru"))
    sign_in_on_login_page(page)
    page.get_by_role("heading", name="Разрешить Форум использовать вашу учётную запись?").wait_for()
    assert page.get_by_role("button", name="Разрешить").is_visible()
