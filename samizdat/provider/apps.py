from django.apps import AppConfig


class ProviderConfig(AppConfig):
    name = "samizdat.provider"
    label = "provider"

    def ready(self):
        from samizdat.core import personal_data

        from .services import applications_data_of

        personal_data.register(applications_data_of)
