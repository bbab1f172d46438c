"""Advertise the IndieAuth server on the pages people sign in as (IndieAuth §4.1: discovery)."""

from django.urls import reverse

# The pages that can be someone's `me`: their profile and the home of a blog they own.
PROFILE_PAGES = {"social:profile", "posts:blog_home"}


class IndieAuthLinkMiddleware:
    """Add `Link: <…>; rel="indieauth-metadata"` (and the older endpoint rels) to profile pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in PROFILE_PAGES and response.status_code == 200:
            links = [
                (reverse("provider:indieauth-metadata"), "indieauth-metadata"),
                (reverse("provider:indieauth-authorize"), "authorization_endpoint"),
                (reverse("provider:indieauth-token"), "token_endpoint"),
            ]
            header = ", ".join(f'<{request.build_absolute_uri(url)}>; rel="{rel}"' for url, rel in links)
            existing = response.get("Link")
            response["Link"] = f"{existing}, {header}" if existing else header
        return response
