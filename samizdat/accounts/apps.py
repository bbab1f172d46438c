from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samizdat.accounts"
    label = "accounts"

    def ready(self):
        from samizdat.core import personal_data

        from .services import profile_data_of

        personal_data.register(lambda user: {"profile": profile_data_of(user)})
