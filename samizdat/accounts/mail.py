"""Account emails (verification, password reset, two-factor notices): rendered in the request, stored
as AccountEmail rows in its transaction, sent by the worker through samizdat.core.outbox, which
retries them and sweeps what a lost wake-up or a killed worker left."""

import uuid

from django.core.mail import EmailMessage

from samizdat.core.outbox import Outbox

from . import tasks
from .models import AccountEmail


def _message(email):
    return EmailMessage(email.subject, email.body, email.from_email, [email.to], headers=email.headers)


outbox = Outbox(AccountEmail, build=_message, send_task=lambda ids: tasks.send_account_emails_task(ids))


def rows_for(subject, body, from_email, to, headers):
    """Unsaved rows for a rendered message, one per recipient."""
    return [
        AccountEmail(key=f"account:{uuid.uuid4().hex}", to=address, from_email=from_email, subject=subject,
                     body=body, headers=headers)
        for address in to
    ]


def queue(message):
    """Store a rendered EmailMessage in the current transaction; the worker sends it once that commits."""
    return outbox.queue(rows_for(message.subject, message.body, message.from_email, list(message.to),
                                 dict(message.extra_headers)))
