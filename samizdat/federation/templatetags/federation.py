"""{% load federation %}: a blog's follow button, counting its followers here and on other servers."""

from django import template

from samizdat.social import selectors as social_selectors

from .. import selectors

register = template.Library()


@register.inclusion_tag("social/_follow.html", takes_context=True)
def follow_button(context, blog):
    """The follow or unfollow button, and how many follow the blog: people here and fediverse
    accounts whose follow was accepted."""
    request = context["request"]
    count, following = social_selectors.blog_followers(blog, request.user)
    return {
        "blog": blog,
        "followers": count + selectors.follower_count(blog),
        "following": following,
        "user": request.user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
