"""Marking the views whose pages the store may keep."""

import functools


def public_page(view=None, *, language_neutral=False):
    """The view's page is the same for every anonymous reader, so it may be stored and served as a file.

    The page-store middleware still stores it only for a GET without query string or personal
    cookies, answered 200 without cookies to anyone not signed in; a page may also refuse with
    Cache-Control: private (previews do). `language_neutral`: the page is the same in every
    language although it is outside any blog (sitemaps).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.samizdat_public_page = "language-neutral" if language_neutral else True
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
