from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from samizdat.core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("samizdat.accounts.urls")),
    path("dashboard/", include("samizdat.dashboard.urls")),
    path("", include("samizdat.feeds.urls")),
    path("", include("samizdat.comments.urls")),
    path("", include("samizdat.social.urls")),
    path("", include("samizdat.posts.urls")),
]

if settings.SAMIZDAT_SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.+)$", core_views.media, name="media"))
