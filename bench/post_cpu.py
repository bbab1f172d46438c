"""CPU time per post page, in-process: no server, no load generator, so a busy machine barely
changes the figure (the CPU figure is the one to compare, before and after a change).

Makes a throwaway instance as `make bench` does (the demo, then bench/run.py's posts: one with 20
comments, one with 200), with the page store off (SAMIZDAT_PAGES=0), and reads each post page as an
anonymous reader through the WSGI application `samizdat serve` runs, one call each. Prints CPU
milliseconds per page for the post's stored parts and for the whole render per request
(SAMIZDAT_POST_FRAGMENTS=0); `--profile` adds cProfile's top functions of the whole render,
`--queries` its SQL, `--whole-only` skips the stored parts.

    .venv/bin/python bench/post_cpu.py [--renders 200] [--profile] [--queries] [--database-url postgres://...]
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--queries", action="store_true", help="print the SQL of one whole render")
    parser.add_argument("--whole-only", action="store_true", help="measure the whole render only")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()

    from bench.inprocess import demo_instance

    with demo_instance(args.database_url, "samizdat-post-cpu-", SAMIZDAT_PAGES="0") as (facts, wsgi):
        measure(args, facts, wsgi)


def measure(args, facts, wsgi):
    from django.test import RequestFactory, override_settings

    from bench.inprocess import HOST

    factory = RequestFactory()

    def call(path):
        status, body = wsgi(factory.get(path, **HOST).environ)
        assert status == 200, status
        return body

    engine = "PostgreSQL" if args.database_url else "SQLite"
    for label, fragments in (("stored parts", True), ("whole render per request", False))[args.whole_only:]:
        with override_settings(SAMIZDAT_POST_FRAGMENTS=fragments):
            for name in ("post", "post200"):
                path = facts.get(name)
                if not path:
                    continue
                for _ in range(5):
                    size = len(call(path))
                profiler = cProfile.Profile(time.process_time) if args.profile and not fragments else None
                if profiler:
                    profiler.enable()
                cpu = time.process_time()
                for _ in range(args.renders):
                    call(path)
                cpu = time.process_time() - cpu
                if profiler:
                    profiler.disable()
                comments = facts["comments" if name == "post" else "comments200"]
                print(f"{engine}, {label}, {comments} comments: {cpu * 1000 / args.renders:.2f} ms CPU per page "
                      f"({size} bytes)", flush=True)
                if profiler:
                    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
                if args.queries and not fragments:
                    from django.db import connection
                    from django.test.utils import CaptureQueriesContext

                    with CaptureQueriesContext(connection) as queries:
                        call(path)
                    print(len(queries.captured_queries), "queries")
                    for q in queries.captured_queries:
                        print("  ", q["sql"][:300])


if __name__ == "__main__":
    main()
