"""allauth's provider views: failures become answers a reader can use (never a 500), and the
"Connecting…" page may send its form on to the provider."""

from allauth.socialaccount.models import SocialApp
from django.http import Http404
from django.utils import translation
from requests import RequestException

from samizdat.core.middleware import CONTENT_SECURITY_POLICY

from . import services


class OutsideSignInErrorsMiddleware:
    """A provider that is not enabled is a 404; one that cannot be reached sends the reader back.

    allauth catches network errors in its callback view, not when the login view first fetches an
    OpenID Connect issuer's discovery document: that one arrives here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200 and _in_provider_view(request, "_login"):
            # The page's form posts here and we redirect to the provider: browsers apply the
            # Content-Security-Policy's form-action to that redirect too, so it names the provider.
            origin = services.authorization_origin(request, request.resolver_match)
            if origin:
                response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                    "form-action 'self'", f"form-action 'self' {origin}"
                )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, SocialApp.DoesNotExist):
            raise Http404("no such sign-in provider")
        if isinstance(exception, (RequestException, ValueError)) and _in_provider_view(request):
            return services.failed_round_trip_response(request, exception)
        return None


def _in_provider_view(request, suffixes=("_login", "_callback")):
    match = getattr(request, "resolver_match", None)
    return bool(match) and (match.url_name or "").endswith(suffixes)


class UserLanguageMiddleware:
    """Outside any blog, a signed-in person reads the interface in the language they chose.

    After authentication; blogs.middleware has chosen the blog's language or the browser's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if getattr(request, "blog", None) is None and user.is_authenticated and user.language:
            request.LANGUAGE_CODE = user.language
            with translation.override(user.language):
                return self.get_response(request)
        return self.get_response(request)
