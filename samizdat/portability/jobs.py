"""WordPress imports run by the worker: upload kept privately, progress in the row, resumed when a worker dies.

`start_import` stores the upload under DATA_DIR/imports/ (never under media: the file holds
commenters' email addresses) and queues `run_import`. The worker claims the job with a token of
its own, imports, and writes how far it has read into the row at most once a second, with a
heartbeat; each batch beats inside its own transaction too, first and last, so however long a
batch takes, nobody finds a live import's heartbeat stale. If the worker is killed, the job keeps its status "running" with an old heartbeat;
`resume_stalled_imports` (a sweep every minute, and at worker start) claims it again and reads
the file from the start: records are stored in batches, each in one transaction, so nothing
half-written stays, and a re-import updates the records already stored instead of duplicating them.
"""

import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from . import tasks  # the tasks call back into this module; both only look names up when called
from .models import ImportJob
from .wordpress import ImportStopped, import_wxr

log = logging.getLogger(__name__)
Status = ImportJob.Status
MOST_ATTEMPTS = 3  # a file that kills the worker three times is not tried a fourth


class ImportLost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


def imports_dir():
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(job):
    return imports_dir() / job.stored_as


def start_import(blog, upload, user, language="en"):
    """Keep the uploaded WXR file privately and queue its import; returns the ImportJob."""
    stored_as = f"{secrets.token_hex(16)}.xml"
    target = imports_dir() / stored_as
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    target.chmod(0o600)
    job = ImportJob.objects.create(
        blog=blog, requested_by=user, language=language, file_name=Path(upload.name or "export.xml").name[:255],
        stored_as=stored_as, size=target.stat().st_size,
    )
    _queue(job.pk)
    return job


def _queue(job_id):
    transaction.on_commit(lambda: tasks.run_import_task(job_id))


def _claim(job_id):
    """Take the job for this worker (queued, or running with a dead worker); the token, or None."""
    token = secrets.token_hex(16)
    stale = timezone.now() - timezone.timedelta(seconds=settings.SAMIZDAT_IMPORT_STALE_SECONDS)
    taken = ImportJob.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=stale), pk=job_id,
    ).update(status=Status.RUNNING, runner=token, heartbeat_at=timezone.now(), attempts=F("attempts") + 1)
    return token if taken else None


def run_import(job_id):
    """Import one queued job's file (a worker's task); returns the job's final status or None."""
    token = _claim(job_id)
    if token is None:
        return None  # finished, or another worker is on it
    job = ImportJob.objects.select_related("blog", "requested_by").get(pk=job_id)
    if job.attempts > MOST_ATTEMPTS:
        return _finish(job, token, Status.FAILED, error="interrupted")
    last_beat = [0.0]

    def beat(in_batch=False, position=None):
        now = time.monotonic()
        if in_batch or now - last_beat[0] >= 1:
            last_beat[0] = now
            _beat(job, token, position)

    def progress(position):
        job.records += 1
        beat(position=position)

    job.records = 0
    with translation.override(job.language):
        try:
            with open(upload_path(job), "rb") as file:
                _blog, summary = import_wxr(
                    file, job.blog.slug, owner=job.requested_by, fetch_media=True, progress=progress, beat=beat
                )
        except ImportStopped as exc:
            return _finish(job, token, Status.STOPPED, summary=exc.summary)
        except ImportLost:
            return None
        except FileNotFoundError:
            return _finish(job, token, Status.FAILED, error="file missing")
        except Exception:
            log.exception("import %s failed", job.pk)
            return _finish(job, token, Status.FAILED, error="error")
    return _finish(job, token, Status.DONE, summary=summary)


def _beat(job, token, position=None):
    fields = {"records": job.records, "heartbeat_at": timezone.now()}
    if position is not None:
        fields["bytes_read"] = position
    alive = ImportJob.objects.filter(pk=job.pk, runner=token).update(**fields)
    if not alive:
        raise ImportLost()


def _finish(job, token, status, *, summary=None, error=""):
    fields = {"status": status, "finished_at": timezone.now(), "error": error, "runner": ""}
    if summary is not None:
        fields.update(summary=summary.as_dict(), records=job.records)
    if status == Status.DONE:
        fields["bytes_read"] = job.size
    if not ImportJob.objects.filter(pk=job.pk, runner=token).update(**fields):
        return None
    # The upload holds commenters' email addresses: keep it no longer than needed. A failed
    # import keeps it, so the admin can look at it or retry with `samizdat import-wxr`.
    if status != Status.FAILED:
        upload_path(job).unlink(missing_ok=True)
    return status


def resume_stalled_imports():
    """Queue again every import whose worker died or whose wake-up was lost; returns how many."""
    stale = timezone.now() - timezone.timedelta(seconds=settings.SAMIZDAT_IMPORT_STALE_SECONDS)
    ids = list(
        ImportJob.objects.filter(
            Q(status=Status.QUEUED, created_at__lt=stale) | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        tasks.run_import_task(job_id)
    return len(ids)
