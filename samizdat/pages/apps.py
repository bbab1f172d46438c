from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "samizdat.pages"
    verbose_name = "Stored public pages"

    def ready(self):
        from . import invalidation

        invalidation.connect()
