"""Reblogging a page from the web by its address, against saved pages on a real loopback server."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from samizdat.posts.models import Post
from samizdat.reblogs import extract
from samizdat.reblogs.models import Reblog
from tests.posts.test_media import jpeg_with_gps

URL = reverse("dashboard:reblog_url")


@pytest.fixture
def writer(make_user, make_blog, client):
    user = make_user("ben", display_name="Ben")
    user.blog = make_blog("harbour", title="Harbour News", owner=user)
    client.force_login(user)
    return user


def _fetch(client, address):
    return client.post(URL, {"step": "fetch", "url": address})


def _publish(client, writer, response, **changes):
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"step": "reblog", "blog": writer.blog.pk, "action": "publish", **changes})
    if data.get("source_published_at") and not isinstance(data["source_published_at"], str):
        data["source_published_at"] = data["source_published_at"].isoformat()
    return client.post(URL, data)


@pytest.mark.parametrize(
    "page, title, author, site, canonical, text",
    [
        ("wordpress-post.html", "Harbour pilots win their pay claim", "Maria Santos", "The Tideline",
         "https://tideline.example/2026/03/harbour-pilots-win/", "raising pay by nine per cent"),
        ("ghost-post.html", "The night the lights went out in Ward 6", "Dev Okafor", "Ward Six Weekly",
         "https://wardsix.example/lights-out/", "went on by candlelight"),
        ("h-entry.html", "Bike lanes on Mill Road", "Kim Lau", None,
         "https://kim.example/2026/04/bike-lanes", "asked for a kerb instead"),
        ("oembed-post.html", "A quiet week at the docks", "Priya Nair", "Dockside Diary", None,
         "night shift has been doubled"),
        ("plain.html", "Notes from the allotment", "", None, None, "The beans are up at last"),
    ],
)
def test_fetch_source_finds_title_author_site_address_and_text(web, page, title, author, site, canonical, text):
    source = extract.fetch_source(web.url("/" + page))
    assert (source.title, source.author) == (title, author)
    if site:
        assert source.site == site
    assert source.url == (canonical or web.url("/" + page))
    assert text in source.html


def test_fetched_text_is_sanitized_and_links_made_absolute(web):
    source = extract.fetch_source(web.url("/wordpress-post.html"))
    assert "<script" not in source.html and "onclick" not in source.html and "trackRead" not in source.html
    # Relative links resolve against the address the page was fetched from.
    assert f'href="{web.url("/2025/11/near-miss-in-the-channel/")}"' in source.html
    assert "Share this" not in source.html and "Proudly powered" not in source.html
    assert source.published_at.date().isoformat() == "2026-03-02"
    assert source.image_url == "https://tideline.example/wp-content/uploads/2026/03/pilots.jpg"


def test_reblog_by_url_prefills_and_publishes_with_the_attribution(client, writer, web):
    response = _fetch(client, web.url("/wordpress-post.html"))
    form = response.context["form"]
    assert form["title"].value() == "Harbour pilots win their pay claim"
    assert form["source_author"].value() == "Maria Santos"
    assert "nine per cent" in form["quoted_html"].value()
    published = _publish(client, writer, response, comment="Solidarity with the pilots.",
                         quoted_html="<p>Pay rises by nine per cent.</p><script>x()</script>")
    assert published.status_code == 302
    post = Post.objects.get(blog=writer.blog)
    page = client.get(post.get_absolute_url()).content.decode()
    section = re.search(r'<section class="reblog">.*?</section>', page, re.S)[0]
    assert (
        '<p>From <a href="https://tideline.example/" rel="noopener">The Tideline</a> via '
        '<a href="https://tideline.example/2026/03/harbour-pilots-win/" rel="noopener">'
        "Harbour pilots win their pay claim</a>, by Maria Santos</p>"
    ) in section
    assert "<p>Pay rises by nine per cent.</p>" in section and "x()" not in page
    row = Reblog.objects.get(post=post)
    assert (row.origin, row.source_url) == ("web", "https://tideline.example/2026/03/harbour-pilots-win/")


def test_same_address_reblogged_twice_to_one_blog_is_flagged(client, writer, web):
    first = _fetch(client, web.url("/wordpress-post.html"))
    assert "You reblogged this address before" not in first.content.decode()
    _publish(client, writer, first)
    again = _fetch(client, web.url("/wordpress-post.html"))
    assert "You reblogged this address before, to Harbour News." in again.content.decode()


@pytest.mark.parametrize(
    "path, message",
    [
        ("/picture.png", "That address is not a web page (it is image/png)."),
        ("/rss.xml", "That address is a feed, not a post."),
        ("/missing.html", "answered HTTP 404"),
        ("/broken-server", "answered HTTP 500"),
        ("/to-private", "refused to connect to a non-public address (10.0.0.7)"),
    ],
)
def test_bad_source_gives_a_clear_message_and_keeps_the_address(client, writer, web, path, message):
    address = web.url(path)
    response = _fetch(client, address)
    html = response.content.decode()
    assert response.status_code == 200 and message in html.replace("&#x27;", "'")
    assert f'value="{address}"' in html and response.context["form"] is None


def test_slow_source_times_out_with_a_message(client, writer, web, monkeypatch):
    monkeypatch.setattr(extract, "TIMEOUT", 0.5)
    response = _fetch(client, web.url("/slow"))
    assert "Could not fetch that address" in response.content.decode()


def test_huge_source_is_refused_with_a_message(client, writer, web, monkeypatch):
    monkeypatch.setattr(extract, "MAX_PAGE_BYTES", 100_000)
    response = _fetch(client, web.url("/huge"))
    assert "larger than the limit of 100000 bytes" in response.content.decode()


def test_unreachable_source_gives_a_message(client, writer, web):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    response = _fetch(client, f"http://127.0.0.1:{port}/post")
    assert "Could not fetch that address" in response.content.decode()


def test_private_addresses_are_refused_without_an_allowance(client, writer, web, settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = []
    response = _fetch(client, web.url("/plain.html"))
    assert "non-public address (127.0.0.1)" in response.content.decode()
    assert web.requests == []


def test_malformed_page_gives_a_message(client, writer, web):
    web.files["garbage.html"] = b"\x00\x01\x02"
    response = _fetch(client, web.url("/garbage.html"))
    assert response.status_code == 200
    assert "could not be read as HTML" in response.content.decode() or "No post was found" in response.content.decode()


def test_invalid_publish_keeps_what_the_writer_typed(client, writer, web):
    response = _fetch(client, web.url("/plain.html"))
    again = _publish(client, writer, response, title="", comment="My careful words")
    assert again.status_code == 200 and "My careful words" in again.content.decode()
    assert again.context["fetch_form"]["url"].value() == web.url("/plain.html")
    assert not Post.objects.filter(blog=writer.blog).exists()


def test_outsider_without_a_blog_gets_404(client, make_user):
    client.force_login(make_user())
    assert client.get(URL).status_code == 404


# The lead image: found in the page, copied to the blog's media without metadata, shown on the reblog.

LEAD_PAGES = {
    "opengraph": '<meta property="og:image" content="/lead.jpg"><meta property="og:image:alt" content="Ferry at dusk">',
    "json-ld": '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
               '{"@type": "WebSite", "image": "/logo.png"}, {"@type": "NewsArticle", "headline": "Ferry fares",'
               ' "image": {"@type": "ImageObject", "url": "/lead.jpg"}}]}</script>',
    "h-entry": "",
}


def _lead_page(web, hint, image="/lead.jpg"):
    head = LEAD_PAGES[hint].replace("/lead.jpg", image)
    photo = f'<img class="u-photo" src="{image}" alt="">' if hint == "h-entry" else ""
    web.files["ferry.html"] = (
        f"<!doctype html><html><head><title>Ferry fares</title>{head}</head><body>"
        f'<article class="h-entry"><h1 class="p-name">Ferry fares</h1>{photo}<div class="e-content">'
        "<p>Fares go up next week, the operator told passengers on Monday.</p>"
        "<p>Season tickets stay as they are until the spring.</p></div></article></body></html>"
    ).encode()
    web.files["lead.jpg"] = jpeg_with_gps(1200, 600)
    return web.url("/ferry.html")


@pytest.mark.parametrize("hint", ["opengraph", "json-ld", "h-entry"])
def test_lead_image_is_found_in_opengraph_json_ld_or_h_entry(web, hint):
    source = extract.fetch_source(_lead_page(web, hint))
    assert source.image_url == web.url("/lead.jpg")


def test_reblog_by_url_copies_the_lead_image_without_its_location_and_shows_it(client, writer, web):
    response = _fetch(client, _lead_page(web, "opengraph"))
    assert "copied to the blog" in response.content.decode()
    assert _publish(client, writer, response).status_code == 302
    post = Post.objects.get(blog=writer.blog)
    media = post.featured_image
    assert media is not None and media.blog == writer.blog and media.alt == "Ferry at dusk"
    assert ("/lead.jpg", None) in [(path, etag) for path, etag, _agent in web.requests]
    for name in [media.file.name, *media.renditions.values()]:
        raw = media.file.storage.open(name).read()
        assert b"SpyCam" not in raw and not Image.open(io.BytesIO(raw)).getexif()
    page = Client().get(post.get_absolute_url()).content.decode()
    assert f'<figure class="featured"><img src="{media.file.url}"' in page and 'alt="Ferry at dusk"' in page
    assert "127.0.0.1" not in re.search(r'<figure class="featured">.*?</figure>', page, re.S)[0]
    assert Reblog.objects.get(post=post).source_image_url == web.url("/lead.jpg")


@pytest.mark.parametrize(
    "image, limit, message",
    [("/gone.jpg", None, "answered HTTP 404"), ("/lead.jpg", 2000, "larger than the limit of 2000 bytes"),
     ("/ferry.html", None, "text/html")],
)
def test_lead_image_that_cannot_be_copied_stays_a_link_with_a_message(client, writer, web, settings, image, limit, message):
    response = _fetch(client, _lead_page(web, "opengraph", image))
    if limit:
        settings.SAMIZDAT_MAX_UPLOAD_BYTES = limit
    published = _publish(client, writer, response)
    post = Post.objects.get(blog=writer.blog)
    assert post.featured_image is None and not writer.blog.media.exists()
    shown = client.get(published["Location"], follow=True).content.decode().replace("&#x27;", "'")
    assert "The picture of the original could not be copied here" in shown and message in shown
    section = re.search(r'<section class="reblog">.*?</section>', Client().get(post.get_absolute_url()).content.decode(), re.S)[0]
    assert f'<p><a href="{web.url(image)}" rel="noopener">Ferry at dusk</a></p>' in section
    assert "<img" not in section
    assert Reblog.objects.get(post=post).source_image_url == web.url(image)


def test_medium_post_is_read_without_its_byline_and_claps(web):
    source = extract.fetch_source(web.url("/medium-post.html"))
    assert (source.title, source.author, source.site) == (
        "What the tenants’ union learnt from its first rent strike", "Lena Park", "Housing Notes")
    assert source.url == "https://medium.com/housing-notes/what-the-tenants-union-learnt-5f1c2a9e07d3"
    assert source.image_url == "https://miro.medium.com/v2/resize:fit:1200/1*Qk3pTenantsMeeting.jpeg"
    assert "<strong>single demand</strong>" in source.html and "freeze rents for two years" in source.html
    assert "214" not in source.html and "1*lena.jpeg" not in source.html and "storyTitle" not in source.html


def test_page_in_windows_1251_is_read_in_its_own_encoding(web):
    web.files["zabastovka.htm"] = (
        '<!doctype html><html lang="ru"><head><meta charset="windows-1251"><title>Докеры вернулись</title>'
        '</head><body><article><h1>Докеры вернулись</h1><p>После девяти дней забастовки докеры вернулись '
        "к работе: предложение по зарплате принято.</p><p>Голосование было близким.</p></article></body></html>"
    ).encode("cp1251")
    source = extract.fetch_source(web.url("/zabastovka.htm"))
    assert source.title == "Докеры вернулись" and "предложение по зарплате принято" in source.html
