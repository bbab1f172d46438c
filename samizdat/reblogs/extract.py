"""Reading a post from any site: fetch it through the one HTTP client and find its parts.

trafilatura finds the main text and most credits (it reads OpenGraph and JSON-LD); an h-entry
(microformats2, used by IndieWeb and many WordPress themes) is trusted first where there is one,
and an oEmbed endpoint the page names fills what is still missing. Every fragment is sanitized.
"""

import datetime
import json
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import mf2py
import trafilatura
from trafilatura.utils import decode_file
from django.utils import timezone
from django.utils.translation import gettext as _

from samizdat.core import http
from samizdat.core.dates import read_date, read_datetime
from samizdat.core.html import sanitize_html, xml_text

from .services import Source

HTML_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml", "text/xml"}
MAX_PAGE_BYTES = 5 * 1024 * 1024
TIMEOUT = 15.0
# Page furniture inside the article that trafilatura keeps: Medium wraps a post's byline (with the
# author's picture) and its clap count in "speechify-ignore", which its read-aloud skips too.
CHROME = '//article//*[contains(concat(" ", normalize-space(@class), " "), " speechify-ignore ")]'


class ExtractError(Exception):
    """The page could not be read; the message is for the writer, in their language."""


def fetch_source(url):
    """Fetch the page at `url` and return a prefilled Source; ExtractError says why not."""
    try:
        response = http.fetch(url, max_bytes=MAX_PAGE_BYTES, timeout=TIMEOUT)
    except http.FetchError as error:
        raise ExtractError(_("Could not fetch that address: %(error)s") % {"error": error}) from error
    if response.content_type in FEED_TYPES:
        raise ExtractError(_("That address is a feed, not a post. Follow it in the Reader, and reblog its entries from there."))
    if response.content_type not in HTML_TYPES:
        raise ExtractError(
            _("That address is not a web page (it is %(type)s).") % {"type": response.content_type or "?"}
        )
    source = source_from_html(response.markup, response.url)
    _add_oembed(source, response.content, response.url)
    source.site = source.site or urlsplit(source.url).hostname or ""
    return source


def _to_datetime(value):
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = read_datetime(value)
        if moment is None:
            day = read_date(str(value)[:10])
            if day is None:
                return None
            moment = datetime.datetime(day.year, day.month, day.day, 12)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def _document(content):
    try:
        return lxml.html.document_fromstring(content)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ExtractError(_("That page could not be read as HTML.")) from error


def source_from_html(content, url):
    """Title, author, date, site, lead image and main text of an HTML page at `url`."""
    # In the encoding the page declares or, failing that, the likeliest (pages in windows-1251
    # are still common in Russian and Kazakh).
    html = decode_file(content) if isinstance(content, bytes) else content
    doc = _document(html)  # refuses what is no HTML at all, with a message
    chrome = doc.xpath(CHROME)
    if chrome:
        for element in chrome:
            element.drop_tree()
        html = lxml.html.tostring(doc, encoding="unicode")
    meta = trafilatura.extract_metadata(html, default_url=url)
    main = trafilatura.extract(
        html, url=url, output_format="html", include_images=True, include_links=True,
        include_formatting=True, include_tables=True, favor_precision=True,
    )
    source = Source(url=url)
    if meta is not None:
        source.url = meta.url or url
        source.title = meta.title or ""
        source.author = meta.author or ""
        # trafilatura falls back on the host name, which says less than oEmbed's provider.
        hosts = {meta.hostname, urlsplit(url).netloc, urlsplit(url).hostname}
        source.site = meta.sitename if meta.sitename not in hosts else ""
        source.published_at = _to_datetime(meta.date)
        source.image_url = meta.image or ""
    entry = _h_entry(html, url)
    if entry:
        source.title = entry.get("name") or source.title
        source.author = entry.get("author") or source.author
        source.published_at = _to_datetime(entry.get("published")) or source.published_at
        source.image_url = entry.get("photo") or source.image_url
        if entry.get("url"):
            source.url = urljoin(url, entry["url"])
    source.image_url = source.image_url or _json_ld_image(doc)
    if source.image_url:
        source.image_url = urljoin(url, source.image_url.strip())
        if not source.image_url.startswith(("http://", "https://")):
            source.image_url = ""
        alt = doc.xpath('//meta[@property="og:image:alt"]/@content')
        source.image_alt = alt[0].strip()[:500] if alt else ""
    body = (entry or {}).get("content_html") or (_body_of(main) if main else "")
    source.html = sanitize_html(_drop_title(body, source.title), base_url=url)
    if not source.html.strip() and not source.title:
        raise ExtractError(_("No post was found at that address."))
    source.site_url = urljoin(source.url, "/")
    # A fediverse post's page names its ActivityPub object (Mastodon, Samizdat): reblogged, it is quoted.
    for href in doc.xpath('//link[@rel="alternate"][@type="application/activity+json"]/@href')[:1]:
        address = urljoin(url, href.strip())
        # No server mints ids longer than 500 characters; a longer one is no id we can keep.
        source.fediverse_id = address if address.startswith(("https://", "http://")) and len(address) <= 500 else ""
    return source


def _json_ld_image(doc):
    """The `image` of the page's schema.org JSON-LD (an Article's, first), which trafilatura leaves out."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            image = node.get("image")
            if isinstance(image, list):
                image = image[0] if image else None
            if isinstance(image, dict):
                image = image.get("url") or image.get("contentUrl")
            if isinstance(image, str) and image.strip():
                kinds = node.get("@type") or ""
                kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds)
                found.append((not ("Article" in kinds or "Posting" in kinds), image))
            walk(node.get("@graph"))

    for script in doc.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            walk(json.loads(script))
        except ValueError:
            continue  # JSON-LD is only a hint
    return min(found, key=lambda pair: pair[0])[1] if found else ""


def _body_of(fragment):
    doc = lxml.html.fromstring(fragment)
    body = doc if doc.tag != "html" else doc.find("body")
    if body is None:
        return fragment
    return (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body)


def _drop_title(html, title):
    """Without the heading that repeats the title, which the reblog shows as its own title."""
    if not html or not title:
        return html
    # lxml refuses text with control characters, which a page's h-entry may well carry.
    doc = lxml.html.fragment_fromstring(xml_text(html), create_parent="div")
    for heading in doc.iter("h1", "h2"):
        if heading.text_content().strip() == title.strip():
            heading.drop_tree()
        break
    return (doc.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in doc)


def _first(props, name):
    values = props.get(name) or []
    return values[0] if values else None


def _h_entry(html, url):
    """The first h-entry's parts, if the page has one."""
    parsed = mf2py.parse(doc=html, url=url, html_parser="lxml")
    entries = [item for item in parsed.get("items", []) if "h-entry" in item.get("type", [])]
    if not entries:
        return None
    props = entries[0].get("properties", {})
    found = {}
    name = _first(props, "name")
    if isinstance(name, str):
        found["name"] = name.strip()
    author = _first(props, "author")
    if isinstance(author, dict):
        found["author"] = _first(author.get("properties", {}), "name") or author.get("value", "")
    elif isinstance(author, str):
        found["author"] = author
    for key in ("published", "url"):
        value = _first(props, key)
        if isinstance(value, str):
            found[key] = value
    photo = _first(props, "photo")
    if isinstance(photo, dict):
        photo = photo.get("value")
    if isinstance(photo, str):
        found["photo"] = photo
    content = _first(props, "content")
    if isinstance(content, dict) and content.get("html", "").strip():
        found["content_html"] = content["html"]
    return found


def _add_oembed(source, content, url):
    """Fill the title and author from the oEmbed endpoint the page names, if they are missing."""
    if source.title and source.author:
        return
    links = _document(content).xpath('//link[@rel="alternate"][@type="application/json+oembed"]/@href')
    if not links:
        return
    try:
        response = http.fetch(urljoin(url, links[0]), max_bytes=256 * 1024, timeout=TIMEOUT)
        data = json.loads(response.content)
    except (http.FetchError, ValueError, RecursionError):
        return  # oEmbed is only a hint
    if not isinstance(data, dict):
        return
    source.title = source.title or str(data.get("title") or "")[:500]
    source.author = source.author or str(data.get("author_name") or "")[:200]
    source.site = source.site or str(data.get("provider_name") or "")[:200]
