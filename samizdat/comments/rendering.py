"""Comment text: a small Markdown subset (emphasis, links, quotes, code), through the one sanitizer."""

from markdown_it import MarkdownIt

from samizdat.core.html import COMMENT_TAGS, sanitize_html

# No raw HTML, no images, no headings, lists or tables: only what the comment form promises.
_MD = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "link", "autolink", "blockquote", "backticks", "code", "fence", "newline", "escape", "strikethrough"]
)

COMMENT_ATTRIBUTES = {"a": {"href", "title"}}


def render_comment(source):
    """Sanitized HTML of a comment's Markdown; links get rel="nofollow ugc"."""
    return sanitize_html(
        _MD.render(source or ""), tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, link_rel="nofollow ugc noopener"
    )


def count_links(source):
    """How many links the comment's text makes, written as Markdown or as bare addresses."""
    html = _MD.render(source or "")
    bare = sum(word.startswith(("http://", "https://", "www.")) for word in (source or "").split())
    return max(html.count("<a "), bare)
