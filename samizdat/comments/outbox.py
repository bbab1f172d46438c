"""Outgoing email, kept as federation keeps its deliveries (samizdat.federation.delivery): one
OutgoingEmail row per message and recipient, stored in the transaction that makes it due, sent by
the worker (woken through the queue once committed), claimed for a lease while a worker sends it,
retried with back-off, and swept every minute and at the worker's start.

The queue only wakes workers, so a lost queue write, a worker killed mid-way or an SMTP server
down loses no email; and a recipient gets one twice only when the worker died between the SMTP
server's acceptance and the row's update (the email in flight)."""

import datetime
import itertools
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from . import mail, tasks
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# A task sends this many emails over one SMTP connection: a new post to 5,000 subscribers is 100
# tasks, shared out among the worker threads.
TASK_SIZE = 50
INSERT_BATCH = 500
# Back-off after a failure: 1 min, 2, 4, … up to an hour; given up after two days of failing.
FIRST_DELAY = datetime.timedelta(minutes=1)
LONGEST_DELAY = datetime.timedelta(hours=1)
GIVE_UP_AFTER = datetime.timedelta(days=2)
# Sent, skipped and failed rows are kept this long (to see what went out), then forgotten.
KEEP = datetime.timedelta(days=30)


def _chunks(items, size):
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _lease():
    # Longer than one email can take (connecting and each SMTP command, each within EMAIL_TIMEOUT):
    # another worker finding the email due meanwhile leaves it alone.
    return datetime.timedelta(seconds=settings.SAMIZDAT_EMAIL_LEASE_SECONDS)


def backoff(attempts):
    """How long to wait after the `attempts`-th failed try."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)


def store(emails):
    """Store unsaved OutgoingEmail rows (one whose key is stored already is left as it is); the ids
    of those among them still to send."""
    keys = []
    for chunk in _chunks(emails, INSERT_BATCH):
        OutgoingEmail.objects.bulk_create(chunk, ignore_conflicts=True)
        keys += [email.key for email in chunk]
    return [
        pk for chunk in _chunks(keys, INSERT_BATCH)
        for pk in OutgoingEmail.objects.filter(key__in=chunk, state=OutgoingEmail.State.PENDING)
        .order_by("pk").values_list("pk", flat=True)
    ]


def queue(emails):
    """Store the emails in the current transaction, and wake the worker once it commits."""
    ids = store(emails)
    transaction.on_commit(lambda: wake(ids))
    return ids


def wake(email_ids):
    """Queue tasks sending these emails; a failed queue write is left to the sweep."""
    for chunk in _chunks(email_ids, TASK_SIZE):
        try:
            tasks.send_emails_task(chunk)
        except Exception:
            logger.exception("Could not queue emails %s… (the minute's sweep sends them)", chunk[0])


def send_many(email_ids):
    """Send each of these emails that is due, over one SMTP connection; how many went."""
    # Read in one query; each is claimed (compare-and-set) before it is sent, so one another worker
    # took or sent meanwhile is left alone.
    emails = OutgoingEmail.objects.select_related(
        "comment__post__blog", "comment__post__author", "subscription__blog", "subscription__post", "post__blog",
    ).filter(pk__in=email_ids, state=OutgoingEmail.State.PENDING).order_by("pk")
    connection = get_connection()
    try:
        return sum(send(email, connection) for email in emails)
    finally:
        connection.close()


def send(email, connection, *, now=None):
    """Send one email if it is due and nobody else is sending it; True when the SMTP server took it."""
    now = now or timezone.now()
    if email.next_attempt_at > now:
        return False
    # Claim it, compare-and-set: of several workers (or a task and the sweep) finding it due, one sends it.
    claimed = OutgoingEmail.objects.filter(
        pk=email.pk, state=OutgoingEmail.State.PENDING, next_attempt_at=email.next_attempt_at
    ).update(next_attempt_at=now + _lease())
    if not claimed:
        return False
    attempts = email.attempts + 1
    try:
        message = mail.message_for(email)
        if message is None:
            OutgoingEmail.objects.filter(pk=email.pk).update(state=OutgoingEmail.State.SKIPPED)
            return False
        connection.open()  # once: later emails of the batch reuse the connection
        connection.send_messages([message])
    except Exception as exc:
        # A bug in building one email (not only the SMTP server's refusal) must not stop the batch,
        # nor have the email tried every few minutes for ever.
        if not isinstance(exc, (smtplib.SMTPException, OSError)):
            logger.exception("Email %s could not be built or sent", email.key)
        connection.close()  # reopened, if it can be, for the next email
        give_up = now - email.created_at > GIVE_UP_AFTER or _refused_for_good(exc)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            state=OutgoingEmail.State.FAILED if give_up else OutgoingEmail.State.PENDING,
            attempts=attempts, last_error=str(exc)[:2000], next_attempt_at=now + backoff(attempts),
        )
        logger.warning("Email %s not sent (try %d): %s", email.key, attempts, exc)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=OutgoingEmail.State.SENT, attempts=attempts, last_error="", sent_at=timezone.now()
    )
    return True


def _refused_for_good(exc):
    # RFC 5321 section 4.2.1: a 5yz reply to RCPT is permanent (no such mailbox); a 4yz one, or any
    # other failure (the server down, our settings wrong), is worth trying again later.
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(code >= 500 for code, _ in exc.recipients.values())


def due(now=None):
    """The ids of emails whose next try is due (retries, and whatever a lost wake-up or killed
    worker left), oldest first."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(state=OutgoingEmail.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("pk", flat=True)[:5000]
    )


def wake_due(now=None):
    """Queue the due emails (the minute's sweep); how many."""
    ids = due(now)
    wake(ids)
    return len(ids)


def forget_old(now=None):
    """Delete the rows of emails sent, skipped or given up more than KEEP ago; how many."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = OutgoingEmail.objects.exclude(state=OutgoingEmail.State.PENDING).filter(created_at__lt=cutoff).delete()
    return deleted
