"""API credentials (personal access tokens and application passwords) and received Webmentions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a credential may do; each API call names the one it needs."""

    READ = "read", _("Read posts, pages, media, terms and comments")
    CREATE = "create", _("Create posts, pages and terms, like and follow")
    UPDATE = "update", _("Change posts, pages, terms and media")
    DELETE = "delete", _("Delete posts, pages, terms and media, unlike and unfollow")
    MEDIA = "media", _("Upload media")
    MODERATE = "moderate", _("Moderate comments")


ALL_SCOPES = [s.value for s in Scope]


class Token(models.Model):
    """A credential a person made for a program: only a SHA-256 of its secret is kept."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal access token")
        APP_PASSWORD = "app_password", _("Application password")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(default=list)
    # The secret is random (at least 140 bits), so a plain SHA-256 cannot be reversed by guessing.
    digest = models.CharField(max_length=64, unique=True)
    # The secret's last characters, so people can tell their credentials apart in the list.
    hint = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} “{self.name}” of {self.user}"


class Webmention(models.Model):
    """A mention received from another site: verified by the worker, then a comment in moderation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        ACCEPTED = "accepted", _("Verified: a comment")
        REJECTED = "rejected", _("Refused")
        DELETED = "deleted", _("Source deleted")

    source = models.URLField(max_length=500)
    target = models.URLField(max_length=500)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="webmentions")
    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="webmention"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "post"], name="one_webmention_per_source_and_post")]

    def __str__(self):
        return f"{self.source} → {self.target}"


class SentWebmention(models.Model):
    """A mention of another site's page sent (or to be sent) for one of our posts."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="sent_webmentions")
    target = models.URLField(max_length=500)
    endpoint = models.URLField(max_length=500, blank=True)
    # "sent", "no_endpoint" or "failed"; the last error says why.
    status = models.CharField(max_length=12, blank=True)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "target"], name="one_sent_webmention_per_target")]

    def __str__(self):
        return f"{self.post_id} → {self.target}"


class WebmentionCheck(models.Model):
    """Which version of a published post had its links sent, so an edit that adds links sends again."""

    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE, related_name="webmention_check")
    html_digest = models.CharField(max_length=64)
    checked_at = models.DateTimeField(auto_now=True)
