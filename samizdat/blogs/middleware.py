import re

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .models import Blog

BLOG_PATH = re.compile(r"^/@(?P<slug>[a-z0-9_-]+)/")


class BlogLanguageMiddleware:
    """Find the blog a public URL belongs to and speak its language and time zone.

    A blog's readers see its interface language and dates whatever their browser says;
    pages outside any blog follow the browser's Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.blog = None
        match = BLOG_PATH.match(request.path_info)
        if match:
            request.blog = Blog.objects.filter(slug=match["slug"]).first()
        if request.blog is not None:
            language, zone = request.blog.language, request.blog.tzinfo
        else:
            language = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
            zone = None  # the default time zone
        request.LANGUAGE_CODE = language
        # Overrides, not activations: the language and time zone end with the request instead of
        # staying with the thread for whatever it runs next (the next test, a task, a command).
        with translation.override(language), timezone.override(zone):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if request.blog is None:
            patch_vary_headers(response, ["Accept-Language"])
        return response
