import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.posts.models import Category, Media, Post

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "http://testserver"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def json_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/feed+json")
    return json.loads(response.content)


def titles_in(client, url):
    """Item titles of any of our feeds, whatever its format."""
    if url.endswith(".json"):
        return [item["title"] for item in json_feed(client, url)["items"]]
    if url.endswith("/atom/"):
        return [entry.findtext(f"{ATOM}title") for entry in atom_entries(client, url)[1]]
    return [item.findtext("title") for item in rss_items(client, url)[1]]


def dated(make_post, blog, title, days_ago, **kwargs):
    return make_post(blog, title=title, when=timezone.now() - datetime.timedelta(days=days_ago), **kwargs)


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_blog_feed_lists_live_posts_newest_first(client, make_blog, make_post, suffix):
    blog = make_blog()
    dated(make_post, blog, "Older", 2)
    dated(make_post, blog, "Newer", 1)
    make_post(blog, title="Draft", status=Post.Status.DRAFT)
    make_post(blog, title="Later", status=Post.Status.SCHEDULED, when=timezone.now() + datetime.timedelta(days=1))
    make_post(blog, title="About", kind=Post.Kind.PAGE)
    make_post(make_blog(), title="Other blog")
    assert titles_in(client, f"/@{blog.slug}/{suffix}") == ["Newer", "Older"]


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_blog_feed_holds_at_most_twenty_posts(client, make_blog, make_post, suffix):
    blog = make_blog()
    for n in range(22):
        dated(make_post, blog, f"Post {n}", n)
    titles = titles_in(client, f"/@{blog.slug}/{suffix}")
    assert len(titles) == 20 and titles[0] == "Post 0"


def test_rss_feed_links_are_absolute(client, make_blog, make_post):
    blog = make_blog()
    post = make_post(blog)
    channel, [item] = rss_items(client, f"/@{blog.slug}/feed/")
    assert channel.findtext("link") == f"{ORIGIN}/@{blog.slug}/"
    assert channel.find(f"{ATOM}link").get("href") == f"{ORIGIN}/@{blog.slug}/feed/"
    assert item.findtext("link") == item.findtext("guid") == ORIGIN + post.get_absolute_url()


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_feed_content_has_absolute_links_and_images(client, make_blog, make_post, suffix):
    blog = make_blog()
    post = make_post(blog, source="See [about](/@x/about/), ![a map](/media/map.png) and a note[^1].\n\n[^1]: Yes.")
    body = client.get(f"/@{blog.slug}/{suffix}").content.decode()
    assert f'{ORIGIN}/@x/about/' in body and f"{ORIGIN}/media/map.png" in body
    assert f"{ORIGIN}{post.get_absolute_url()}#fn1" in body
    assert 'href="/' not in body.replace("&quot;", '"').replace('\\"', '"')


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_feed_never_shows_author_email(client, make_blog, make_post, suffix):
    blog = make_blog()
    post = make_post(blog)
    body = client.get(f"/@{blog.slug}/{suffix}").content.decode()
    assert post.author.email and post.author.email not in body
    assert "@example.test" not in body
    assert post.author.name in body


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_feed_content_is_sanitized(client, make_blog, make_post, suffix):
    blog = make_blog()
    make_post(blog, source='Hi <script>alert(1)</script><img src=x onerror="alert(2)">')
    body = client.get(f"/@{blog.slug}/{suffix}").content.decode()
    assert "alert(1)" not in body and "onerror" not in body


def test_atom_entries_carry_id_dates_author_and_full_content(client, make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, source="The **whole** text.", tags=["port"])
    feed, [entry] = atom_entries(client, f"/@{blog.slug}/feed/atom/")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{ORIGIN}/@{blog.slug}/feed/atom/"
    assert feed.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}id") == ORIGIN + post.get_absolute_url()
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == post.author.name
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html" and "<strong>whole</strong>" in content.text
    assert entry.find(f"{ATOM}category").get("term") == "port"


def test_atom_summary_shows_code_as_text_not_markup(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog, source="Type `<b>bold</b>` to embolden.")
    _, [entry] = atom_entries(client, f"/@{blog.slug}/feed/atom/")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html" and "&lt;b&gt;bold&lt;/b&gt;" in summary.text


def test_json_feed_follows_version_1_1(client, make_blog, make_post):
    blog = make_blog(tagline="Port news", language="ru")
    post = make_post(blog, source="Text.", tags=["port"])
    feed = json_feed(client, f"/@{blog.slug}/feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == f"{ORIGIN}/@{blog.slug}/"
    assert feed["feed_url"] == f"{ORIGIN}/@{blog.slug}/feed.json"
    assert feed["description"] == "Port news" and feed["language"] == "ru"
    [item] = feed["items"]
    assert item["id"] == item["url"] == ORIGIN + post.get_absolute_url()
    assert item["content_html"].startswith("<p>Text.")
    assert item["authors"] == [{"name": post.author.name}] and item["tags"] == ["port"]
    assert datetime.datetime.fromisoformat(item["date_published"]) == post.published_at


def test_rss_feed_speaks_the_blog_language(client, make_blog, make_post):
    blog = make_blog(language="ru")
    make_post(blog)
    channel, _ = rss_items(client, f"/@{blog.slug}/feed/")
    assert channel.findtext("language") == "ru"


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_tag_feed_lists_only_posts_with_the_tag(client, make_blog, make_post, suffix):
    blog, other = make_blog(), make_blog()
    make_post(blog, title="Tagged", tags=["port"])
    make_post(blog, title="Untagged", tags=["weather"])
    make_post(other, title="Tagged elsewhere", tags=["port"])
    make_post(blog, title="Tagged draft", tags=["port"], status=Post.Status.DRAFT)
    assert titles_in(client, f"/@{blog.slug}/tag/port/{suffix}") == ["Tagged"]


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_category_feed_includes_sub_categories(client, make_blog, make_post, suffix):
    blog = make_blog()
    labour = Category.objects.create(blog=blog, name="Labour", slug="labour")
    strikes = Category.objects.create(blog=blog, name="Strikes", slug="strikes", parent=labour)
    dated(make_post, blog, "In labour", 2).categories.set([labour])
    dated(make_post, blog, "In strikes", 1).categories.set([strikes])
    make_post(blog, title="Uncategorised")
    assert titles_in(client, f"/@{blog.slug}/category/labour/{suffix}") == ["In strikes", "In labour"]
    assert titles_in(client, f"/@{blog.slug}/category/strikes/{suffix}") == ["In strikes"]


def test_tag_feed_is_named_after_tag_and_links_to_its_listing(client, make_blog, make_post):
    blog = make_blog(title="Harbour")
    make_post(blog, tags=["port"])
    channel, _ = rss_items(client, f"/@{blog.slug}/tag/port/feed/")
    assert "port" in channel.findtext("title") and "Harbour" in channel.findtext("title")
    assert channel.findtext("link") == f"{ORIGIN}/@{blog.slug}/tag/port/"


@pytest.mark.parametrize(
    "path", ["tag/nothing/feed/", "tag/nothing/feed.json", "category/nothing/feed/atom/", "category/nothing/feed.json"]
)
def test_unknown_tag_or_category_feed_is_404(client, make_blog, path):
    blog = make_blog()
    assert client.get(f"/@{blog.slug}/{path}").status_code == 404


def test_unknown_blog_feed_is_404(client, db):
    assert client.get("/@nobody/feed/").status_code == 404


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/feed.json"])
def test_site_feed_lists_live_posts_of_every_blog(client, make_blog, make_post, url):
    dated(make_post, make_blog(), "First blog", 2)
    dated(make_post, make_blog(), "Second blog", 1)
    make_post(make_blog(), title="Draft", status=Post.Status.DRAFT)
    assert titles_in(client, url) == ["Second blog", "First blog"]


@pytest.mark.parametrize("listing", ["tag/port/", "category/labour/"])
def test_listing_advertises_its_own_feeds(client, make_blog, make_post, listing):
    blog = make_blog()
    post = make_post(blog, tags=["port"])
    post.categories.set([Category.objects.create(blog=blog, name="Labour", slug="labour")])
    html = client.get(f"/@{blog.slug}/{listing}").content.decode()
    base = f"/@{blog.slug}/{listing}"
    for kind, href in [("rss+xml", f"{base}feed/"), ("atom+xml", f"{base}feed/atom/"), ("feed+json", f"{base}feed.json")]:
        assert f'<link rel="alternate" type="application/{kind}"' in html and f'href="{href}"' in html
        assert client.get(href).status_code == 200


def test_blog_pages_advertise_the_blog_feeds(client, make_blog):
    blog = make_blog()
    html = client.get(f"/@{blog.slug}/").content.decode()
    assert f'type="application/rss+xml" title="{blog.title} (RSS)" href="/@{blog.slug}/feed/"' in html


def test_front_page_advertises_the_site_feeds(client, db):
    html = client.get("/").content.decode()
    assert 'href="/feed/"' in html and 'href="/feed/atom/"' in html and 'href="/feed.json"' in html


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/", "feed.json"])
def test_feed_queries_do_not_grow_with_posts(client, make_blog, make_post, suffix):
    blog = make_blog()
    url = f"/@{blog.slug}/{suffix}"
    make_post(blog, tags=["a", "b"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for _ in range(5):
        make_post(blog, tags=["a", "b"])
    assert queries() == one


def test_featured_image_travels_as_absolute_enclosure_and_json_image(client, make_blog, make_post):
    blog = make_blog()
    image = Media.objects.create(
        blog=blog, file="uploads/2026/11/crane.jpg", original_name="crane.jpg", content_type="image/jpeg", size=1234
    )
    make_post(blog, featured_image=image)
    _, [item] = rss_items(client, f"/@{blog.slug}/feed/")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"{ORIGIN}/media/uploads/2026/11/crane.jpg"
    assert enclosure.get("length") == "1234" and enclosure.get("type") == "image/jpeg"
    [json_item] = json_feed(client, f"/@{blog.slug}/feed.json")["items"]
    assert json_item["image"] == f"{ORIGIN}/media/uploads/2026/11/crane.jpg"
