"""WordPress post markup to the HTML Samizdat stores as a post's `source`.

WordPress stores classic posts without paragraphs (its `wpautop` adds them when showing them),
block-editor posts as HTML between `<!-- wp:... -->` comments, and both with shortcodes. We
turn all of them into plain block-level HTML, one top-level block per paragraph of the Markdown
source, so the Markdown renderer passes it through untouched and the one sanitizer cleans it.
"""

import html
import re

from lxml import etree
from lxml import html as lxml_html

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
_MORE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.S)
_SHORTCODE_ATTRS = re.compile(r'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*\'([^\']*)\'|(\w+)\s*=\s*([^\s\'"\]]+)')
_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.S)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]")
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S)
_MEDIA = re.compile(r"\[(audio|video)([^\]]*)\](?:.*?\[/\1\])?", re.S)
# A bare URL alone on its line is an oEmbed in WordPress; we make it a link (no third-party embeds).
_BARE_URL = re.compile(r"^\s*(https?://[^\s<>\"']+)\s*$", re.M)

_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|dl|dd|dt|div|fieldset|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|thead|tbody|tfoot|tr|td|th|ul|"
    "caption|colgroup|col|audio|video|iframe|object|embed|script|style|noscript|math|svg"
)
_BLOCK_OPEN = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.I)


def shortcode_attrs(text):
    attrs = {}
    for m in _SHORTCODE_ATTRS.finditer(text or ""):
        key = m.group(1) or m.group(3) or m.group(5)
        attrs[key.lower()] = html.unescape(m.group(2) or m.group(4) or m.group(6) or "")
    return attrs


def _caption(match):
    attrs, inner = shortcode_attrs(match.group(2)), match.group(3).strip()
    # The caption text follows the image (or a linked image) inside the shortcode.
    m = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", inner, re.S)
    image, text = (m.group(1), m.group(2).strip()) if m else (inner, "")
    text = text or attrs.get("caption", "")
    return f"<figure>{image}<figcaption>{text}</figcaption></figure>" if text else f"<figure>{image}</figure>"


def _gallery(resolve_attachment, report):
    def replace(match):
        attrs = shortcode_attrs(match.group(1))
        ids = [i.strip() for i in attrs.get("ids", "").split(",") if i.strip()]
        images = [resolve_attachment(i) for i in ids]
        images = [url for url in images if url]
        if not images:
            report("a [gallery] without images we know (the gallery was removed)")
            return ""
        return "<figure>" + "".join(f'<img src="{html.escape(url)}" alt="">' for url in images) + "</figure>"

    return replace


def _media(match):
    attrs = shortcode_attrs(match.group(2))
    src = attrs.get("src") or attrs.get("mp3") or attrs.get("mp4") or attrs.get("ogg") or attrs.get("webm")
    return f'<p><a href="{html.escape(src)}">{html.escape(src)}</a></p>' if src else ""


def wpautop(text):
    """Paragraphs as WordPress's wpautop makes them: blank lines part paragraphs, newlines break lines.

    A simplified port of wp-includes/formatting.php: blocks that already are block-level HTML
    are left alone, and `<pre>` keeps its line breaks.
    """
    if not text.strip():
        return ""
    pres = []

    def keep_pre(m):
        pres.append(m.group(0))
        return f"\n\n<pre-placeholder-{len(pres) - 1}>\n\n"

    text = re.sub(r"<pre\b.*?</pre>", keep_pre, text.replace("\r\n", "\n").replace("\r", "\n"), flags=re.S | re.I)
    # Block-level tags stand on their own lines, so they never end up inside a <p>.
    text = re.sub(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>)", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</(?:{_BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.I)
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("<pre-placeholder-"):
            out.append(pres[int(chunk[len("<pre-placeholder-"):-1])])
        elif _BLOCK_OPEN.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


def _blocks(fragment):
    """Top-level blocks of an HTML fragment, loose text and inline elements gathered into <p>."""
    nodes = lxml_html.fragments_fromstring(fragment) if fragment.strip() else []
    blocks, inline = [], []

    def flush():
        joined = "".join(inline).strip()
        if joined:
            blocks.append(f"<p>{joined}</p>")
        inline.clear()

    for node in nodes:
        if isinstance(node, str):
            inline.append(html.escape(node, quote=False))
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if re.fullmatch(_BLOCK_TAGS, tag or "", re.I):
            flush()
            if tag.lower() == "h1":
                node.tag = "h2"  # the page's title is its only h1
            tail, node.tail = node.tail, None
            blocks.append(etree.tostring(node, encoding="unicode", method="html"))
            if tail and tail.strip():
                inline.append(html.escape(tail, quote=False))
        elif tag:
            inline.append(etree.tostring(node, encoding="unicode", method="html"))
    flush()
    return blocks


def _no_blank_lines(block):
    # A blank line would end the HTML block in Markdown; &#10; keeps a newline where one
    # matters (in <pre>) and is plain white space everywhere else.
    return re.sub(r"\n[ \t]*\n", "\n&#10;", block)


def convert(content, *, resolve_attachment=lambda wp_id: None, report=lambda note: None):
    """HTML `source` for WordPress post content (classic, blocks or both, with shortcodes)."""
    content = content or ""
    has_blocks = "<!-- wp:" in content
    content = _MORE.sub("", _BLOCK_COMMENT.sub("", content))
    content = _CAPTION.sub(_caption, content)
    content = _GALLERY.sub(_gallery(resolve_attachment, report), content)
    content = _EMBED.sub(lambda m: f'<p><a href="{html.escape(m.group(1).strip())}">{m.group(1).strip()}</a></p>', content)
    content = _MEDIA.sub(_media, content)
    if not has_blocks:
        # Block-editor posts already have their paragraphs; WordPress skips wpautop for them too.
        content = _BARE_URL.sub(lambda m: f'<p><a href="{m.group(1)}">{m.group(1)}</a></p>', content)
        content = wpautop(content)
    return "\n\n".join(_no_blank_lines(block) for block in _blocks(content))


def excerpt_text(excerpt):
    """A WordPress excerpt as the plain text Samizdat keeps."""
    text = lxml_html.fromstring(f"<div>{excerpt}</div>").text_content() if (excerpt or "").strip() else ""
    return re.sub(r"\s+", " ", text).strip()
