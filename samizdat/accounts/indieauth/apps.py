from django.apps import AppConfig


class IndieAuthSignInConfig(AppConfig):
    name = "samizdat.accounts.indieauth"
    label = "indieauth_signin"
    verbose_name = "IndieAuth sign-in"
