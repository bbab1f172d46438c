"""The ActivityStreams documents of our rows, loading what the pure renderers need."""

from django.urls import reverse
from django.utils import translation

from samizdat.blogs.addresses import blog_addresses

from . import ids, keys, selectors
from .ap import render
from .models import OutgoingQuote


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
    """The Article for a live post, with its tags and featured image (a Note quoting the post it
    passes on, for a reblog of a fediverse post)."""
    attachments = []
    if post.featured_image is not None:
        media = post.featured_image
        attachments.append({
            "url": ids.absolute(media.file.url), "media_type": media.content_type, "alt": media.alt,
            "width": media.width, "height": media.height,
        })
    tags = list(post.tags.select_related("blog"))
    quote = OutgoingQuote.objects.select_related("actor").filter(post=post).first()
    if quote is not None:  # a reblog of a fediverse post: a quote of it
        return render.quote_note(post, quote=quote_fields(quote), tags=tags, attachments=attachments)
    return render.article(post, tags=tags, attachments=attachments)


def quote_fields(quote):
    """What render.quote_note needs of an OutgoingQuote."""
    return {
        "object_id": quote.object_id, "url": quote.object_url, "actor_id": quote.actor.ap_id,
        "handle": quote.actor.handle, "authorization": quote.authorization, "rejected": quote.rejected_at is not None,
    }
