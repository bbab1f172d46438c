"""The reader's outside sources: feeds polled by the worker, and the entries they bring.

A `Source` is anything whose entries land in readers' lists. Today that is a feed (RSS, Atom,
JSON Feed) polled over HTTP; the Federation issue adds fediverse accounts as another `kind`,
whose entries arrive by the inbox instead of polling. Entries, read marks and subscriptions do
not care which.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.posts.models import Post


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("Feed")
        ACTOR = "actor", _("Fediverse account")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("address"), max_length=2000, unique=True)  # the feed's (or actor id)
    site_url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    # Conditional GET: what the server said last time.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    error_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self):
        return self.title or self.url

    @property
    def broken(self):
        return self.error_count > 0


class Subscription(models.Model):
    """A person follows a source in their reader."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source"], name="one_subscription_per_source")]

    def __str__(self):
        return f"{self.user} reads {self.source}"


class Entry(models.Model):
    """One item of a source, stored once however many people read it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000)
    link = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    content_html = models.TextField(blank=True)  # sanitized
    fetched_at = models.DateTimeField(default=timezone.now)
    # Pruned: read and old, so out of every reader's list and emptied; the row stays only while the
    # feed still carries the item, so that the next poll does not bring it back as new.
    pruned = models.BooleanField(default=False)
    # A fediverse post another account passed on (a boost): who, by which activity, and the
    # author's own address (its actor), who hears of a reply, a like or a boost from here.
    boosted_by = models.CharField(max_length=200, blank=True)
    boost_id = models.URLField(max_length=500, blank=True)
    author_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="unique_entry_guid")]
        indexes = [models.Index(fields=["source", "link"], name="entry_source_link")]
        verbose_name_plural = _("entries")

    def __str__(self):
        return self.title or self.link or self.guid


class ReadMark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="read_marks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "entry"], name="one_read_mark")]


class PostReadMark(models.Model):
    """A person has read a post of a blog they follow here: the reader lists it as read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="one_post_read_mark")]
