"""{{ path|absolute:request }}: the absolute URL of a path of this instance, for canonical links and meta tags."""

from django import template
from django.utils.encoding import iri_to_uri

from samizdat.core.links import absolute_url

register = template.Library()


@register.filter
def absolute(path, request=None):
    """The absolute URL of `path` (already absolute URLs pass unchanged), IRIs percent-encoded."""
    return absolute_url(iri_to_uri(str(path)), request)
