"""Federation state: our actors' keys, the remote actors we know, who follows our blogs, what came
into the inbox and what goes out of it.

Comments and likes from other servers live in the comments and social tables (with `ap_id` and
`local=False`); these tables only hold what has no home there.
"""

from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog


class LocalKey(models.Model):
    """The RSA key pair of one of our actors: a blog, or the instance actor (blog empty)."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, null=True, blank=True, related_name="ap_key")
    instance = models.BooleanField(default=False)
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance"], condition=Q(instance=True), name="one_instance_key"),
            models.CheckConstraint(condition=Q(instance=True) ^ Q(blog__isnull=False), name="key_has_one_owner"),
        ]

    def __str__(self):
        return "instance actor key" if self.instance else f"key of {self.blog}"


class BlogFederation(models.Model):
    """A blog's federation settings; a blog without a row uses the defaults."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="federation")
    approve_followers = models.BooleanField(
        _("approve new followers from other servers"), default=False,
        help_text=_("When on, a follow request waits until an owner accepts it."),
    )


class RemoteActor(models.Model):
    """An account on another server, as its actor document said when we last fetched it."""

    ap_id = models.URLField(max_length=500, unique=True)
    type = models.CharField(max_length=40, default="Person")
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(_("profile"), max_length=500, blank=True)
    inbox = models.URLField(max_length=500, blank=True)
    shared_inbox = models.URLField(max_length=500, blank=True)
    key_id = models.URLField(max_length=500, blank=True, db_index=True)
    public_key_pem = models.TextField(blank=True)
    icon_url = models.URLField(max_length=500, blank=True)
    # Our copy of the icon: readers' browsers never ask the other server.
    avatar = models.FileField(upload_to="remote-avatars/", blank=True)
    avatar_source = models.URLField(max_length=500, blank=True)  # the icon_url our copy was made from
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.handle or self.ap_id

    @property
    def domain(self):
        return (urlsplit(self.ap_id).hostname or "").lower()

    @property
    def handle(self):
        # With the port, when the server has one (as its WebFinger answers: @name@host:port).
        host = urlsplit(self.ap_id).netloc.lower().rpartition("@")[2]
        return f"@{self.username}@{host}" if self.username else ""

    @property
    def delivery_inbox(self):
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    """A remote actor following one of our blogs (or asking to, when the blog approves followers)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACCEPTED = "accepted", _("Following")

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="remote_followers")
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "actor"], name="one_remote_follow_per_blog")]

    def __str__(self):
        return f"{self.actor} follows {self.blog}"


class Following(models.Model):
    """A fediverse account this instance follows, by its instance actor, for the readers here who
    follow it in their Reader: one follow per account, however many readers."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACCEPTED = "accepted", _("Following")

    actor = models.OneToOneField(RemoteActor, on_delete=models.CASCADE, related_name="followed_by_us")
    follow_id = models.URLField(max_length=500, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"following {self.actor}"


class ReaderReply(models.Model):
    """A reply written in the Reader to a post of a followed account, sent as a Note from a blog's
    actor (people here have none) and kept so its id answers with it."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    author_name = models.CharField(max_length=200)
    in_reply_to = models.URLField(max_length=2000)
    recipient = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="+")
    html = models.TextField()  # sanitized
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("reader replies")

    def __str__(self):
        return f"{self.blog} replied to {self.in_reply_to}"


class Server(models.Model):
    """Another server as seen from here: which signatures it takes, and whether it is answering."""

    class Style(models.TextChoices):
        UNKNOWN = "", _("not known yet")
        RFC9421 = "rfc9421", "RFC 9421"
        CAVAGE = "cavage", "draft-cavage-12"

    domain = models.CharField(max_length=253, unique=True)
    signature_style = models.CharField(max_length=10, choices=Style.choices, blank=True, default="")
    # The circuit breaker: consecutive failed deliveries, and no attempt before `resume_at`.
    failures = models.PositiveIntegerField(default=0)
    resume_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return self.domain


class InboxItem(models.Model):
    """An activity received at an inbox, verified and kept until the worker has processed it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    activity_id = models.URLField(max_length=500, unique=True)
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="activities")
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    note = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.type} {self.activity_id}"


class OutgoingActivity(models.Model):
    """An activity we send, stored once however many inboxes it goes to (its deliveries)."""

    activity_id = models.URLField(max_length=500, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("outgoing activities")

    def __str__(self):
        return self.activity_id


class Delivery(models.Model):
    """One activity on its way to one inbox (a shared inbox serves a whole server): retried with
    back-off until it arrives or its time runs out."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    # The blog whose actor sends it; empty for the instance actor (following out for the Reader).
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    activity_id = models.URLField(max_length=500)
    activity_type = models.CharField(max_length=40)
    # The activity itself, kept once for all its deliveries (a fan-out to 2,000 servers, one copy).
    outgoing = models.ForeignKey(OutgoingActivity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=500)
    server = models.ForeignKey(Server, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["activity_id", "inbox"], name="one_delivery_per_inbox"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.activity_type} to {self.inbox}: {self.state}"

    @property
    def payload(self):
        return self.outgoing.payload


class FederatedPost(models.Model):
    """What followers were last told of a post: its id, a digest of the Article sent, and whether
    it was deleted since (its URL then answers ActivityPub clients with a Tombstone, 410)."""

    class State(models.TextChoices):
        LIVE = "live", _("Published")
        DELETED = "deleted", _("Deleted")

    post = models.OneToOneField(
        "posts.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="federation"
    )
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    ap_id = models.URLField(max_length=500, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LIVE)
    digest = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.ap_id} ({self.state})"


class FederatedComment(models.Model):
    """A local comment as followers last heard of it (sent as a Note, or deleted since)."""

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="federation"
    )
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    ap_id = models.URLField(max_length=500, unique=True)
    state = models.CharField(max_length=10, choices=FederatedPost.State.choices, default=FederatedPost.State.LIVE)
    digest = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.ap_id} ({self.state})"


class Block(models.Model):
    """An account or a whole server (domain) this instance will not hear from nor send to."""

    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True,
                              help_text=_("Every account on this server, e.g. spam.example."))
    actor_id = models.URLField(_("account"), max_length=500, blank=True, db_index=True,
                               help_text=_("One account, by its ActivityPub id."))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(domain="") | ~Q(actor_id=""), name="block_names_something"),
        ]

    def __str__(self):
        return self.domain or self.actor_id


class OutgoingQuote(models.Model):
    """One of our posts (a reblog of a fediverse post) sent as a quote of it (FEP-044f, and the
    quote properties of Misskey, Pleroma and Fedibird), with the quoted author's authorization."""

    post = models.OneToOneField(
        "posts.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="fediverse_quote"
    )
    # Our post's id when last sent: its Delete still reaches the quoted author once the post is gone.
    ap_id = models.URLField(max_length=500, blank=True, db_index=True)
    object_id = models.URLField(max_length=500)  # the quoted post
    object_url = models.URLField(max_length=500)  # where people read it (the "RE:" link)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="+")  # its author
    request_id = models.URLField(max_length=500, blank=True, db_index=True)  # our QuoteRequest
    # The QuoteAuthorization the author's server gave (Mastodon 4.5), or "" while none.
    authorization = models.URLField(max_length=500, blank=True)
    # When the author's server answered Reject: the post then names the quoted post by a plain link.
    rejected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.ap_id or self.post_id} quotes {self.object_id}"


class ReaderAction(models.Model):
    """A like or a boost of a fediverse post, made from the Reader as one of a writer's blogs
    (people here have no actor of their own), kept so that it can be undone."""

    class Kind(models.TextChoices):
        LIKE = "Like", _("Like")
        BOOST = "Announce", _("Boost")

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.URLField(max_length=500)
    recipient = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="+")
    activity_id = models.URLField(max_length=500, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "kind", "object_id"], name="one_reader_action")]

    def __str__(self):
        return f"{self.blog} {self.kind} {self.object_id}"
