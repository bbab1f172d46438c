"""A blog read at its main address and at alternates: an onion address, mirror domains, static mirrors."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from samizdat.blogs.addresses import alternate_urls, blog_addresses
from samizdat.blogs.services import set_alternate_addresses

WHEN = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.timezone.utc)
ONION = "a" * 52 + "zyxw.onion"


@pytest.fixture
def blog(make_blog, make_post):
    blog = make_blog("harbour", title="Harbour News")
    blog.custom_domain = "news.example.org"
    blog.onion_address = ONION
    blog.save()
    set_alternate_addresses(blog, ["harbour-mirror.example.net"], ["https://copies.example.com/harbour/"])
    make_post(blog, title="Dockers vote to strike", slug="dockers", when=WHEN)
    return blog


def hosts_linked(html):
    return set(re.findall(r'(?:href|src|content)="https?://([^/"]+)', html))


@pytest.mark.parametrize("host", [ONION, "harbour-mirror.example.net"])
def test_alternate_host_serves_the_blog_with_links_that_stay_on_it(client, blog, host):
    response = client.get("/2026/03/02/dockers/", HTTP_HOST=host)
    html = response.content.decode()
    assert response.status_code == 200 and "Dockers vote to strike" in html
    # Absolute links (canonical, og:url) name the host the reader came in on; only Tor Browser's
    # onion-location names the onion address, on the other hosts.
    onion_meta = f'<meta http-equiv="onion-location" content="http://{ONION}/2026/03/02/dockers/">'
    assert (onion_meta in html) == (host != ONION)
    assert hosts_linked(html.replace(onion_meta, "")) == {host}
    assert f'<link rel="canonical" href="http://{host}/@harbour/2026/03/02/dockers/">' in html


def test_alternate_host_feed_links_stay_on_it(client, blog):
    xml = client.get("/feed/", HTTP_HOST=ONION).content.decode()
    assert f"<link>http://{ONION}/@harbour/2026/03/02/dockers/</link>" in xml


def test_onion_location_names_the_same_page_on_the_onion_address(client, blog):
    on_instance = client.get("/@harbour/2026/03/02/dockers/?x=1")
    on_domain = client.get("/2026/03/02/dockers/", HTTP_HOST="news.example.org")
    assert on_instance.headers["Onion-Location"] == f"http://{ONION}/2026/03/02/dockers/?x=1"
    assert on_domain.headers["Onion-Location"] == f"http://{ONION}/2026/03/02/dockers/"
    # The same in the page itself, which the page store keeps when it answers without Django.
    assert f'<meta http-equiv="onion-location" content="http://{ONION}/2026/03/02/dockers/">' in on_domain.content.decode()


def test_no_onion_location_on_the_onion_itself_nor_without_one(client, blog, make_blog):
    make_blog("plain")
    assert "Onion-Location" not in client.get("/", HTTP_HOST=ONION).headers
    assert "Onion-Location" not in client.get("/@plain/").headers
    assert "Onion-Location" not in client.get("/").headers


def test_blog_addresses_list_the_main_one_first_then_alternates(blog, settings):
    settings.SITE_URL = "https://samizdat.example"
    assert [(a.kind, a.url) for a in blog_addresses(blog)] == [
        ("main", "https://news.example.org/"),
        ("onion", f"http://{ONION}/"),
        ("domain", "https://harbour-mirror.example.net/"),
        ("static", "https://copies.example.com/harbour/"),
    ]
    assert alternate_urls(blog) == [a.url for a in blog_addresses(blog)[1:]]


def test_mirrors_page_lists_every_address(client, blog):
    html = client.get("/@harbour/mirrors/").content.decode()
    for url in (f"http://{ONION}/", "http://news.example.org/", "http://harbour-mirror.example.net/",
                "https://copies.example.com/harbour/"):
        assert f'href="{url}"' in html
    # Every page of the blog leads to it.
    assert 'href="/@harbour/mirrors/"' in client.get("/@harbour/").content.decode()


def test_mirrors_page_shows_the_mirror_signing_key_once_there_is_one(client, blog):
    from samizdat.portability.signing import mirror_key_for, public_key_b64

    assert "verify-mirror" not in client.get("/@harbour/mirrors/").content.decode()
    key = public_key_b64(mirror_key_for(blog))
    assert f"--key {key}" in client.get("/@harbour/mirrors/").content.decode()


def test_mirrors_page_of_a_blog_without_alternates_says_so(client, make_blog):
    make_blog("plain")
    html = client.get("/@plain/mirrors/").content.decode()
    assert "no other addresses yet" in html and 'href="http://127.0.0.1:8000/@plain/"' in html


def test_feeds_announce_the_other_addresses(client, blog):
    rss = client.get("/@harbour/feed/").content.decode()
    atom = client.get("/@harbour/feed/atom/").content.decode()
    feed = json.loads(client.get("/@harbour/feed.json").content)
    assert f'<atom:link href="http://{ONION}/" rel="related" title="Onion address (Tor Browser)" type="text/html"/>' in rss
    assert '<link href="https://copies.example.com/harbour/" rel="related" title="Static mirror" type="text/html"/>' in atom
    assert {a["url"] for a in feed["_samizdat"]["addresses"]} == {
        "http://news.example.org/", f"http://{ONION}/", "http://harbour-mirror.example.net/",
        "https://copies.example.com/harbour/",
    }


def test_feed_read_on_the_onion_announces_the_main_address_not_itself(client, blog):
    rss = client.get("/feed/", HTTP_HOST=ONION).content.decode()
    assert 'href="http://news.example.org/"' in rss and f'href="http://{ONION}/"' not in rss


def test_a_page_cannot_take_the_mirrors_address(blog):
    from django.core.exceptions import ValidationError

    from samizdat.posts.models import Post

    page = Post(blog=blog, kind=Post.Kind.PAGE, title="Mirrors", slug="mirrors")
    with pytest.raises(ValidationError):
        page.clean()


def test_removing_an_alternate_stops_answering_on_it(client, blog):
    set_alternate_addresses(blog, [], [])
    assert client.get("/", HTTP_HOST="harbour-mirror.example.net").status_code == 400
    assert reverse("portability:mirrors", args=["harbour"]) == "/@harbour/mirrors/"


def test_mirrors_page_shows_a_new_address_at_once(client, blog):
    assert "new-mirror.example.net" not in client.get("/@harbour/mirrors/").content.decode()
    set_alternate_addresses(blog, ["harbour-mirror.example.net", "new-mirror.example.net"], [])
    html = client.get("/@harbour/mirrors/").content.decode()
    assert "new-mirror.example.net" in html and "copies.example.com" not in html
