"""Background work of the accounts app: sending account mail, forgetting old rate-limit attempts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import mail, ratelimit


@db_task()
def send_account_emails_task(email_ids):
    """Send these stored account emails now (one wake-up's batch); a failure is rescheduled in its row."""
    return mail.outbox.send_many(email_ids)


@db_periodic_task(crontab(minute="*"))
def send_due_account_emails_task():
    """Every minute (and at the worker's start), queue the account emails a lost wake-up, a killed
    worker or a failed try left."""
    return mail.outbox.wake_due()


@db_periodic_task(crontab(minute="27"))
def forget_sent_account_emails_task():
    """Every hour, forget the rows of account emails sent (or given up) a month ago."""
    return mail.outbox.forget_old()


@db_task()
def send_mail_task(payload):
    """(Old queue entries, from before account emails were rows.) Store the email and send it."""
    rows = mail.rows_for(payload["subject"], payload["body"], payload["from_email"], payload["to"], payload["headers"])
    return mail.outbox.send_many(mail.outbox.store(rows))


@db_periodic_task(crontab(minute="*/10"))
def purge_attempts_task():
    """Every ten minutes, delete rate-limit attempts older than their longest window."""
    return ratelimit.purge_attempts()
