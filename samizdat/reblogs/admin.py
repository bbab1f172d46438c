from django.contrib import admin

from .models import Reblog


@admin.register(Reblog)
class ReblogAdmin(admin.ModelAdmin):
    list_display = ["source_url", "blog", "actor_url", "local", "origin", "created_at"]
    list_filter = ["local", "origin"]
    raw_id_fields = ["blog", "post", "original"]
