"""Django's side of the page store: answer from it, fill it, and compress what Django writes."""

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re

from samizdat.core import replicas
from samizdat.core.middleware import page_headers

from . import store
from .serving import StoredPages, storable_request

# Headers a stored answer gives again (the type, validators, Vary, and the security headers every
# page carries), and headers it may leave out because the page says the same in its HTML. A page
# whose answer has any other header is not stored: a feature adding a header to a public page
# either adds it to deploy/nginx.conf and samizdat.pages.serving, or lists it here with its reason.
REPEATED = {"content-type", "content-length", "etag", "last-modified", "vary", "cache-control"}
OMITTED = {
    "content-language",  # <html lang> says it
    "link",  # IndieAuth metadata: blog homes carry <link rel="indieauth-metadata"> too (IndieAuth 4.1)
    "x-robots-tag",  # Django's sitemaps ask not to index the sitemap itself
}


class CompressMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation) for pages Django writes; not for streamed files."""

    def process_response(self, request, response):
        if response.streaming:
            return response
        return super().process_response(request, response)


class PageStoreMiddleware:
    """Serve an anonymous reader's public page from the store, or store the page Django wrote.

    In production `samizdat serve` (samizdat.pages.wsgi) or nginx answer stored pages before
    Django; this answers them for everything else (tests, other servers) and writes them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = StoredPages(frozen=False)

    def __call__(self, request):
        meta = request.META
        if not storable_request(
            request.method, meta.get("QUERY_STRING"), meta.get("HTTP_COOKIE"), meta.get("HTTP_ACCEPT")
        ):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        scheme, path = request.scheme, request.path
        entry = self.pages.find(scheme, host, path)
        if entry is not None:
            status, headers, body = self.pages.answer(
                entry, head=request.method == "HEAD", if_none_match=meta.get("HTTP_IF_NONE_MATCH"),
                if_modified_since=meta.get("HTTP_IF_MODIFIED_SINCE"),
                accept_encoding=meta.get("HTTP_ACCEPT_ENCODING"),
            )
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.samizdat_stored_page = True
            return response
        # A page kept in the store must show the primary's rows: one written from a lagging replica
        # would outlive the removal that the change behind it made.
        replicas.use_primary()
        stamp = store.read_stamp()
        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response):
            name = store.relative_name(scheme, host, path, response.get("Content-Type", ""))
            if name:
                blog = getattr(request, "blog", None)
                store.write(store.SITE if blog is None else blog.pk, name, response.content, stamp)
                response.headers["ETag"] = store.etag(response.content)
        return response


def _storable(request, response):
    """A public page, written for nobody in particular, that any anonymous reader may be given."""
    public = getattr(response, "samizdat_public_page", None)
    if not public or response.status_code != 200 or response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    known = REPEATED | OMITTED | {name.lower() for name, _ in page_headers()}
    if any(name.lower() not in known for name in response.headers):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))} - {""}
    if public == "language-neutral":
        vary.discard("accept-language")
    # Accept: only ActivityPub clients get another document, and they never get stored pages.
    return vary <= {"accept", "accept-encoding", "cookie"}
