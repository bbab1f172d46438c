"""Background work of the reader, run by `samizdat worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/5"))
def poll_due_sources_task():
    """Every five minutes, poll the feeds whose next poll time has come."""
    return services.poll_due_sources()
