import datetime
import xml.etree.ElementTree as ET

from django.utils import timezone

from samizdat.posts.models import Post

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ORIGIN = "http://testserver"


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SM}loc")]


def section(client, name):
    """The URLs of one sitemap section, found through the index as a crawler would."""
    urls = [u for u in locations(client, "/sitemap.xml") if u.endswith(f"/sitemap-{name}.xml")]
    assert urls, f"no {name} section in the sitemap index"
    return locations(client, urls[0].removeprefix(ORIGIN))


def test_sitemap_index_lists_its_sections_absolutely(client, db):
    assert locations(client, "/sitemap.xml") == [
        f"{ORIGIN}/sitemap-{name}.xml" for name in ("site", "blogs", "posts", "pages")
    ]


def test_sitemap_lists_live_posts_only(client, make_blog, make_post):
    blog = make_blog()
    live = make_post(blog)
    make_post(blog, status=Post.Status.DRAFT)
    make_post(blog, status=Post.Status.PRIVATE)
    make_post(blog, status=Post.Status.SCHEDULED, when=timezone.now() + datetime.timedelta(days=1))
    assert section(client, "posts") == [ORIGIN + live.get_absolute_url()]


def test_sitemap_lists_live_pages(client, make_blog, make_post):
    blog = make_blog()
    page = make_post(blog, kind=Post.Kind.PAGE, title="About")
    make_post(blog, kind=Post.Kind.PAGE, title="Unfinished", status=Post.Status.DRAFT)
    assert section(client, "pages") == [ORIGIN + page.get_absolute_url()]


def test_sitemap_lists_blog_homes_with_their_last_change(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog)
    response = client.get("/sitemap-blogs.xml")
    [url] = ET.fromstring(response.content).findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == f"{ORIGIN}/@{blog.slug}/"
    assert url.findtext(f"{SM}lastmod") == timezone.now().date().isoformat()


def test_sitemap_post_urls_keep_cyrillic_slugs_encoded(client, make_post):
    post = make_post(title="Забастовка в порту")
    [url] = section(client, "posts")
    assert url.isascii() and url == ORIGIN + post.get_absolute_url()


def test_robots_txt_allows_everything_public(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and "Allow: /" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_keeps_crawlers_out_of_dashboard_and_sign_in(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /dashboard/" in lines and "Disallow: /accounts/" in lines


def test_robots_txt_points_at_the_sitemap(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
