from django.contrib import admin

from .models import Blog, Membership, MirrorDomain, StaticMirror


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


class MirrorDomainInline(admin.TabularInline):
    model = MirrorDomain
    extra = 0


class StaticMirrorInline(admin.TabularInline):
    model = StaticMirror
    extra = 0


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language"]
    inlines = [MembershipInline, MirrorDomainInline, StaticMirrorInline]
