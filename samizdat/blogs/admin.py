from django.contrib import admin

from .models import Blog, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language"]
    inlines = [MembershipInline]
