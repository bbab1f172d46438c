"""Liking posts, following blogs, and setting one's avatar."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samizdat.core.links import absolute_url

from .avatars import square_avatar, store_avatar_file
from .models import Avatar, Follow, Like


def like_post(user, post):
    """Record that `user` likes `post` (a live post); liking twice keeps one like. Returns the like."""
    if not post.is_live:
        raise ValidationError(_("Only published posts can be liked."))
    # get_or_create retries the lookup when a racing request inserted first (unique constraint).
    like, _created = Like.objects.get_or_create(post=post, user=user, defaults={"local": True})
    return like


def unlike_post(user, post):
    """Take back `user`'s like of `post`; nothing happens if there was none."""
    Like.objects.filter(post=post, user=user).delete()


def receive_remote_like(post, *, ap_id, actor_id, author_name, author_url, author_avatar):
    """Someone on another server likes `post`: (like, created). Once per remote person."""
    existing = Like.objects.filter(post=post, local=False, actor_id=actor_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            like = Like.objects.create(
                post=post, local=False, ap_id=ap_id, actor_id=actor_id, actor_name=author_name[:100],
                actor_url=author_url, actor_avatar=author_avatar,
            )
    except IntegrityError:  # the same like, processed twice at once
        return Like.objects.get(post=post, actor_id=actor_id), False
    return like, True


def remove_remote_like(ap_id, *, actor_id):
    """A remote person takes back a like (Undo Like); how many were removed."""
    deleted, _ = Like.objects.filter(ap_id=ap_id, actor_id=actor_id, local=False).delete()
    return deleted


def follow_blog(user, blog):
    """Make `user` follow `blog`; following twice keeps one follow. Returns the follow."""
    follow, _created = Follow.objects.get_or_create(blog=blog, user=user, defaults={"local": True})
    return follow


def unfollow_blog(user, blog):
    """Stop `user` following `blog`; nothing happens if they did not."""
    Follow.objects.filter(blog=blog, user=user).delete()


def set_avatar(user, upload):
    """Make an uploaded picture `user`'s avatar (square, metadata stripped); ValidationError if refused."""
    payload, extension = square_avatar(upload)
    name = store_avatar_file(payload, extension)
    old = Avatar.objects.filter(user=user).values_list("image", flat=True).first()
    Avatar.objects.update_or_create(user=user, defaults={"image": name})
    if old:
        default_storage.delete(old)


def remove_avatar(user):
    """Go back to the generated identicon, deleting the uploaded picture."""
    old = Avatar.objects.filter(user=user).values_list("image", flat=True).first()
    Avatar.objects.filter(user=user).delete()
    if old:
        default_storage.delete(old)


def social_data_of(user):
    """The account's likes and follows, as plain values for the person's download."""
    return {
        "likes": [
            {"post": absolute_url(like.post.get_absolute_url()), "post_title": like.post.title,
             "created_at": like.created_at.isoformat()}
            for like in Like.objects.filter(user=user).select_related("post__blog").order_by("created_at")
        ],
        "follows": [
            {"blog": follow.blog.slug, "blog_title": follow.blog.title, "created_at": follow.created_at.isoformat()}
            for follow in Follow.objects.filter(user=user).select_related("blog").order_by("created_at")
        ],
    }
