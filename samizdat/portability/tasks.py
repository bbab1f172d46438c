"""Background work of the portability app, run by `samizdat worker`."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import jobs


@db_task()
def run_import_task(job_id):
    """Import one uploaded WordPress export; queued by `jobs.start_import` and the sweep."""
    return jobs.run_import(job_id)


@db_periodic_task(crontab(minute="*"))
def resume_stalled_imports_task():
    """Every minute (and at worker start), take up imports whose worker died."""
    return jobs.resume_stalled_imports()
