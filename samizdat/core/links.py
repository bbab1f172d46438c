"""Absolute URLs for pages of this instance."""

from django.conf import settings


def absolute_url(path, request=None):
    """The absolute URL of `path`, on the request's host when there is one."""
    if path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
