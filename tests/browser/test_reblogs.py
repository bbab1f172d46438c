"""Reblogging in a real browser: by the button under a post, and by pasting an address."""

import re

import pytest
from playwright.sync_api import expect

from samizdat.posts.models import Post
from samizdat.posts.services import save_post
from tests.loopback_site import _loopback_site, web  # noqa: F401  (fixtures)
from tests.posts.test_media import jpeg_with_gps

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 9"


@pytest.fixture
def reblogger(make_user, make_blog):
    user = make_user("rosa", password=PASSWORD, display_name="Rosa")
    user.blog = make_blog("coast", title="Coast Weekly", owner=user)
    return user


def test_reblog_by_button_publishes_a_credited_reblog_and_the_original_counts_it(
    page, live_server, site, reblogger, sign_in, outside_requests
):
    original = site["post"]
    sign_in(page, reblogger.username, PASSWORD)
    page.goto(live_server.url + original.get_absolute_url())
    page.get_by_role("link", name="Reblog").click()
    expect(page.get_by_role("heading", name="Reblog")).to_be_visible()
    page.get_by_label("Reblog to").select_option(label="Coast Weekly")
    page.get_by_label("Your comment (optional)").fill("Solidarity with the **dockers**.")
    page.get_by_role("button", name="Reblog now").click()
    expect(page.get_by_text("Reblogged to Coast Weekly.")).to_be_visible()

    reblog = Post.objects.get(blog=reblogger.blog)
    page.goto(live_server.url + reblog.get_absolute_url())
    credit = page.locator("section.reblog > p").first
    expect(credit).to_have_text("From Dockers' Union via The port strike ends, by Ana Petrova")
    assert credit.get_by_role("link", name="The port strike ends").get_attribute("href").endswith(
        original.get_absolute_url())
    expect(page.locator("section.reblog blockquote")).to_contain_text("the dockers voted to return")
    expect(page.locator(".e-content strong").first).to_have_text("dockers")

    page.goto(live_server.url + original.get_absolute_url())
    expect(page.locator(".reblogged-by")).to_contain_text("Reblogged 1 time:")
    page.locator(".reblogged-by").get_by_role("link", name="Coast Weekly").click()
    expect(page).to_have_url(re.compile(re.escape(reblog.get_absolute_url()) + "$"))

    # The original is edited: the reblog says so, and links the current version.
    original.source += "\n\nUpdate: the port reopens on Monday."
    save_post(original, editor=original.author)
    page.reload()
    note = page.locator(".reblog-note")
    expect(note).to_contain_text("The original was updated since this was reblogged.")
    note.get_by_role("link", name="Read the current version").click()
    expect(page.get_by_text("the port reopens on Monday")).to_be_visible()
    assert outside_requests == []


def test_reblog_by_url_fetches_prefills_and_publishes(page, live_server, reblogger, sign_in, web, outside_requests):
    # The page's lead image (OpenGraph and JSON-LD) is on the loopback site, so it can be copied.
    web.files["candles.jpg"] = jpeg_with_gps(800, 400)
    web.files["ghost-post.html"] = web.files["ghost-post.html"].replace(
        b"https://wardsix.example/content/images/2026/02/candles.jpg", web.url("/candles.jpg").encode())
    sign_in(page, reblogger.username, PASSWORD)
    page.goto(live_server.url + "/dashboard/reblog/")
    page.get_by_label("Address of the post").fill(web.url("/ghost-post.html"))
    page.get_by_role("button", name="Fetch the post").click()
    expect(page.get_by_label("Title")).to_have_value("The night the lights went out in Ward 6")
    expect(page.get_by_label("Original author")).to_have_value("Dev Okafor")
    expect(page.get_by_label("Original site")).to_have_value("Ward Six Weekly")
    expect(page.get_by_label("Quoted text")).to_contain_text("went on by candlelight")
    page.get_by_label("Your comment (optional)").fill("Our neighbours ask the right questions.")
    page.get_by_role("button", name="Reblog now").click()
    expect(page.get_by_text("Reblogged to Coast Weekly.")).to_be_visible()

    page.get_by_role("link", name="View on the blog").click()
    credit = page.locator("section.reblog > p").first
    expect(credit).to_have_text("From Ward Six Weekly via The night the lights went out in Ward 6, by Dev Okafor")
    assert credit.get_by_role("link", name="The night the lights went out in Ward 6").get_attribute(
        "href") == "https://wardsix.example/lights-out/"
    expect(page.get_by_text("Our neighbours ask the right questions.")).to_be_visible()
    # The lead image shows, copied to this site: the reader's browser never asks the source for it.
    picture = page.locator("figure.featured img")
    expect(picture).to_be_visible()
    assert picture.get_attribute("src").startswith("/media/")
    assert picture.evaluate("img => img.complete && img.naturalWidth") > 0
    # The page links to the outside site but loads nothing from it.
    assert outside_requests == []


def test_reblog_by_url_bad_address_keeps_it_with_a_message(page, live_server, reblogger, sign_in, web):
    sign_in(page, reblogger.username, PASSWORD)
    page.goto(live_server.url + "/dashboard/reblog/")
    address = web.url("/picture.png")
    page.get_by_label("Address of the post").fill(address)
    page.get_by_role("button", name="Fetch the post").click()
    expect(page.get_by_text("That address is not a web page (it is image/png).")).to_be_visible()
    expect(page.get_by_label("Address of the post")).to_have_value(address)


def test_reader_entry_reblogs_in_one_click_and_the_reader_asks_no_other_host(
    page, live_server, reblogger, sign_in, web, outside_requests
):
    sign_in(page, reblogger.username, PASSWORD)
    # Followed by the site's address: the page announces its feed.
    page.goto(live_server.url + "/dashboard/reader/sources/")
    page.get_by_label("Address of a feed or a site").fill(web.url("/blog.html"))
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_text("You now follow The Tideline.")).to_be_visible()
    page.goto(live_server.url + "/dashboard/reader/")
    entry = page.locator("article.entry", has_text="Harbour pilots win their pay claim")
    expect(entry.get_by_role("link", name="Pilot boats")).to_be_visible()  # the image, as a link
    entry.get_by_role("link", name="Reblog").click()
    expect(page.get_by_label("Original author")).to_have_value("Maria Santos")
    page.get_by_role("button", name="Reblog now").click()
    expect(page.get_by_text("Reblogged to Coast Weekly.")).to_be_visible()
    post = Post.objects.get(blog=reblogger.blog)
    assert post.title == "Harbour pilots win their pay claim" and post.is_live
    page.goto(live_server.url + "/dashboard/reader/")
    entry.get_by_role("button", name="Mark read").click()
    expect(page.locator("article.entry", has_text="Harbour pilots win their pay claim")).to_have_count(0)
    assert outside_requests == []


def test_reader_lists_a_followed_local_blogs_post_reblogs_it_and_marks_it_read(
    page, live_server, reblogger, sign_in, make_blog, make_post, outside_requests
):
    from samizdat.social.services import follow_blog

    dockers = make_blog("dockers", title="Dockers' Union")
    follow_blog(reblogger, dockers)
    original = make_post(dockers, title="Ballot on the new rota", source="The vote closes on **Friday**.")
    sign_in(page, reblogger.username, PASSWORD)
    page.goto(live_server.url + "/dashboard/reader/")
    block = page.locator(".reader-posts .entry", has_text="Ballot on the new rota")
    block.get_by_role("link", name="Reblog").click()
    page.get_by_label("Reblog to").select_option(label="Coast Weekly")
    page.get_by_role("button", name="Reblog now").click()
    expect(page.get_by_text("Reblogged to Coast Weekly.")).to_be_visible()
    assert Post.objects.get(blog=reblogger.blog).reblog.original == original

    page.goto(live_server.url + "/dashboard/reader/")
    block.get_by_role("button", name="Mark read").click()
    expect(page.get_by_text("Nothing new from the blogs you follow.")).to_be_visible()
    page.get_by_role("link", name="Show read entries too").click()
    expect(page.locator(".reader-posts .entry.read", has_text="Ballot on the new rota")).to_be_visible()
    assert outside_requests == []
