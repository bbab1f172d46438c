from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "samizdat.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from samizdat.comments import signals as comment_signals
        from samizdat.posts import signals

        from . import receivers

        signals.post_changed.connect(receivers.on_post_changed, dispatch_uid="federation.post_changed")
        signals.post_deleted.connect(receivers.on_post_deleted, dispatch_uid="federation.post_deleted")
        comment_signals.comment_changed.connect(receivers.on_comment_changed, dispatch_uid="federation.comment_changed")
        comment_signals.comment_deleted.connect(receivers.on_comment_deleted, dispatch_uid="federation.comment_deleted")
