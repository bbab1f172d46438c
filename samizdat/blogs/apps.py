from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "samizdat.blogs"
    label = "blogs"
