"""Samizdat objects in WordPress REST API shapes (wp/v2, as WordPress 6 answers them)."""

import datetime

from django.utils import timezone

from samizdat.core.links import absolute_url
from samizdat.posts.models import Post

# Our statuses in WordPress's words (wp-includes/post.php, register_post_status).
WP_STATUS = {
    Post.Status.DRAFT: "draft",
    Post.Status.SCHEDULED: "future",
    Post.Status.PUBLISHED: "publish",
    Post.Status.PRIVATE: "private",
}
COMMENT_STATUS = {"approved": "approved", "pending": "hold", "spam": "spam", "trash": "trash"}


def _dates(value, blog):
    """(date, date_gmt) as WordPress writes them: the site's local time and UTC, without offsets."""
    if value is None:
        return None, None
    local = timezone.localtime(value, blog.tzinfo).replace(tzinfo=None, microsecond=0)
    gmt = value.astimezone(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    return local.isoformat(), gmt.isoformat()


def _rendered(text, raw=None, edit=False):
    data = {"rendered": text}
    if edit and raw is not None:
        data["raw"] = raw
    return data


def api_url(blog, route, request):
    """The absolute address of a wp/v2 route of `blog` (`route` as "posts/3")."""
    return absolute_url(f"/@{blog.slug}/wp-json/wp/v2/{route}", request)


def _link(href, **extra):
    return [{**extra, "href": href}]


def _post_links(p, request):
    plural = f"{p.kind}s"
    links = {
        "self": _link(api_url(p.blog, f"{plural}/{p.pk}", request)),
        "collection": _link(api_url(p.blog, plural, request)),
        "author": _link(api_url(p.blog, f"users/{p.author_id}", request), embeddable=True),
        "replies": _link(api_url(p.blog, f"comments?post={p.pk}", request), embeddable=True),
    }
    if p.featured_image_id:
        links["wp:featuredmedia"] = _link(api_url(p.blog, f"media/{p.featured_image_id}", request), embeddable=True)
    if not p.is_page:
        links["wp:term"] = [
            {"taxonomy": "category", "embeddable": True, "href": api_url(p.blog, f"categories?post={p.pk}", request)},
            {"taxonomy": "post_tag", "embeddable": True, "href": api_url(p.blog, f"tags?post={p.pk}", request)},
        ]
    return links


def post(p, request, *, edit=False, comments_open=True):
    date, date_gmt = _dates(p.published_at or p.created_at, p.blog)
    modified, modified_gmt = _dates(p.updated_at, p.blog)
    link = absolute_url(p.get_absolute_url(), request)
    data = {
        "id": p.pk, "date": date, "date_gmt": date_gmt, "guid": _rendered(link, link, edit),
        "modified": modified, "modified_gmt": modified_gmt, "slug": p.slug, "status": WP_STATUS[p.status],
        "type": p.kind, "link": link, "title": _rendered(p.title, p.title, edit),
        "content": {**_rendered(p.html, p.source, edit), "protected": False},
        "excerpt": {**_rendered(f"<p>{p.summary}</p>\n", p.excerpt, edit), "protected": False},
        "author": p.author_id, "featured_media": p.featured_image_id or 0,
        "comment_status": "open" if comments_open else "closed", "ping_status": "closed",
        "template": "", "meta": [],
    }
    if p.is_page:
        data.update(parent=p.parent_id or 0, menu_order=p.menu_order)
    else:
        data.update(
            sticky=False, format="standard",
            categories=[c.pk for c in p.categories.all()], tags=[t.pk for t in p.tags.all()],
        )
    data["_links"] = _post_links(p, request)
    return data


def term(t, request, taxonomy, count=0):
    data = {
        "id": t.pk, "count": count, "description": getattr(t, "description", ""),
        "link": absolute_url(t.get_absolute_url(), request), "name": t.name, "slug": t.slug,
        "taxonomy": taxonomy, "meta": [],
    }
    if taxonomy == "category":
        data["parent"] = t.parent_id or 0
    route = "categories" if taxonomy == "category" else "tags"
    data["_links"] = {
        "self": _link(api_url(t.blog, f"{route}/{t.pk}", request)), "collection": _link(api_url(t.blog, route, request)),
    }
    return data


def media(m, request):
    date, date_gmt = _dates(m.created_at, m.blog)
    url = absolute_url(m.file.url, request)
    details = {"file": m.file.name, "filesize": m.size, "sizes": {}}
    if m.width:
        details.update(width=m.width, height=m.height)
    return {
        "id": m.pk, "date": date, "date_gmt": date_gmt, "guid": {"rendered": url}, "slug": str(m.pk),
        "status": "inherit", "type": "attachment", "link": url, "title": {"rendered": m.original_name},
        "author": m.uploaded_by_id or 0, "alt_text": m.alt, "caption": {"rendered": ""},
        "media_type": "image" if m.is_image else "file", "mime_type": m.content_type,
        "media_details": details, "source_url": url,
        "_links": {
            "self": _link(api_url(m.blog, f"media/{m.pk}", request)), "collection": _link(api_url(m.blog, "media", request)),
            **({"author": _link(api_url(m.blog, f"users/{m.uploaded_by_id}", request), embeddable=True)}
               if m.uploaded_by_id else {}),
        },
    }


def comment(c, request):
    date, date_gmt = _dates(c.created_at, c.post.blog)
    # Never the commenter's email or IP address (WordPress would show author_email in edit context).
    return {
        "id": c.pk, "post": c.post_id, "parent": c.parent_id or 0, "author": c.user_id or 0,
        "author_name": c.author_name, "author_url": c.author_url, "date": date, "date_gmt": date_gmt,
        "content": {"rendered": c.html, "raw": c.body}, "link": absolute_url(c.get_absolute_url(), request),
        "status": COMMENT_STATUS[c.status], "type": "comment", "meta": [],
        "_links": {
            "self": _link(api_url(c.post.blog, f"comments/{c.pk}", request)),
            "collection": _link(api_url(c.post.blog, "comments", request)),
            "up": _link(api_url(c.post.blog, f"{c.post.kind}s/{c.post_id}", request), embeddable=True, post_type=c.post.kind),
        },
    }


def user(u, request, blog=None):
    data = {
        "id": u.pk, "name": u.name, "url": "", "description": u.bio, "slug": u.username,
        "link": absolute_url(f"/~{u.username}/", request), "avatar_urls": {}, "meta": [],
    }
    if blog is not None:
        data["_links"] = {"self": _link(api_url(blog, f"users/{u.pk}", request))}
    return data
