"""CPU time per guest comment, in-process: no server, no load generator, so a busy machine barely
changes the figure (wall time is shown too, but the CPU figure is the one to compare).

Makes a throwaway instance as `make bench` does (the demo, then bench/run.py's posts, the same
trusted front server address), loads the comment post's page once through the WSGI application
`samizdat serve` runs, then sends guest comments to it, one WSGI call each, from 8 "readers"
in turn. Prints CPU milliseconds per comment; `--profile` adds cProfile's top functions.

    .venv/bin/python bench/comment_cpu.py [--comments 300] [--profile] [--database-url postgres://...]

With `--database-url` (or DATABASE_URL) the instance lives on that PostgreSQL server, in a throwaway
database created and dropped as bench/run.py does.
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--wall", action="store_true", help="profile wall time instead of CPU time")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--queries", action="store_true", help="print the SQL of one comment")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    from bench.inprocess import demo_instance

    with demo_instance(args.database_url, "samizdat-comment-cpu-") as (facts, call):
        measure(args, facts, call)


def measure(args, facts, call):
    from django.test import RequestFactory

    from bench.inprocess import HOST as host

    factory = RequestFactory()
    status, html = call(factory.get(facts["target"], **host).environ)
    assert status == 200, status
    started = re.search(rb'name="started" value="([^"]+)"', html).group(1).decode()
    blog_slug = facts["home"].strip("/").lstrip("@")
    action = f"/@{blog_slug}/comments/{facts['target_pk']}/"

    def post(n):
        # Each comment another reader's, as in bench/comments.lua: own address (forwarded by a
        # trusted front server), own email, unique body.
        data = {
            "name": f"Reader {n}", "email": f"reader-{n}@example.org", "homepage": "",
            "body": f"Comment {n}: the night shift stands with the cleaners.",
            "nonce": f"cpu-{n}", "started": started,
        }
        # Form-encoded, as a browser (and bench/run.py) sends it.
        environ = factory.post(
            action, urlencode(data), "application/x-www-form-urlencoded", HTTP_REFERER="http://127.0.0.1:8000" + facts["target"],
            HTTP_X_FORWARDED_FOR=f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 1}", **host,
        ).environ
        status, _ = call(environ)
        assert status == 303, status

    for n in range(args.warmup):
        post(n)
    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            post(args.warmup)
        args.warmup += 1
        for q in queries.captured_queries:
            print(q["time"], q["sql"][:400])
    profiler = cProfile.Profile(time.perf_counter if args.wall else time.process_time) if args.profile else None
    server = server_cpu(args.database_url)
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for n in range(args.warmup, args.warmup + args.comments):
        post(n)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server = server_cpu(args.database_url) - server

    from samizdat.comments.models import Comment

    stored = Comment.objects.filter(post_id=facts["target_pk"]).count()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{engine}: {args.comments} comments, {cpu * 1000 / args.comments:.2f} ms CPU and "
          f"{wall * 1000 / args.comments:.2f} ms wall per comment; {stored} stored "
          f"({args.warmup + args.comments} sent)")
    if args.database_url:
        print(f"PostgreSQL's own processes on this machine: {server * 1000 / args.comments:.2f} ms CPU per comment")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


def server_cpu(database_url):
    """CPU seconds used so far by every PostgreSQL process on this machine (0 without one)."""
    if not database_url:
        return 0.0
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if fields[0].split("(", 1)[1].startswith("postgres"):
            total += sum(int(v) for v in fields[1].split()[11:13])
    return total / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
