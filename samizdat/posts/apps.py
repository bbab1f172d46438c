from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "samizdat.posts"
    label = "posts"
