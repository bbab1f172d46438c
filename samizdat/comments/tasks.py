"""Background work of the comments app: its emails and the erasure of commenters' IP addresses."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox, services
from .models import Comment


@db_task()
def send_emails_task(email_ids):
    """Send these stored emails now (one wake-up's batch); a failure is rescheduled in its row."""
    return outbox.send_many(email_ids)


@db_periodic_task(crontab(minute="*"))
def send_due_emails_task():
    """Every minute (and at the worker's start), queue the emails a lost wake-up, a killed worker or
    a failed try left."""
    return outbox.wake_due()


@db_periodic_task(crontab(minute="23"))
def forget_sent_emails_task():
    """Every hour, forget the rows of emails sent (or given up) a month ago."""
    return outbox.forget_old()


@db_task()
def send_comment_notices_task():
    """Queue the emails and federation of new comments whose notices are due."""
    return services.send_due_notices()


@db_periodic_task(crontab(minute="*"))
def sweep_comment_notices_task():
    """Every minute (and at the worker's start), send the notices a wake-up did not (a crash, no worker)."""
    return services.send_due_notices()


@db_periodic_task(crontab(minute="*"))
def queue_new_post_emails_task():
    """Every minute, queue new-post emails for posts published since the last sweep."""
    return services.queue_new_post_emails()


@db_periodic_task(crontab(minute="17"))
def forget_commenter_ips_task():
    """Every hour, erase commenters' IP addresses older than SAMIZDAT_COMMENT_IP_DAYS."""
    return services.forget_ips()


# Kept for tasks queued before emails were stored as rows: each stores its emails and sends them.


def _send_now(emails):
    return outbox.send_many(outbox.store(emails))


@db_task()
def send_confirmation_task(subscription_id):
    """(Old queue entries.) Send the double opt-in confirmation of an email subscription."""
    return _send_now([services.confirmation_email(subscription_id, timezone.now())])


@db_task()
def notify_author_task(comment_id):
    """(Old queue entries.) Email a post's author about a new or held comment."""
    return _send_now([services.author_notice_email(comment_id)])


@db_task()
def notify_subscribers_task(comment_id):
    """(Old queue entries.) Email the post's confirmed follow-up subscribers about an approved comment."""
    comment = Comment.objects.filter(pk=comment_id, status=Comment.Status.APPROVED).first()
    return _send_now(services.follow_up_emails(comment) if comment else [])


@db_task()
def send_new_post_task(post_id, subscription_id):
    """(Old queue entries.) Email one confirmed subscriber about one new post."""
    return _send_now([services.new_post_email(post_id, subscription_id)])
