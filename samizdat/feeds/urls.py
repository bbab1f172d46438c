from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from samizdat.pages.decorators import public_page

from . import views
from .sitemaps import SITEMAPS

app_name = "feeds"

urlpatterns = [
    path("feed/", views.site_rss, name="site_rss"),
    path("feed/atom/", views.site_atom, name="site_atom"),
    path("feed.json", views.site_json, name="site_json"),
    path("@<uslug:blog_slug>/feed/", views.blog_rss, name="blog_rss"),
    path("@<uslug:blog_slug>/feed/atom/", views.blog_atom, name="blog_atom"),
    path("@<uslug:blog_slug>/feed.json", views.blog_json, name="blog_json"),
    path("@<uslug:blog_slug>/tag/<uslug:slug>/feed/", views.tag_rss, name="tag_rss"),
    path("@<uslug:blog_slug>/tag/<uslug:slug>/feed/atom/", views.tag_atom, name="tag_atom"),
    path("@<uslug:blog_slug>/tag/<uslug:slug>/feed.json", views.tag_json, name="tag_json"),
    path("@<uslug:blog_slug>/category/<uslug:slug>/feed/", views.category_rss, name="category_rss"),
    path("@<uslug:blog_slug>/category/<uslug:slug>/feed/atom/", views.category_atom, name="category_atom"),
    path("@<uslug:blog_slug>/category/<uslug:slug>/feed.json", views.category_json, name="category_json"),
    path(
        "sitemap.xml", public_page(sitemap_views.index, language_neutral=True),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "feeds:sitemap_section"}, name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemap_views.sitemap, language_neutral=True), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
