"""{% load federation %}: a blog's follow button, counting its followers here and on other servers."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("social/_follow.html", takes_context=True)
def follow_button(context, blog):
    """The follow or unfollow button, and how many follow the blog: people here and fediverse
    accounts whose follow was accepted."""
    request = context["request"]
    count, following = selectors.all_followers(blog, request.user)
    return {
        "blog": blog,
        "followers": count,
        "following": following,
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
