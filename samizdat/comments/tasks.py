"""Background work of the comments app: its emails and the erasure of commenters' IP addresses."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import mail, services


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def send_confirmation_task(subscription_id):
    """Send the double opt-in confirmation of an email subscription."""
    return mail.send_confirmation(subscription_id)


@db_task()
def send_comment_notices_task():
    """Queue the emails and federation of new comments whose notices are due."""
    return services.send_due_notices()


@db_periodic_task(crontab(minute="*"))
def sweep_comment_notices_task():
    """Every minute (and at the worker's start), send the notices a wake-up did not (a crash, no worker)."""
    return services.send_due_notices()


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def notify_author_task(comment_id):
    """Email a post's author about a new or held comment."""
    return mail.notify_author(comment_id)


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def notify_subscribers_task(comment_id):
    """Email the post's confirmed follow-up subscribers about an approved comment."""
    return mail.notify_subscribers(comment_id)


@db_task(retries=3, retry_delay=30, retry_backoff=2)
def send_new_post_task(post_id, subscription_id):
    """Email one confirmed subscriber about one new post."""
    return mail.send_new_post(post_id, subscription_id)


@db_periodic_task(crontab(minute="*"))
def queue_new_post_emails_task():
    """Every minute, queue new-post emails for posts published since the last sweep."""
    return services.queue_new_post_emails()


@db_periodic_task(crontab(minute="17"))
def forget_commenter_ips_task():
    """Every hour, erase commenters' IP addresses older than SAMIZDAT_COMMENT_IP_DAYS."""
    return services.forget_ips()
