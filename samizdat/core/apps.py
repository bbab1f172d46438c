from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.urls import register_converter

from . import converters, nul


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"

    def ready(self):
        register_converter(converters.UnicodeSlugConverter, "uslug")
        register_converter(converters.FourDigitConverter, "yyyy")
        register_converter(converters.TwoDigitConverter, "mm")
        pre_save.connect(nul.strip_nul_before_save, dispatch_uid="samizdat.core.nul")
