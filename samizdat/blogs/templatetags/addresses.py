from django import template

from samizdat.blogs import addresses

register = template.Library()


@register.simple_tag(takes_context=True)
def onion_location(context, blog):
    """The page's address on the blog's onion service, for <meta http-equiv="onion-location">, or ""."""
    request = context.get("request")
    return (addresses.onion_location(request, blog) or "") if request is not None else ""
