"""A writer signs in, writes and publishes in the dashboard editor; an anonymous reader reads it."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 7"


def test_post_written_and_published_in_dashboard_is_readable_anonymously(
    new_context, live_server, make_user, make_blog, sign_in
):
    writer = make_user("vera", password=PASSWORD)
    blog = make_blog("harbour", title="Harbour News", owner=writer)

    page = new_context().new_page()
    sign_in(page, "vera", PASSWORD)

    page.goto(f"{live_server.url}/dashboard/{blog.slug}/posts/new/")
    page.get_by_label("Title").fill("Cranes back at work")
    page.get_by_label("Text").fill("The cranes moved *again* this morning.")
    page.get_by_label("Tags").fill("cranes, port")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("Published.")).to_be_visible()
    address = page.get_by_role("link", name="View on the blog").get_attribute("href")

    reader = new_context(java_script_enabled=False).new_page()
    response = reader.goto(live_server.url + address)
    assert response.status == 200
    assert reader.locator("article h1").inner_text() == "Cranes back at work"
    assert reader.locator("article em").inner_text() == "again"
    assert sorted(reader.locator("article a[rel=tag]").all_inner_texts()) == ["#cranes", "#port"]
    assert "Log out" not in reader.content()
