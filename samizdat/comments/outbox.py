"""The comments app's emails, kept and sent by samizdat.core.outbox: one OutgoingEmail row per message
and recipient, built from its comment, post and subscription when the worker sends it."""

from samizdat.core.outbox import Outbox, backoff  # noqa: F401

from . import mail, tasks
from .models import OutgoingEmail

_outbox = Outbox(
    OutgoingEmail,
    # Looked up when called, so the builders and the task are those of the module as it is then.
    build=lambda email: mail.message_for(email),
    send_task=lambda ids: tasks.send_emails_task(ids),
    related=("comment__post__blog", "comment__post__author", "subscription__blog", "subscription__post", "post__blog"),
)

store, queue, wake, send_many, send = _outbox.store, _outbox.queue, _outbox.wake, _outbox.send_many, _outbox.send
due, wake_due, forget_old = _outbox.due, _outbox.wake_due, _outbox.forget_old
