"""Read-only queries for likes, follows, profiles and the reader, each a fixed number of queries."""

import functools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connections
from django.shortcuts import get_object_or_404

from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import Role
from samizdat.core.rows import Columns, reading
from samizdat.posts.selectors import live_posts

from .models import Avatar, Follow, Like

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


# Plain SQL (samizdat.core.rows), as the follow button's counts: building this query's joins and
# subquery through the ORM took about 1 ms of CPU on every dynamic post page, running it far less.
# The likes, newest first: the total, the remote liker's details, the local liker with their
# picture, and the first blog they own (where their avatar links).
_LIKES_SQL = """
SELECT COUNT(*) OVER (), l.{like_user}, l.{actor_id}, l.{actor_name}, l.{actor_url}, l.{actor_avatar},
       (SELECT b.{slug} FROM {membership} m INNER JOIN {blog} b ON m.{membership_blog} = b.{blog_id}
        WHERE m.{role} = %s AND m.{membership_user} = l.{like_user}
        ORDER BY m.{membership_created} ASC, m.{membership_id} ASC LIMIT 1),
       {users}, {avatars}
FROM {like} l
LEFT OUTER JOIN {user} u ON l.{like_user} = u.{user_id}
LEFT OUTER JOIN {avatar} a ON u.{user_id} = a.{avatar_user}
WHERE l.{like_post} = %s
ORDER BY l.{like_created} DESC, l.{like_id} DESC
LIMIT %s
"""
_USERS = Columns(get_user_model(), "u")
_AVATARS = Columns(Avatar, "a")
_LIKE_COLUMNS = 7  # before the users' columns


@functools.lru_cache(maxsize=None)
def _likes_sql(alias):
    """The query for a database, built once per process: it runs on every dynamic post page."""
    db = connections[alias]
    quote = db.ops.quote_name
    User = get_user_model()
    tables = {"like": Like, "user": User, "avatar": Avatar, "membership": Membership, "blog": Blog}
    columns = {
        "like_user": Like._meta.get_field("user"), "like_post": Like._meta.get_field("post"),
        "like_created": Like._meta.get_field("created_at"), "like_id": Like._meta.pk,
        **{name: Like._meta.get_field(name) for name in ("actor_id", "actor_name", "actor_url", "actor_avatar")},
        "user_id": User._meta.pk, "avatar_user": Avatar._meta.get_field("user"),
        "membership_blog": Membership._meta.get_field("blog"), "membership_user": Membership._meta.get_field("user"),
        "membership_created": Membership._meta.get_field("created_at"), "membership_id": Membership._meta.pk,
        "role": Membership._meta.get_field("role"), "blog_id": Blog._meta.pk, "slug": Blog._meta.get_field("slug"),
    }
    return _LIKES_SQL.format(
        users=_USERS.select(db), avatars=_AVATARS.select(db),
        **{name: quote(model._meta.db_table) for name, model in tables.items()},
        **{name: quote(field.column) for name, field in columns.items()},
    )


def post_likes(post, user=None):
    """Who likes `post` (newest first, the first LIKERS_SHOWN), how many, and whether `user` does.

    One query however many likes there are; a second only for a signed-in reader who is not among
    the likers shown. Likes from other servers (federation) count and show with the local ones.
    """
    db = reading(Like)
    with db.cursor() as cursor:
        cursor.execute(_likes_sql(db.alias), [Role.OWNER, post.pk, LIKERS_SHOWN])
        rows = cursor.fetchall()
    likes = Likes(count=rows[0][0] if rows else 0)
    avatar_user = Avatar._meta.get_field("user")
    for row in rows:
        user_id, actor_id, actor_name, actor_url, actor_avatar, home_blog_slug = row[1:_LIKE_COLUMNS]
        if user_id is None:
            likes.likers.append(RemoteLiker(
                name=actor_name or actor_url, profile_url=actor_url or actor_id, avatar_name=actor_avatar,
                seed=actor_id,
            ))
            continue
        liker = _USERS.make(row, _LIKE_COLUMNS, db)
        # As select_related("user__avatar") leaves them: the picture (None: no picture), and its person.
        avatar = _AVATARS.make(row, _LIKE_COLUMNS + _USERS.width, db)
        avatar_user.remote_field.set_cached_value(liker, avatar)
        if avatar is not None:
            avatar_user.set_cached_value(avatar, liker)
        liker.home_blog_slug = home_blog_slug
        likes.likers.append(liker)
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
