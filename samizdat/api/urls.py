from django.urls import path

from .v1.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
