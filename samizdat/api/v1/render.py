"""Models to the dictionaries /api/v1/ answers with (absolute URLs, no email addresses)."""

from samizdat.core.links import absolute_url


def user(u):
    return {"id": u.pk, "username": u.username, "name": u.name}


def blog(b, role=None):
    return {
        "slug": b.slug, "title": b.title, "tagline": b.tagline, "language": b.language,
        "time_zone": b.time_zone, "url": absolute_url(b.get_absolute_url()), "role": role,
    }


def tag(t):
    return {"id": t.pk, "name": t.name, "slug": t.slug, "url": absolute_url(t.get_absolute_url())}


def category(c):
    return {**tag(c), "parent": c.parent_id, "description": c.description}


def media(m):
    return {
        "id": m.pk, "url": absolute_url(m.file.url), "original_name": m.original_name,
        "content_type": m.content_type, "size": m.size, "width": m.width, "height": m.height, "alt": m.alt,
        "uploaded_by": m.uploaded_by_id, "created_at": m.created_at,
    }


def post(p, *, allow_comments=None):
    data = {
        "id": p.pk, "blog": p.blog.slug, "kind": p.kind, "title": p.title, "slug": p.slug, "status": p.status,
        "source": p.source, "html": p.html, "excerpt": p.excerpt, "published_at": p.published_at,
        "created_at": p.created_at, "updated_at": p.updated_at, "author": user(p.author),
        "url": absolute_url(p.get_absolute_url()), "featured_image": p.featured_image_id,
    }
    if p.is_page:
        data.update(parent=p.parent_id, menu_order=p.menu_order)
    else:
        data.update(
            tags=[tag(t) for t in p.tags.all()],
            categories=[c.pk for c in p.categories.all()],
            allow_comments=allow_comments,
        )
    return data


def comment(c):
    # The commenter's email and IP address are never sent.
    return {
        "id": c.pk, "post": c.post_id, "parent": c.parent_id, "author_name": c.author_name,
        "author_url": c.author_url, "user": c.user_id, "body": c.body, "html": c.html, "status": c.status,
        "created_at": c.created_at,
    }
