"""Comments (local now, federated later), per-blog comment settings, the spam filter's tokens and
email subscriptions."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog
from samizdat.core.models import OutgoingEmailBase
from samizdat.posts.models import Post


class Policy(models.TextChoices):
    OPEN = "open", _("Publish comments at once")
    HOLD_FIRST = "hold_first", _("Hold a commenter's first comment for moderation")
    HOLD_ALL = "hold_all", _("Hold every comment for moderation")


class CommentSettings(models.Model):
    """A blog's discussion settings; blogs without a row use the defaults below."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="comment_settings")
    enabled = models.BooleanField(_("allow comments on new and old posts"), default=True)
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"), null=True, blank=True,
        help_text=_("Leave empty to keep comments open."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("nest replies up to this depth"), default=3,
        help_text=_("1 turns replies off; at most 10."),
    )
    per_page = models.PositiveSmallIntegerField(_("top-level comments per page"), default=50)
    policy = models.CharField(_("moderation"), max_length=20, choices=Policy.choices, default=Policy.HOLD_FIRST)
    blocked_words = models.TextField(
        _("blocked words"), blank=True,
        help_text=_("One a line. A comment containing one, in any field, goes to spam."),
    )
    blocked_emails = models.TextField(
        _("blocked emails"), blank=True,
        help_text=_("One a line: an address, or @domain for a whole domain."),
    )
    blocked_ips = models.TextField(
        _("blocked IP addresses"), blank=True,
        help_text=_("One a line: an address or a range such as 203.0.113.0/24."),
    )
    notify_authors = models.BooleanField(_("email authors about comments on their posts"), default=True)

    def __str__(self):
        return f"comment settings of {self.blog}"


class PostDiscussion(models.Model):
    """Per-post switch: a post without a row has comments open (if its blog allows them)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="discussion")
    open = models.BooleanField(_("allow comments"), default=True)


class Comment(models.Model):
    """A reader's comment on a post, by a guest or a signed-in local user (or, later, a remote actor)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    # No index of its own: (post, status, created_at) below starts with it.
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments", db_index=False)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    author_name = models.CharField(_("name"), max_length=100)
    # Never shown on any page or feed: for notifications, moderation rules and the filter.
    author_email = models.EmailField(_("email"), blank=True)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"))
    html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Why the comment was held or sent to spam, as codes from services.HOLD_REASONS.
    reasons = models.JSONField(default=list, blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    # What the moderators taught the spam filter with this comment: "", "spam" or "ham".
    trained_as = models.CharField(max_length=4, blank=True)
    # Kept a few days for rate limits and blocklists, then erased (forget_commenter_ips_task).
    ip = models.GenericIPAddressField(null=True, blank=True)
    # A random value from the form, so a double submission stores one comment.
    nonce = models.CharField(max_length=64, blank=True)
    # Federation: the ActivityPub id of a remote comment; local comments have local=True.
    ap_id = models.URLField(max_length=500, null=True, blank=True, unique=True)
    local = models.BooleanField(default=True)
    # A remote author's picture, our stored copy of it (never their server's address).
    author_avatar = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when follow-up subscribers have been emailed about this comment (once only).
    subscribers_notified_at = models.DateTimeField(null=True, blank=True)
    # The body's digest up to case and spacing, which the duplicate check looks up (set on save).
    fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    # A new comment's notices (author's email, follow-ups, federation) are still to be sent:
    # set in the comment's own INSERT, cleared by the worker's sweep (services.send_due_notices).
    notices_due = models.BooleanField(default=False, editable=False)
    # When a sweep took them in hand; another takes them again once this is a lease old.
    notices_claimed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "nonce"], condition=~Q(nonce=""), name="one_comment_per_form_submission"
            )
        ]
        # In Meta rather than db_index=True: on PostgreSQL that adds a second, LIKE-only copy of a
        # text column's index, which no query uses and every comment's INSERT would fill.
        indexes = [
            models.Index(fields=["post", "status", "created_at"]),
            models.Index(fields=["status"], name="comment_status"),
            models.Index(fields=["fingerprint"], name="comment_fingerprint"),
            models.Index(fields=["ip", "created_at"]),
            # The rate limits count one commenter's recent comments by email, as iexact compares it.
            models.Index(Lower("author_email"), "created_at", name="comment_email_recent"),
            # Small: only the few comments whose notices the worker has not sent yet.
            models.Index(fields=["id"], condition=Q(notices_due=True), name="comment_notices_due"),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.post_id}: {self.body[:40]}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    def save(self, *args, update_fields=None, **kwargs):
        # Derived from the body here, so that no way of writing a comment can leave it stale.
        self.fingerprint = fingerprint(self.body)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "fingerprint"}
        super().save(*args, update_fields=update_fields, **kwargs)


def fingerprint(text):
    """One digest for texts that differ only in case and spacing: how duplicate comments are found."""
    return hashlib.blake2b(" ".join(text.lower().split()).encode(), digest_size=16).hexdigest()


class SpamToken(models.Model):
    """How often a token appeared in comments moderators called spam and not spam (instance-wide)."""

    token = models.CharField(max_length=100, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)


class Subscription(models.Model):
    """An email address that asked for follow-up comments on a post, or for a blog's new posts."""

    class Kind(models.TextChoices):
        REPLIES = "replies", _("Follow-up comments")
        POSTS = "posts", _("New posts")

    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="email_subscriptions")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="email_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "post"], condition=Q(kind="replies"), name="one_reply_subscription_per_post"
            ),
            models.UniqueConstraint(
                fields=["email", "blog"], condition=Q(kind="posts"), name="one_post_subscription_per_blog"
            ),
        ]

    def __str__(self):
        return f"{self.kind} subscription to {self.post_id or self.blog_id}"


class PostMailing(models.Model):
    """Marks a post whose new-post emails have been queued, so each post is announced once."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="mailing")
    queued_at = models.DateTimeField(auto_now_add=True)


class OutgoingEmail(OutgoingEmailBase):
    """A comments email to one recipient (a notice, a follow-up, a new post, a confirmation), built
    from its comment, post and subscription when it is sent (samizdat.comments.outbox)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirm", _("Subscription confirmation")
        AUTHOR_NOTICE = "author", _("New comment, to the post's author")
        FOLLOW_UP = "follow_up", _("Follow-up comment")
        NEW_POST = "new_post", _("New post")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The recipient is read from these when the email is sent: no address is copied here.
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, null=True, related_name="emails")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="emails")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="emails")

    class Meta:
        # Small: only the emails still to send.
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="email_due")]

    def __str__(self):
        return f"{self.kind} email {self.key}: {self.state}"
