from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "samizdat.blogs"
    label = "blogs"

    def ready(self):
        from samizdat.core import personal_data

        from .services import memberships_data_of

        personal_data.register(memberships_data_of)
