"""Reblogs: a blog passing on someone else's post, credited and linked.

One `Reblog` row is one passing-on. The reblogger is either
- a local blog: `local` is true, `blog` and `post` (the reblog's own post) are set; or
- a remote actor (the Federation issue: an ActivityPub Announce, i.e. a boost, or a quote post
  of a local post): `local` is false, `actor_url`, `actor_name` and `ap_id` (the activity's id)
  are set, and there is no blog or post here. `services.record_remote_reblog` stores these.

What was reblogged is either a local post (`origin` LOCAL, `original` set until it is deleted)
or a page elsewhere on the web (`origin` WEB). Either way the row keeps the source's canonical
address and credits, and a snapshot of the text as it was reblogged.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog
from samizdat.posts.models import Post


class Reblog(models.Model):
    class Origin(models.TextChoices):
        LOCAL = "local", _("a post on this site")
        WEB = "web", _("a page on the web")

    # Who passed it on.
    local = models.BooleanField(default=True)
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, null=True, blank=True, related_name="reblogs")
    post = models.OneToOneField(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reblog")
    actor_url = models.URLField(_("actor"), max_length=500, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    ap_id = models.URLField(_("ActivityPub id"), max_length=500, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)  # where a remote quote can be read
    is_quote = models.BooleanField(default=False)

    # What was passed on.
    origin = models.CharField(max_length=10, choices=Origin.choices)
    original = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="reblogs"
    )
    # An absolute address, or a path for a post of this instance.
    source_url = models.CharField(_("original address"), max_length=2000)
    source_title = models.CharField(max_length=500, blank=True)
    source_author = models.CharField(max_length=200, blank=True)
    source_site = models.CharField(max_length=200, blank=True)
    source_site_url = models.CharField(max_length=2000, blank=True)
    source_published_at = models.DateTimeField(null=True, blank=True)
    source_image_url = models.URLField(max_length=2000, blank=True)
    # A reblog of a reblog credits the original and names the blog it came through.
    via_url = models.CharField(max_length=2000, blank=True)
    via_name = models.CharField(max_length=200, blank=True)

    snapshot_html = models.TextField(blank=True)  # sanitized, as it was reblogged
    original_digest = models.CharField(max_length=64, blank=True)  # of a local original then
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ap_id"], condition=~Q(ap_id=""), name="unique_reblog_ap_id"),
            models.CheckConstraint(
                condition=Q(local=False, actor_url__gt="") | Q(local=True, blog__isnull=False),
                name="reblog_has_reblogger",
            ),
        ]
        indexes = [
            models.Index(fields=["blog", "source_url"], name="reblog_blog_source"),
            models.Index(fields=["original", "-created_at"], name="reblog_original_recent"),
        ]

    def __str__(self):
        return f"{self.blog or self.actor_url} reblogged {self.source_url}"


class ReblogSettings(models.Model):
    """How a blog lets others reblog its posts: the full text, or an excerpt with a link."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="reblog_settings")
    excerpt_only = models.BooleanField(
        _("Reblogs show an excerpt only"), default=False,
        help_text=_("Other blogs that reblog your posts then show the first words and a link, not the full text."),
    )

    def __str__(self):
        return f"Reblog settings of {self.blog}"
