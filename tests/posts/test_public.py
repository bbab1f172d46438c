import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.blogs.roles import Role
from samizdat.comments.models import Comment, CommentSettings, Policy
from samizdat.posts.models import Category, Post
from samizdat.reblogs import services as reblogs
from samizdat.social import services as social


def test_blog_home_lists_published_posts_not_drafts(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Published one")
    make_post(blog, title="Secret draft", status=Post.Status.DRAFT)
    page = client.get(f"/@{blog.slug}/").content.decode()
    assert "Published one" in page and "Secret draft" not in page


def test_post_page_shows_title_author_body_and_terms(client, make_post):
    post = make_post(title="Dockers strike", source="The **port** is closed.", tags=["strike"])
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1 class=\"p-name\">Dockers strike</h1>" in html
    assert "<strong>port</strong>" in html and "#strike" in html and post.author.name in html
    assert 'id="reactions"' in html


def test_post_url_with_wrong_date_is_404(client, make_post):
    post = make_post()
    assert client.get(f"/@{post.blog.slug}/1999/01/01/{post.slug}/").status_code == 404


def test_post_url_uses_blog_time_zone_date(make_blog, make_post):
    blog = make_blog(time_zone="Asia/Almaty")  # UTC+5
    when = datetime.datetime(2026, 3, 1, 22, 0, tzinfo=datetime.timezone.utc)
    post = make_post(blog, when=when)
    assert "/2026/03/02/" in post.get_absolute_url()


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PRIVATE])
def test_unpublished_post_is_404_for_readers(client, make_post, status):
    post = make_post(status=status, published_at=timezone.now())
    assert client.get(post.get_absolute_url()).status_code == 404


def test_scheduled_post_is_hidden_until_due(client, make_post):
    post = make_post(status=Post.Status.SCHEDULED, when=timezone.now() + datetime.timedelta(days=1))
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.title not in client.get(f"/@{post.blog.slug}/").content.decode()


def test_author_previews_own_draft(client, make_post):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(post.author)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200 and "Preview" in response.content.decode()


def test_other_author_cannot_preview_draft(client, make_post, member):
    post = make_post(status=Post.Status.DRAFT)
    client.force_login(member(post.blog, Role.AUTHOR))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_unknown_blog_post_and_page_give_404_page(client, make_blog):
    blog = make_blog()
    for url in ("/@nobody/", f"/@{blog.slug}/2026/01/01/nothing/", f"/@{blog.slug}/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Not found" in response.content.decode()


def test_page_is_served_at_its_slug_and_in_menu(client, make_post):
    page = make_post(kind=Post.Kind.PAGE, title="About us")
    assert page.get_absolute_url() == f"/@{page.blog.slug}/{page.slug}/"
    assert client.get(page.get_absolute_url()).status_code == 200
    assert f'href="{page.get_absolute_url()}"' in client.get(f"/@{page.blog.slug}/").content.decode()


def test_blog_home_paginates(client, make_blog, make_post):
    blog = make_blog()
    blog.posts_per_page = 2
    blog.save()
    for i in range(5):
        make_post(blog, title=f"Numbered {i}", when=timezone.now() - datetime.timedelta(hours=i))
    first = client.get(f"/@{blog.slug}/").content.decode()
    third = client.get(f"/@{blog.slug}/?page=3").content.decode()
    assert "Numbered 0" in first and "Numbered 2" not in first and 'rel="next"' in first
    assert "Numbered 4" in third and 'rel="next"' not in third


def test_archives_filter_by_year_and_month(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="March post", when=datetime.datetime(2025, 3, 10, tzinfo=datetime.timezone.utc))
    make_post(blog, title="June post", when=datetime.datetime(2025, 6, 10, tzinfo=datetime.timezone.utc))
    month = client.get(f"/@{blog.slug}/2025/03/").content.decode()
    year = client.get(f"/@{blog.slug}/2025/").content.decode()
    assert "March post" in month and "June post" not in month
    assert "March post" in year and "June post" in year


def test_category_page_includes_subcategories(client, make_blog, make_post):
    blog = make_blog()
    parent = Category.objects.create(blog=blog, name="Labour", slug="labour")
    child = Category.objects.create(blog=blog, name="Strikes", slug="strikes", parent=parent)
    post = make_post(blog, title="In the child")
    post.categories.set([child])
    assert "In the child" in client.get(f"/@{blog.slug}/category/labour/").content.decode()


def test_author_page_lists_their_posts(client, make_blog, make_post, member):
    blog = make_blog()
    writer = member(blog, Role.AUTHOR)
    make_post(blog, author=writer, title="By the writer")
    make_post(blog, title="By the owner")
    html = client.get(f"/@{blog.slug}/author/{writer.username}/").content.decode()
    assert "By the writer" in html and "By the owner" not in html


def test_front_page_lists_blogs_and_recent_posts(client, make_post):
    post = make_post(title="Across the instance")
    html = client.get("/").content.decode()
    assert "Across the instance" in html and post.blog.title in html


def test_russian_blog_speaks_russian(client, make_blog, make_post):
    blog = make_blog(language="ru")
    make_post(blog)
    response = client.get(f"/@{blog.slug}/")
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/@{blog}/", "/@{blog}/tag/t1/", "/@{blog}/2026/"])
def test_listing_query_count_does_not_grow_with_posts(client, make_blog, make_post, django_assert_max_num_queries, path):
    blog = make_blog()
    for _ in range(12):
        make_post(blog, tags=["t1", "t2"], when=datetime.datetime(2026, 5, 1, tzinfo=datetime.timezone.utc))
    with django_assert_max_num_queries(8):
        assert client.get(path.format(blog=blog.slug)).status_code == 200


def test_post_page_query_count_is_small(client, make_post, django_assert_max_num_queries):
    post = make_post(tags=["a", "b", "c"])
    # Rendered whole (as for a signed-in reader, or the first reader after a change): up to 6 for
    # the post, its blog and terms, and comments; 2 for likes and followers (social); 1 for
    # reblogs (where it came from, who passed it on); 1 for the sign-in providers enabled in the
    # admin (the comment form's icons). From its fragments: 2 (tests/posts/test_fragments.py).
    with django_assert_max_num_queries(6 + 2 + 1 + 1):
        client.get(post.get_absolute_url())


# Every query of a post page rendered whole, every cache off (the page store and the post's stored
# parts): the blog, the post, its tags, its categories, the blog's menu pages, the reblogs (where
# it came from and who passed it on), the likes, the blog's followers, the comments with their
# settings, the sign-in providers for the comment form's icons. A signed-in reader's page costs
# about as much.
WHOLE_RENDER_QUERIES = 10


def test_post_page_rendered_whole_costs_the_same_queries_however_many_comments_likes_and_reblogs(
    client, settings, make_blog, make_post, make_user
):
    settings.SAMIZDAT_PAGES = False
    settings.SAMIZDAT_POST_FRAGMENTS = False
    blog = make_blog()
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    post = make_post(blog, title="The port strike ends", tags=["docks", "strike"])
    url, parent, made = post.get_absolute_url(), None, 0

    def grow(comments, likes, reblogged):
        nonlocal parent, made
        for n in range(made, made + comments):
            # Threads three deep, some by signed-in commenters (their accounts are not read again).
            user = make_user(password=None) if n % 4 == 0 else None
            parent = Comment.objects.create(
                post=post, parent=parent if n % 3 else None, user=user, author_name=f"Reader {n}",
                author_url="https://example.test/" if n % 2 else "", body="x", html="<p>x</p>",
                status=Comment.Status.APPROVED,
            )
        for n in range(likes):
            liker = make_user(password=None)
            if n % 2:
                make_blog(owner=liker)  # their avatar links to their blog
            social.like_post(liker, post)
        for n in range(made, made + reblogged):
            other = make_blog()
            reblogs.reblog(reblogs.source_from_post(post), blog=other, editor=other.memberships.first().user)
            reblogs.record_remote_reblog(post, actor_url=f"https://elsewhere.test/u/{n}", activity_id=f"https://elsewhere.test/a/{n}")
        made += comments

    def render():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), [q["sql"] for q in captured.captured_queries]

    grow(comments=5, likes=2, reblogged=1)
    few_html, few = render()
    grow(comments=20, likes=10, reblogged=3)
    many_html, many = render()
    # The page shows what was added, so the second count is of a page that rendered all of it.
    assert ">Reader 4<" in few_html and ">Reader 24<" not in few_html and ">Reader 24<" in many_html
    assert "Reblogged 2 times" in few_html and "Reblogged 8 times" in many_html
    assert re.search(r"12\s+bloggers like this", many_html), "likes not shown"
    listed = "\n".join(many)
    assert len(many) == len(few), f"{len(few)} queries with 5 comments, {len(many)} with 25:\n{listed}"
    assert len(many) <= WHOLE_RENDER_QUERIES, listed
