"""Read-only queries behind the federation views."""

import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from samizdat.blogs.models import Blog
from samizdat.blogs.roles import Role
from samizdat.comments.models import Comment
from samizdat.core.rows import reading
from samizdat.posts.models import Post
from samizdat.posts.selectors import live_posts
from samizdat.reblogs.models import Reblog
from samizdat.social.models import Avatar, Follow

from .models import BlogFederation, FederatedPost, Follower, OutgoingQuote

OUTBOX_ITEMS = 20


def approves_followers(blog):
    return BlogFederation.objects.filter(blog=blog, approve_followers=True).exists()


def follower_count(blog):
    """How many accounts on other servers follow `blog` (held requests not counted)."""
    return Follower.objects.filter(blog=blog, status=Follower.Status.ACCEPTED).count()


# Plain SQL, as the comment rate limit's counts: the ORM took about 1 ms of CPU to build these
# subqueries, on every public page of a blog (the follow button), and the query takes far less.
_FOLLOWERS_SQL = """
SELECT (SELECT COUNT(*) FROM {follow} WHERE {follow_blog} = %s),
       (SELECT COUNT(*) FROM {follower} WHERE {follower_blog} = %s AND {status} = %s),
       {mine}
"""
_MINE_SQL = "(SELECT COUNT(*) FROM {follow} WHERE {follow_blog} = %s AND {follow_user} = %s)"


def all_followers(blog, user=None):
    """(followers of `blog` here and accepted ones on other servers, whether `user` follows it),
    in one query: the follow button is on every public page of the blog."""
    db = reading(Follow)  # a replica when the request may read from one, as the ORM would
    quote = db.ops.quote_name
    names = {
        "follow": quote(Follow._meta.db_table), "follower": quote(Follower._meta.db_table),
        "follow_blog": quote(Follow._meta.get_field("blog").column),
        "follow_user": quote(Follow._meta.get_field("user").column),
        "follower_blog": quote(Follower._meta.get_field("blog").column),
        "status": quote(Follower._meta.get_field("status").column),
    }
    params = [blog.pk, blog.pk, Follower.Status.ACCEPTED]
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        params += [blog.pk, user.pk]
    sql = _FOLLOWERS_SQL.format(mine=_MINE_SQL.format(**names) if signed_in else "0", **names)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        here, elsewhere, mine = cursor.fetchone()
    return here + elsewhere, bool(mine)


def follow_requests(blog):
    """The follow requests held for `blog`, oldest first."""
    return list(
        Follower.objects.filter(blog=blog, status=Follower.Status.PENDING).select_related("actor", "blog")
        .order_by("created_at", "pk")
    )


def remote_followers(blog, limit=200):
    """Accounts on other servers following `blog`, newest first (at most `limit`)."""
    return list(
        Follower.objects.filter(blog=blog, status=Follower.Status.ACCEPTED).select_related("actor", "blog")
        .order_by("-created_at", "-pk")[:limit]
    )


def follower_of(blog, pk):
    """One remote follower (or request) of `blog`; 404 when it is not the blog's."""
    return get_object_or_404(Follower.objects.select_related("actor", "blog"), blog=blog, pk=pk)


def live_post(blog, slug, day=None):
    """A live post of `blog` for its ActivityPub object (404 for drafts, private and future posts)."""
    post = get_object_or_404(Post.objects.posts().live().select_related("blog", "featured_image"), blog=blog, slug=slug)
    if day is not None and post.local_date() != day:
        raise Http404
    return post


def recent_posts(blog):
    return list(live_posts(blog)[:OUTBOX_ITEMS])


def live_post_count(blog):
    return Post.objects.posts().live().filter(blog=blog).count()


def shared_comment(pk):
    """A local, approved comment on a live post: what we publish as a Note."""
    return get_object_or_404(
        Comment.objects.select_related("post__blog", "parent"),
        pk=pk, local=True, status=Comment.Status.APPROVED,
        post__status=Post.Status.PUBLISHED, post__published_at__lte=timezone.now(),
    )


def owner_avatar(blog):
    """The uploaded avatar of the blog's first owner, or None."""
    return (
        Avatar.objects.filter(user__memberships__blog=blog, user__memberships__role=Role.OWNER)
        .order_by("user__memberships__created_at").first()
    )


def blog_by_handle(username):
    return Blog.objects.filter(slug=username.lower()).first()


def usage():
    """NodeInfo's usage figures: accounts, published posts and local comments."""
    now = timezone.now()
    users = get_user_model().objects.filter(is_active=True)
    return {
        "users": {
            "total": users.count(),
            "activeMonth": users.filter(last_login__gte=now - datetime.timedelta(days=30)).count(),
            "activeHalfyear": users.filter(last_login__gte=now - datetime.timedelta(days=180)).count(),
        },
        "localPosts": Post.objects.posts().live().count(),
        "localComments": Comment.objects.filter(local=True, status=Comment.Status.APPROVED).count(),
    }


def deleted_post(ap_id):
    """The record of a federated post since deleted or unpublished at `ap_id`, or None."""
    return FederatedPost.objects.filter(ap_id=ap_id, state=FederatedPost.State.DELETED).first()


def quote_authorization(pk):
    """A remote quote of a live post of ours, whose authorization we serve; 404 once either is gone."""
    return get_object_or_404(
        Reblog.objects.select_related("original__blog"), pk=pk, local=False, is_quote=True,
        original__status=Post.Status.PUBLISHED, original__published_at__lte=timezone.now(),
    )


def declined_quotes(post_ids):
    """Which of the posts `post_ids` quote a fediverse post whose author's server refused the quote."""
    return set(OutgoingQuote.objects.filter(post_id__in=post_ids, rejected_at__isnull=False).values_list("post_id", flat=True))
