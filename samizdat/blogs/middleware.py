import re

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.http.request import split_domain_port, validate_host
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from samizdat.core import rows

from .addresses import blog_for_host, onion_location
from .models import Blog

BLOG_PATH = re.compile(r"^/@(?P<slug>[a-z0-9_-]+)/")
# On a blog's own domain these paths stay the instance's; every other path is the blog's.
INSTANCE_PATHS = re.compile(
    r"^/(?:@|static/|media/|dashboard/|accounts/|admin/|robots\.txt$|sitemap|\.well-known/|nodeinfo/|actor$|inbox$|ap/)"
)


class BlogDomainMiddleware:
    """Answer on the instance's hosts and on the blogs' own domains, and refuse other hosts.

    Django's ALLOWED_HOSTS cannot list domains that owners add in the dashboard, so this
    middleware, which runs first, checks the Host header instead (ALLOWED_HOSTS is "*").
    A blog's domains are its custom domain, its onion address and its mirror domains.
    On them, /2026/03/02/slug/ is served as /@blog/2026/03/02/slug/, which also
    keeps WordPress permalinks working for a blog that moved here with its domain.

    A blog page answered anywhere but on the blog's onion address names that address in an
    Onion-Location header, which Tor Browser offers to switch to (it heeds the header only on
    pages served over HTTPS).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        domain, _port = split_domain_port(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
        request.blog_host = None  # the blog domain (custom, onion or mirror) the request came in on
        if not validate_host(domain, settings.SAMIZDAT_HOSTS):
            blog = blog_for_host(domain)
            if blog is None:
                return HttpResponseBadRequest("Unknown host.", content_type="text/plain")
            request.blog_host = domain
            if not INSTANCE_PATHS.match(request.path_info):
                request.path_info = f"/@{blog.slug}{request.path_info}"
        response = self.get_response(request)
        # Also in the page's <meta http-equiv="onion-location">: stored pages keep only their body.
        location = onion_location(request, getattr(request, "blog", None))
        if location:
            response.headers.setdefault("Onion-Location", location)
        return response


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
            request.blog = rows.first(Blog, slug=match["slug"])
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
        # A signed-in person's own choice may have replaced the browser's (accounts.middleware).
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if request.blog is None:
            patch_vary_headers(response, ["Accept-Language"])
        return response
