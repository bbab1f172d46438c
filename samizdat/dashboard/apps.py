from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "samizdat.dashboard"
    label = "dashboard"
