"""Property tests for the other parsers of outside input: followed feeds and OPML lists, pages
reblogged from the web, Micropub and Webmention requests.

Whatever a feed, a page or an API client sends: a clear refusal or a stored result, never a crash;
every HTML fragment kept is inert; and the same on PostgreSQL, which refuses NUL characters,
impossible dates and values longer than their column.
"""

import json
from types import SimpleNamespace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from django.utils import timezone

from samizdat.api import webmention
from samizdat.api.models import ALL_SCOPES
from samizdat.api.tokens import create_token
from samizdat.blogs.roles import Role
from samizdat.reader import services as reader
from samizdat.reader.feeds import NotAFeed, discover, parse_feed
from samizdat.reader.models import Source
from samizdat.reblogs.extract import ExtractError, source_from_html

from .fuzz import bounded, hostile_text, problems_in

pytestmark = pytest.mark.django_db

DATES = st.sampled_from([
    "2024-05-01T12:00:00Z", "2024-13-45T12:00:00Z", "2024-02-30T25:61:00+99:00", "Mon, 01 Jan 2024 00:00:00 GMT",
    "Thu, 31 Dec 9999 23:59:59 +1400", "Fri, 32 Jan 2025 99:00:00 GMT", "0000-00-00", "", "-1",
    "99999999999999999999", "1970-01-01T00:00:00Z",
])
field = st.one_of(hostile_text, DATES, st.sampled_from(["http://ok.example/a", "https://ok.example/" + "x" * 2100]))


def _x(text):
    """Text for an XML template: escaped as a feed would, or raw, as a broken feed sends it."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def rss(title, link, guid, date, body, raw):
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{_x(title)}</title><link>{_x(link)}</link>'
            f"<item><title>{_x(title)}</title><link>{_x(link)}</link><guid>{_x(guid)}</guid>"
            f"<pubDate>{_x(date)}</pubDate><description>{_x(body)}</description>{raw}</item></channel></rss>").encode()


def atom(title, link, guid, date, body, raw):
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{_x(title)}</title>'
            f'<entry><id>{_x(guid)}</id><title type="html">{_x(title)}</title><link href="{_x(link)}"/>'
            f'<updated>{_x(date)}</updated><published>{_x(date)}</published>'
            f'<content type="html">{_x(body)}</content>{raw}</entry></feed>').encode()


def json_feed(title, link, guid, date, body, raw):
    item = {"id": guid, "url": link, "title": title, "date_published": date, "content_html": body,
            "authors": [{"name": raw}], "content_text": raw}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "home_page_url": link,
                       "items": [item, raw, {"id": None}]}).encode()


feeds = st.builds(lambda make, *parts: make(*parts), st.sampled_from([rss, atom, json_feed]),
                  field, field, field, DATES, hostile_text, hostile_text)


@pytest.fixture
def feed_source(db):
    return Source.objects.create(url="https://feeds.example/feed.xml", title="Feeds")


@bounded(80)
@given(st.one_of(feeds, st.binary(max_size=300)))
@example(json_feed("t", "https://ok.example/a", "g1", "2024-13-45T12:00:00Z", "<p>x</p>", ""))
@example(rss("t", "https://ok.example/a", "g1", "0000-00-00", "<p>x</p>", ""))
def test_any_followed_feed_is_stored_with_inert_html_or_refused(feed_source, content):
    try:
        feed = parse_feed(content, feed_source.url)
    except NotAFeed:
        return
    reader._store(feed_source, feed, SimpleNamespace(headers={"etag": "x" * 900}), timezone.now())
    for entry in feed_source.entries.all():
        assert not problems_in(entry.content_html), entry.content_html


def test_json_feed_entry_with_an_impossible_date_is_kept_undated():
    # Found by the property above: Django's parse_datetime raised ValueError, and the whole feed failed.
    feed = parse_feed(json_feed("t", "https://ok.example/a", "g1", "2024-13-45T12:00:00Z", "<p>x</p>", ""),
                      "https://feeds.example/feed.json")
    assert [(e.guid, e.published_at) for e in feed.entries] == [("g1", None)]


@pytest.mark.parametrize("make", [rss, atom])
@pytest.mark.parametrize("date", ["0000-00-00", "0001-01-01T00:00:00+14:00"])
def test_feed_entry_dated_before_the_calendar_begins_is_kept_undated(make, date):
    # Found by the property above: feedparser reads these as the year 0 or -1, and making a
    # datetime of that raised, so the whole feed failed to poll.
    feed = parse_feed(make("t", "https://ok.example/a", "g1", date, "<p>x</p>", ""), "https://feeds.example/feed")
    assert [(e.title, e.published_at) for e in feed.entries] == [("t", None)]


@bounded(60)
@given(st.one_of(st.builds(lambda href, kind, raw: (
    f'<html><head><link rel="alternate" type="{_x(kind)}" href="{_x(href)}">{raw}</head></html>').encode(),
    field, st.sampled_from(["application/rss+xml", "application/feed+json; charset=x", "", "text/html"]), hostile_text),
    st.binary(max_size=200)))
def test_feed_discovery_in_any_page_finds_addresses_or_none(content):
    found = discover(content, "https://page.example/")
    assert all(isinstance(url, str) for url in found)


opml = st.builds(
    lambda url, title, raw: (f'<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="{_x(title)}"'
                             f' xmlUrl="{_x(url)}"/>{raw}</body></opml>').encode(),
    field, hostile_text, hostile_text,
)


@pytest.fixture
def opml_user(make_user):
    return make_user("opml")


@bounded(60)
@given(st.one_of(opml, st.binary(max_size=200)))
@example(b'<opml version="2.0"><body><outline xmlUrl="https://ok.example/\x00feed"/></body></opml>')
def test_any_opml_file_is_followed_or_refused_with_a_message(opml_user, content):
    before = set(Source.objects.filter(subscriptions__user=opml_user).values_list("url", flat=True))
    try:
        followed, skipped = reader.import_opml(opml_user, content)
    except reader.SubscribeError:
        return
    after = set(Source.objects.filter(subscriptions__user=opml_user).values_list("url", flat=True))
    assert followed >= len(after - before)
    assert all(url.startswith(("http://", "https://")) and "\x00" not in url for url in after)


# Pages reblogged from the web.

pages = st.builds(
    lambda title, date, body, raw: (
        f'<!doctype html><html><head><title>{_x(title)}</title><meta property="article:published_time" '
        f'content="{_x(date)}"><meta name="author" content="{_x(title)}"></head><body>'
        f'<article class="h-entry"><h1 class="p-name">{_x(title)}</h1><time class="dt-published" '
        f'datetime="{_x(date)}">{_x(date)}</time><div class="e-content">{body}</div>{raw}</article></body></html>'
    ).encode(),
    field, DATES, hostile_text, hostile_text,
)


@bounded(60)
@given(st.one_of(pages, st.binary(max_size=300)))
@example(b'<html><body><article class="h-entry"><h1 class="p-name">T</h1><time class="dt-published" '
         b'datetime="2024-13-45">x</time><div class="e-content">Text</div></article></body></html>')
def test_any_page_gives_a_reblog_source_with_inert_html_or_a_message(content):
    try:
        source = source_from_html(content, "https://page.example/post")
    except ExtractError:
        return
    assert not problems_in(source.html), source.html


def test_page_with_an_impossible_date_is_reblogged_with_its_text():
    # Found by the property above: parse_date raised ValueError, a 500 for the writer.
    source = source_from_html(b'<html><body><article class="h-entry"><h1 class="p-name">Title</h1><time '
                              b'class="dt-published" datetime="2024-13-45">x</time><div class="e-content">Text'
                              b"</div></article></body></html>", "https://page.example/post")
    assert (source.title, source.html) == ("Title", "Text")


def test_page_whose_text_holds_control_characters_is_reblogged_without_them():
    # Found by the property above: lxml refused the h-entry's HTML when the title was dropped from it.
    source = source_from_html(b'<html><body><article class="h-entry"><h1 class="p-name">Title</h1>'
                              b'<div class="e-content"><h1>Title</h1>Strike\x01 news</div></article></body></html>',
                              "https://page.example/post")
    assert source.html == "Strike news"


# Micropub and Webmention.


@pytest.fixture
def api_blog(make_user, make_blog, member, settings):
    settings.SAMIZDAT_API_WRITES_PER_MINUTE = 0  # the examples are many writes in a row
    blog = make_blog("wire", owner=make_user("owner"))
    author = member(blog, Role.AUTHOR, username="author")
    return blog, create_token(author, name="fuzz", scopes=ALL_SCOPES)[1]


values = st.recursive(
    st.none() | st.booleans() | st.integers() | hostile_text | DATES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["html", "value", "x"]), inner, max_size=2),
    max_leaves=6,
)
PROPERTIES = ["content", "name", "summary", "category", "photo", "published", "post-status", "mp-slug", "x"]
micropub_bodies = st.one_of(
    st.fixed_dictionaries({"type": st.just(["h-entry"]), "properties": st.dictionaries(
        st.sampled_from(PROPERTIES), st.lists(values, max_size=2), max_size=4)}),
    st.fixed_dictionaries({"action": st.sampled_from(["update", "delete", "undelete", 3]),
                           "url": st.one_of(hostile_text, st.just("http://testserver/@wire/")),
                           "replace": values, "add": values, "delete": values}),
    values,
)


@bounded(60)
@given(body=micropub_bodies)
@example(body={"type": ["h-entry"], "properties": {"content": ["x"], "published": ["2024-13-45T12:00:00Z"]}})
@example(body={"type": ["h-entry"], "properties": {"content": ["x"], "photo": [5]}})
def test_any_micropub_json_is_created_or_refused_with_a_4xx(client, api_blog, body):
    blog, token = api_blog
    response = client.post(f"/@{blog.slug}/micropub", json.dumps(body), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (201, 202, 204, 400, 403), response.content[:300]
    if response.status_code == 400:  # Micropub's error, or the problem document for a NUL
        assert response.json().get("error", "invalid_request") == "invalid_request"


@bounded(40)
@given(form=st.dictionaries(st.sampled_from(["h", "content", "name", "category[]", "published", "photo", "action",
                                             "url", "post-status", "mp-slug", "summary"]), hostile_text, max_size=5))
def test_any_micropub_form_is_created_or_refused_with_a_4xx(client, api_blog, form):
    blog, token = api_blog
    form = {key: value.replace("\x00", "") for key, value in form.items()}  # NUL is the middleware's 400
    response = client.post(f"/@{blog.slug}/micropub", form, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (201, 202, 204, 400, 403), response.content[:300]


def test_micropub_with_an_impossible_date_or_a_number_for_a_photo_is_a_400(client, api_blog):
    # Found by the property above: a ValueError and an AttributeError, each a 500.
    blog, token = api_blog
    for properties in ({"content": ["x"], "published": ["2024-13-45T12:00:00Z"]}, {"content": ["x"], "photo": [5]}):
        response = client.post(f"/@{blog.slug}/micropub", {"type": ["h-entry"], "properties": properties},
                               content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400, response.content
        assert response.json()["error"] == "invalid_request"


@bounded(60)
@given(source=field, target=st.one_of(field, st.just("http://testserver/@wire/")))
def test_any_webmention_request_is_accepted_or_refused_with_a_400(client, api_blog, source, target):
    response = client.post("/@wire/webmention", {"source": source.replace("\x00", ""),
                                                 "target": target.replace("\x00", "")})
    assert response.status_code in (202, 400), response.content[:300]


@bounded(80)
@given(document=st.one_of(pages, st.binary(max_size=300)),
       content_type=st.sampled_from(["text/html", "application/xhtml+xml", "text/plain", "application/json"]))
def test_any_webmention_source_is_read_without_crashing(document, content_type):
    assert webmention._links_to(document, content_type, "https://ours.example/post/") in (True, False)
    author, text = webmention._h_entry_text(document, "https://source.example/")
    assert isinstance(author, str) and isinstance(text, str)
