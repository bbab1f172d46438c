from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "samizdat.social"
    label = "social"
    verbose_name = _("Social")

    def ready(self):
        from samizdat.core import personal_data

        from .services import social_data_of

        personal_data.register(social_data_of)
