"""A reader signs in from a post's comment form with an account at an independent OpenID Connect
provider (npm's oidc-provider, on loopback), comments under that identity, and logs out; with
scripts on and off."""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from samizdat.comments.models import CommentSettings, Policy
from samizdat.config.settings import signin_providers_from_json
from tests.oidc_peer import OIDCPeer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def peer(live_server):
    provider = OIDCPeer([f"{live_server.url}/accounts/oidc/alice-idp/login/callback/"])
    yield provider
    provider.stop()


@pytest.fixture
def post(peer, settings, make_blog, make_post):
    settings.SOCIALACCOUNT_PROVIDERS = signin_providers_from_json(json.dumps([peer.app()]))
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SAMIZDAT_COMMENT_MIN_SECONDS = 0
    blog = make_blog("dockers")
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    return make_post(blog, title="The port strike ends")


def loopback_only(context):
    """The provider's own pages ask for a web font elsewhere; nothing leaves this machine."""
    def route(request_route):
        host = urlsplit(request_route.request.url).hostname
        request_route.continue_() if host in ("127.0.0.1", "localhost") else request_route.abort()

    context.route("**/*", route)
    return context


def sign_in_at_provider(page):
    page.locator('input[name="login"]').fill("alice")
    page.locator('input[name="password"]').fill("any password")
    page.locator('button[type="submit"]').first.click()
    page.wait_for_load_state()
    page.locator('button[type="submit"]').first.click()  # the consent page's "Continue"
    page.wait_for_load_state()


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_reader_signs_in_with_the_provider_comments_and_logs_out(new_context, live_server, post, scripts):
    page = loopback_only(new_context(java_script_enabled=scripts)).new_page()
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_label("Comment:", exact=True).fill("Typed before signing in.")
    page.get_by_role("button", name="Log in with Test Provider").click()
    page.wait_for_load_state()
    if not scripts:
        assert "Connecting to Test Provider…" in page.content()
        page.get_by_role("button", name="Continue to Test Provider").click()
        page.wait_for_load_state()
    sign_in_at_provider(page)

    assert page.url.startswith(live_server.url + post.get_absolute_url())
    form = page.locator("#respond")
    assert "You are commenting using your Test Provider account (Alice Test)." in form.inner_text()
    assert page.get_by_label("Comment:", exact=True).input_value() == "Typed before signing in."
    assert page.get_by_label("Email:", exact=True).count() == 0

    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()
    comment = page.locator("li.comment")
    assert "Typed before signing in." in comment.inner_text() and "Alice Test" in comment.inner_text()

    form.get_by_role("button", name="Log Out").click()
    page.wait_for_load_state()
    expect(page.locator("#respond")).not_to_contain_text("You are commenting using")
    expect(page.get_by_label("Email:", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log in with Test Provider")).to_be_visible()
