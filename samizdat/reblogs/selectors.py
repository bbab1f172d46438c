"""Read-only queries for reblogs: who passed a post on, and where a reblog came from."""

import functools
from dataclasses import dataclass, field

from django.db import connections
from django.utils import timezone

from samizdat.blogs.models import Blog
from samizdat.blogs.roles import CAPABILITIES, Cap
from samizdat.core.rows import Columns, reading
from samizdat.posts.models import Post

from .models import Reblog

REBLOGGERS_SHOWN = 30


@dataclass
class Rebloggers:
    count: int = 0
    # (name, url): the reblogging blog's reblog post, or the remote actor's post or profile
    shown: list = field(default_factory=list)


# Plain SQL (samizdat.core.rows), as the follow button's counts: building this query's joins,
# window and conditions through the ORM took about 1.5 ms of CPU on every dynamic post page,
# running it far less. The post's own Reblog row (if it is a reblog) first, then its reblogs
# (remote ones, and local ones whose post is live), newest first, each kind counted; each row
# with its blog, its post and that post's blog, its original and that original's blog.
_REBLOGS_SQL = """
SELECT {reblogs}, CASE WHEN r.{post} = %s THEN 1 ELSE 0 END AS is_self,
       COUNT(*) OVER (PARTITION BY CASE WHEN r.{post} = %s THEN 1 ELSE 0 END),
       {blogs}, {posts}, {post_blogs}, {originals}, {original_blogs}
FROM {reblog} r
LEFT OUTER JOIN {blog} b ON r.{blog_id} = b.{id}
LEFT OUTER JOIN {post_table} p ON r.{post} = p.{id}
LEFT OUTER JOIN {blog} pb ON p.{post_blog} = pb.{id}
LEFT OUTER JOIN {post_table} o ON r.{original} = o.{id}
LEFT OUTER JOIN {blog} ob ON o.{post_blog} = ob.{id}
WHERE r.{post} = %s OR (r.{original} = %s AND (NOT r.{local} OR (p.{published_at} <= %s AND p.{status} = %s)))
ORDER BY is_self DESC, r.{created_at} DESC, r.{id} DESC
LIMIT %s
"""
# The instances of a row, in the order of their columns, and where each is kept (select_related's
# caches): (columns, the field that points at it, the index of the instance holding that field).
_REBLOGS = Columns(Reblog, "r")
_JOINED = (
    (Columns(Blog, "b"), Reblog._meta.get_field("blog"), 0),
    (Columns(Post, "p"), Reblog._meta.get_field("post"), 0),
    (Columns(Blog, "pb"), Post._meta.get_field("blog"), 2),
    (Columns(Post, "o"), Reblog._meta.get_field("original"), 0),
    (Columns(Blog, "ob"), Post._meta.get_field("blog"), 4),
)
_IS_SELF = _REBLOGS.width
_BLOG, _POST, _POST_BLOG = (_IS_SELF + 2 + sum(c.width for c, _f, _i in _JOINED[:n]) for n in range(3))


@functools.lru_cache(maxsize=None)
def _reblogs_sql(alias):
    """The query for a database, built once per process: it runs on every dynamic post page."""
    db = connections[alias]
    quote = db.ops.quote_name
    fields = {
        "post": Reblog._meta.get_field("post"), "original": Reblog._meta.get_field("original"),
        "blog_id": Reblog._meta.get_field("blog"), "local": Reblog._meta.get_field("local"),
        "created_at": Reblog._meta.get_field("created_at"), "id": Reblog._meta.pk,
        "post_blog": Post._meta.get_field("blog"), "published_at": Post._meta.get_field("published_at"),
        "status": Post._meta.get_field("status"),
    }
    return _REBLOGS_SQL.format(
        reblogs=_REBLOGS.select(db), **{name: columns.select(db) for name, columns in zip(
            ("blogs", "posts", "post_blogs", "originals", "original_blogs"), (c for c, _f, _i in _JOINED)
        )},
        reblog=quote(Reblog._meta.db_table), blog=quote(Blog._meta.db_table), post_table=quote(Post._meta.db_table),
        **{name: quote(field.column) for name, field in fields.items()},
    )


def _own_reblog(row, db):
    """The Reblog of a row, with its related instances, as select_related makes them."""
    instances, start = [_REBLOGS.make(row, 0, db)], _IS_SELF + 2
    instances[0].is_self, instances[0].total = row[_IS_SELF:start]
    for columns, field, holder in _JOINED:
        instance = columns.make(row, start, db)
        start += columns.width
        if instances[holder] is not None:
            field.set_cached_value(instances[holder], instance)
            if field.one_to_one and instance is not None:
                field.remote_field.set_cached_value(instance, instances[holder])
        instances.append(instance)
    return instances[0]


def _reblogger(row, db):
    """(name, address) of who passed the post on in a row: a blog here and its reblog, or a remote actor."""
    if _REBLOGS.value(row, 0, "local"):
        reblog_post = _JOINED[1][0].make(row, _POST, db)
        reblog_post.blog = _JOINED[2][0].make(row, _POST_BLOG, db)
        return _JOINED[0][0].value(row, _BLOG, "title"), reblog_post.get_absolute_url()
    name, url, remote_url = (_REBLOGS.value(row, 0, f) for f in ("actor_name", "actor_url", "remote_url"))
    return name or url, remote_url or url


def reblog_info(post):
    """(the Reblog row if `post` is itself a reblog, or None; who reblogged `post`), in one query.

    Both the note above a reblog and "Reblogged by" under a post ask; the answer is kept on the
    post object so the page pays once.
    """
    cached = getattr(post, "_reblog_info", None)
    if cached is not None:
        return cached
    db = reading(Reblog)
    now = db.ops.adapt_datetimefield_value(timezone.now())
    with db.cursor() as cursor:
        cursor.execute(
            _reblogs_sql(db.alias),
            [post.pk, post.pk, post.pk, post.pk, now, Post.Status.PUBLISHED, REBLOGGERS_SHOWN + 1],
        )
        rows = cursor.fetchall()
    own = _own_reblog(rows[0], db) if rows and rows[0][_IS_SELF] else None
    others = [row for row in rows if not row[_IS_SELF]][:REBLOGGERS_SHOWN]
    result = Rebloggers(count=others[0][_IS_SELF + 1] if others else 0)
    result.shown = [_reblogger(row, db) for row in others]
    post._reblog_info = (own, result)
    return post._reblog_info


def rebloggers(post):
    """The blogs that passed `post` on (live local reblogs and remote ones), newest first."""
    return reblog_info(post)[1]


def reblog_of(post):
    """The Reblog row of a reblog post (with its original), or None for an ordinary post."""
    return reblog_info(post)[0]


def publishing_blogs(user):
    """The blogs `user` may speak for in public (like or boost a fediverse post as): where they
    may publish, not only write drafts."""
    if user.is_superuser:
        return Blog.objects.order_by("title")
    roles = [role for role, caps in CAPABILITIES.items() if Cap.PUBLISH_POSTS in caps]
    return Blog.objects.filter(memberships__user=user, memberships__role__in=roles).order_by("title").distinct()


def reblog_blogs(user):
    """The blogs `user` may write a reblog into: those where they can write posts."""
    if user.is_superuser:
        return Blog.objects.order_by("title")
    return Blog.objects.filter(memberships__user=user).order_by("title").distinct()
