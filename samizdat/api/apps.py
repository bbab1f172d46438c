from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "samizdat.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from samizdat.core import personal_data

        from .tokens import tokens_data_of

        personal_data.register(tokens_data_of)
