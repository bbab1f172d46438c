"""Background work of the posts app, run by `samizdat worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task(retries=5, retry_delay=5, retry_backoff=2)
def publish_post_task(post_id):
    """Publish one scheduled post at its time; queued by `services.publish_post`."""
    return services.publish_scheduled_post(post_id)


@db_periodic_task(crontab(minute="*"))
def publish_due_posts_task():
    """Every minute, publish the scheduled posts whose time has come (the safety net)."""
    return services.publish_due_posts()
