"""The one HTML sanitizer and the Markdown renderer built on it.

Every fragment of HTML that comes from a user or another server passes through
`sanitize_html` before it is stored or shown.
"""

import re
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

# What XML 1.0 cannot carry at all, not even escaped (section 2.2): C0 controls but tab, newline
# and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text):
    """`text` without the characters no XML document may hold, so feeds and exports stay readable.

    A title pasted with a stray control character would otherwise break a whole RSS feed
    (Django refuses to write it) or a WordPress export.
    """
    return _NOT_XML.sub("", text) if text else text


ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "details", "dd",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "li": {"id"},
    "sup": {"id", "class"},
    "section": {"class"},
    "code": {"class"},
    "span": {"class"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Comments get a smaller set: no images, no headings, no tables.
COMMENT_TAGS = {"a", "b", "blockquote", "br", "code", "em", "i", "p", "pre", "strong", "del"}


def sanitize_html(html, *, tags=ALLOWED_TAGS, attributes=None, link_rel="noopener", base_url=None):
    """Return `html` with every element, attribute and URL not on the allow-list removed.

    With `base_url`, relative links and image addresses are also made absolute against it
    (for feeds, whose readers show the HTML away from our pages).
    """
    if attributes is None:
        attributes = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag in tags}
    return nh3.clean(
        html or "",
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        strip_comments=True,
        attribute_filter=_absolute_urls(base_url) if base_url else None,
    )


def _absolute_urls(base_url):
    def resolve(tag, attribute, value):
        return urljoin(base_url, value) if attribute in ("href", "src") else value

    return resolve


def _markdown():
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


_MD = _markdown()


def render_markdown(source):
    """Render Markdown (with inline HTML allowed) to sanitized HTML.

    Headings move one level down, since the page's title is its only h1.
    """
    env = {}
    tokens = _MD.parse(source or "", env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag != "h6":
            token.tag = f"h{int(token.tag[1]) + 1}"
        elif token.type in ("th_open", "td_open") and token.attrGet("style"):
            # Column alignment comes as a style attribute, which the sanitizer drops.
            token.attrSet("align", token.attrGet("style").removeprefix("text-align:"))
            del token.attrs["style"]
    return link_remote_images(sanitize_html(_MD.renderer.render(tokens, _MD.options, env)))


_IMG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([a-z]+)="([^"]*)"')


def link_remote_images(html):
    """Turn images on other hosts into links to them, in sanitized HTML.

    Showing such an image would make every reader's browser call that host, telling it who
    reads what; a link leaves that choice to the reader.
    """
    own_host = urlsplit(settings.SITE_URL).netloc
    # Uploads at the public address the admin declared as theirs (SAMIZDAT_MEDIA_PUBLIC_URL) are ours.
    own_media = settings.MEDIA_URL if urlsplit(settings.MEDIA_URL).netloc else None

    def replace(match):
        attrs = dict(_ATTR.findall(match[1]))
        src = attrs.get("src", "")
        host = urlsplit(src).netloc
        if not host or host == own_host or (own_media and src.startswith(own_media)):
            return match[0]
        text = attrs.get("alt") or src
        return f'<a href="{src}" class="remote-image" rel="noopener nofollow">{text}</a>'

    return _IMG.sub(replace, html)


def strip_tags(html):
    """Plain text of an HTML fragment, for excerpts, search and meta descriptions."""
    return nh3.clean(html or "", tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">"
    ).replace("&quot;", '"').replace("&#39;", "'")
