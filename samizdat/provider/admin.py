"""Clients are registered in django-oauth-toolkit's own admin (Applications); consents are listed here."""

from django.contrib import admin

from .models import Consent


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "application", "scopes", "updated_at"]
    search_fields = ["user__username", "application__name"]
    raw_id_fields = ["user"]
