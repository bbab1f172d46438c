"""Background work of the accounts app: forgetting old rate-limit attempts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import ratelimit


@db_periodic_task(crontab(minute="*/10"))
def purge_attempts_task():
    """Every ten minutes, delete rate-limit attempts older than SAMIZDAT_LOGIN_RATE_WINDOW."""
    return ratelimit.purge_attempts()
