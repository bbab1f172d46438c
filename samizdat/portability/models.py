"""What came from where: imported WordPress ids mapped to Samizdat rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog


class ImportedItem(models.Model):
    """One WordPress object (by its id in the export) and the Samizdat row made from it.

    It lets a second import of the same file update instead of duplicating, and lets old
    WordPress links (`?p=123`, `/2024/05/01/slug/`) find the new post.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post or page")
        ATTACHMENT = "attachment", _("Attachment")
        COMMENT = "comment", _("Comment")

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="imported_items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # WordPress's id: post, comment or term id; an author's login.
    wp_id = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Attachments: the file's address on the old site (kept when it could not be fetched).
    original_url = models.URLField(max_length=1000, blank=True)
    # Posts: the old permalink's path, e.g. /2024/05/01/slug/.
    old_path = models.CharField(max_length=500, blank=True, db_index=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "kind", "wp_id"], name="one_import_mapping_per_wp_object")
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id} of {self.blog_id} -> {self.object_id}"


class MirrorKey(models.Model):
    """The Ed25519 key that signs a blog's static mirrors.

    The private key is kept in the database unencrypted (raw 32 bytes): whoever can read the database
    can sign mirrors in the blog's name, as they could already publish in it.
    """

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="mirror_key")
    private_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"mirror key of {self.blog_id}"


class ImportJob(models.Model):
    """A WordPress export uploaded in the dashboard and imported by the worker.

    The row is the import's durable state: the queue only wakes a worker. The worker running it
    holds `runner` and beats `heartbeat_at` as it reads; a job whose worker died (no beat for
    SAMIZDAT_IMPORT_STALE_SECONDS) is taken up again by the sweep and read from the start, which
    is safe because records are stored in batches, each in one transaction, and a re-import
    updates instead of duplicating.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        STOPPED = "stopped", _("Stopped: the file could not be read to its end")
        FAILED = "failed", _("Failed")

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="import_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    # The interface language of whoever uploaded it: the summary's reasons are written in it.
    language = models.CharField(max_length=10, default="en")
    file_name = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=100)  # the upload's name in DATA_DIR/imports/
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    bytes_read = models.PositiveBigIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    runner = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"import {self.pk} of {self.file_name} into {self.blog_id} ({self.status})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.STOPPED, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.bytes_read * 100 / self.size)) if self.size else 0
