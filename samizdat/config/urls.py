from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("samizdat.accounts.urls")),
    path("dashboard/", include("samizdat.dashboard.urls")),
    path("", include("samizdat.feeds.urls")),
    path("", include("samizdat.posts.urls")),
]
