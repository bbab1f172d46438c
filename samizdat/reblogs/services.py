"""Reblogging: passing on a local post or a page from the web, and recording remote reblogs.

A local reblog is a post of the reblogging blog whose text is the writer's comment followed by
a `<section class="reblog">` holding the attribution line and the quoted text, so that every
place a post goes (its page, feeds, search, mirrors, exports) carries the credit. The `Reblog`
row beside it keeps the source and a snapshot, from which the post page tells readers when the
original has changed or gone since.
"""

import dataclasses
import datetime
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from samizdat.core import http
from samizdat.core.html import sanitize_html, strip_tags
from samizdat.posts import services as post_services
from samizdat.posts.media import IMAGE_FORMATS, store_remote
from samizdat.posts.models import Post

from .models import Reblog, ReblogSettings

EXCERPT_WORDS = 55
LEAD_IMAGE_TIMEOUT = 15.0


@dataclasses.dataclass
class Source:
    """What is being reblogged, with its credits; from `source_from_post` or the extractor."""

    url: str
    title: str = ""
    author: str = ""
    site: str = ""
    site_url: str = ""
    published_at: datetime.datetime | None = None
    image_url: str = ""
    image_alt: str = ""
    html: str = ""  # sanitized
    origin: str = Reblog.Origin.WEB
    original: Post | None = None
    via_url: str = ""
    via_name: str = ""
    digest: str = ""
    # The post's ActivityPub id when it is a fediverse post: the reblog is then sent as a quote of it.
    fediverse_id: str = ""


def _absolute(path):
    return settings.SITE_URL + path


def _local(path):
    # Links between blogs of this instance stay relative, as every other link in a post's text:
    # they then work on the blog's own domain and in mirrors, and feeds make them absolute.
    return path


def post_digest(post):
    """A fingerprint of what readers see of a post, to notice later edits."""
    return hashlib.sha256(f"{post.title}\0{post.html}".encode()).hexdigest()


def excerpt_only(blog):
    return ReblogSettings.objects.filter(blog=blog, excerpt_only=True).exists()


def _excerpt(html):
    words = strip_tags(html).split()
    text = " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")
    return format_html("<p>{}</p>", text)


def source_from_post(post):
    """The source for reblogging a local `post`; a reblog of a reblog credits the original."""
    passed_on = Reblog.objects.filter(post=post).select_related("original__blog", "original__author").first()
    if passed_on is not None:
        earlier = passed_on.original
        return Source(
            url=passed_on.source_url, title=passed_on.source_title, author=passed_on.source_author,
            site=passed_on.source_site, site_url=passed_on.source_site_url,
            published_at=passed_on.source_published_at, image_url=passed_on.source_image_url,
            html=passed_on.snapshot_html, origin=passed_on.origin, original=earlier,
            via_url=_local(post.get_absolute_url()), via_name=post.blog.title,
            digest=post_digest(earlier) if earlier is not None else "",
        )
    html = _excerpt(post.html) if excerpt_only(post.blog) else post.html
    return Source(
        url=_local(post.get_absolute_url()), title=post.title, author=post.author.name,
        site=post.blog.title, site_url=_local(post.blog.get_absolute_url()),
        published_at=post.published_at, html=html, origin=Reblog.Origin.LOCAL, original=post,
        digest=post_digest(post),
    )


def attribution_html(source):
    """The credit line: "From <site> via <link to the original>", by whom, and through which blog."""
    site = format_html('<a href="{}">{}</a>', source.site_url, source.site) if source.site_url else escape(
        source.site or _("the web")
    )
    link = format_html('<a href="{}">{}</a>', source.url, source.title or source.url)
    line = _("From %(site)s via %(link)s") % {"site": site, "link": link}
    if source.author:
        line += escape(_(", by %(author)s") % {"author": source.author})
    if source.via_url:
        line += _("; passed on by %(via)s") % {
            "via": format_html('<a href="{}">{}</a>', source.via_url, source.via_name or source.via_url)
        }
    return line


def compose_text(comment, source, quoted_html, language, *, image_kept=False):
    """The reblog post's Markdown: the writer's comment, then the credited quotation.

    A lead image that could not be stored here stays a link to where it is (showing it would
    make every reader's browser ask that host).
    """
    with translation.override(language):
        credit = attribution_html(source)
        picture = "" if image_kept or not source.image_url else format_html(
            '<p><a href="{}">{}</a></p>\n',
            source.image_url, source.image_alt or _("The original's picture"),
        )
    # One HTML block for Markdown: it ends at the first blank line, so there must be none inside.
    quoted = re.sub(r"\n\s*\n", "\n", quoted_html.strip())
    block = f'<section class="reblog">\n<p>{credit}</p>\n{picture}<blockquote>\n{quoted}\n</blockquote>\n</section>'
    comment = (comment or "").strip()
    return f"{comment}\n\n{block}\n" if comment else f"{block}\n"


def already_reblogged(blog, url):
    """Whether `blog` has reblogged the page at `url` before (flagged, not refused)."""
    return Reblog.objects.filter(blog=blog, source_url=url).exists()


def fetch_lead_image(source, *, blog, editor):
    """(Media, "") with the page's lead image stored as `blog`'s media, or (None, why not).

    Fetched through the one HTTP client, up to the upload size limit, and stored as an upload is
    (re-encoded without EXIF or GPS data). The caller does it before the reblog's transaction.
    """
    if not source.image_url or source.origin != Reblog.Origin.WEB:
        return None, ""
    try:
        media = store_remote(
            blog, editor, source.image_url, max_bytes=settings.SAMIZDAT_MAX_UPLOAD_BYTES,
            alt=source.image_alt[:500], content_types=set(IMAGE_FORMATS.values()),
        )
    except http.FetchError as error:
        return None, str(error)
    except ValidationError as error:
        return None, " ".join(error.messages)
    return media, ""


@transaction.atomic
def reblog(source, *, blog, editor, title="", comment="", quoted_html=None, publish=True, when=None, image=None):
    """Create `blog`'s reblog of `source` as a post (published, or a draft) and its Reblog row.

    `image`: the lead image as `blog`'s media (fetch_lead_image), shown as the post's picture.
    """
    quoted = sanitize_html(source.html if quoted_html is None else quoted_html, base_url=source.url)
    post = Post(
        blog=blog, kind=Post.Kind.POST, author=editor, featured_image=image,
        title=(title or source.title or source.url)[:300],
        source=compose_text(comment, source, quoted, blog.language, image_kept=image is not None),
    )
    if publish:
        post_services.publish_post(post, editor=editor, when=when)
    else:
        post_services.save_post(post, editor=editor)
    Reblog.objects.create(
        local=True, blog=blog, post=post, origin=source.origin, original=source.original,
        source_url=source.url[:2000], source_title=source.title[:500], source_author=source.author[:200],
        source_site=source.site[:200], source_site_url=source.site_url[:2000],
        source_published_at=source.published_at, source_image_url=source.image_url[:2000],
        via_url=source.via_url[:2000], via_name=source.via_name[:200],
        snapshot_html=quoted, original_digest=source.digest,
    )
    return post


def original_change(reblog_row):
    """"removed", "updated" or None: what became of a local original since it was reblogged."""
    if reblog_row.origin != Reblog.Origin.LOCAL:
        return None
    original = reblog_row.original
    if original is None or not original.is_live:
        return "removed"
    if reblog_row.original_digest and post_digest(original) != reblog_row.original_digest:
        return "updated"
    return None


def set_excerpt_only(blog, excerpt_only):
    """Let others reblog `blog`'s posts in full, or only as an excerpt with a link."""
    ReblogSettings.objects.update_or_create(blog=blog, defaults={"excerpt_only": excerpt_only})


# Remote reblogs (the Federation issue's inbox calls these).


def record_remote_reblog(post, *, actor_url, activity_id, actor_name="", url="", quote=False):
    """Count a remote actor's Announce (boost) or quote post of the local `post` as a reblog.

    Idempotent by `activity_id`: a delivery received twice keeps one row. Returns the row.
    """
    row, _created = Reblog.objects.get_or_create(
        ap_id=activity_id,
        defaults={
            "local": False, "actor_url": actor_url, "actor_name": actor_name[:200], "remote_url": url,
            "is_quote": quote, "origin": Reblog.Origin.LOCAL, "original": post,
            "source_url": _absolute(post.get_absolute_url()), "source_title": post.title[:500],
            "source_site": post.blog.title[:200], "original_digest": post_digest(post),
        },
    )
    return row


def remove_remote_reblog(activity_id, *, actor_url=None):
    """Forget a remote reblog (an Undo of the Announce); with `actor_url`, only if it is theirs."""
    rows = Reblog.objects.filter(local=False, ap_id=activity_id)
    if actor_url is not None:
        rows = rows.filter(actor_url=actor_url)
    return rows.delete()[0] > 0
