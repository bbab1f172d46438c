"""Canonical links and OpenGraph tags: what search engines and link previews read."""

import re

from samizdat.posts.models import Post

ORIGIN = "http://testserver"


def meta(html, prop):
    """The content of every <meta property|name=prop> in the page."""
    return re.findall(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)


def canonical(html):
    [href] = re.findall(r'<link rel="canonical" href="([^"]*)"', html)
    return href


def test_post_has_canonical_link_and_open_graph_article(client, make_post):
    post = make_post(title="Dockers strike", source="The port is closed.", tags=["port"])
    html = client.get(post.get_absolute_url()).content.decode()
    url = ORIGIN + post.get_absolute_url()
    assert canonical(html) == url and meta(html, "og:url") == [url]
    assert meta(html, "og:type") == ["article"] and meta(html, "og:title") == ["Dockers strike"]
    assert meta(html, "og:description") == ["The port is closed."]
    assert meta(html, "og:site_name") == [post.blog.title]
    assert meta(html, "article:tag") == ["port"] and meta(html, "article:published_time")


def test_post_canonical_ignores_tracking_parameters(client, make_post):
    post = make_post()
    html = client.get(post.get_absolute_url(), {"utm_source": "x"}).content.decode()
    assert canonical(html) == ORIGIN + post.get_absolute_url()


def test_post_with_cyrillic_slug_has_ascii_canonical(client, make_post):
    post = make_post(title="Забастовка в порту")
    html = client.get(post.get_absolute_url()).content.decode()
    assert canonical(html).isascii() and canonical(html) == ORIGIN + post.get_absolute_url()


def test_page_has_canonical_link_and_open_graph(client, make_post):
    page = make_post(kind=Post.Kind.PAGE, title="About us", source="Who we are.")
    html = client.get(page.get_absolute_url()).content.decode()
    assert canonical(html) == ORIGIN + page.get_absolute_url()
    assert meta(html, "og:title") == ["About us"] and meta(html, "og:description") == ["Who we are."]
    assert meta(html, "og:url") == [ORIGIN + page.get_absolute_url()]


def test_draft_preview_asks_robots_not_to_index(client, make_post):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(post.author)
    html = client.get(post.get_absolute_url()).content.decode()
    assert meta(html, "robots") == ["noindex"]


def test_published_post_may_be_indexed(client, make_post):
    post = make_post()
    assert meta(client.get(post.get_absolute_url()).content.decode(), "robots") == []


def test_blog_home_canonical_keeps_page_number_but_not_other_parameters(client, make_blog, make_post):
    blog = make_blog()
    blog.posts_per_page = 1
    blog.save()
    make_post(blog)
    make_post(blog)
    first = client.get(f"/@{blog.slug}/", {"ref": "x"}).content.decode()
    second = client.get(f"/@{blog.slug}/", {"page": 2, "ref": "x"}).content.decode()
    assert canonical(first) == f"{ORIGIN}/@{blog.slug}/"
    assert canonical(second) == f"{ORIGIN}/@{blog.slug}/?page=2"
    assert meta(second, "og:url") == [f"{ORIGIN}/@{blog.slug}/?page=2"]


def test_tag_listing_open_graph_title_names_the_tag(client, make_blog, make_post):
    blog = make_blog(title="Harbour")
    make_post(blog, tags=["port"])
    html = client.get(f"/@{blog.slug}/tag/port/").content.decode()
    assert meta(html, "og:title") == ["Tag: port · Harbour"]
    assert canonical(html) == f"{ORIGIN}/@{blog.slug}/tag/port/"


def test_front_page_canonical_drops_query(client, db):
    html = client.get("/", {"utm_source": "x"}).content.decode()
    assert canonical(html) == f"{ORIGIN}/"
