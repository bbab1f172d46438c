from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReaderConfig(AppConfig):
    name = "samizdat.reader"
    label = "reader"
    verbose_name = _("Reader")

    def ready(self):
        from samizdat.core import personal_data

        from .services import reader_data_of

        personal_data.register(reader_data_of)
