from django.apps import AppConfig


class ProviderConfig(AppConfig):
    name = "samizdat.provider"
    label = "provider"
