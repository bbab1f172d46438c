"""What came from where: imported WordPress ids mapped to Samizdat rows."""

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
