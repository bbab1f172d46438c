"""Read-only queries for reblogs: who passed a post on, and where a reblog came from."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.utils import timezone

from samizdat.blogs.models import Blog
from samizdat.blogs.roles import CAPABILITIES, Cap
from samizdat.posts.models import Post

from .models import Reblog

REBLOGGERS_SHOWN = 30


@dataclass
class Rebloggers:
    count: int = 0
    # (name, url): the reblogging blog's reblog post, or the remote actor's post or profile
    shown: list = field(default_factory=list)


def reblog_info(post):
    """(the Reblog row if `post` is itself a reblog, or None; who reblogged `post`), in one query.

    Both the note above a reblog and "Reblogged by" under a post ask; the answer is kept on the
    post object so the page pays once.
    """
    cached = getattr(post, "_reblog_info", None)
    if cached is not None:
        return cached
    live = Q(post__status=Post.Status.PUBLISHED, post__published_at__lte=timezone.now())
    rows = list(
        Reblog.objects.filter(Q(post=post) | Q(original=post) & (Q(local=False) | live))
        .annotate(
            is_self=Case(When(post=post, then=Value(1)), default=Value(0), output_field=IntegerField()),
            total=Window(Count("pk"), partition_by=[F("is_self")]),
        )
        .select_related("blog", "post__blog", "original__blog")
        .order_by("-is_self", "-created_at", "-pk")[: REBLOGGERS_SHOWN + 1]
    )
    own = rows[0] if rows and rows[0].is_self else None
    others = [row for row in rows if not row.is_self][:REBLOGGERS_SHOWN]
    result = Rebloggers(count=others[0].total if others else 0)
    for row in others:
        if row.local:
            result.shown.append((row.blog.title, row.post.get_absolute_url()))
        else:
            result.shown.append((row.actor_name or row.actor_url, row.remote_url or row.actor_url))
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
