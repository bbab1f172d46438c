"""Security headers that Django 5.2 does not send by itself.

Django's SecurityMiddleware sends X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options on Django's own
answers; this adds a Content-Security-Policy, a Permissions-Policy, X-Frame-Options on static
files too and, for an instance served over HTTPS, HSTS. It comes first in MIDDLEWARE, so every
answer passes through it, WhiteNoise's included. (Django 6.0 has a CSP of its own; move to it then.)
"""

from urllib.parse import urlsplit

from django.conf import settings

# No 'unsafe-inline' and no other host: pages load only our own stylesheet, scripts and images
# (identicons are inline <svg> elements, which need no data: source). Pictures hotlinked from
# other hosts in a post are not loaded: a reader's browser never tells another host it was here.
# The one other origin allowed is the uploads' public address when the admin declared one as theirs
# (SAMIZDAT_MEDIA_PUBLIC_URL: a bucket behind their own domain).
def _media_origin():
    parts = urlsplit(settings.MEDIA_URL)
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"img-src 'self'{_media_origin()}",
    *([f"media-src 'self'{_media_origin()}"] if _media_origin() else []),
    "style-src 'self'",
    "script-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
])

# Browser features no page of ours uses, turned off for our pages and anything they embed.
# browsing-topics is what became of FLoC; Chromium no longer knows interest-cohort and logs an
# error for it on every page, so it is left out.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
    ]
)


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy, Permissions-Policy and HSTS headers to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # XFrameOptionsMiddleware never sees the static files WhiteNoise answers before it.
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        # Behind a front server that ends TLS, Django sees plain HTTP and its SecurityMiddleware
        # leaves HSTS out; the public address says whether the instance is served over HTTPS.
        # (Browsers ignore HSTS received over plain HTTP, so sending it there does no harm.)
        if settings.SECURE_HSTS_SECONDS and settings.SITE_URL.startswith("https://"):
            hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response


def page_headers():
    """The headers every page carries, for pages served from a store without entering Django."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if settings.SECURE_HSTS_SECONDS and settings.SITE_URL.startswith("https://"):
        headers.append(("Strict-Transport-Security", f"max-age={settings.SECURE_HSTS_SECONDS}"))
    return headers
