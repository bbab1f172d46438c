"""Tell clients where a blog's APIs are: Link headers on the blog's pages.

WordPress apps look for rel="https://api.w.org/" (developer.wordpress.org/rest-api/using-the-rest-api/discovery/),
Micropub clients for rel="micropub" (W3C Micropub §5.3) and Webmention senders for rel="webmention"
(W3C Webmention §3.1.2). The blog's pages name all three in <link> elements too
(posts/blog_base.html), which is what a page served from the page store (samizdat.pages) carries:
the store keeps no per-page headers.
"""

from django.urls import reverse


class ApiDiscoveryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        blog = getattr(request, "blog", None)
        if blog is None or request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        links = [
            (reverse("wordpress:index", args=[blog.slug]), "https://api.w.org/"),
            (reverse("micropub:endpoint", args=[blog.slug]), "micropub"),
            (reverse("webmention:endpoint", args=[blog.slug]), "webmention"),
        ]
        value = ", ".join(f'<{request.build_absolute_uri(url)}>; rel="{rel}"' for url, rel in links)
        existing = response.get("Link")
        response["Link"] = f"{existing}, {value}" if existing else value
        return response
