import datetime
import re
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from samizdat.accounts.models import User
from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import Role
from samizdat.comments.models import Comment
from samizdat.core.html import strip_tags
from samizdat.demo.services import (
    DEMO_PASSWORD, DEMO_USERNAME, REPORT, load_demo, parse_document, parse_when,
)
from samizdat.posts.models import Category, Media, Post, Tag
from samizdat.posts.search import rebuild_index
from samizdat.reblogs.models import Reblog
from samizdat.social.models import Follow, Like

FEATURES = {
    "second-level heading": r"<h2[ >]",
    "third-level heading": r"<h3[ >]",
    "emphasis": r"<em>",
    "strong emphasis": r"<strong>",
    "strikethrough": r"<(del|s)>",
    "link": r'<a href="/@',
    "block quote": r"<blockquote>",
    "ordered list": r"<ol[ >]",
    "unordered list": r"<ul>",
    "nested list": r"<li>[^<]*(<[^/][^>]*>[^<]*</[^>]+>[^<]*)*<(ul|ol)>",
    "inline code": r"<code>",
    "code block": r"<pre><code",
    "table": r"<table>",
    "footnotes": r'<section class="footnotes"',
    "image with alt text": r'<img src="/media/[^"]+" alt="[^"]+"',
    "figure with caption": r"<figure>\s*<img[^>]*>\s*<figcaption>",
    "horizontal rule": r"<hr>",
}


@pytest.fixture(scope="module")
def demo_media_root(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module (it takes seconds), and taken away after it.

    Each test still runs in its own transaction, so what a test changes is rolled back.
    """
    media_root = tmp_path_factory.mktemp("demo-media")
    # The demo fetches nothing: its outside reblog is stored text.
    offline = mock.patch("samizdat.core.http.fetch", side_effect=AssertionError("the demo fetched a URL"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        with offline:
            load_demo(progress=lambda line: None)
        yield media_root
        call_command("flush", interactive=False, verbosity=0)
        rebuild_index()  # the full-text index is no model table, so flush leaves it behind


@pytest.fixture
def demo(db, settings, demo_media_root):
    settings.MEDIA_ROOT = demo_media_root


def test_parse_document_reads_header_then_markdown():
    meta, body = parse_document("title: A: B\nslug: a-b\n---\nText with\n---\nrule.\n")
    assert meta == {"title": "A: B", "slug": "a-b"} and body == "Text with\n---\nrule.\n"


def test_parse_document_without_end_of_header_fails():
    with pytest.raises(ValueError):
        parse_document("title: A\nText")


def test_parse_when_counts_days_in_blog_time_zone():
    tz = Blog(time_zone="Asia/Almaty").tzinfo
    now = datetime.datetime(2026, 3, 1, 22, 0, tzinfo=datetime.timezone.utc)  # 2 March in Almaty
    assert parse_when("-2d 09:30", tz, now) == datetime.datetime(2026, 2, 28, 9, 30, tzinfo=tz)


def test_demo_makes_english_russian_and_kazakh_blogs(demo):
    languages = dict(Blog.objects.values_list("slug", "language"))
    assert len(languages) >= 2 and {"en", "ru", "kk"} <= set(languages.values())


def test_demo_admin_signs_in_with_documented_password(demo):
    admin = User.objects.get(username=DEMO_USERNAME)
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_demo_writers_hold_every_role(demo):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Membership.objects.values("user").distinct().count() >= 6


def test_demo_has_nested_categories_and_tags_on_every_blog(demo):
    for blog in Blog.objects.all():
        assert Category.objects.filter(blog=blog, parent__isnull=False).exists(), blog.slug
        assert Tag.objects.filter(blog=blog).exists(), blog.slug


def test_demo_blogs_have_pages(demo):
    for blog in Blog.objects.all():
        assert 2 <= blog.posts.filter(kind=Post.Kind.PAGE).live().count() <= 3, blog.slug


def test_demo_has_a_scheduled_post_and_a_draft(demo):
    scheduled = Post.objects.get(status=Post.Status.SCHEDULED, blog__slug="dispatch")
    assert scheduled.published_at > timezone.now()
    assert Post.objects.filter(status=Post.Status.DRAFT, published_at__isnull=True).exists()


def test_demo_archives_span_several_months(demo):
    for blog in Blog.objects.all():
        months = {p.local_date().replace(day=1) for p in blog.posts.posts().live()}
        assert len(months) >= 3, blog.slug


@pytest.mark.parametrize("feature", FEATURES)
def test_demo_posts_show_formatting_feature(demo, feature):
    html = "\n".join(Post.objects.posts().values_list("html", flat=True))
    assert re.search(FEATURES[feature], html), feature


def test_demo_report_is_about_600_words(demo):
    blog_slug, slug = REPORT
    post = Post.objects.get(blog__slug=blog_slug, slug=slug)
    assert post.is_live and 550 <= len(strip_tags(post.html).split()) <= 700


def test_demo_images_are_stored_without_metadata(demo):
    media = list(Media.objects.all())
    assert len(media) >= 6 and all(m.renditions for m in media)
    for m in media:
        for name in [m.file.name, *m.renditions.values()]:
            with default_storage.open(name) as f, Image.open(f) as image:
                assert not image.getexif() and "exif" not in image.info, name


def test_demo_posts_use_their_images(demo):
    featured = Post.objects.filter(featured_image__isnull=False)
    assert featured.count() >= 5
    html = "\n".join(Post.objects.values_list("html", flat=True))
    assert sum(m.file.url in html for m in Media.objects.all()) >= 4


def test_demo_refers_to_no_other_host(demo):
    for post in Post.objects.all():
        # A reblog of an outside page links its original: a made-up site on a reserved name.
        html = re.sub(r'href="https://[a-z]+\.example/[^"]*"', "", post.html)
        assert not re.search(r'(src|href)="(https?:)?//', html), post.slug


def test_demo_reblogs_a_local_post_and_an_outside_one_with_the_credit_line(demo, client):
    local = Reblog.objects.get(origin=Reblog.Origin.LOCAL, local=True)
    outside = Reblog.objects.get(origin=Reblog.Origin.WEB)
    assert local.post.is_live and outside.post.is_live and local.blog != local.original.blog
    page = client.get(local.post.get_absolute_url()).content.decode()
    # In the reblogging blog's language (Russian here).
    assert (f'<p>Из <a href="/@dispatch/" rel="noopener">Dispatch</a>, оригинал: '
            f'<a href="{local.original.get_absolute_url()}" rel="noopener">{local.original.title}</a>') in page
    page = client.get(outside.post.get_absolute_url()).content.decode()
    assert '<p>From <a href="https://tideline.example/" rel="noopener">The Tideline</a> via ' in page
    assert "nine per cent" in page
    assert "Reblogged 1 time" in client.get(local.original.get_absolute_url()).content.decode()


def _public_urls():
    urls = ["/"]
    for blog in Blog.objects.all():
        urls += [
            blog.get_absolute_url(),
            reverse("posts:search", args=[blog.slug]) + "?q=a",
            reverse("feeds:blog_rss", args=[blog.slug]),
        ]
        live = blog.posts.live()
        urls += [p.get_absolute_url() for p in live]
        urls += [t.get_absolute_url() for t in blog.tags.all()]
        urls += [c.get_absolute_url() for c in blog.categories.all()]
        for post in live.posts():
            day = post.local_date()
            urls += [
                reverse("posts:year", args=[blog.slug, day.year]),
                reverse("posts:month", args=[blog.slug, day.year, f"{day.month:02d}"]),
                reverse("posts:author", args=[blog.slug, post.author.username]),
            ]
    return list(dict.fromkeys(urls))


def test_demo_public_pages_answer_200(demo, client):
    urls = _public_urls()
    assert len(urls) > 60
    failures = [(url, status) for url in urls if (status := client.get(url).status_code) != 200]
    assert failures == []


def test_demo_draft_and_scheduled_post_are_hidden_from_readers(demo, client):
    for post in Post.objects.filter(status__in=[Post.Status.DRAFT, Post.Status.SCHEDULED]):
        assert client.get(post.get_absolute_url()).status_code == 404, post.slug


def _counts():
    models = (User, Blog, Post, Media, Comment, Like, Follow, Reblog)
    return [model.objects.count() for model in models]


def test_demo_loaded_twice_adds_nothing(demo):
    counts = _counts()
    summary = load_demo(progress=lambda line: None)
    assert _counts() == counts
    assert "nothing new" in summary


def test_demo_completes_a_partly_loaded_site(demo):
    Post.objects.filter(slug=REPORT[1]).delete()
    load_demo(progress=lambda line: None)
    assert Post.objects.filter(blog__slug=REPORT[0], slug=REPORT[1]).exists()


def test_demo_has_threaded_conversations_on_two_or_three_posts(demo):
    threaded = Comment.objects.filter(parent__isnull=False).values("post").distinct().count()
    assert 2 <= Comment.objects.values("post").distinct().count() <= 3 and threaded >= 2


def test_demo_holds_one_comment_for_moderation(demo):
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    assert Comment.objects.exclude(status__in=[Comment.Status.PENDING, Comment.Status.APPROVED]).count() == 0


def test_demo_comments_are_in_their_blogs_language(demo):
    for comment in Comment.objects.select_related("post__blog"):
        cyrillic = bool(re.search(r"[а-яА-ЯәіңғүұқөһӘІҢҒҮҰҚӨҺ]", comment.body))
        assert cyrillic == (comment.post.blog.language in {"ru", "kk"}), comment.body


def test_demo_writers_like_posts_and_follow_blogs(demo):
    assert Like.objects.values("user").distinct().count() >= 5
    assert Follow.objects.values("user").distinct().count() >= 5


def test_demo_post_page_shows_its_conversation_and_likes(demo, client):
    post = Post.objects.get(blog__slug=REPORT[0], slug=REPORT[1])
    html = client.get(post.get_absolute_url()).content.decode()
    reply = Comment.objects.filter(post=post, parent__isnull=False).first()
    assert f'id="comment-{reply.pk}"' in html and "bloggers like this" in html
