"""Like and unlike in a real browser: enhanced in place with scripts on, plain form posts with them off."""

import pytest
from playwright.sync_api import expect

from samizdat.social.models import Like

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 8"


@pytest.fixture
def liker(make_user):
    return make_user("lena", password=PASSWORD, display_name="Lena Liker")


def test_like_and_unlike_with_scripts_on_update_the_page_in_place(
    page, live_server, site, liker, outside_requests, sign_in
):
    post = site["post"]
    sign_in(page, liker.username, PASSWORD)
    page.goto(live_server.url + post.get_absolute_url())
    likes = page.locator("#likes")
    assert likes.locator("[aria-live=polite]").inner_text() == "Be the first to like this."
    page.evaluate("window.notReloaded = true")

    likes.get_by_role("button", name="Like").click()
    expect(page.locator("#likes [aria-live]")).to_contain_text("1 blogger")
    assert likes.locator("[aria-live=polite]").inner_text() == "1 blogger likes this."
    assert likes.get_by_role("link", name="Lena Liker").get_attribute("href") == f"/~{liker.username}/"
    assert likes.get_by_role("button", name="Unlike").is_visible()
    assert Like.objects.filter(post=post, user=liker).count() == 1

    likes.get_by_role("button", name="Unlike").click()
    expect(page.locator("#likes [aria-live]")).to_contain_text("first")
    assert likes.get_by_role("link", name="Lena Liker").count() == 0
    assert likes.get_by_role("button", name="Like").is_visible()
    assert not Like.objects.filter(post=post).exists()

    assert page.evaluate("window.notReloaded") is True, "the page reloaded instead of updating in place"
    assert outside_requests == []


def test_like_double_click_with_scripts_on_counts_once(page, live_server, site, liker, sign_in):
    post = site["post"]
    sign_in(page, liker.username, PASSWORD)
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("#likes").get_by_role("button", name="Like").dblclick()
    expect(page.locator("#likes [aria-live]")).to_contain_text("1 blogger")
    page.wait_for_load_state("networkidle")
    assert page.locator("#likes [aria-live=polite]").inner_text() == "1 blogger likes this."
    assert Like.objects.filter(post=post).count() == 1


def test_like_and_unlike_with_scripts_off_post_the_form_and_come_back(
    new_context, live_server, site, liker, sign_in
):
    post = site["post"]
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, liker.username, PASSWORD)
    page.goto(live_server.url + post.get_absolute_url())
    likes = page.locator("#likes")

    likes.get_by_role("button", name="Like").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + post.get_absolute_url() + "#likes"
    assert likes.locator("[aria-live=polite]").inner_text() == "1 blogger likes this."
    assert likes.get_by_role("link", name="Lena Liker").is_visible()
    assert Like.objects.filter(post=post, user=liker).count() == 1

    likes.get_by_role("button", name="Unlike").click()
    page.wait_for_load_state()
    assert likes.locator("[aria-live=polite]").inner_text() == "Be the first to like this."
    assert not Like.objects.filter(post=post).exists()
