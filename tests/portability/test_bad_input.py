"""Truncated, malformed, hostile and non-WXR files stop with the line and the reason."""

import io

import pytest
from django.core.management import CommandError, call_command

from samizdat.blogs.models import Blog
from samizdat.portability.models import ImportedItem
from samizdat.portability.wordpress import ImportStopped, import_wxr
from samizdat.posts.models import Post

from .conftest import item, wxr

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol9;</title>
<wp:wxr_version>1.2</wp:wxr_version></channel></rss>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&secret;</title>
<wp:wxr_version>1.2</wp:wxr_version></channel></rss>
"""


def stopped(data, slug="union"):
    with pytest.raises(ImportStopped) as info:
        import_wxr(io.BytesIO(data), slug, fetch_media=False)
    return info.value.summary


def test_billion_laughs_refused_before_any_change(db):
    summary = stopped(BILLION_LAUGHS)
    assert "DOCTYPE" in summary.stopped and summary.stopped_line == 8
    assert not Blog.objects.exists()


def test_external_entity_refused_before_any_change(db):
    summary = stopped(EXTERNAL_ENTITY)
    assert "external entities" in summary.stopped and summary.stopped_line == 3
    assert not Blog.objects.exists()


def test_html_file_refused_as_not_wxr(db):
    summary = stopped(b"<html><body><p>Hello</p></body></html>")
    assert "root element is <html>" in summary.stopped and not Blog.objects.exists()


def test_plain_rss_feed_refused_as_not_wxr(db):
    summary = stopped(b'<rss version="2.0"><channel><title>T</title><item><title>x</title></item></channel></rss>')
    assert "wxr_version" in summary.stopped and not Blog.objects.exists()


def test_truncated_file_keeps_items_before_and_nothing_of_the_broken_one(db):
    data = wxr(item(1, "First", slug="first"), item(2, "Second", slug="second"))
    cut = data[: data.index(b"<wp:post_type>post</wp:post_type>", data.index(b"Second"))]
    summary = stopped(cut)
    assert summary.stopped_line == cut.count(b"\n") + 1
    assert "not well-formed" in summary.stopped
    assert list(Post.objects.values_list("slug", flat=True)) == ["first"]
    assert not ImportedItem.objects.filter(kind="post", wp_id="2").exists()


def test_malformed_item_stops_at_its_line(db):
    data = wxr(item(1, "First", slug="first"), item(2, "Broken <b>title", slug="broken"))
    summary = stopped(data)
    line = data[: data.index(b"</title>", data.index(b"Broken"))].count(b"\n") + 1
    assert summary.stopped_line == line
    assert list(Post.objects.values_list("slug", flat=True)) == ["first"]


def test_item_without_post_id_stops_with_reason(db):
    data = wxr(item(1, "First", slug="first")).replace(b"<wp:post_id>1</wp:post_id>", b"")
    assert "no wp:post_id" in stopped(data).stopped


def test_command_reports_where_it_stopped(db, write_wxr):
    path = write_wxr(wxr(item(1, "First", slug="first"))[:-40])
    with pytest.raises(CommandError, match=r"stopped at line \d+ of .*not well-formed"):
        call_command("import-wxr", str(path), "--blog", "union", "--no-media", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_command_missing_file_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-wxr", str(tmp_path / "nope.xml"), "--blog", "union")
