"""The API's browsable documentation in Chromium: it draws every operation from our own host,
under the Content-Security-Policy, without a request to any other host."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_security import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


def test_api_docs_show_the_operations_without_breaking_the_policy(page, live_server, outside_requests):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.get_by_text("Samizdat API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/blogs/{blog_slug}/posts").first).to_be_visible()
    assert page.evaluate("window.__violations") == [] and console == []
    assert outside_requests == []
