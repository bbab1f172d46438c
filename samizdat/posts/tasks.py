"""Background work of the posts app, run by `samizdat worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def publish_due_posts_task():
    """Every minute, publish the scheduled posts whose time has come."""
    return services.publish_due_posts()
