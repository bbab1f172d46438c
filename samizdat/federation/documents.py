"""The ActivityStreams documents of our rows, loading what the pure renderers need."""

from . import ids
from .ap import render


def article_document(post):
    """The Article for a live post, with its tags and featured image."""
    attachments = []
    if post.featured_image is not None:
        media = post.featured_image
        attachments.append({
            "url": ids.absolute(media.file.url), "media_type": media.content_type, "alt": media.alt,
            "width": media.width, "height": media.height,
        })
    return render.article(post, tags=list(post.tags.select_related("blog")), attachments=attachments)
