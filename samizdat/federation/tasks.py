"""Background work of federation: deliveries out, activities in."""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

# tasks and the modules below import each other: those modules queue tasks once their transaction
# commits, and tasks run them. Neither uses the other while being imported.
from . import delivery, following, inbox, publishing, replies


@db_task()
def deliver_task(delivery_id):
    """Try one delivery now; a failure is rescheduled in its row, not by the queue.
    (Kept for tasks queued before deliveries went out in batches.)"""
    return delivery.deliver(delivery_id)


@db_task()
def deliver_many_task(delivery_ids):
    """Try a batch of deliveries now (a slice of a fan-out); failures are rescheduled in their rows."""
    return delivery.deliver_many(delivery_ids)


@db_periodic_task(crontab(minute="*"))
def retry_deliveries_task():
    """Every minute, queue the deliveries whose next attempt is due (retries, and any lost
    wake-up), a task per server, which the workers send side by side."""
    return delivery.wake_due()


@db_task()
def process_inbox_item_task(item_id):
    """Act on one received activity (idempotent: an item is processed once)."""
    return inbox.process(item_id)


@db_periodic_task(crontab(minute="*/5"))
def process_queued_inbox_task():
    """Every five minutes, process received activities whose wake-up was lost."""
    for pk in inbox.queued_items():
        inbox.process(pk)


@db_task()
def sync_post_task(post_id):
    """Send followers the Create, Update or Delete a change to a post calls for."""
    return publishing.sync_post(post_id)


@db_task()
def post_deleted_task(post_id, url):
    """Send followers the Delete of a deleted post."""
    return publishing.post_deleted(post_id, url)


@db_periodic_task(crontab(minute="*/5"))
def federate_due_posts_task():
    """Every five minutes, send the posts of the last day that were published but never sent
    (a scheduled post published by the sweep, a wake-up lost), the Update of posts edited since
    they were sent, and the Delete of posts followers still have though they are gone from here."""
    since = timezone.now() - datetime.timedelta(days=1)
    for pk in publishing.unfederated_posts(since) + publishing.edited_posts():
        publishing.sync_post(pk)
    for pk in publishing.withdrawn_posts():
        publishing.withdraw(pk)


@db_task()
def sync_comment_task(comment_id):
    """Send the followers of a post the Create, Update or Delete of a local comment on it."""
    return replies.sync_comment(comment_id)


@db_periodic_task(crontab(minute="*/5"))
def federate_due_comments_task():
    """Every five minutes, send what a lost wake-up or a killed worker left untold about local
    comments of the last day (a new comment's Create, a withdrawn one's Delete)."""
    return replies.sync_due_comments()


@db_task()
def comment_deleted_task(comment_id):
    """Send the Delete of a deleted local comment."""
    return replies.comment_deleted(comment_id)


@db_periodic_task(crontab(minute="17"))
def end_follows_task():
    """Every hour, undo our follows of accounts nobody here follows any more (an account deleted
    however it was: the dashboard, the admin, the command line) or that an admin blocked."""
    return following.end_follows()
