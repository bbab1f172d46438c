from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samizdat.accounts"
    label = "accounts"
