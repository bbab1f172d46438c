from django.apps import AppConfig
from django.urls import register_converter

from . import converters


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"

    def ready(self):
        register_converter(converters.UnicodeSlugConverter, "uslug")
        register_converter(converters.FourDigitConverter, "yyyy")
        register_converter(converters.TwoDigitConverter, "mm")
