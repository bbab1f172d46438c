"""Every page type under the Content-Security-Policy in a real browser: nothing refused, nothing
requested from another host, for readers and for a blog's owner in the dashboard."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.security.conftest import blog_site, dashboard_paths, public_paths  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# Recorded in the page itself as well as read from the console, in case a message is worded differently.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


def signed_in_context(new_context, live_server, user):
    """A browser context holding `user`'s session cookie."""
    client = Client()
    client.force_login(user)
    context = new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def browse(context, live_server, paths):
    """Visit each path; return ({name: status}, [CSP complaints], [requests to other hosts])."""
    ours = urlsplit(live_server.url).netloc
    complaints, outside, statuses = [], [], {}
    console = []
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"data", "blob", "about"} and parts.netloc != ours:
            outside.append(request.url)

    page.on("request", record)
    for name, path, _ in paths:
        console.clear()
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        statuses[name] = response.status
        if response.headers.get("content-type", "").startswith(("application/xml", "text/xml")):
            # Chromium's own XML tree viewer (sitemaps) styles itself inline, which the policy
            # refuses: the raw XML shows unstyled. Not our markup, and only crawlers read it.
            continue
        complaints.extend(f"{name}: {text}" for text in console)
        if page.evaluate("typeof window.__violations") == "object":
            complaints.extend(f"{name}: {v}" for v in page.evaluate("window.__violations"))
    return statuses, complaints, outside


def test_public_pages_break_no_content_security_policy_rule(new_context, live_server, blog_site):
    paths = public_paths(blog_site)
    statuses, complaints, outside = browse(new_context(), live_server, paths)
    assert statuses == {name: status for name, _, status in paths}
    assert complaints == [] and outside == []


def test_signed_in_reader_pages_break_no_content_security_policy_rule(new_context, live_server, blog_site):
    # Signed in, the post page loads the likes script and shows the account menu.
    paths = [p for p in public_paths(blog_site) if p[0] in {"front", "blog home", "post", "profile", "404"}]
    context = signed_in_context(new_context, live_server, blog_site.reader)
    statuses, complaints, outside = browse(context, live_server, paths)
    assert statuses == {name: status for name, _, status in paths}
    assert complaints == [] and outside == []


def test_dashboard_pages_break_no_content_security_policy_rule(new_context, live_server, blog_site):
    paths = dashboard_paths(blog_site)
    context = signed_in_context(new_context, live_server, blog_site.owner)
    statuses, complaints, _ = browse(context, live_server, paths)
    assert statuses == {name: status for name, _, status in paths}
    assert complaints == []


def test_dashboard_pages_request_nothing_from_other_hosts(new_context, live_server, blog_site):
    paths = dashboard_paths(blog_site)
    context = signed_in_context(new_context, live_server, blog_site.owner)
    _, _, outside = browse(context, live_server, paths)
    assert outside == []


def test_like_button_with_scripts_on_still_works_under_the_policy(new_context, live_server, blog_site):
    context = signed_in_context(new_context, live_server, blog_site.owner)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + blog_site.post.get_absolute_url())
    page.locator("[data-like-form] button").click()
    # (not wait_for_function: Playwright evaluates its string with eval, which the policy refuses)
    expect(page.locator("[data-likes-count]")).to_contain_text("2")
    assert page.url.endswith(blog_site.post.get_absolute_url())  # updated in place, not reloaded
    assert page.evaluate("window.__violations") == []


def test_policy_check_sees_an_inline_script(new_context, live_server, blog_site):
    # The checks above are only worth something if a refused inline script is noticed.
    page = new_context().new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/")
    page.evaluate("const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                  " document.body.append(s)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__violations"))
