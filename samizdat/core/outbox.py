"""Outgoing email, kept as federation keeps its deliveries (samizdat.federation.delivery): one row per
message and recipient (a concrete samizdat.core.models.OutgoingEmailBase), stored in the transaction
that makes it due, sent by the worker (woken through the queue once committed), claimed for a lease
while a worker sends it, retried with back-off, and swept every minute and at the worker's start.

The queue only wakes workers, so a lost queue write, a worker killed mid-way or an SMTP server
down loses no email; and a recipient gets one twice only when the worker died between the SMTP
server's acceptance and the row's update (the email in flight).

Each app sending email makes one Outbox for its model, with how to build a row's message and the
task that sends a batch of rows (samizdat.comments.outbox, samizdat.accounts.mail)."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from .batching import chunks

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


def _lease():
    # Longer than one email can take (connecting and each SMTP command, each within EMAIL_TIMEOUT):
    # another worker finding the email due meanwhile leaves it alone.
    return datetime.timedelta(seconds=settings.SAMIZDAT_EMAIL_LEASE_SECONDS)


def backoff(attempts):
    """How long to wait after the `attempts`-th failed try."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)


def _refused_for_good(exc):
    # RFC 5321 section 4.2.1: a 5yz reply to RCPT is permanent (no such mailbox); a 4yz one, or any
    # other failure (the server down, our settings wrong), is worth trying again later.
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(code >= 500 for code, _ in exc.recipients.values())


class Outbox:
    """The emails of one model: `build(row)` makes a row's EmailMessage (None: no longer wanted),
    `send_task(ids)` queues a task sending those rows, `related` is select_related for `build`."""

    def __init__(self, model, *, build, send_task, related=()):
        self.model, self.build, self.send_task, self.related = model, build, send_task, related

    def _done(self, pk, state, **fields):
        self.model.objects.filter(pk=pk).update(state=state, **fields, **self.model.FORGET_WHEN_DONE)

    def store(self, emails):
        """Store unsaved rows (one whose key is stored already is left as it is); the ids of those
        among them still to send."""
        keys = []
        for chunk in chunks(emails, INSERT_BATCH):
            self.model.objects.bulk_create(chunk, ignore_conflicts=True)
            keys += [email.key for email in chunk]
        return [
            pk for chunk in chunks(keys, INSERT_BATCH)
            for pk in self.model.objects.filter(key__in=chunk, state=self.model.State.PENDING)
            .order_by("pk").values_list("pk", flat=True)
        ]

    def queue(self, emails):
        """Store the emails in the current transaction, and wake the worker once it commits."""
        ids = self.store(emails)
        transaction.on_commit(lambda: self.wake(ids))
        return ids

    def wake(self, email_ids):
        """Queue tasks sending these emails; a failed queue write is left to the sweep."""
        for chunk in chunks(email_ids, TASK_SIZE):
            try:
                self.send_task(chunk)
            except Exception:
                logger.exception("Could not queue emails %s… (the minute's sweep sends them)", chunk[0])

    def send_many(self, email_ids):
        """Send each of these emails that is due, over one SMTP connection; how many went."""
        # Read in one query; each is claimed (compare-and-set) before it is sent, so one another
        # worker took or sent meanwhile is left alone.
        emails = self.model.objects.select_related(*self.related).filter(
            pk__in=email_ids, state=self.model.State.PENDING
        ).order_by("pk")
        connection = get_connection()
        try:
            return sum(self.send(email, connection) for email in emails)
        finally:
            connection.close()

    def send(self, email, connection, *, now=None):
        """Send one email if it is due and nobody else is sending it; True when the SMTP server took it."""
        model = self.model
        now = now or timezone.now()
        if email.next_attempt_at > now:
            return False
        # Claim it, compare-and-set: of several workers (or a task and the sweep) finding it due, one sends it.
        claimed = model.objects.filter(
            pk=email.pk, state=model.State.PENDING, next_attempt_at=email.next_attempt_at
        ).update(next_attempt_at=now + _lease())
        if not claimed:
            return False
        attempts = email.attempts + 1
        try:
            message = self.build(email)
            if message is None:
                self._done(email.pk, model.State.SKIPPED)
                return False
            connection.open()  # once: later emails of the batch reuse the connection
            connection.send_messages([message])
        except Exception as exc:
            # A bug in building one email (not only the SMTP server's refusal) must not stop the
            # batch, nor have the email tried every few minutes for ever.
            if not isinstance(exc, (smtplib.SMTPException, OSError)):
                logger.exception("Email %s could not be built or sent", email.key)
            connection.close()  # reopened, if it can be, for the next email
            fields = {"attempts": attempts, "last_error": str(exc)[:2000], "next_attempt_at": now + backoff(attempts)}
            if now - email.created_at > GIVE_UP_AFTER or _refused_for_good(exc):
                self._done(email.pk, model.State.FAILED, **fields)
            else:
                model.objects.filter(pk=email.pk).update(state=model.State.PENDING, **fields)
            logger.warning("Email %s not sent (try %d): %s", email.key, attempts, exc)
            return False
        self._done(email.pk, model.State.SENT, attempts=attempts, last_error="", sent_at=timezone.now())
        return True

    def due(self, now=None):
        """The ids of emails whose next try is due (retries, and whatever a lost wake-up or killed
        worker left), oldest first."""
        now = now or timezone.now()
        return list(
            self.model.objects.filter(state=self.model.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at").values_list("pk", flat=True)[:5000]
        )

    def wake_due(self, now=None):
        """Queue the due emails (the minute's sweep); how many."""
        ids = self.due(now)
        self.wake(ids)
        return len(ids)

    def forget_old(self, now=None):
        """Delete the rows of emails sent, skipped or given up more than KEEP ago; how many."""
        cutoff = (now or timezone.now()) - KEEP
        deleted, _ = self.model.objects.exclude(state=self.model.State.PENDING).filter(created_at__lt=cutoff).delete()
        return deleted
