from django.urls import path

from . import webmention_views

app_name = "webmentions"

# Mounted under /dashboard/; every URL here is in the permission matrix of
# tests/dashboard/test_permissions.py too.
urlpatterns = [
    path("<slug:blog_slug>/webmentions/", webmention_views.webmention_list, name="webmention_list"),
]
