from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from samizdat.core import views as core_views

urlpatterns = [
    # The admin signs in through the rate-limited sign-in page, not its own unlimited form.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("samizdat.accounts.urls")),
    path("dashboard/tokens/", include("samizdat.api.token_urls")),
    path("dashboard/", include("samizdat.api.webmention_dashboard_urls")),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("samizdat.dashboard.urls")),
    # Comment posting early: its paths match nothing else, and every include tried before it is
    # a dozen patterns more to try for each comment.
    path("", include("samizdat.comments.urls")),
    path("", include("samizdat.federation.urls")),
    path("", include("samizdat.provider.oauth_urls")),
    path("", include("samizdat.provider.urls")),
    path("", include("samizdat.api.urls")),
    path("", include("samizdat.feeds.urls")),
    path("", include("samizdat.social.urls")),
    path("", include("samizdat.portability.urls")),
    path("", include("samizdat.posts.urls")),
]

if settings.SAMIZDAT_SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", core_views.media, name="media"))
