"""The delivery log and the rest of federation's state, readable by the instance's admins."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import blocks, following, services
from .models import Block, Delivery, Follower, Following, InboxItem, OutgoingActivity, ReaderReply, RemoteActor, Server


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["activity_type", "inbox", "state", "attempts", "last_status", "next_attempt_at", "created_at"]
    list_filter = ["state", "activity_type", "blog"]
    search_fields = ["inbox", "activity_id", "last_error"]


@admin.register(OutgoingActivity)
class OutgoingActivityAdmin(ReadOnly):
    list_display = ["activity_id", "created_at"]
    search_fields = ["activity_id"]


@admin.register(Server)
class ServerAdmin(ReadOnly):
    list_display = ["domain", "signature_style", "failures", "resume_at"]
    search_fields = ["domain"]


@admin.register(InboxItem)
class InboxItemAdmin(ReadOnly):
    list_display = ["type", "actor", "state", "received_at", "note"]
    list_filter = ["state", "type"]
    search_fields = ["activity_id"]


@admin.register(RemoteActor)
class RemoteActorAdmin(ReadOnly):
    list_display = ["ap_id", "username", "name", "fetched_at"]
    search_fields = ["ap_id", "username", "name"]


@admin.register(Follower)
class FollowerAdmin(ReadOnly):
    list_display = ["actor", "blog", "status", "created_at"]
    list_filter = ["status", "blog"]
    actions = ["accept", "reject"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Accept the selected follow requests"))
    def accept(self, request, queryset):
        for follower in queryset.filter(status=Follower.Status.PENDING).select_related("actor", "blog"):
            services.accept_follower(follower)

    @admin.action(description=_("Reject or remove the selected followers"))
    def reject(self, request, queryset):
        for follower in queryset.select_related("actor", "blog"):
            services.reject_follower(follower)


@admin.register(Following)
class FollowingAdmin(ReadOnly):
    """Accounts the instance actor follows for readers here (they unfollow from the Reader)."""

    list_display = ["actor", "status", "created_at"]
    list_filter = ["status"]


@admin.register(ReaderReply)
class ReaderReplyAdmin(ReadOnly):
    list_display = ["blog", "author_name", "in_reply_to", "created_at"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Block a remote account or a whole server: its activities are dropped and its followers removed."""

    list_display = ["domain", "actor_id", "reason", "created_at"]
    search_fields = ["domain", "actor_id", "reason"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj.domain = obj.domain.strip().lower().strip(".")
        super().save_model(request, obj, form, change)
        blocks.apply(obj)
        following.end_follows()  # readers' follows of what is now blocked end at once
