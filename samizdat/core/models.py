"""Models shared by the apps above core: abstract only, so core has no tables of its own."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmailBase(models.Model):
    """One email to one recipient, kept until it is sent (see samizdat.core.outbox): the queue only
    wakes the worker, and a sweep sends what a killed or absent worker left. Each app's concrete
    model adds what its messages are built from.

    `key` names the message and its recipient, so asking twice stores it once: an email is sent again
    only when the worker dies between the SMTP server's acceptance and the row's update."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        # No longer wanted when its turn came (the comment went to spam, the subscription ended, …).
        SKIPPED = "skipped", _("Not needed any more")
        FAILED = "failed", _("Gave up")

    key = models.CharField(max_length=120, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker may try it next; a worker sending it pushes this a lease ahead (its claim).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # Fields set when the email is done with (sent, skipped or given up): what must not outlive its
    # sending, such as a password reset's secret link.
    FORGET_WHEN_DONE = {}

    class Meta:
        abstract = True

    def __str__(self):
        return f"email {self.key}: {self.state}"
