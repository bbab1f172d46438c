"""Dashboard imports run by the worker: the upload kept privately, progress shown, a dead worker's import taken up again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bench.wxrgen import write_wxr
from samizdat.comments.models import Comment
from samizdat.portability import jobs, wordpress
from samizdat.portability.models import ImportJob
from samizdat.portability.wordpress import import_wxr
from samizdat.posts.models import Post

from tests.instances import make_instance, scratch_database_url, wait_for  # noqa: F401

from .conftest import item, wxr

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks():
    """Run queued tasks at once, in this process (Huey's immediate mode)."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


@pytest.fixture
def owner_client(make_blog, make_user, client, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    owner = make_user()
    blog = make_blog("union", owner=owner)
    client.force_login(owner)
    client.blog = blog
    return client


def upload(client, data, **headers):
    file = SimpleUploadedFile("export.xml", data, content_type="text/xml")
    return client.post(reverse("dashboard:import", args=[client.blog.slug]), {"file": file}, **headers)


def generated(posts, comments):
    out = io.BytesIO()
    write_wxr(out, posts, comments)
    return out.getvalue()


def test_upload_is_imported_by_the_worker_and_the_page_shows_the_summary(owner_client, django_capture_on_commit_callbacks, immediate_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(owner_client, wxr(item(1, "Hello", slug="hello")))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboard/union/import/{job.pk}/"
    html = owner_client.get(response["Location"]).content.decode()
    assert job.status == "done" and "Imported: 1 author, 1 post" in html and 'http-equiv="refresh"' not in html
    assert Post.objects.filter(blog=owner_client.blog, slug="hello").exists()
    # The upload held commenters' addresses: it is gone once imported.
    assert not jobs.upload_path(job).exists()


def test_waiting_import_shows_progress_and_refreshes_itself(owner_client):
    response = upload(owner_client, wxr(item(1, "Hello")))
    job = ImportJob.objects.get()
    html = owner_client.get(response["Location"]).content.decode()
    assert job.status == "queued" and '<meta http-equiv="refresh" content="3">' in html
    assert '<progress max="100" value="0">' in html and "Waiting for the worker" in html
    assert jobs.upload_path(job).read_bytes() == wxr(item(1, "Hello"))
    assert oct(jobs.upload_path(job).stat().st_mode & 0o777) == "0o600"
    assert "Waiting for the worker" in owner_client.get(reverse("dashboard:import", args=["union"])).content.decode()


def test_broken_upload_shows_where_it_stopped(owner_client, django_capture_on_commit_callbacks, immediate_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(owner_client, b"<rss><channel>")
    html = owner_client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().status == "stopped" and "could not be read past line 1" in html


def test_summary_is_in_the_readers_language(owner_client, django_capture_on_commit_callbacks, immediate_tasks):
    data = wxr(item(1, "Hello"), item(2, "Menu", post_type="nav_menu_item"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(owner_client, data, HTTP_ACCEPT_LANGUAGE="ru")
    html = owner_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Импортировано: 1 автор, 1 запись" in html
    assert "навигационные меню не импортируются" in html  # the skip reason, written by the worker in Russian


def test_upload_over_the_limit_is_refused_with_a_way_out(owner_client, settings):
    settings.SAMIZDAT_IMPORT_MAX_BYTES = 100
    response = upload(owner_client, wxr(item(1, "Hello")))
    assert response.status_code == 400 and "samizdat import-wxr" in response.content.decode()
    assert not ImportJob.objects.exists()


def dead_worker_job(blog, data, records_done):
    """A job whose worker was killed after reading `records_done` records (the batches before stored)."""
    job = jobs.start_import(blog, SimpleUploadedFile("big.xml", data), blog.memberships.first().user)

    class Killed(BaseException):
        pass

    seen = [0]

    def progress(_position):
        seen[0] += 1
        if seen[0] == records_done:
            raise Killed

    with pytest.raises(Killed), open(jobs.upload_path(job), "rb") as file:
        import_wxr(file, blog.slug, fetch_media=False, progress=progress)
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status="running", runner="dead", heartbeat_at=long_ago,
                                               attempts=1, created_at=long_ago)
    return job


def test_import_whose_worker_died_is_taken_up_again_and_stores_everything_once(
    owner_client, django_capture_on_commit_callbacks, immediate_tasks, monkeypatch
):
    monkeypatch.setattr(wordpress, "BATCH_ITEMS", 10)  # the first batches are stored before the kill
    blog = owner_client.blog
    data = generated(posts=12, comments=4)
    job = dead_worker_job(blog, data, records_done=8)
    assert 0 < Post.objects.filter(blog=blog).count() < 12
    assert jobs.resume_stalled_imports() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.bytes_read) == ("done", 2, job.size)
    assert Post.objects.filter(blog=blog).count() == 12
    assert Comment.objects.filter(post__blog=blog).count() == 48
    assert Comment.objects.filter(post__blog=blog).values("body").distinct().count() == 48
    html = owner_client.get(reverse("dashboard:import_job", args=["union", job.pk])).content.decode()
    assert "taken up again from the start of the file" in html


def test_live_import_is_left_to_its_worker(owner_client):
    job = jobs.start_import(owner_client.blog, SimpleUploadedFile("x.xml", wxr(item(1, "Hello"))), None)
    ImportJob.objects.filter(pk=job.pk).update(status="running", runner="alive", heartbeat_at=timezone.now())
    assert jobs.resume_stalled_imports() == 0
    assert jobs.run_import(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.runner) == ("running", "alive") and not Post.objects.exists()


def test_worker_that_lost_its_claim_stops_without_writing_the_result(owner_client, monkeypatch):
    job = jobs.start_import(owner_client.blog, SimpleUploadedFile("x.xml", generated(posts=3, comments=0)), None)
    real_beat = jobs._beat

    def taken_over(job_row, token, position):
        ImportJob.objects.filter(pk=job_row.pk).update(runner="another")  # the sweep gave it to another worker
        real_beat(job_row, token, position)

    monkeypatch.setattr(jobs, "_beat", taken_over)
    assert jobs.run_import(job.pk) is None
    job.refresh_from_db()
    assert job.status == "running" and job.runner == "another" and job.summary == {}


def test_import_that_keeps_killing_its_worker_is_given_up(owner_client):
    job = jobs.start_import(owner_client.blog, SimpleUploadedFile("x.xml", wxr(item(1, "Hello"))), None)
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=long_ago, attempts=jobs.MOST_ATTEMPTS)
    assert jobs.run_import(job.pk) == "failed"
    html = owner_client.get(reverse("dashboard:import_job", args=["union", job.pk])).content.decode()
    assert "The import failed" in html and not Post.objects.exists()


SLOW_BATCH_IMPORT = """
import pathlib, time
from django.conf import settings
from django.core.files import File
from django.db.models.signals import post_save
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.portability import jobs
from samizdat.posts.models import Post
user = create_user("owner", "a long test passphrase 42", email="owner@example.test")
blog = create_blog("union", "Union", owner=user)
with open({path!r}, "rb") as f:
    job = jobs.start_import(blog, File(f, name="export.xml"), user)
here = pathlib.Path(settings.DATA_DIR)

def slow_batch(sender, **kwargs):
    # The batch's first post: keep the batch open (as a slow commit would) until the sweep acts.
    if not (here / "in-batch").exists():
        (here / "in-batch").write_text(str(job.pk))
        for _ in range(600):
            if (here / "sweeping").exists():
                break
            time.sleep(0.1)
        time.sleep(1)  # the sweep's worker is claiming the job now

post_save.connect(slow_batch, sender=Post)
print(jobs.run_import(job.pk))
"""
SWEEP = """
import pathlib, time
from django.conf import settings
from samizdat.portability import jobs
here = pathlib.Path(settings.DATA_DIR)
pk = int((here / "in-batch").read_text())
for _ in range(300):  # the minute's sweep, until the heartbeat looks stale and it queues the job
    if jobs.resume_stalled_imports():
        break
    time.sleep(0.1)
(here / "sweeping").touch()
print(jobs.run_import(pk))  # what a worker does with the queued task
"""


def test_import_in_a_batch_longer_than_the_heartbeat_may_be_old_is_not_taken_over(make_instance, tmp_path):
    # Real processes, so the importer and the sweep each have their own database connection.
    path = tmp_path / "export.xml"
    path.write_bytes(generated(posts=3, comments=2))
    instance = make_instance()
    instance.env["SAMIZDAT_IMPORT_STALE_SECONDS"] = "2"
    importer = instance.start("shell", "--no-imports", "-c", SLOW_BATCH_IMPORT.format(path=str(path)), log_name="import.log")
    assert wait_for(lambda: (instance.data_dir / "in-batch").exists(), timeout=60, interval=0.1), importer.log_path.read_text()
    swept = instance.python(SWEEP)
    assert importer.wait(timeout=60) == 0
    ran = importer.log_path.read_text().strip().splitlines()[-1]
    job = instance.python("from samizdat.portability.models import ImportJob\n"
                          "j = ImportJob.objects.get(); print(j.status, j.attempts)")
    # The sweep found the heartbeat stale, but the import was alive: its own worker finished it.
    assert (ran, swept, job) == ("done", "None", "done 1")
    assert instance.python("from samizdat.posts.models import Post; print(Post.objects.count())") == "3"
