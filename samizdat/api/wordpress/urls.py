from django.urls import path

from . import views

app_name = "wordpress"

# On a blog's own domain BlogDomainMiddleware serves /wp-json/... as /@<blog>/wp-json/...
urlpatterns = [
    path("@<slug:blog_slug>/wp-json/", views.index, name="index"),
    path("@<slug:blog_slug>/wp-json/wp/v2/posts", views.posts, name="posts"),
    path("@<slug:blog_slug>/wp-json/wp/v2/posts/<int:pk>", views.post, name="post"),
    path("@<slug:blog_slug>/wp-json/wp/v2/pages", views.pages, name="pages"),
    path("@<slug:blog_slug>/wp-json/wp/v2/pages/<int:pk>", views.page, name="page"),
    path("@<slug:blog_slug>/wp-json/wp/v2/media", views.media_collection, name="media"),
    path("@<slug:blog_slug>/wp-json/wp/v2/media/<int:pk>", views.media_item, name="media_item"),
    path("@<slug:blog_slug>/wp-json/wp/v2/tags", views.tags, name="tags"),
    path("@<slug:blog_slug>/wp-json/wp/v2/tags/<int:pk>", views.tag, name="tag"),
    path("@<slug:blog_slug>/wp-json/wp/v2/categories", views.categories, name="categories"),
    path("@<slug:blog_slug>/wp-json/wp/v2/categories/<int:pk>", views.category, name="category"),
    path("@<slug:blog_slug>/wp-json/wp/v2/comments", views.comments, name="comments"),
    path("@<slug:blog_slug>/wp-json/wp/v2/comments/<int:pk>", views.comment, name="comment"),
    path("@<slug:blog_slug>/wp-json/wp/v2/users/me", views.users_me, name="users_me"),
    path("@<slug:blog_slug>/wp-json/wp/v2/users/<int:pk>", views.user, name="user"),
]
