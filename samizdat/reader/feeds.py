"""Parsing what a feed address answers: RSS and Atom (feedparser), JSON Feed, and discovery.

Pure functions of bytes: no database, no network. `parse_feed` gives a `Feed`; `discover`
finds the feed addresses an HTML page announces (RSS Board's autodiscovery, `<link
rel="alternate">`).
"""

import calendar
import dataclasses
import datetime
import io
import json
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html
from django.utils.html import linebreaks

from samizdat.core.dates import read_datetime
from samizdat.core.html import link_remote_images, sanitize_html

FEED_LINK_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    "application/rdf+xml",
)
MAX_ENTRIES = 100


class NotAFeed(Exception):
    pass


@dataclasses.dataclass
class FeedEntry:
    guid: str
    link: str
    title: str
    author: str
    published_at: datetime.datetime | None
    content_html: str


@dataclasses.dataclass
class Feed:
    title: str
    site_url: str
    entries: list


def _aware(struct):
    if not struct:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(struct), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):  # feedparser reads "0000-00-00" as the year 0
        return None


def _clean(html, base_url):
    # Shown in the reader: images on other hosts become links, so reading asks no other host.
    return link_remote_images(sanitize_html(html, base_url=base_url))


def looks_like_html(content, content_type):
    head = content[:512].lstrip().lower()
    return content_type in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html"))


def discover(content, base_url):
    """Feed addresses announced by an HTML page, in the page's order."""
    try:
        doc = lxml.html.document_fromstring(content)
    except (lxml.etree.ParserError, ValueError):
        return []
    found = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in FEED_LINK_TYPES and link.get("href"):
            found.append(urljoin(base_url, link.get("href").strip()))
    return list(dict.fromkeys(found))


def parse_feed(content, url):
    """A Feed from RSS, Atom or JSON Feed bytes; NotAFeed when it is none of them."""
    head = content[:512].lstrip()
    if head.startswith(b"{"):
        return _parse_json_feed(content, url)
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-location": url})
    if not parsed.get("version"):  # absent, not even "", for some bytes feedparser gives up on
        raise NotAFeed(str(parsed.get("bozo_exception") or "not RSS, Atom or JSON Feed"))
    site_url = parsed.feed.get("link") or url
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = item.get("link") or ""
        guid = item.get("id") or link or item.get("title") or ""
        if not guid:
            continue
        content_value = item.get("content") or []
        body = content_value[0].get("value") if content_value else item.get("summary", "")
        author = item.get("author") or ""
        entries.append(
            FeedEntry(
                guid=guid[:2000], link=link[:2000], title=(item.get("title") or "")[:500], author=author[:200],
                published_at=_aware(item.get("published_parsed") or item.get("updated_parsed")),
                content_html=_clean(body, link or url),
            )
        )
    return Feed(title=(parsed.feed.get("title") or "")[:300], site_url=site_url[:2000], entries=entries)


def _parse_json_feed(content, url):
    """JSON Feed 1.0 and 1.1 (jsonfeed.org), which feedparser does not read."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as error:
        raise NotAFeed(f"not JSON: {error}") from error
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise NotAFeed("JSON, but not a JSON Feed")
    entries = []
    for item in (data.get("items") or [])[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or "")
        guid = str(item.get("id") or link)
        if not guid:
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = next((str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")), "")
        published = read_datetime(str(item.get("date_published") or item.get("date_modified") or ""))
        body = item.get("content_html") or ""
        if not body and item.get("content_text"):
            body = linebreaks(str(item["content_text"]), autoescape=True)
        entries.append(
            FeedEntry(
                guid=guid[:2000], link=urljoin(url, link)[:2000] if link else "",
                title=str(item.get("title") or "")[:500], author=author[:200], published_at=published,
                content_html=_clean(str(body), link or url),
            )
        )
    return Feed(title=str(data.get("title") or "")[:300], site_url=str(data.get("home_page_url") or url)[:2000],
                entries=entries)
