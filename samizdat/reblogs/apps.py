from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReblogsConfig(AppConfig):
    name = "samizdat.reblogs"
    label = "reblogs"
    verbose_name = _("Reblogs")

    def ready(self):
        from . import invalidation

        invalidation.connect()
