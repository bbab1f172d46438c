from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "samizdat.comments"
    verbose_name = _("Comments")

    def ready(self):
        from samizdat.core import personal_data

        from .services import comments_data_of

        personal_data.register(comments_data_of)
