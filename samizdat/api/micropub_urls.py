from django.urls import path

from . import micropub

app_name = "micropub"

urlpatterns = [
    path("@<slug:blog_slug>/micropub", micropub.endpoint, name="endpoint"),
    path("@<slug:blog_slug>/micropub/media", micropub.media_endpoint, name="media"),
]
