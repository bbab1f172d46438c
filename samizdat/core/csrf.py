"""CSRF for forms that guests send from stored pages, which carry no per-reader token.

A stored page is the same file for every anonymous reader, so it cannot hold a CSRF token (and
Django would set a cookie with it, which a stored page must not). For a guest there is nothing to
protect: a forged request acts for nobody, and whoever could forge it could send it themselves.
For a signed-in reader a forged request would act with their account, so their requests still need
the token (their pages are never stored and carry one). A request from a signed-in browser
without a valid token is not refused (a reader who signed in on another tab would lose what they
typed) but handled as a guest's: it then has only the rights a forger has anyway.
See "Guest forms and CSRF" in SECURITY.md.
"""

import functools

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt


def _token_refused(request):
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None


def guest_form(view):
    """The view takes guests' posts without a CSRF token; a signed-in reader's counts only with one."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated and _token_refused(request):
            request.user = AnonymousUser()
        return view(request, *args, **kwargs)

    return wrapped
