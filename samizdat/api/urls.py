from django.urls import include, path

from .v1.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("samizdat.api.wordpress.urls")),
    path("", include("samizdat.api.micropub_urls")),
    path("", include("samizdat.api.webmention_urls")),
]
