"""Background work of the provider: forgetting expired tokens and codes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="17", hour="*/6"))
def purge_expired_tokens_task():
    """Every six hours, delete expired OAuth/IndieAuth tokens, grants and IndieAuth codes."""
    return services.purge_expired()
