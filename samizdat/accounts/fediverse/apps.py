from django.apps import AppConfig


class FediverseConfig(AppConfig):
    name = "samizdat.accounts.fediverse"
    label = "fediverse_signin"
    verbose_name = "Fediverse sign-in"
