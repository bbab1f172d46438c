"""Background work of the API app: verifying received Webmentions and sending ours."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

# tasks and webmention import each other: webmention queues tasks, tasks run webmention's
# functions; neither uses the other while being imported.
from . import webmention


@db_task(retries=2, retry_delay=60)
def verify_webmention_task(mention_id):
    """Fetch a received mention's source and make, update or remove its comment."""
    webmention.verify(mention_id)


@db_task(retries=2, retry_delay=300)
def send_webmentions_task(post_id):
    """Notify the pages a published post links to."""
    return webmention.send_for_post(post_id)


@db_periodic_task(crontab(minute="*"))
def queue_webmentions_task():
    """Every minute, queue sending for posts published or edited since their links were last sent."""
    return webmention.queue_due_posts()
