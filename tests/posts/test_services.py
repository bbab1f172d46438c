import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samizdat.posts.models import Post
from samizdat.posts.services import (
    publish_due_posts, publish_post, restore_revision, save_post, terms_from_names, unique_slug,
)


def test_every_save_keeps_a_revision(make_post):
    post = make_post(status=Post.Status.DRAFT, source="first")
    post.source = "second"
    save_post(post, editor=post.author)
    assert [r.source for r in post.revisions.order_by("id")] == ["first", "second"]


def test_restore_revision_brings_back_old_text(make_post):
    post = make_post(status=Post.Status.DRAFT, source="original words")
    first = post.revisions.get()
    post.source = "vandalised"
    save_post(post, editor=post.author)
    restore_revision(first, editor=post.author)
    post.refresh_from_db()
    assert post.source == "original words" and "original words" in post.html
    assert post.revisions.count() == 3


def test_slug_is_unique_within_blog_and_keeps_cyrillic(make_post):
    post = make_post(title="Забастовка в порту")
    assert post.slug == "забастовка-в-порту"
    assert unique_slug(post.blog, "Забастовка в порту") == "забастовка-в-порту-2"


def test_numeric_title_does_not_make_a_numeric_slug(make_blog):
    assert unique_slug(make_blog(), "2026") == "p-2026"


def test_publishing_in_future_schedules(make_post):
    post = make_post(status=Post.Status.DRAFT)
    later = timezone.now() + datetime.timedelta(hours=2)
    publish_post(post, editor=post.author, when=later)
    assert post.status == Post.Status.SCHEDULED and not post.is_live


def test_due_scheduled_posts_get_published(make_post):
    post = make_post(status=Post.Status.DRAFT)
    publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(minutes=5))
    assert publish_due_posts(now=timezone.now()) == 0
    assert publish_due_posts(now=timezone.now() + datetime.timedelta(minutes=6)) == 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED


def test_rendered_html_is_sanitized_on_save(make_post):
    post = make_post(source="ok <script>alert(1)</script>")
    assert "<script" not in post.html


def test_page_cannot_take_a_slug_the_blog_uses(make_blog):
    blog = make_blog()
    page = Post(blog=blog, author=blog.memberships.first().user, kind=Post.Kind.PAGE, title="Find", slug="search")
    with pytest.raises(ValidationError) as error:
        save_post(page, editor=page.author)
    assert "slug" in error.value.message_dict


def test_page_titled_like_a_blog_url_gets_another_slug(make_post):
    assert make_post(kind=Post.Kind.PAGE, title="Search").slug == "search-2"


def test_very_long_tag_name_is_cut_to_fit(make_blog):
    (tag,) = terms_from_names(make_blog(), ["solidarity " * 30])
    assert len(tag.name) <= 100 and len(tag.slug) <= 100 and tag.slug.startswith("solidarity-")
