"""{% load reblogs %}: the Reblog button, "Reblogged N times", and notes on changed originals."""

from django import template

from samizdat.reblogs import selectors, services

register = template.Library()


@register.inclusion_tag("reblogs/_reblogged_by.html", takes_context=True)
def reblogs(context, post):
    """Under a live post: a Reblog button for anyone with a blog, and who reblogged it."""
    user = context["request"].user
    can_reblog = post.is_live and user.is_authenticated and (
        user.is_superuser or user.memberships.exists()
    )
    return {"post": post, "can_reblog": can_reblog, "rebloggers": selectors.rebloggers(post) if post.is_live else None}


@register.inclusion_tag("reblogs/_note.html")
def reblog_note(post):
    """Above a reblog: whether its local original was edited or removed since."""
    row = selectors.reblog_of(post)
    change = services.original_change(row) if row is not None else None
    return {"reblog": row, "change": change}
