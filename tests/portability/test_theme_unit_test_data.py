"""WordPress's theme unit test data imports completely, checked item by item against the file.

The file is read here with ElementTree, independently of the importer's own reader. CI has no
network, so its attachments stay at their original addresses and the summary lists them.
"""

import datetime
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import override_settings

from samizdat.blogs.models import Blog
from samizdat.comments.models import Comment
from samizdat.portability.models import ImportedItem
from samizdat.portability.wordpress import import_wxr
from samizdat.posts.models import Category, Post, Tag
from samizdat.posts.search import rebuild_index

FIXTURE = Path("/work/shared/fixtures/wxr/themeunittestdata.wordpress.xml")
if not FIXTURE.exists():
    FIXTURE = Path(__file__).resolve().parents[3] / "shared/fixtures/wxr/themeunittestdata.wordpress.xml"
WP = "{https://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
STATUSES = {"publish": "published", "future": "scheduled", "draft": "draft", "private": "private"}
COMMENT_STATUSES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}

pytestmark = pytest.mark.skipif(not FIXTURE.exists(), reason="the WXR fixture is not checked out")


def channel():
    return ET.parse(FIXTURE).getroot().find("channel")


def items(*types):
    return [i for i in channel().findall("item") if i.findtext(f"{WP}post_type") in types]


def gmt(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fixture imported once for the module (it takes a couple of seconds), removed after it."""
    media_root = tmp_path_factory.mktemp("wxr-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        with FIXTURE.open("rb") as stream:
            blog, summary = import_wxr(stream, "themetest", fetch_media=False)
        yield blog.pk, summary
        call_command("flush", interactive=False, verbosity=0)
        rebuild_index()


@pytest.fixture
def result(db, imported):
    blog_pk, summary = imported
    return Blog.objects.get(pk=blog_pk), summary


def mapped(blog, kind, wp_id):
    return ImportedItem.objects.get(blog=blog, kind=kind, wp_id=str(wp_id))


def post_for(blog, wp_id):
    return Post.objects.get(pk=mapped(blog, "post", wp_id).object_id)


def test_fixture_blog_takes_title_tagline_and_language_from_channel(result):
    blog, _ = result
    ch = channel()
    assert (blog.title, blog.tagline, blog.language) == (
        ch.findtext("title"), ch.findtext("description"), ch.findtext("language"),
    )


def test_fixture_reads_to_the_end(result):
    assert result[1].stopped == ""


def test_fixture_every_author_is_a_member(result):
    blog, _ = result
    for author in channel().findall(f"{WP}author"):
        login = author.findtext(f"{WP}author_login")
        user = blog.memberships.get(user__pk=mapped(blog, "author", login).object_id).user
        assert user.email == author.findtext(f"{WP}author_email")
        assert user.display_name == author.findtext(f"{WP}author_display_name")
        assert not user.has_usable_password()


def test_fixture_every_category_with_its_parent(result):
    blog, _ = result
    for cat in channel().findall(f"{WP}category"):
        category = Category.objects.get(blog=blog, slug=unquote(cat.findtext(f"{WP}category_nicename")))
        assert category.name == cat.findtext(f"{WP}cat_name")
        parent = unquote(cat.findtext(f"{WP}category_parent") or "")
        assert (category.parent.slug if category.parent else "") == parent


def test_fixture_every_tag(result):
    blog, _ = result
    for tag in channel().findall(f"{WP}tag"):
        assert Tag.objects.get(blog=blog, slug=unquote(tag.findtext(f"{WP}tag_slug"))).name == tag.findtext(
            f"{WP}tag_name"
        )


def test_fixture_every_post_and_page_with_title_slug_status_date_parent_and_terms(result):
    blog, _ = result
    for item in items("post", "page"):
        wp_id = item.findtext(f"{WP}post_id")
        post = post_for(blog, wp_id)
        assert post.kind == item.findtext(f"{WP}post_type")
        assert post.title == (item.findtext("title") or "(no title)"), wp_id
        slug = unquote(item.findtext(f"{WP}post_name") or "")
        assert post.slug == slug if slug else post.slug, wp_id
        status = STATUSES[item.findtext(f"{WP}status")]
        assert post.status == ("private" if item.findtext(f"{WP}post_password") else status), wp_id
        assert post.published_at == gmt(item.findtext(f"{WP}post_date_gmt")), wp_id
        # One item's creator is ">themereviewteam", a typo in the file for a declared author.
        assert post.author.username == item.findtext(f"{DC}creator").lstrip(">")
        parent = item.findtext(f"{WP}post_parent")
        assert (post.parent_id or 0) == (post_for(blog, parent).pk if parent != "0" else 0), wp_id
        assert post.menu_order == int(item.findtext(f"{WP}menu_order"))
        terms = {
            (c.get("domain"), unquote(c.get("nicename"))) for c in item.findall("category")
            if c.get("domain") in ("category", "post_tag")
        }
        ours = {("category", c.slug) for c in post.categories.all()} | {("post_tag", t.slug) for t in post.tags.all()}
        assert ours == terms, wp_id


def test_fixture_content_is_converted_without_block_comments(result):
    blog, _ = result
    for item in items("post", "page"):
        post = post_for(blog, item.findtext(f"{WP}post_id"))
        assert "<!-- wp:" not in post.source and "<!--" not in post.html
        if (item.findtext(f"{CONTENT}encoded") or "").strip():
            assert post.html.strip(), item.findtext("title")


def test_fixture_every_comment_with_author_date_status_and_thread(result):
    blog, summary = result
    skipped = {what for what, _why in summary.skipped}
    for item in items("post", "page"):
        for c in item.findall(f"{WP}comment"):
            wp_id = c.findtext(f"{WP}comment_id")
            if c.findtext(f"{WP}comment_type") in ("pingback", "trackback"):
                assert any(what.startswith(f"comment {wp_id} ") for what in skipped)
                continue
            comment = Comment.objects.get(pk=mapped(blog, "comment", wp_id).object_id)
            assert comment.post == post_for(blog, item.findtext(f"{WP}post_id"))
            assert comment.author_name == c.findtext(f"{WP}comment_author")
            assert comment.created_at == gmt(c.findtext(f"{WP}comment_date_gmt"))
            assert comment.status == COMMENT_STATUSES[c.findtext(f"{WP}comment_approved")]
            parent = c.findtext(f"{WP}comment_parent")
            expected = mapped(blog, "comment", parent).object_id if parent != "0" else None
            assert comment.parent_id == expected, wp_id


def test_fixture_threads_nest_as_deep_as_in_the_file(result):
    blog, _ = result
    assert max(Comment.objects.filter(post__blog=blog).values_list("depth", flat=True)) >= 9


def test_fixture_every_attachment_kept_at_its_original_address_and_reported(result):
    blog, summary = result
    reported = {url for url, _why in summary.media_kept_remote}
    for item in items("attachment"):
        url = item.findtext(f"{WP}attachment_url")
        assert mapped(blog, "attachment", item.findtext(f"{WP}post_id")).original_url == url
        assert url in reported


def test_fixture_featured_images_not_fetched_are_reported(result):
    blog, summary = result
    notes = [note for _what, note in summary.notes if note.startswith("featured image")]
    with_thumbnail = [
        i for i in items("post", "page")
        if any(m.findtext(f"{WP}meta_key") == "_thumbnail_id" for m in i.findall(f"{WP}postmeta"))
    ]
    assert len(notes) == len(with_thumbnail) > 0


def test_fixture_menu_items_skipped_with_reason(result):
    _, summary = result
    menus = [what for what, why in summary.skipped if why == "navigation menus are not imported"]
    assert len(menus) == len(items("nav_menu_item"))


def test_fixture_second_import_updates_and_never_duplicates(result):
    blog, _ = result
    before = (Post.objects.filter(blog=blog).count(), Comment.objects.filter(post__blog=blog).count(),
              Category.objects.filter(blog=blog).count(), Tag.objects.filter(blog=blog).count())
    with FIXTURE.open("rb") as stream:
        _, summary = import_wxr(stream, blog.slug, fetch_media=False)
    after = (Post.objects.filter(blog=blog).count(), Comment.objects.filter(post__blog=blog).count(),
             Category.objects.filter(blog=blog).count(), Tag.objects.filter(blog=blog).count())
    assert after == before
    assert summary.imported.get("post", 0) == 0 and summary.updated["post"] == len(items("post", "page"))
