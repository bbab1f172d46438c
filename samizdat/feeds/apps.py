from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "samizdat.feeds"
    label = "feeds"
