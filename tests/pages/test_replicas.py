"""Read replicas: a real PostgreSQL primary and streaming standby on loopback, two app servers, nginx.

The test starts its own pair with the machine's PostgreSQL binaries (initdb, then pg_basebackup -R
for the standby) and pauses the standby's replay, so the replica lags as far behind as the test
wants: what a reader sees then tells which database answered.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.instances import Instance, as_postgres, free_port, pg_bin, unavailable, wait_for
from tests.pages.front import OPEN_THREAD, answers, fetch, need_nginx, port_of, start_nginx, stop

ROUTING = """
from django.db import transaction
from samizdat.core import replicas
from samizdat.posts.models import Post
replicas._replica.set("replica1")
print(Post.objects.all().db, Post.objects.select_for_update().db, end=" ")
with transaction.atomic():
    print(Post.objects.all().db, end=" ")
print(Post.objects.filter(title="Open thread").count())
"""


class Pair:
    """A primary and its streaming standby, each on a loopback port."""

    def __init__(self, folder, binaries):
        self.folder, self.bin = folder, binaries
        self.primary_port, self.standby_port = free_port(), free_port()

    def start(self):
        primary, standby = self.folder / "primary", self.folder / "standby"
        as_postgres(self.bin / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync")
        self.primary_port = self._run(primary, self.primary_port)
        as_postgres(self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres",
                    "-D", standby, "-R", "-X", "stream")
        self.standby_port = self._run(standby, self.standby_port)
        self.sql(self.primary_port, "CREATE DATABASE samizdat")

    def _run(self, data, port):
        """Start the server in `data` on `port`, or on another free port if another process took that one
        meanwhile (tests run in parallel); the port it listens on."""
        for _attempt in range(5):
            try:
                as_postgres(self.bin / "pg_ctl", "-D", data, "-l", data / "log", "-w", "start", "-o",
                            f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off")
                return port
            except subprocess.CalledProcessError:
                if "could not bind" not in (data / "log").read_text():
                    raise
                port = free_port()
        raise AssertionError((data / "log").read_text()[-3000:])

    def stop(self):
        for data in ("standby", "primary"):
            with contextlib.suppress(subprocess.CalledProcessError):
                as_postgres(self.bin / "pg_ctl", "-D", self.folder / data, "-m", "immediate", "-w", "stop")

    def url(self, port):
        return f"postgres://postgres@127.0.0.1:{port}/samizdat"

    def sql(self, port, statement, dbname="postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True) as conn:
            conn.execute(statement)

    def query(self, port, statement, dbname="postgres"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname) as conn:
            return conn.execute(statement).fetchall()

    def pause_replay(self):
        self.sql(self.standby_port, "SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.sql(self.standby_port, "SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def pair():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("read replicas are PostgreSQL standbys: this runs in the suite's PostgreSQL run")
    binaries = pg_bin()
    if binaries is None:
        unavailable("needs PostgreSQL's server programs (apt install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="samizdat-replicas-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    pair = Pair(folder, binaries)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(pair, tmp_path_factory):
    """Two app servers and a worker reading from the standby when they may; nginx before the second."""
    need_nginx()
    folder = tmp_path_factory.mktemp("replicas")
    instance = Instance(folder / "instance", database_url=pair.url(pair.primary_port))
    instance.data_dir.mkdir()
    instance.env.update(
        DATABASE_REPLICA_URLS=pair.url(pair.standby_port), SAMIZDAT_SERVE_MEDIA="0",
        SAMIZDAT_COMMENT_MIN_SECONDS="0", SAMIZDAT_COMMENT_RATE_PER_MINUTE="100",
    )
    instance.run("migrate", "--verbosity", "0")
    pk, path = instance.python(OPEN_THREAD).split()
    _, writer = instance.serve("--no-collectstatic", log_name="writer.log")
    _, reader = instance.serve("--no-collectstatic", log_name="reader.log")
    instance.start("worker", log_name="worker.log")
    nginx, base = start_nginx(folder / "nginx", instance.data_dir, port_of(reader))
    try:
        for url in (writer + path, base + path):
            assert wait_for(lambda: answers(url), timeout=120), (instance.data_dir / "writer.log").read_text()
        # The standby has replayed everything so far (the blog and its post) before a test pauses it.
        assert wait_for(lambda: "Open thread" in fetch(f"{reader}{path}?from=replica")[2].decode(), timeout=30)
        yield type("Site", (), dict(
            base=base, reader=reader, writer=writer, post=path, pk=int(pk),
            instance=instance,
        ))
    finally:
        stop(nginx)
        instance.stop()
TOKEN = """
from samizdat.accounts.models import User
from samizdat.api.models import ALL_SCOPES
from samizdat.api.tokens import create_token
print(create_token(User.objects.get(username="writer"), name="phone", scopes=ALL_SCOPES)[1])
"""


@pytest.fixture
def paused(pair):
    pair.pause_replay()
    try:
        yield
    finally:
        pair.resume_replay()


def comment(site, body):
    html = fetch(site.base + site.post)[2].decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    return fetch(f"{site.writer}/@news/comments/{site.pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": body, "started": started, "homepage": "",
    })


def test_replica_serves_reads_transactions_and_locks_use_the_primary(site, paused):
    site.instance.python("from samizdat.posts.models import Post; p = Post.objects.get(title='Open thread'); p.title = 'Renamed'; p.save()")
    # With replay paused, the standby still has the old title: counting it tells which one answered.
    answers_ = site.instance.python(ROUTING.replace("Open thread", "Renamed")).split()
    assert answers_ == ["replica1", "default", "default", "0"]


def test_comment_through_one_app_server_reaches_the_stored_page_although_the_replica_lags(site, paused):
    status, headers, _ = comment(site, "Said while the replica slept.")
    assert status == 303
    # nginx's stored page was removed by the comment, and the page written again from the primary.
    assert "Said while the replica slept." in fetch(site.base + site.post)[2].decode()
    # A page not kept in the store is read from the replica, which has not replayed the comment yet...
    assert "Said while the replica slept." not in fetch(f"{site.reader}{site.post}?from=replica")[2].decode()
    # ...except for the browser that wrote it, for a few seconds: it reads from the primary.
    cookie = re.search(r"samizdat_primary=[^;]+", " ".join(headers.get_all("Set-Cookie"))).group(0)
    mine = fetch(f"{site.reader}{site.post}?from=replica", Cookie=cookie)[2].decode()
    assert "Said while the replica slept." in mine


def test_worker_publishes_from_the_primary_while_the_replica_lags(site, paused):
    site.instance.python(
        "import datetime; from django.utils import timezone; from samizdat.accounts.models import User; "
        "from samizdat.blogs.models import Blog; from samizdat.posts.models import Post; "
        "from samizdat.posts.services import publish_post; "
        "post = Post(blog=Blog.objects.get(slug='news'), author=User.objects.get(username='writer'), title='Dawn edition'); "
        "publish_post(post, editor=post.author, when=timezone.now() + datetime.timedelta(seconds=2))"
    )
    fetch(site.base + "/@news/")
    shown = wait_for(lambda: "Dawn edition" in fetch(site.base + "/@news/")[2].decode(), timeout=60)
    assert shown, (site.instance.data_dir / "worker.log").read_text()[-2000:]


def test_replica_catches_up_once_replay_resumes(site, pair):
    pair.pause_replay()
    try:
        assert comment(site, "Waiting for the standby.")[0] == 303
        assert "Waiting for the standby." not in fetch(f"{site.reader}{site.post}?from=replica")[2].decode()
    finally:
        pair.resume_replay()
    caught_up = wait_for(
        lambda: "Waiting for the standby." in fetch(f"{site.reader}{site.post}?from=replica")[2].decode(), timeout=30,
    )
    assert caught_up


def test_an_api_client_reads_back_what_it_wrote_although_the_replica_lags(site, pair):
    token = site.instance.python(TOKEN)
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # The app has used its token before, and the standby has replayed that: reading now writes nothing.
    assert fetch(f"{site.writer}/api/v1/blogs/news/posts", Authorization=api["Authorization"])[0] == 200
    assert wait_for(lambda: pair.query(pair.standby_port, "SELECT count(*) FROM api_token WHERE last_used_at IS NOT NULL",
                                       dbname="samizdat") == [(1,)], timeout=30)
    pair.pause_replay()
    try:
        # An app (no cookies) publishes through one app server and reads the post back from another.
        request = urllib.request.Request(
            f"{site.writer}/api/v1/blogs/news/posts", method="POST", headers=api,
            data=json.dumps({"title": "Phone dispatch", "source": "Filed from the picket.", "status": "published"}).encode(),
        )
        assert urllib.request.urlopen(request, timeout=30).status == 201
        # (With a query string: a request the page store might keep reads the primary anyway.)
        status, _, body = fetch(f"{site.reader}/api/v1/blogs/news/posts?limit=50", Authorization=api["Authorization"])
        assert status == 200 and "Phone dispatch" in [post["title"] for post in json.loads(body)["items"]]
        # A reader without credentials is still served by the replica, which has not replayed it.
        assert "Phone dispatch" not in fetch(f"{site.reader}/@news/?from=replica")[2].decode()
    finally:
        pair.resume_replay()
