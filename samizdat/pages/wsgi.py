"""The thin outermost layer of `samizdat serve`: stored pages answered before Django is entered."""

from django.conf import settings

from .serving import StoredPages, storable_request

STATUS = {200: "200 OK", 304: "304 Not Modified"}


class PageStoreApplication:
    """Wraps Django's WSGI application; answers anonymous reads of stored pages itself."""

    def __init__(self, application):
        self.application = application
        self.pages = StoredPages()
        self.proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)

    def __call__(self, environ, start_response):
        if storable_request(
            environ["REQUEST_METHOD"], environ.get("QUERY_STRING"), environ.get("HTTP_COOKIE"),
            environ.get("HTTP_ACCEPT"),
        ):
            answer = self._answer(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(STATUS[status], headers)
                return [body]
        return self.application(environ, start_response)

    def _answer(self, environ):
        # Host, scheme and path as Django reads them (HttpRequest.get_host, .scheme, .path).
        host = environ.get("HTTP_HOST")
        if not host:
            return None
        scheme = environ.get("wsgi.url_scheme", "http")
        if self.proxy_header and environ.get(self.proxy_header[0]) == self.proxy_header[1]:
            scheme = "https"
        try:
            path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        entry = self.pages.find(scheme, host, path)
        if entry is None:
            return None
        return self.pages.answer(
            entry, head=environ["REQUEST_METHOD"] == "HEAD", if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
            accept_encoding=environ.get("HTTP_ACCEPT_ENCODING"),
        )
