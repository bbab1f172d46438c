"""A blog on its own domain, beside the instance's hosts; every other host is refused."""

import datetime

import pytest

from samizdat.posts.models import Post

WHEN = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def blog_on_domain(make_blog):
    blog = make_blog("harbour", title="Harbour News")
    blog.custom_domain = "news.example.org"
    blog.save()
    return blog


def test_unknown_host_is_refused(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "Content-Security-Policy" in response.headers


def test_custom_domain_root_is_the_blog_home(client, blog_on_domain, make_post):
    make_post(blog_on_domain, title="Dockers vote to strike")
    response = client.get("/", HTTP_HOST="news.example.org")
    assert response.status_code == 200 and "Dockers vote to strike" in response.content.decode()


def test_custom_domain_serves_posts_at_wordpress_style_dates(client, blog_on_domain, make_post):
    post = make_post(blog_on_domain, title="Vote", slug="vote", when=WHEN)
    response = client.get("/2026/03/02/vote/", HTTP_HOST="news.example.org")
    assert response.status_code == 200 and post.title in response.content.decode()


def test_custom_domain_serves_the_blog_feed_at_feed(client, blog_on_domain, make_post):
    make_post(blog_on_domain, title="In the feed")
    response = client.get("/feed/", HTTP_HOST="news.example.org:443")
    assert response.status_code == 200 and b"In the feed" in response.content


def test_custom_domain_keeps_instance_paths(client, blog_on_domain):
    assert client.get("/accounts/login/", HTTP_HOST="news.example.org").status_code == 200


def test_custom_domain_shows_only_its_own_blog(client, blog_on_domain, make_blog, make_post):
    other = make_blog("elsewhere")
    page = make_post(other, kind=Post.Kind.PAGE, title="Other page", slug="other-page")
    assert client.get(page.get_absolute_url()).status_code == 200
    assert client.get("/other-page/", HTTP_HOST="news.example.org").status_code == 404


def test_custom_domain_speaks_the_blog_language(client, make_blog):
    blog = make_blog("listok", language="ru")
    blog.custom_domain = "listok.example.org"
    blog.save()
    assert client.get("/", HTTP_HOST="listok.example.org")["Content-Language"] == "ru"
