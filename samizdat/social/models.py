"""Likes of posts, follows of blogs, and people's avatars.

Likes and follows keep an `ap_id` and a `local` flag so that federated ones (the Federation
issue) land in the same tables: a local row has a user and no `ap_id`; a remote one will have
an `ap_id` (and an actor, added then) and no user.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog
from samizdat.posts.models import Post


class Reaction(models.Model):
    """What a like and a follow share: who (a local user, or later a remote actor) and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    local = models.BooleanField(default=True)
    ap_id = models.URLField(_("ActivityPub id"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ap_id"], condition=~Q(ap_id=""), name="unique_%(class)s_ap_id"),
            models.CheckConstraint(
                condition=Q(local=False) | Q(user__isnull=False), name="local_%(class)s_has_user"
            ),
        ]


class Like(Reaction):
    """Someone likes a post: counted once per person."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    # A remote liker (local=False): their actor, name, profile and our copy of their picture.
    actor_id = models.URLField(max_length=500, blank=True)
    actor_name = models.CharField(max_length=100, blank=True)
    actor_url = models.URLField(max_length=500, blank=True)
    actor_avatar = models.CharField(max_length=200, blank=True)

    class Meta(Reaction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=Q(user__isnull=False), name="one_like_per_user"
            ),
            models.UniqueConstraint(
                fields=["post", "actor_id"], condition=~Q(actor_id=""), name="one_like_per_remote_actor"
            ),
            *Reaction.Meta.constraints,
        ]
        indexes = [models.Index(fields=["post", "-created_at"], name="like_post_recent")]

    def __str__(self):
        return f"{self.user or self.ap_id} likes {self.post}"


class Follow(Reaction):
    """Someone follows a blog, and sees its new posts in their reader."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="follows")

    class Meta(Reaction.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "user"], condition=Q(user__isnull=False), name="one_follow_per_user"
            ),
            *Reaction.Meta.constraints,
        ]
        indexes = [models.Index(fields=["user", "blog"], name="follow_user_blog")]

    def __str__(self):
        return f"{self.user or self.ap_id} follows {self.blog}"


class Avatar(models.Model):
    """A person's uploaded picture, square and stripped of metadata; without one, an identicon."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avatar")
    image = models.FileField(_("picture"), upload_to="avatars/")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Avatar of {self.user}"
