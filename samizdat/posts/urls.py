from django.urls import path

from . import views

app_name = "posts"

urlpatterns = [
    path("", views.front, name="front"),
    path("@<uslug:blog_slug>/", views.blog_home, name="blog_home"),
    path("@<uslug:blog_slug>/search/", views.search, name="search"),
    path("@<uslug:blog_slug>/tag/<uslug:slug>/", views.tag, name="tag"),
    path("@<uslug:blog_slug>/category/<uslug:slug>/", views.category, name="category"),
    path("@<uslug:blog_slug>/author/<str:username>/", views.author, name="author"),
    path("@<uslug:blog_slug>/<yyyy:year>/", views.archive, name="year"),
    path("@<uslug:blog_slug>/<yyyy:year>/<mm:month>/", views.archive, name="month"),
    path("@<uslug:blog_slug>/<yyyy:year>/<mm:month>/<mm:day>/<uslug:slug>/", views.post, name="post"),
    path("@<uslug:blog_slug>/<uslug:slug>/", views.page, name="page"),
]
