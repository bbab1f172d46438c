from django.urls import path

from . import webmention

app_name = "webmention"

urlpatterns = [path("@<slug:blog_slug>/webmention", webmention.endpoint, name="endpoint")]
