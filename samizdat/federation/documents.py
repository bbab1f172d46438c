"""The ActivityStreams documents of our rows, loading what the pure renderers need."""

from django.urls import reverse
from django.utils import translation

from samizdat.blogs.addresses import blog_addresses

from . import ids, keys, selectors
from .ap import render


def blog_icon(blog):
    avatar = selectors.owner_avatar(blog)
    if avatar is not None:
        media_type = "image/png" if avatar.image.name.endswith(".png") else "image/jpeg"
        return {"url": ids.absolute(avatar.image.url), "media_type": media_type}
    return {"url": ids.absolute(reverse("federation:icon", kwargs={"blog_slug": blog.slug})), "media_type": "image/png"}


def actor_document(blog):
    """The blog's actor (a Person), with its key, icon and whether it approves followers."""
    main, *others = blog_addresses(blog)
    with translation.override(blog.language):  # the profile's field names, in the blog's language
        addresses = [(str(address.label), address.url) for address in others]
    return render.blog_actor(
        blog, public_pem=keys.blog_key(blog).public_pem, icon=blog_icon(blog),
        approve_followers=selectors.approves_followers(blog), url=main.url, addresses=addresses,
    )


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
