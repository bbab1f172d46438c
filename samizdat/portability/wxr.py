"""A streaming reader of WordPress export files (WXR 1.0 to 1.2): plain records, no database.

`read(file)` yields a `Channel` first, then `Author`, `Term` and `Item` records in file order.
It holds one item at a time: each element is cleared once read, so a 100 MB export needs no
more memory than its largest post.

Safety: lxml parses with entities left unresolved, no DTD loaded, no network and its default
limits (huge_tree off). A file with a DOCTYPE is refused outright: WordPress never writes one,
and a DOCTYPE is how entity expansion ("billion laughs") and external entities get in.

Every problem raises `WXRError` with the line it was found on.
"""

import dataclasses
import re
from urllib.parse import unquote

from django.utils.translation import gettext as _
from lxml import etree

# WordPress has written its namespace as http:// and, since WordPress.com's later exports
# (theme unit test data, 2015 and after), as https://; versions 1.0 to 1.2.
_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


class WXRError(Exception):
    """The file cannot be read as a WordPress export; `line` says where (None if unknown)."""

    def __init__(self, reason, line=None):
        self.reason, self.line = reason, line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclasses.dataclass
class Channel:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    base_site_url: str = ""
    wxr_version: str = ""


@dataclasses.dataclass
class Author:
    wp_id: str
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    line: int = 0


@dataclasses.dataclass
class Term:
    taxonomy: str  # "category", "post_tag", or another WordPress taxonomy (nav_menu, post_format...)
    wp_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""
    line: int = 0


@dataclasses.dataclass
class Comment:
    wp_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"  # "1", "0", "spam", "trash"
    type: str = ""  # "" or "comment", "pingback", "trackback"
    parent: str = "0"
    user_id: str = "0"


@dataclasses.dataclass
class Item:
    post_id: str
    post_type: str
    title: str = ""
    link: str = ""
    creator: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    date: str = ""
    date_gmt: str = ""
    slug: str = ""
    status: str = ""
    parent: str = "0"
    menu_order: str = "0"
    password: str = ""
    comment_status: str = ""  # "open", "closed" or "" (not said)
    attachment_url: str = ""
    # (taxonomy, slug, name) of each term the item has
    terms: list = dataclasses.field(default_factory=list)
    meta: dict = dataclasses.field(default_factory=dict)
    comments: list = dataclasses.field(default_factory=list)
    line: int = 0


def _kind(tag):
    """("wp" | "excerpt" | "content" | "dc" | "", local name) of an element's tag."""
    if not isinstance(tag, str):
        return "", ""  # comments and processing instructions
    qname = etree.QName(tag)
    ns = qname.namespace or ""
    if _WP_NS.match(ns):
        return "wp", qname.localname
    if _EXCERPT_NS.match(ns):
        return "excerpt", qname.localname
    if ns == _CONTENT_NS:
        return "content", qname.localname
    if ns == _DC_NS:
        return "dc", qname.localname
    return ("" if not ns else "other"), qname.localname


def _text(elem):
    return (elem.text or "").strip() if elem is not None else ""


def _fields(elem):
    """{"wp:post_id": "12", "title": "...", ...} of an element's direct children (first of each)."""
    fields = {}
    for child in elem:
        ns, name = _kind(child.tag)
        key = f"{ns}:{name}" if ns else name
        fields.setdefault(key, child.text or "")
    return fields


def slug(value):
    """A WordPress slug as text: they are stored percent-encoded (UTF-8)."""
    return unquote((value or "").strip())


def _author(elem):
    f = _fields(elem)
    return Author(
        wp_id=f.get("wp:author_id", "").strip(), login=f.get("wp:author_login", "").strip(),
        email=f.get("wp:author_email", "").strip(), display_name=f.get("wp:author_display_name", "").strip(),
        first_name=f.get("wp:author_first_name", "").strip(), last_name=f.get("wp:author_last_name", "").strip(),
        line=elem.sourceline,
    )


def _term(elem, name):
    f = _fields(elem)
    if name == "category":
        return Term("category", f.get("wp:term_id", "").strip(), slug(f.get("wp:category_nicename")),
                    f.get("wp:cat_name", "").strip(), slug(f.get("wp:category_parent")),
                    f.get("wp:category_description", "").strip(), elem.sourceline)
    if name == "tag":
        return Term("post_tag", f.get("wp:term_id", "").strip(), slug(f.get("wp:tag_slug")),
                    f.get("wp:tag_name", "").strip(), "", f.get("wp:tag_description", "").strip(), elem.sourceline)
    return Term(f.get("wp:term_taxonomy", "").strip(), f.get("wp:term_id", "").strip(), slug(f.get("wp:term_slug")),
                f.get("wp:term_name", "").strip(), slug(f.get("wp:term_parent")),
                f.get("wp:term_description", "").strip(), elem.sourceline)


def _item(elem):
    f = _fields(elem)
    item = Item(
        post_id=f.get("wp:post_id", "").strip(), post_type=f.get("wp:post_type", "").strip(),
        title=(f.get("title") or "").strip(), link=(f.get("link") or "").strip(),
        creator=(f.get("dc:creator") or "").strip(), guid=(f.get("guid") or "").strip(),
        content=f.get("content:encoded", ""), excerpt=f.get("excerpt:encoded", ""),
        date=f.get("wp:post_date", "").strip(), date_gmt=f.get("wp:post_date_gmt", "").strip(),
        slug=slug(f.get("wp:post_name")), status=f.get("wp:status", "").strip(),
        parent=f.get("wp:post_parent", "0").strip() or "0", menu_order=f.get("wp:menu_order", "0").strip() or "0",
        password=f.get("wp:post_password", "").strip(), comment_status=f.get("wp:comment_status", "").strip(),
        attachment_url=f.get("wp:attachment_url", "").strip(),
        line=elem.sourceline,
    )
    for child in elem:
        ns, name = _kind(child.tag)
        if ns == "" and name == "category":
            item.terms.append((child.get("domain", ""), slug(child.get("nicename")), (child.text or "").strip()))
        elif ns == "wp" and name == "postmeta":
            meta = _fields(child)
            item.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
        elif ns == "wp" and name == "comment":
            c = _fields(child)
            item.comments.append(Comment(
                wp_id=c.get("wp:comment_id", "").strip(), author=c.get("wp:comment_author", "").strip(),
                email=c.get("wp:comment_author_email", "").strip(), url=c.get("wp:comment_author_url", "").strip(),
                date=c.get("wp:comment_date", "").strip(), date_gmt=c.get("wp:comment_date_gmt", "").strip(),
                content=c.get("wp:comment_content", ""), approved=c.get("wp:comment_approved", "1").strip(),
                type=c.get("wp:comment_type", "").strip(), parent=c.get("wp:comment_parent", "0").strip() or "0",
                user_id=c.get("wp:comment_user_id", "0").strip() or "0",
            ))
    if not item.post_id:
        raise WXRError(_("an item has no wp:post_id"), elem.sourceline)
    return item


def _release(elem):
    """Forget an element and everything read before it, so memory stays flat."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


_CHANNEL_FIELDS = {"title", "link", "description", "language", "wp:wxr_version", "wp:base_site_url"}


def read(file):
    """Yield the Channel, then the Author, Term and Item records of a WXR file object (binary)."""
    parser = etree.iterparse(
        file, events=("start", "end"), resolve_entities=False, load_dtd=False, no_network=True,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )
    channel, channel_sent, depth = Channel(), False, 0
    try:
        for event, elem in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(elem)
                elif depth == 2 and _kind(elem.tag) != ("", "channel"):
                    raise WXRError(_("not a WordPress export: <%(element)s> where <channel> belongs")
                                   % {"element": etree.QName(elem).localname}, elem.sourceline)
                continue
            depth -= 1
            if depth != 2:
                continue
            ns, name = _kind(elem.tag)
            key = f"{ns}:{name}" if ns else name
            if key in _CHANNEL_FIELDS and not channel_sent:
                setattr(channel, name, _text(elem))
            elif key in ("wp:author", "wp:category", "wp:tag", "wp:term", "item"):
                if not channel_sent:
                    _check_channel(channel, elem.sourceline)
                    channel_sent = True
                    yield channel
                if key == "wp:author":
                    yield _author(elem)
                elif key == "item":
                    yield _item(elem)
                else:
                    yield _term(elem, name)
            _release(elem)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else None)
        raise WXRError(_("the file is not well-formed XML (%(error)s)") % {"error": exc.msg or exc}, line) from exc
    if depth == 0 and not channel_sent:
        _check_channel(channel, None)
        yield channel


def _check_root(root):
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise WXRError(
            _("the file declares a DOCTYPE; WordPress exports never do, and entity declarations "
              "(entity expansion, external entities) are refused"), root.sourceline,
        )
    if _kind(root.tag) != ("", "rss"):
        raise WXRError(_("not a WordPress export: the root element is <%(element)s>, not <rss>")
                       % {"element": etree.QName(root).localname}, root.sourceline)


def _check_channel(channel, line):
    if not channel.wxr_version:
        raise WXRError(_("not a WordPress export: the channel has no wp:wxr_version (an ordinary RSS feed?)"), line)
