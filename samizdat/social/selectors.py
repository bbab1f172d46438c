"""Read-only queries for likes, follows, profiles and the reader, each a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Subquery, Window
from django.shortcuts import get_object_or_404

from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import Role
from samizdat.posts.selectors import live_posts

from .models import Follow, Like

# How many likers' avatars a post shows; the count covers everyone.
LIKERS_SHOWN = 50


@dataclass
class RemoteLiker:
    """Someone on another server who likes a post, shown with our copy of their picture."""

    name: str
    profile_url: str
    avatar_name: str
    seed: str
    remote: bool = True


@dataclass
class Likes:
    count: int = 0
    liked: bool = False
    likers: list = field(default_factory=list)


def _liker_home_blog_slug():
    """The address of the first blog the liker owns, where their avatar links."""
    return Subquery(
        Membership.objects.filter(user=OuterRef("user"), role=Role.OWNER)
        .order_by("created_at", "pk").values("blog__slug")[:1]
    )


def post_likes(post, user=None):
    """Who likes `post` (newest first, the first LIKERS_SHOWN), how many, and whether `user` does.

    One query however many likes there are; a second only for a signed-in reader who is not among
    the likers shown. Likes from other servers (federation) count and show with the local ones.
    """
    rows = list(
        Like.objects.filter(post=post)
        .annotate(total=Window(Count("pk")))
        .select_related("user__avatar")
        .annotate(home_blog_slug=_liker_home_blog_slug())
        .order_by("-created_at", "-pk")[:LIKERS_SHOWN]
    )
    likes = Likes(count=rows[0].total if rows else 0)
    for row in rows:
        if row.user is None:
            likes.likers.append(RemoteLiker(
                name=row.actor_name or row.actor_url, profile_url=row.actor_url or row.actor_id,
                avatar_name=row.actor_avatar, seed=row.actor_id,
            ))
            continue
        row.user.home_blog_slug = row.home_blog_slug
        likes.likers.append(row.user)
    if user is not None and user.is_authenticated:
        likes.liked = any(not getattr(u, "remote", False) and u.pk == user.pk for u in likes.likers) or (
            likes.count > len(rows) and Like.objects.filter(post=post, user=user).exists()
        )
    return likes


def follower_count(blog):
    return Follow.objects.filter(blog=blog).count()


def followed_blogs(user):
    """The blogs `user` follows, by title."""
    return Blog.objects.filter(follows__user=user).order_by("title")


def reader_posts(user):
    """Live posts of the blogs `user` follows, newest first, ready for listing."""
    return live_posts().filter(blog__follows__user=user)


def profile(username):
    """The user named `username` with their avatar, and the blogs they own (404 if there is none)."""
    people = get_user_model().objects.select_related("avatar")
    user = get_object_or_404(people, username=username, is_active=True)
    blogs = list(
        Blog.objects.filter(memberships__user=user, memberships__role=Role.OWNER).order_by("title")
    )
    return user, blogs


def person(user):
    """`user` again, with their avatar, for showing them to themselves."""
    return get_user_model().objects.select_related("avatar").get(pk=user.pk)
