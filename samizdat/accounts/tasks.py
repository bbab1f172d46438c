"""Background work of the accounts app: sending account mail, forgetting old rate-limit attempts."""

from django.core.mail import EmailMessage
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import ratelimit


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def send_mail_task(payload):
    """Send one account email (verification, password reset, two-factor notices), rendered beforehand."""
    EmailMessage(
        payload["subject"], payload["body"], payload["from_email"], payload["to"], headers=payload["headers"]
    ).send()


@db_periodic_task(crontab(minute="*/10"))
def purge_attempts_task():
    """Every ten minutes, delete rate-limit attempts older than their longest window."""
    return ratelimit.purge_attempts()
