"""Throwaway Samizdat instances run as subprocesses: their own data directory, database and queue.

Tests that need real processes (the worker, concurrent writers) use these instead of the test
database: the suite's database lives in this process (in memory on SQLite), theirs on disk, or in
a scratch PostgreSQL database when the suite runs on PostgreSQL.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def unavailable(reason):
    """Skip locally for want of an outside server or program; fail in CI, which provides them all."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run provides it, so this is a failure, not a skip)")
    pytest.skip(reason)


def redis_url():
    """The Redis server for tests, from SAMIZDAT_TEST_REDIS_URL (set by .ci/run)."""
    url = os.environ.get("SAMIZDAT_TEST_REDIS_URL", "")
    if not url:
        unavailable("needs a Redis server: set SAMIZDAT_TEST_REDIS_URL=redis://127.0.0.1:PORT/0")
    return url


def pg_bin():
    """The folder of the newest PostgreSQL server programs on this machine (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def as_postgres(*args):
    # initdb and the server refuse to run as root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True, timeout=120)


class Instance:
    """A data directory with a migrated database, and commands run against it."""

    def __init__(self, data_dir, *, database_url="", redis_url=""):
        self.data_dir = Path(data_dir)
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update(
            SAMIZDAT_DATA_DIR=str(self.data_dir),
            DJANGO_SETTINGS_MODULE="samizdat.config.settings",
            # A queue of its own, so test runs sharing one Redis never take each other's tasks.
            SAMIZDAT_QUEUE_NAME=f"samizdat-test-{secrets.token_hex(4)}",
            PYTHONUNBUFFERED="1",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.processes = []

    def run(self, *args, timeout=120):
        """Run `samizdat ARGS` to completion; its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "samizdat", *args], env=self.env, cwd=ROOT,
            capture_output=True, text=True, timeout=timeout,
        )
        assert done.returncode == 0, f"samizdat {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def migrate(self):
        """Give a new SQLite instance the database `samizdat migrate` makes: a copy of one migrated once
        per test process. (A PostgreSQL instance gets it from scratch_database(migrated=True).)"""
        if not self.env.get("DATABASE_URL"):
            shutil.copyfile(_template("sqlite"), self.data_dir / "samizdat.sqlite3")

    def sql(self, query):
        """The rows of a read-only SQL `query` on the instance's database, read directly: milliseconds,
        where `python` starts Django (seconds), for a test that must catch a process midway."""
        url = self.env.get("DATABASE_URL", "")
        if url:
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
                return conn.execute(query).fetchall()
        import sqlite3

        conn = sqlite3.connect(self.data_dir / "samizdat.sqlite3", timeout=10)
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()

    def python(self, code, timeout=120):
        """Run Python `code` with Django set up for this instance; its stdout, stripped."""
        return self.run("shell", "--no-imports", "-c", code, timeout=timeout).strip()

    def start(self, *args, log_name="process.log", prefix=()):
        """Start `samizdat ARGS` in the background, logging to a file in the data directory.

        The process leads a process group of its own, so `kill` can take its children with it
        (Granian's worker processes, say), as a machine losing power would. `prefix` runs it through
        another program first (`ip netns exec NAME`: on another machine of tests.machines).
        """
        log = open(self.data_dir / log_name, "a")
        process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "samizdat", *args], env=self.env, cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT, process_group=0,
        )
        process.log_path = self.data_dir / log_name
        log.close()
        self.processes.append(process)
        return process

    def kill(self, process):
        """SIGKILL the process and every process it started: no clean-up, no goodbye."""
        _signal_group(process, signal.SIGKILL)
        process.wait()

    def serve(self, *args, host="127.0.0.1", log_name="serve.log", timeout=120):
        """Start `samizdat serve ARGS` on a free loopback port; (process, base URL) once it listens.

        A port found free may be taken by another process before Granian binds it (tests run in
        parallel): then the server exits, and it is started again on another port.
        """
        for _attempt in range(5):
            port = free_port()
            process = self.start("serve", "--host", host, "--port", str(port), *args, log_name=log_name)
            started = wait_for(lambda: process.poll() is not None or listens(port, host), timeout=timeout)
            if started and process.poll() is None:
                return process, f"http://{host}:{port}"
            self.processes.remove(process)
            stop_group(process)
            if process.returncode == 0 or "address" not in process.log_path.read_text().lower():
                break
        raise AssertionError(f"samizdat serve did not start:\n{process.log_path.read_text()[-3000:]}")

    def stop(self):
        # Signalled all at once, so their shutdowns overlap.
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        for process in self.processes:
            _reap_group(process)
        self.processes.clear()

    def forget_queue(self):
        """Delete this instance's keys (queue, cache, sessions) from a shared Redis."""
        if url := self.env.get("REDIS_URL"):
            import redis

            client = redis.Redis.from_url(url)
            # Huey keeps the queue name with punctuation removed in its key names.
            name = "".join(c for c in self.env["SAMIZDAT_QUEUE_NAME"] if c.isalnum())
            keys = list(client.scan_iter(f"huey.*{name}*"))
            keys += client.scan_iter(f"samizdat-{self.env['SAMIZDAT_QUEUE_NAME']}:*")  # its cache and sessions
            if keys:
                client.delete(*keys)
            client.close()


def stop_group(process):
    """Stop `process` and everything it started (it leads a process group of its own): SIGTERM, then
    SIGKILL after 10 s. Signalling the group, not the leader alone, leaves no Granian process holding
    the port when `samizdat serve` is stopped midway through its start-up."""
    _signal_group(process, signal.SIGTERM)
    _reap_group(process)


def _signal_group(process, signum):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _reap_group(process):
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    # Whatever of the group is left: the leader, or a child whose parent has gone.
    _signal_group(process, signal.SIGKILL)
    process.wait()


def free_port():
    """A loopback port free now. Another process may take it before it is bound: servers started on it
    must be retried on another port when that happens (Instance.serve, tests.pages.front.start_nginx)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listens(port, host="127.0.0.1"):
    """Whether something accepts connections on `host`:`port`."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def answers(url):
    """Whether `url` answers 200 yet: a server still starting refuses, resets or times out."""
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def wait_for(predicate, *, timeout, interval=0.25):
    """Call `predicate` until it returns something true or `timeout` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def _admin_connection(url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )


# Migrating a new instance costs seconds of CPU (Django's start-up, every migration), and dozens of
# tests make instances: each test process migrates once per engine and copies the result.
_templates = {}


def _template(engine):
    """A database migrated by `samizdat migrate`, made once per test process: the SQLite file, or the
    name of the PostgreSQL database to use as a template."""
    if engine in _templates:
        return _templates[engine]
    folder = Path(tempfile.mkdtemp(prefix="samizdat-template-"))
    if engine == "sqlite":
        Instance(folder).run("migrate", "--verbosity", "0", timeout=600)
        _templates[engine] = folder / "samizdat.sqlite3"
        return _templates[engine]
    url = _postgres_url()
    name = f"samizdat_template_{secrets.token_hex(4)}"
    with _admin_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _templates[engine] = name  # dropped by drop_templates() even if migrating fails
    try:
        Instance(folder, database_url=url.rsplit("/", 1)[0] + "/" + name).run("migrate", "--verbosity", "0", timeout=600)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return name


def drop_templates():
    """Remove this process's migrated templates (at the end of the session)."""
    if name := _templates.pop("postgresql", None):
        with _admin_connection(_postgres_url()) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if path := _templates.pop("sqlite", None):
        shutil.rmtree(path.parent, ignore_errors=True)


@contextlib.contextmanager
def scratch_database(*, migrated=False):
    """A fresh database on the suite's engine: "" (SQLite in the data directory) or PostgreSQL, empty or
    (`migrated`) a copy of one `samizdat migrate` made. A migrated SQLite database is for the instance
    to copy: Instance.migrate()."""
    url = _postgres_url()
    if not url:
        yield ""
        return
    name = f"samizdat_scratch_{secrets.token_hex(4)}"
    template = f' TEMPLATE "{_template("postgresql")}"' if migrated else ""
    with _admin_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{template}')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with _admin_connection(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_database_url():
    """A fresh, migrated database on the suite's engine: "" (SQLite, copied in by Instance.migrate()) or
    PostgreSQL."""
    with scratch_database(migrated=True) as url:
        yield url


@pytest.fixture
def make_instance(tmp_path, scratch_database_url):
    """Make migrated instances (on the suite's engine, or SQLite if asked); stopped after the test."""
    made = []

    def make(*, redis_url="", sqlite=False):
        database_url = "" if sqlite else scratch_database_url
        instance = Instance(tmp_path / f"instance{len(made)}", database_url=database_url, redis_url=redis_url)
        instance.data_dir.mkdir()
        made.append(instance)
        instance.migrate()
        return instance

    yield make
    for instance in made:
        instance.stop()
        instance.forget_queue()
