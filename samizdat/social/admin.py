from django.contrib import admin

from .models import Avatar, Follow, Like


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["post", "user", "local", "created_at"]
    list_filter = ["local"]
    raw_id_fields = ["post", "user"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["blog", "user", "local", "created_at"]
    list_filter = ["local"]
    raw_id_fields = ["blog", "user"]


@admin.register(Avatar)
class AvatarAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    raw_id_fields = ["user"]
