"""Exporting a blog as WXR 1.2, and Samizdat → WXR → Samizdat round trips."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from samizdat.blogs.roles import Role
from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment
from samizdat.portability import wxr
from samizdat.portability.export import export_wxr
from samizdat.portability.models import ImportedItem
from samizdat.portability.wordpress import import_wxr
from samizdat.posts.media import store_upload
from samizdat.posts.models import Category, Post, Tag
from samizdat.posts.services import save_post

from .conftest import item, wxr as make_wxr
from .test_import import png

WP = "{http://wordpress.org/export/1.2/}"
SOURCE = """# A heading

First paragraph with *emphasis*, a [link](https://example.org/page) and a soft
line break.

- one
- two

> A quote "in quotes".

```
code
  indented
```
"""


def when(days, hour=9):
    return datetime.datetime(2025, 3, 1, hour, 30, 15, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=days)


@pytest.fixture
def source_blog(make_blog, make_user, member):
    """A blog with two authors, nested categories, tags, posts in every status, pages and comment threads."""
    owner = make_user("olga", display_name="Olga Owner")
    blog = make_blog("source", owner=owner, title="Source", tagline="Where it starts", time_zone="Europe/Berlin")
    writer = member(blog, Role.AUTHOR, username="wanda", display_name="Wanda Writer")
    news = Category.objects.create(blog=blog, name="News", slug="news", description="What happened")
    local = Category.objects.create(blog=blog, name="Local", slug="local", parent=news)
    Category.objects.create(blog=blog, name="Street", slug="street", parent=local)
    rights = Tag.objects.create(blog=blog, name="Rights", slug="rights")
    strike = Tag.objects.create(blog=blog, name="Strike 2025", slug="strike-2025")

    def post(title, slug, status, published_at, author=owner, **fields):
        p = Post(blog=blog, author=author, title=title, slug=slug, status=status, published_at=published_at,
                 source=fields.pop("source", SOURCE), **fields)
        return save_post(p, editor=author, tags=fields.get("tags"), categories=fields.get("categories"))

    first = post("First “post” & more", "first-post", Post.Status.PUBLISHED, when(0), excerpt="A short summary.")
    first.tags.set([rights, strike])
    first.categories.set([local])
    second = post("Second", "second", Post.Status.PUBLISHED, when(1), author=writer)
    second.categories.set([Category.objects.get(slug="street")])
    second.tags.set([strike])
    comment_services.set_post_open(second, False)
    post("Later", "later", Post.Status.SCHEDULED, timezone.now().replace(microsecond=0) + datetime.timedelta(days=30))
    post("Unfinished", "unfinished", Post.Status.DRAFT, None, author=writer, source="Just *started*.")
    post("Members only", "members-only", Post.Status.PRIVATE, when(2))
    about = post("About", "about", Post.Status.PUBLISHED, when(-10), kind=Post.Kind.PAGE, menu_order=2,
                 source="About us.")
    team = post("Team", "team", Post.Status.PUBLISHED, when(-9), kind=Post.Kind.PAGE, menu_order=5,
                source="Who we are.")
    team.parent = about
    team.save()

    def comment(on, name, status, at, parent=None, user=None):
        c = comment_services.import_comment(
            on, parent=parent, author_name=name, author_email=f"{name.lower()}@mail.example",
            author_url="https://reader.example/" if name == "Reader" else "",
            html=f"<p>{name} says\nhello &amp; more</p>", status=status, created_at=at, user=user,
        )
        Comment.objects.filter(pk=c.pk).update(ip="203.0.113.7")
        return c

    top = comment(first, "Reader", Comment.Status.APPROVED, when(0, 12))
    reply = comment(first, "Olga", Comment.Status.APPROVED, when(0, 13), parent=top, user=owner)
    comment(first, "Reader", Comment.Status.PENDING, when(0, 14), parent=reply)
    comment(first, "Spammer", Comment.Status.SPAM, when(0, 15))
    comment(second, "Gone", Comment.Status.TRASH, when(1, 16))
    return blog


def export(blog):
    out = io.BytesIO()
    export_wxr(blog, out)
    return out.getvalue()


def round_trip(blog):
    new_blog, summary = import_wxr(io.BytesIO(export(blog)), "copy", fetch_media=False)
    assert not summary.skipped and not summary.stopped
    return new_blog


def normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def posts_by_slug(blog):
    return {p.slug: p for p in Post.objects.filter(blog=blog)}


def test_export_parses_as_wxr_1_2(source_blog):
    root = etree.fromstring(export(source_blog))
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext("title") == "Source" and channel.findtext("language") == "en"
    assert channel.findtext(f"{WP}base_blog_url").endswith("/@source/")
    assert len(channel.findall("item")) == Post.objects.filter(blog=source_blog).count()


def test_export_uses_wordpress_prefixes(source_blog):
    # WordPress's fallback parsers (WXR_Parser_XML, WXR_Parser_Regex) match "wp:post_id" literally.
    data = export(source_blog).decode()
    assert "<wp:post_id>" in data and "<content:encoded>" in data and "<dc:creator>" in data
    assert not re.search(r"<ns\d+:", data)


def test_export_holds_no_email_or_ip_address(source_blog):
    data = export(source_blog).decode()
    assert "@mail.example" not in data and "@example.test" not in data
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", data)
    assert "203.0.113.7" not in data and "comment_author_IP" not in data


def test_export_author_email_is_empty(source_blog):
    root = etree.fromstring(export(source_blog))
    emails = [a.findtext(f"{WP}author_email") for a in root.iter(f"{WP}author")]
    assert emails == ["", ""]


def test_export_reads_back_with_the_streaming_reader(source_blog):
    records = list(wxr.read(io.BytesIO(export(source_blog))))
    kinds = [type(r).__name__ for r in records]
    assert kinds.count("Author") == 2 and kinds.count("Term") == 5 and kinds.count("Item") == 7


def test_export_categories_come_parents_first(source_blog):
    root = etree.fromstring(export(source_blog))
    pairs = [(c.findtext(f"{WP}category_nicename"), c.findtext(f"{WP}category_parent"))
             for c in root.iter(f"{WP}category")]
    assert pairs == [("news", ""), ("local", "news"), ("street", "local")]


def test_export_draft_has_no_date(source_blog):
    root = etree.fromstring(export(source_blog))
    draft = next(i for i in root.iter("item") if i.findtext(f"{WP}post_name") == "unfinished")
    assert draft.findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"


def test_export_soft_line_breaks_become_spaces(source_blog):
    root = etree.fromstring(export(source_blog))
    first = next(i for i in root.iter("item") if i.findtext(f"{WP}post_name") == "first-post")
    content = first.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "a soft line break" in content and "code\n  indented" in content


def test_export_keeps_imported_wordpress_ids(make_blog):
    blog, _ = import_wxr(io.BytesIO(make_wxr(item(4711, "Old", slug="old"))), "union", fetch_media=False)
    root = etree.fromstring(export(blog))
    assert [i.findtext(f"{WP}post_id") for i in root.iter("item")] == ["4711"]


def test_export_native_id_clashing_with_imported_id_moves(make_blog, make_post):
    blog, _ = import_wxr(io.BytesIO(make_wxr(item(4711, "Old", slug="old"))), "union", fetch_media=False)
    new = make_post(blog, title="New")
    imported = ImportedItem.objects.get(blog=blog, kind="post")
    ImportedItem.objects.filter(pk=imported.pk).update(wp_id=str(new.pk))
    ids = [i.findtext(f"{WP}post_id") for i in etree.fromstring(export(blog)).iter("item")]
    assert len(set(ids)) == 2


def test_export_command_writes_file(source_blog, tmp_path):
    path = tmp_path / "out.xml"
    call_command("export-wxr", "--blog", "source", "-o", str(path), stderr=io.StringIO())
    assert etree.parse(str(path)).getroot().tag == "rss"


def test_export_command_writes_stdout_by_default(source_blog):
    out = io.StringIO()
    call_command("export-wxr", "--blog", "source", stdout=out, stderr=io.StringIO())
    assert etree.fromstring(out.getvalue().encode()).find("channel").findtext("title") == "Source"


def test_export_command_reports_progress_on_stderr(source_blog):
    err = io.StringIO()
    call_command("export-wxr", "--blog", "source", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines()[-1] == "Exporting: 100% (7 of 7 items)"


def test_round_trip_keeps_posts(source_blog):
    copy = round_trip(source_blog)
    before, after = posts_by_slug(source_blog), posts_by_slug(copy)
    assert set(before) == set(after)
    for slug, old in before.items():
        new = after[slug]
        assert (new.title, new.kind, new.status, new.published_at, new.excerpt, new.author_id) == (
            old.title, old.kind, old.status, old.published_at, old.excerpt, old.author_id
        ), slug


def test_round_trip_keeps_rendered_html(source_blog):
    copy = round_trip(source_blog)
    after = posts_by_slug(copy)
    for slug, old in posts_by_slug(source_blog).items():
        assert normalised(after[slug].html) == normalised(old.html), slug


def test_round_trip_keeps_terms(source_blog):
    copy = round_trip(source_blog)
    after = posts_by_slug(copy)
    for slug, old in posts_by_slug(source_blog).items():
        new = after[slug]
        assert {(t.slug, t.name) for t in new.tags.all()} == {(t.slug, t.name) for t in old.tags.all()}
        assert {(c.slug, c.name) for c in new.categories.all()} == {(c.slug, c.name) for c in old.categories.all()}


def test_round_trip_keeps_category_tree(source_blog):
    copy = round_trip(source_blog)

    def tree(blog):
        return {(c.slug, c.name, c.description, c.parent.slug if c.parent else None)
                for c in Category.objects.filter(blog=blog)}

    assert tree(copy) == tree(source_blog)


def test_round_trip_keeps_page_parent_and_order(source_blog):
    copy = round_trip(source_blog)
    team = Post.objects.get(blog=copy, slug="team")
    about = Post.objects.get(blog=copy, slug="about")
    assert (team.parent, team.menu_order, about.parent, about.menu_order) == (about, 5, None, 2)


def test_round_trip_keeps_comment_threads_and_states(source_blog):
    copy = round_trip(source_blog)

    def threads(blog):
        return sorted(
            (c.post.slug, c.author_name, c.author_url, c.status, c.created_at, c.depth,
             c.parent.author_name if c.parent else None, c.user_id, normalised(c.html))
            for c in Comment.objects.filter(post__blog=blog).select_related("post", "parent")
        )

    assert threads(copy) == threads(source_blog)


def test_round_trip_keeps_closed_comments(source_blog):
    copy = round_trip(source_blog)
    closed = {p.slug for p in Post.objects.filter(blog=copy) if not comment_services.post_switch_open(p)}
    assert closed == {"second"}


def test_round_trip_keeps_authors(source_blog):
    copy = round_trip(source_blog)
    names = {m.user.name for m in copy.memberships.select_related("user")}
    assert {"Olga Owner", "Wanda Writer"} <= names


def test_round_trip_drops_commenter_emails(source_blog):
    copy = round_trip(source_blog)
    assert set(Comment.objects.filter(post__blog=copy).values_list("author_email", flat=True)) == {""}



def test_export_lists_featured_image_as_attachment_with_absolute_url(make_blog, make_post):
    blog = make_blog("pictures")
    owner = blog.memberships.first().user
    media = store_upload(blog, owner, SimpleUploadedFile("cat.png", png(), content_type="image/png"), alt="A cat")
    post = make_post(blog, title="Cat")
    Post.objects.filter(pk=post.pk).update(featured_image=media)
    root = etree.fromstring(export(blog))
    attachment = next(i for i in root.iter("item") if i.findtext(f"{WP}post_type") == "attachment")
    thumbnail = next(m for m in root.iter(f"{WP}postmeta") if m.findtext(f"{WP}meta_key") == "_thumbnail_id")
    assert attachment.findtext(f"{WP}attachment_url").startswith("http://") and attachment.findtext(
        f"{WP}attachment_url").endswith(media.file.url)
    assert thumbnail.findtext(f"{WP}meta_value") == attachment.findtext(f"{WP}post_id")


def test_export_skips_media_no_post_uses(make_blog, make_post):
    blog = make_blog("pictures")
    store_upload(blog, blog.memberships.first().user, SimpleUploadedFile("cat.png", png(), content_type="image/png"))
    make_post(blog)
    types = [i.findtext(f"{WP}post_type") for i in etree.fromstring(export(blog)).iter("item")]
    assert types == ["post"]


def test_export_lists_media_a_post_shows_in_its_text(make_blog, make_post):
    blog = make_blog("pictures")
    owner = blog.memberships.first().user
    media = store_upload(blog, owner, SimpleUploadedFile("cat.png", png(), content_type="image/png"))
    make_post(blog, title="Cat", source=f"![A cat]({media.file.url})")
    root = etree.fromstring(export(blog))
    urls = [i.findtext(f"{WP}attachment_url") for i in root.iter("item") if i.findtext(f"{WP}post_type") == "attachment"]
    assert len(urls) == 1 and urls[0].endswith(media.file.url)


def test_export_writes_empty_post_text(make_blog, make_post):
    blog = make_blog("quiet")
    make_post(blog, title="Empty", source="")
    root = etree.fromstring(export(blog))
    assert root.find("channel/item").findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == ""


def test_export_download_streams_the_file(source_blog, client):
    client.force_login(source_blog.memberships.get(role=Role.OWNER).user)
    response = client.get(reverse("dashboard:export", args=["source"]))
    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="source.')
    root = etree.fromstring(b"".join(response.streaming_content))
    assert len(root.find("channel").findall("item")) == 7


def test_import_page_offers_export_button(source_blog, client):
    client.force_login(source_blog.memberships.get(role=Role.OWNER).user)
    response = client.get(reverse("dashboard:import", args=["source"]))
    assert reverse("dashboard:export", args=["source"]) in response.content.decode()
