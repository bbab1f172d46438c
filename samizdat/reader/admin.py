from django.contrib import admin

from .models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "title", "kind", "error_count", "last_polled_at", "next_poll_at"]
    list_filter = ["kind"]
    search_fields = ["url", "title"]
