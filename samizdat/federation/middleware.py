"""Serve ActivityPub documents at the public URLs the posts app answers."""

from django.utils.cache import patch_vary_headers

from . import views
from .negotiation import wanted_ap_type

# The posts app's views whose URLs are also ActivityPub ids, and the views answering for them.
NEGOTIATED_VIEWS = {"posts:blog_home": views.blog_actor, "posts:post": views.post_object}


class ActivityPubMiddleware:
    """Answer ActivityPub clients at the public URLs of blogs and posts with their JSON documents.

    The public views stay in the posts app, which knows nothing of federation: a request for
    /@blog/ or a post's URL whose Accept header prefers activity+json (or ld+json with the
    ActivityStreams profile) goes to the federation view instead, and every answer at those
    URLs says `Vary: Accept` so caches keep the two apart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in NEGOTIATED_VIEWS:
            patch_vary_headers(response, ["Accept"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = NEGOTIATED_VIEWS.get(request.resolver_match.view_name)
        if view is None or request.method not in ("GET", "HEAD") or not wanted_ap_type(request):
            return None
        return view(request, *view_args, **view_kwargs)
