"""Property tests for the WordPress importer: whatever the file holds, it imports, or stops with a line and a reason.

Never another exception (which the dashboard would show as a failed import, or the CLI as a
traceback), never a half-stored item, and never unsafe HTML in what was stored.
"""

import io
from xml.sax.saxutils import escape

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bench.wxrgen import write_wxr
from samizdat.comments.models import Comment
from samizdat.portability.models import ImportedItem
from samizdat.portability.wordpress import ImportStopped, import_wxr
from samizdat.posts.models import Post, Tag

from ..portability.conftest import HEAD, item
from .fuzz import bounded, hostile_text, problems_in

pytestmark = pytest.mark.django_db

VALID = io.BytesIO()
write_wxr(VALID, posts=3, comments_per_post=2, authors=2)
VALID = VALID.getvalue()


@pytest.fixture
def target(make_blog):
    """One blog every example imports into (a re-import updates, so examples do not pile up)."""
    return make_blog("fuzzed")


def run_import(blog, data):
    """Import `data`; the summary, whether the file was read to its end or stopped."""
    try:
        return import_wxr(io.BytesIO(data), blog.slug, fetch_media=False)[1]
    except ImportStopped as stopped:
        assert stopped.summary.stopped, "a stop always says why"
        return stopped.summary


def assert_consistent(blog):
    """Every stored post's HTML is inert and every mapping points at a row that exists."""
    for html in Post.objects.filter(blog=blog).values_list("html", flat=True):
        assert not problems_in(html), html
    for html in Comment.objects.filter(post__blog=blog).values_list("html", flat=True):
        assert not problems_in(html), html
    post_ids = set(Post.objects.filter(blog=blog).values_list("pk", flat=True))
    for object_id in ImportedItem.objects.filter(blog=blog, kind="post").values_list("object_id", flat=True):
        assert object_id in post_ids


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


fields = st.fixed_dictionaries({
    "title": hostile_text, "content": hostile_text, "comment": hostile_text, "commenter": hostile_text,
    "tag": hostile_text, "slug": hostile_text, "status": st.sampled_from(["publish", "draft", "private", "", "x"]),
    "post_type": st.sampled_from(["post", "page", "attachment", "nav_menu_item", "", "odd"]),
    "date": st.one_of(st.just("2024-05-01 10:00:00"), st.just("0000-00-00 00:00:00"), st.text(max_size=20)),
})


def _xml_chars(text):
    """`text` less what XML 1.0 cannot carry at all (WordPress's exporter drops it too)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or " " <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd")


def hostile_item(f):
    """One item whose every text field is hostile, written as WordPress escapes it."""
    raw = {k: _xml_chars(v) for k, v in f.items()}
    x = {k: escape(v, {'"': "&quot;"}) for k, v in raw.items()}
    comment = (
        "<wp:comment><wp:comment_id>7</wp:comment_id>"
        f"<wp:comment_author>{cdata(raw['commenter'])}</wp:comment_author>"
        "<wp:comment_author_email>x@example.test</wp:comment_author_email>"
        f"<wp:comment_date_gmt>{x['date']}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(raw['comment'])}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )
    nicename = escape(raw["tag"][:40], {'"': "&quot;"})
    tag = f'<category domain="post_tag" nicename="{nicename}">{cdata(raw["tag"])}</category>'
    return item(
        1, x["title"], slug=escape(raw["slug"][:60]), status=x["status"], post_type=x["post_type"],
        content=raw["content"].replace("]]>", ""), date=x["date"], extra=tag + comment,
    )


@bounded(40)
@given(fields)
@example({"title": "<script>alert(1)</script>", "content": '<img src=x onerror="alert(1)">[caption]x[/caption]',
          "comment": "<a href='javascript:alert(1)'>hi</a>", "commenter": "", "tag": "", "slug": "",
          "status": "publish", "post_type": "post", "date": "2024-05-01 10:00:00"})
def test_any_item_imports_or_is_skipped_and_stores_only_safe_html(target, f):
    data = (HEAD + hostile_item(f) + "</channel>\n</rss>\n").encode()
    summary = run_import(target, data)
    assert not summary.stopped, summary.stopped  # a well-formed file is read to its end
    assert_consistent(target)
    for name in Tag.objects.filter(blog=target).values_list("name", flat=True):
        assert "\x00" not in name


@bounded(40)
@given(st.integers(min_value=0, max_value=len(VALID)))
@example(len(VALID) // 2)
def test_a_file_cut_anywhere_stops_with_a_line_and_keeps_only_whole_items(target, cut):
    summary = run_import(target, VALID[:cut])
    if cut < len(VALID.rstrip()):
        assert summary.stopped and (summary.stopped_line or cut == 0 or "export" in summary.stopped)
    assert_consistent(target)
    # An item is stored whole or not at all: each imported post has every comment the file gives it.
    for post in Post.objects.filter(blog=target):
        assert post.comments.count() in (0, 2)


@bounded(40)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(VALID) - 1), st.binary(min_size=1, max_size=4)),
                min_size=1, max_size=4))
def test_a_file_with_bytes_changed_anywhere_imports_or_stops_cleanly(target, changes):
    data = bytearray(VALID)
    for position, new in changes:
        data[position:position + len(new)] = new
    run_import(target, bytes(data))
    assert_consistent(target)
