"""Property tests for the feeds: whatever writers and commenters type, every feed parses and carries inert HTML.

Feed readers are strict: one control character in a title makes a whole RSS or Atom document
unreadable, and a reader shows the HTML it finds in it.
"""

import json

import pytest
from hypothesis import example, given
from lxml import etree

from samizdat.core.html import xml_text
from samizdat.posts.services import save_post, terms_from_names

from .fuzz import bounded, hostile_text, problems_in

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_post(make_blog, make_post):
    """One published post whose text every example replaces (so examples do not pile up)."""
    blog = make_blog("fuzzfeed")
    return make_post(blog, title="Start", source="Start.")


def strict_xml(data):
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))


@bounded(40)
@given(hostile_text, hostile_text, hostile_text)
@example("Strike\x01vote\x1b", "A \x0b vertical tab and \ufffe a non-character.", "tag\x02")
@example("]]>", "<![CDATA[ x ]]>", "&")
def test_feeds_parse_whatever_the_post_says(client, feed_post, title, source, tag):
    feed_post.title, feed_post.source = title or "x", source
    post = save_post(feed_post, editor=feed_post.author)
    if tag.strip():
        post.tags.set(terms_from_names(post.blog, [tag]))
    slug = post.blog.slug

    rss = strict_xml(client.get(f"/@{slug}/feed/").content)
    atom = strict_xml(client.get(f"/@{slug}/feed/atom/").content)
    feed = json.loads(client.get(f"/@{slug}/feed.json").content)

    [rss_item] = rss.findall("channel/item")
    [entry] = atom.findall(f"{ATOM}entry")
    [json_item] = feed["items"]
    for html in (rss_item.findtext("description"), entry.findtext(f"{ATOM}content"), json_item["content_html"]):
        assert not problems_in(html or ""), html
    # The title reaches the reader as the writer typed it, less what XML cannot carry (and with
    # XML's line ends: a parser reads a carriage return as a newline).
    typed = xml_text(json_item["title"]).replace("\r\n", "\n").replace("\r", "\n")
    assert rss_item.findtext("title") == entry.findtext(f"{ATOM}title") == typed


def test_feed_of_a_post_titled_with_a_control_character_is_readable(client, make_post):
    # Found by the property above: Django refused to write the RSS feed (a 500 for every reader).
    post = make_post(title="Strike\x01 vote\x1b", source="Text \x0b here.")
    for path in ("feed/", "feed/atom/"):
        response = client.get(f"/@{post.blog.slug}/{path}")
        assert response.status_code == 200
        titles = strict_xml(response.content).xpath("//*[local-name()='title']/text()")
        assert "Strike vote" in titles


def test_wordpress_export_of_a_post_titled_with_a_control_character_is_readable(make_post):
    from samizdat.portability.export import generate

    post = make_post(title="Strike\x01 vote", source="Text \x0b here.")
    root = strict_xml(b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in generate(post.blog)))
    assert root.findtext("channel/item/title") == "Strike vote"
