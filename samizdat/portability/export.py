"""Export a blog as a WordPress export file (WXR 1.2) that WordPress's importer and ours read.

`generate(blog)` yields the file in pieces, one item at a time, written with lxml's incremental
`xmlfile`, so a large blog never sits in memory; `export_wxr(blog, out)` writes them to a file.

Privacy: the file carries no email address and no IP address. Exports get shared and published;
WordPress's own exporter writes authors' and commenters' emails and commenters' IPs, we write
`wp:author_email` and `wp:comment_author_email` empty and leave `wp:comment_author_IP` out.
WordPress's importer accepts both (it matches authors by login).

Ids: a post, page, attachment or comment that came from a WordPress import keeps its WordPress
id (from `ImportedItem`), so links and threads made against the old site still match; everything
else gets its Samizdat primary key, moved past the imported ids when the two would collide.
"""

import datetime
import html
import re
from email.utils import format_datetime
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from lxml import etree
from lxml import html as lxml_html

from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment
from samizdat.core.html import xml_text
from samizdat.core.links import absolute_url
from samizdat.posts.models import Category, Media, Post, Tag

from .models import ImportedItem

WP = "http://wordpress.org/export/1.2/"
NSMAP = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}
NO_DATE = "0000-00-00 00:00:00"
POST_STATUSES = {
    Post.Status.PUBLISHED: "publish",
    Post.Status.SCHEDULED: "future",
    Post.Status.DRAFT: "draft",
    Post.Status.PRIVATE: "private",
}
COMMENT_STATUSES = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
# Elements whose white space is text, not layout between blocks (see `_for_wpautop`).
_FLOW = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "summary", "caption",
         "a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span",
         "strong", "sub", "sup", "u"}


class _Chunks:
    """A file object for `xmlfile` that hands what was written to a generator."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(data)

    def take(self):
        data, self.parts = b"".join(self.parts), []
        return data


class _Ids:
    """WordPress ids for one id space: the imported id where there is one, else the primary key."""

    def __init__(self, blog, kind, *, start_after=0):
        self.original = {}
        for object_id, wp_id in ImportedItem.objects.filter(blog=blog, kind=kind, object_id__isnull=False).values_list(
            "object_id", "wp_id"
        ).iterator():
            if wp_id.isdigit():
                self.original[object_id] = int(wp_id)
        self.taken = set(self.original.values())
        # Primary keys that would take an imported id move past every id in use.
        self.offset = max([start_after, *self.taken], default=0)

    def __call__(self, pk):
        if pk is None:
            return 0
        if pk in self.original:
            return self.original[pk]
        return pk + self.offset if pk in self.taken else pk


def _el(tag, text="", ns=None, **attrib):
    """An element with text; `ns` "wp", "dc", ... or None for RSS's own elements."""
    # A namespaced element knows the prefixes (WordPress's fallback parsers match "wp:post_id"
    # literally); one written on its own repeats their declarations, which XML allows.
    elem = etree.Element(f"{{{NSMAP[ns]}}}{tag}" if ns else tag, attrib, nsmap=NSMAP if ns else None)
    text = "" if text is None else xml_text(str(text))
    # WordPress writes its content in CDATA (wxr_cdata); text that cannot be CDATA is escaped.
    elem.text = etree.CDATA(text) if text and "]]>" not in text and ("<" in text or "&" in text) else text
    return elem


def _sub(parent, tag, text="", ns="wp", **attrib):
    parent.append(_el(tag, text, ns, **attrib))


def _wp_slug(slug):
    """A slug as WordPress stores it: UTF-8, percent-encoded in lower case (sanitize_title)."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), quote(slug or "", safe="-_"))


def _dates(when, tz):
    """(local, GMT) as WordPress writes them."""
    if when is None:
        return NO_DATE, NO_DATE
    local = when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return local, when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _for_wpautop(fragment):
    """Sanitized HTML with the line breaks inside paragraphs made spaces.

    WordPress runs wpautop on a classic post when showing it, turning every newline inside a
    paragraph into <br> (wp-includes/formatting.php); Markdown's soft line breaks are spaces.
    `<pre>` keeps its newlines, which wpautop leaves alone.
    """
    if "\n" not in fragment or not fragment.strip():
        return fragment
    nodes = lxml_html.fragments_fromstring(fragment)
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(html.escape(node, quote=False))
            continue
        for elem in node.iter():
            if not isinstance(elem.tag, str) or elem.tag == "pre" or any(a.tag == "pre" for a in elem.iterancestors()):
                continue
            if elem.text and "\n" in elem.text and (elem.tag in _FLOW or elem.text.strip()):
                elem.text = elem.text.replace("\n", " ")
            parent = elem.getparent()
            if elem is not node and elem.tail and "\n" in elem.tail and (
                parent.tag in _FLOW or elem.tail.strip()
            ):
                elem.tail = elem.tail.replace("\n", " ")
        tail, node.tail = node.tail, None
        out.append(etree.tostring(node, encoding="unicode", method="html"))
        if tail:
            out.append(html.escape(tail, quote=False))
    return "".join(out)


def _authors(blog):
    User = get_user_model()
    ids = set(blog.memberships.values_list("user_id", flat=True)) | set(
        Post.objects.filter(blog=blog).values_list("author_id", flat=True)
    )
    return User.objects.filter(pk__in=ids).order_by("pk")


def _used_media(blog):
    """The blog's media that posts show: featured images and files their HTML links to."""
    featured = set(Post.objects.filter(blog=blog, featured_image__isnull=False).values_list("featured_image_id", flat=True))
    prefix = settings.MEDIA_URL
    pattern = re.compile(r'(?:src|href)="(?:[a-z]+://[^/"]+)?' + re.escape(prefix) + r'([^"?#]+)')
    names = set()
    for text in Post.objects.filter(blog=blog).values_list("html", flat=True).iterator():
        names.update(unquote(m) for m in pattern.findall(text))
    media = Media.objects.filter(blog=blog)
    return [
        m for m in media.order_by("pk").iterator()
        if m.pk in featured or m.file.name in names or names.intersection(m.renditions.values())
    ]


def generate(blog, *, progress=None):
    """Yield the blog as a WXR 1.2 file, in pieces of bytes; `progress(done, total)` after each item."""
    tz = blog.tzinfo
    post_ids = _Ids(blog, ImportedItem.Kind.POST)
    max_post_pk = Post.objects.filter(blog=blog).order_by("-pk").values_list("pk", flat=True).first() or 0
    # Attachments are posts in WordPress: they share the posts' ids, so theirs come after.
    attachment_ids = _Ids(blog, ImportedItem.Kind.ATTACHMENT, start_after=max([max_post_pk, *post_ids.taken]))
    comment_ids = _Ids(blog, ImportedItem.Kind.COMMENT)
    category_ids = _Ids(blog, ImportedItem.Kind.CATEGORY)
    tag_ids = _Ids(blog, ImportedItem.Kind.TAG)
    blog_url = absolute_url(blog.get_absolute_url())
    media = _used_media(blog)
    posts = Post.objects.filter(blog=blog).select_related("author", "parent").prefetch_related("tags", "categories")
    total, done = len(media) + posts.count(), 0

    out = _Chunks()
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", version="2.0", nsmap=NSMAP):
            xf.write("\n")
            with xf.element("channel"):
                head = etree.Element("head", nsmap=NSMAP)
                _sub(head, "title", blog.title, None)
                _sub(head, "link", blog_url, None)
                _sub(head, "description", blog.tagline, None)
                _sub(head, "pubDate", format_datetime(datetime.datetime.now(datetime.timezone.utc)), None)
                _sub(head, "language", blog.language, None)
                _sub(head, "wxr_version", "1.2")
                _sub(head, "base_site_url", settings.SITE_URL)
                _sub(head, "base_blog_url", blog_url)
                authors = set()
                for user in _authors(blog):
                    authors.add(user.pk)
                    author = etree.SubElement(head, f"{{{WP}}}author")
                    _sub(author, "author_id", user.pk)
                    _sub(author, "author_login", user.username)
                    # Never an email: Samizdat publishes none, and exports get shared.
                    _sub(author, "author_email", "")
                    _sub(author, "author_display_name", user.name)
                    _sub(author, "author_first_name", user.first_name)
                    _sub(author, "author_last_name", user.last_name)
                # Parents before children, as WordPress writes them (its importer needs that order).
                for category in _parents_first(Category.objects.filter(blog=blog).select_related("parent")):
                    elem = etree.SubElement(head, f"{{{WP}}}category")
                    _sub(elem, "term_id", category_ids(category.pk))
                    _sub(elem, "category_nicename", _wp_slug(category.slug))
                    _sub(elem, "category_parent", _wp_slug(category.parent.slug) if category.parent else "")
                    _sub(elem, "cat_name", category.name)
                    if category.description:
                        _sub(elem, "category_description", category.description)
                for tag in Tag.objects.filter(blog=blog).order_by("pk").iterator():
                    elem = etree.SubElement(head, f"{{{WP}}}tag")
                    _sub(elem, "term_id", tag_ids(tag.pk))
                    _sub(elem, "tag_slug", _wp_slug(tag.slug))
                    _sub(elem, "tag_name", tag.name)
                for child in head:
                    xf.write("\n")
                    xf.write(child)
                yield out.take()

                for item in media:
                    xf.write("\n")
                    xf.write(_attachment(item, attachment_ids(item.pk), tz))
                    done += 1
                    if progress:
                        progress(done, total)
                    yield out.take()
                for post in posts.order_by("pk").iterator(chunk_size=200):
                    xf.write("\n")
                    xf.write(_post(post, post_ids, attachment_ids, comment_ids, authors, tz))
                    done += 1
                    if progress:
                        progress(done, total)
                    yield out.take()
                xf.write("\n")
            xf.write("\n")
    yield out.take() + b"\n"


def export_wxr(blog, out, *, progress=None):
    """Write the blog as a WXR 1.2 file to the binary file object `out`."""
    for chunk in generate(blog, progress=progress):
        out.write(chunk)


def _parents_first(categories):
    categories = list(categories)
    by_parent = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    ordered, seen = [], set()

    def walk(parent_id):
        for category in sorted(by_parent.get(parent_id, []), key=lambda c: c.pk):
            if category.pk not in seen:
                seen.add(category.pk)
                ordered.append(category)
                walk(category.pk)

    walk(None)
    # A cycle of parents (which the editor should not allow) still gets every category out.
    ordered.extend(c for c in categories if c.pk not in seen)
    return ordered


def _attachment(media, wp_id, tz):
    url = absolute_url(media.file.url)
    local, gmt = _dates(media.created_at, tz)
    item = etree.Element("item", nsmap=NSMAP)
    _sub(item, "title", media.original_name, None)
    _sub(item, "link", url, None)
    _sub(item, "pubDate", format_datetime(media.created_at), None)
    _sub(item, "creator", media.uploaded_by.username if media.uploaded_by else "", "dc")
    _sub(item, "guid", url, None, isPermaLink="false")
    _sub(item, "description", "", None)
    _sub(item, "encoded", "", "content")
    _sub(item, "encoded", "", "excerpt")
    _sub(item, "post_id", wp_id)
    _sub(item, "post_date", local)
    _sub(item, "post_date_gmt", gmt)
    _sub(item, "comment_status", "closed")
    _sub(item, "ping_status", "closed")
    _sub(item, "post_name", _wp_slug(slugify(media.original_name.rsplit(".", 1)[0], allow_unicode=True)))
    _sub(item, "status", "inherit")
    _sub(item, "post_parent", 0)
    _sub(item, "menu_order", 0)
    _sub(item, "post_type", "attachment")
    _sub(item, "post_password", "")
    _sub(item, "is_sticky", 0)
    _sub(item, "attachment_url", url)
    if media.alt:
        _meta(item, "_wp_attachment_image_alt", media.alt)
    return item


def _meta(item, key, value):
    meta = etree.SubElement(item, f"{{{WP}}}postmeta")
    _sub(meta, "meta_key", key)
    _sub(meta, "meta_value", value)


def _post(post, post_ids, attachment_ids, comment_ids, authors, tz):
    url = absolute_url(post.get_absolute_url())
    local, gmt = _dates(post.published_at, tz)
    item = etree.Element("item", nsmap=NSMAP)
    _sub(item, "title", post.title, None)
    _sub(item, "link", url, None)
    _sub(item, "pubDate", format_datetime(post.published_at) if post.published_at else "", None)
    _sub(item, "creator", post.author.username, "dc")
    _sub(item, "guid", url, None, isPermaLink="false")
    _sub(item, "description", "", None)
    _sub(item, "encoded", _for_wpautop(post.html), "content")
    _sub(item, "encoded", html.escape(post.excerpt, quote=False), "excerpt")
    _sub(item, "post_id", post_ids(post.pk))
    _sub(item, "post_date", local)
    _sub(item, "post_date_gmt", gmt)
    _sub(item, "comment_status", "open" if comment_services.post_switch_open(post) else "closed")
    _sub(item, "ping_status", "closed")
    _sub(item, "post_name", _wp_slug(post.slug))
    _sub(item, "status", POST_STATUSES.get(post.status, "draft"))
    _sub(item, "post_parent", post_ids(post.parent_id))
    _sub(item, "menu_order", post.menu_order)
    _sub(item, "post_type", "page" if post.is_page else "post")
    _sub(item, "post_password", "")
    _sub(item, "is_sticky", 0)
    for category in sorted(post.categories.all(), key=lambda c: c.pk):
        _sub(item, "category", category.name, None, domain="category", nicename=_wp_slug(category.slug))
    for tag in sorted(post.tags.all(), key=lambda t: t.pk):
        _sub(item, "category", tag.name, None, domain="post_tag", nicename=_wp_slug(tag.slug))
    if post.featured_image_id:
        _meta(item, "_thumbnail_id", attachment_ids(post.featured_image_id))
    comments = Comment.objects.filter(post=post).select_related("user").order_by("created_at", "pk")
    for comment in comments.iterator():
        item.append(_comment(comment, comment_ids, authors, tz))
    return item


def _comment(comment, comment_ids, authors, tz):
    local, gmt = _dates(comment.created_at, tz)
    elem = etree.Element(f"{{{WP}}}comment", nsmap=NSMAP)
    _sub(elem, "comment_id", comment_ids(comment.pk))
    _sub(elem, "comment_author", comment.author_name)
    # Never an email nor an IP address (wp:comment_author_IP): exports get shared.
    _sub(elem, "comment_author_email", "")
    _sub(elem, "comment_author_url", comment.author_url)
    _sub(elem, "comment_date", local)
    _sub(elem, "comment_date_gmt", gmt)
    _sub(elem, "comment_content", _for_wpautop(comment.html))
    _sub(elem, "comment_approved", COMMENT_STATUSES.get(comment.status, "0"))
    _sub(elem, "comment_type", "comment")
    _sub(elem, "comment_parent", comment_ids(comment.parent_id))
    # Only the file's authors: WordPress would tie another id to whichever user has it there.
    _sub(elem, "comment_user_id", comment.user_id if comment.user_id in authors else 0)
    return elem
