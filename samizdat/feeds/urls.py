from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("feed/", views.SiteFeed(), name="site_rss"),
    path("@<uslug:blog_slug>/feed/", views.BlogFeed(), name="blog_rss"),
    path("@<uslug:blog_slug>/feed/atom/", views.BlogAtomFeed(), name="blog_atom"),
    path("@<uslug:blog_slug>/feed.json", views.blog_json_feed, name="blog_json"),
]
