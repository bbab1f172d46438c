"""{% load social %}: the likes of a post, and avatars, for any app's templates. (A blog's follow
button is `{% load federation %}`'s: it counts followers on other servers too.)"""

from django import template
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import format_html

from samizdat.social import selectors
from samizdat.social.avatars import identicon_svg

register = template.Library()


@register.simple_tag
def avatar(person, size=32):
    """The person's uploaded picture, or their identicon drawn inline: never a request elsewhere."""
    if getattr(person, "remote", False):
        # Someone on another server: our stored copy of their picture, never their server's address.
        if person.avatar_name:
            return format_html(
                '<img class="avatar" src="{}" width="{}" height="{}" alt="{}">',
                default_storage.url(person.avatar_name), size, size, person.name,
            )
        return identicon_svg(person.seed, size, person.name)
    uploaded = getattr(person, "avatar", None)  # select_related("avatar") by the selectors
    if uploaded is not None and uploaded.image:
        return format_html(
            '<img class="avatar" src="{}" width="{}" height="{}" alt="{}">',
            uploaded.image.url, size, size, person.name,
        )
    return identicon_svg(person.pk, size, person.name)


@register.simple_tag
def person_url(person):
    """Where a person's avatar links: the first blog they own, else their profile (on their server
    for someone from another)."""
    if getattr(person, "remote", False):
        return person.profile_url
    slug = getattr(person, "home_blog_slug", None)
    if slug:
        return reverse("posts:blog_home", kwargs={"blog_slug": slug})
    return reverse("social:profile", kwargs={"username": person.username})


@register.inclusion_tag("social/_likes.html", takes_context=True)
def likes(context, post):
    """The like button and "N bloggers like this" with avatars, under a live post."""
    request = context["request"]
    return {
        "post": post,
        "likes": selectors.post_likes(post, request.user) if post.is_live else None,
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
