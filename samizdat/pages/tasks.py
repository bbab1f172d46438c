from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import periodic_task

from . import store


@periodic_task(crontab(minute="*/10"))
def remove_old_pages_task():
    """Remove stored pages older than SAMIZDAT_PAGES_MAX_AGE (their comment form's stamp ages)."""
    if settings.SAMIZDAT_PAGES:
        store.remove_older_than(settings.SAMIZDAT_PAGES_MAX_AGE)
