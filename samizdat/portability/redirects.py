"""Old WordPress links keep working: `?p=123`, `?page_id=123` and old permalinks redirect to the new posts."""

import re

from django.http import HttpResponsePermanentRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from samizdat.blogs.models import Blog
from samizdat.posts.models import Post

from .models import ImportedItem

BLOG_PATH = re.compile(r"^/@(?P<slug>[^/]+)(?P<rest>/.*)$")
ID_PARAMETERS = ("p", "page_id")


def _blog_and_path(request):
    match = BLOG_PATH.match(request.path_info)
    if match:
        return Blog.objects.filter(slug=match["slug"]).first(), match["rest"]
    # A blog served on its own domain has WordPress's paths at the root.
    host = request.get_host().split(":")[0].lower()
    return Blog.objects.filter(custom_domain=host).first(), request.path_info


def _live_url(blog, mapping):
    post = Post.objects.filter(pk=mapping.object_id, blog=blog).select_related("blog").first() if mapping else None
    return post.get_absolute_url() if post is not None and post.is_live else None


DATE_PATH = re.compile(r"^(?:/@[^/]+)?/\d{4}/\d{2}/\d{2}/[^/]+/?$")


def old_link_target(request, *, after_404=False):
    """Where an old WordPress address of an imported blog now lives, or None."""
    # Only addresses shaped like WordPress's ask the database anything.
    if not (DATE_PATH.match(request.path_info) if after_404 else request.path_info.count("/") <= 2):
        return None
    blog, path = _blog_and_path(request)
    if blog is None:
        return None
    if path == "/":
        for name in ID_PARAMETERS:
            value = request.GET.get(name, "")
            if value.isdigit():
                mapping = ImportedItem.objects.filter(blog=blog, kind=ImportedItem.Kind.POST, wp_id=value).first()
                return _live_url(blog, mapping)
        return None
    if after_404 and re.match(r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$", path):
        if not path.endswith("/"):
            path += "/"
        mapping = ImportedItem.objects.filter(blog=blog, kind=ImportedItem.Kind.POST, old_path=path).first()
        return _live_url(blog, mapping)
    return None


class WordPressLinksMiddleware:
    """Redirect `?p=<id>` at once, and a WordPress permalink that found nothing, to the imported post."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and any(name in request.GET for name in ID_PARAMETERS):
            target = old_link_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = old_link_target(request, after_404=True)
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
                return HttpResponsePermanentRedirect(target)
        return response
