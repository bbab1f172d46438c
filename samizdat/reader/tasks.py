"""Background work of the reader, run by `samizdat worker`."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services

logger = logging.getLogger(__name__)


@db_task()
def poll_source_task(source_id):
    """Poll one feed: each due feed is its own task, so a slow one holds up no other."""
    return services.poll_source_by_id(source_id)


@db_periodic_task(crontab(minute="*"))
def poll_due_sources_task():
    """Every minute, hand each feed whose time has come to a task of its own."""
    claimed = services.claim_due_sources()
    for source_id in claimed:
        try:
            poll_source_task(source_id)
        except Exception:
            # Its lease runs out and a later sweep hands it out again.
            logger.exception("Could not queue the poll of feed %s", source_id)
    return len(claimed)


@db_periodic_task(crontab(minute="17", hour="*/6"))
def prune_reader_task():
    """Four times a day, take old read entries out of the reader (SAMIZDAT_READER_KEEP_DAYS)."""
    return services.prune()
