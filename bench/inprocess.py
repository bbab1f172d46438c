"""A throwaway instance inside this process, for the in-process CPU benchmarks (bench/comment_cpu.py,
bench/post_cpu.py): no server and no load generator, so a busy machine barely changes the figure.

The instance is the one `make bench` makes (the demo, then bench/run.py's posts: one with 20
comments, one with 200, and an open thread), with the comment rate limits raised, on SQLite in a
temporary folder, or with `database_url` in a throwaway PostgreSQL database created and dropped as
bench/run.py does.
"""

import contextlib
import io
import os
import tempfile
from contextlib import redirect_stdout

# What a request through the instance's own address carries.
HOST = {"HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1"}


@contextlib.contextmanager
def demo_instance(database_url, prefix, **env):
    """Django set up on a fresh instance, with `env` added to its settings: yields (facts, call), where
    `facts` are bench/run.py's PREPARE facts and `call(environ)` -> (status, body) goes through the
    WSGI application `samizdat serve` runs."""
    from bench.run import PREPARE, ThrowawayDatabase

    with contextlib.ExitStack() as stack:
        if database_url:
            database_url = stack.enter_context(ThrowawayDatabase(database_url)).url
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix))
        os.environ.pop("REDIS_URL", None)
        os.environ.update(
            SAMIZDAT_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="samizdat.config.settings",
            SAMIZDAT_TRUSTED_PROXIES="127.0.0.1", SAMIZDAT_COMMENT_MIN_SECONDS="0", DATABASE_URL=database_url, **env,
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        # Closed before the throwaway database is dropped (the stack unwinds in reverse).
        stack.callback(connections.close_all)
        with redirect_stdout(io.StringIO()):
            call_command("migrate", verbosity=0)
            call_command("demo")
        out = io.StringIO()
        with redirect_stdout(out):
            exec(PREPARE, {})
        facts = dict(line.split(" ", 1) for line in out.getvalue().strip().splitlines())

        from samizdat.config.wsgi import application

        def call(environ):
            answer = {}

            def start_response(status, headers, exc_info=None):
                answer["status"] = int(status.split()[0])

            body = b"".join(application(environ, start_response))
            return answer["status"], body

        yield facts, call
