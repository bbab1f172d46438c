"""`make bench`: how many readers one small machine serves, measured with wrk on loopback.

Makes a throwaway instance (temporary data directory, embedded SQLite), loads the demo and a
600-word post, starts `samizdat serve --workers 2` (Granian), warms it up, then runs Debian's
`wrk` against the post page, the blog home and the blog's RSS feed. For scale, nginx (if
installed: `apt install nginx-light`) serves the same post page's bytes as a static file.
Prints a table and writes it to bench/results/latest.md. Every server it starts, it stops.

    .venv/bin/python bench/run.py [--duration 10] [--connections 16] [--threads 2]
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "latest.md"

# Runs inside `samizdat shell`: the 600-word post, and the paths to measure.
PREPARE = textwrap.dedent('''
    from django.urls import reverse
    from samizdat.blogs.models import Blog
    from samizdat.demo import services as demo
    from samizdat.posts.models import Post
    from samizdat.posts.services import publish_post, terms_from_names

    # The demo's own long report when it has one, else a post of about 600 words of our own.
    blog_slug, post_slug = getattr(demo, "REPORT", ("", ""))
    post = Post.objects.live().filter(blog__slug=blog_slug, slug=post_slug).first()
    if post is None:
        blog = Blog.objects.order_by("pk").first()
        author = blog.memberships.order_by("pk").first().user
        sentence = ("Dockers on the night shift counted {n} cranes idle while the port authority "
                    "argued over the contract, and the union kept a careful record of every hour. ")
        paragraphs = [sentence.format(n=2 * p) + sentence.format(n=2 * p + 1) for p in range(11)]
        source = "\\n\\n".join(
            (f"## Part {p // 4 + 1}\\n\\n" if p % 4 == 0 else "") + text for p, text in enumerate(paragraphs)
        )
        post = Post(blog=blog, author=author, title="Night shift at the port", source=source)
        post = publish_post(post, editor=author)
        post.tags.set(terms_from_names(blog, ["port", "night shift", "contracts"]))
    print("words", len(post.source.split()))
    print("post", post.get_absolute_url())
    print("home", reverse("posts:blog_home", kwargs={"blog_slug": post.blog.slug}))
    print("rss", reverse("feeds:blog_rss", kwargs={"blog_slug": post.blog.slug}))
''')

NGINX_CONF = """
daemon off;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location / {{ default_type "text/html; charset=utf-8"; try_files /post.html =404; }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with status {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            sys.exit(f"{url} answered {error.code}")
        except OSError:
            time.sleep(0.2)
    sys.exit(f"no answer from {url} after {timeout} s")


def stop(process):
    """Stop a server started in its own session, and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_wrk(url, *, duration, connections, threads):
    """requests/s, p50 and p99 latency (ms), and failed responses, as wrk measured them."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency", url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if set(latency) != {"50", "99"} or "Requests/sec:" not in out:
        sys.exit(f"could not read wrk's output for {url}:\n{out}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {
        "rps": float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": errors,
    }


def warm_up(url, *, seconds=2, connections=4):
    subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, check=True)


def machine():
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.python_implementation()} {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10; at most 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes")
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        sys.exit("make bench needs Debian's wrk: apt install wrk")
    samizdat = [sys.executable, "-m", "samizdat"]
    load_before = os.getloadavg()[0]
    if load_before > 0.5 * os.cpu_count():
        print(f"warning: the machine is busy (load average {load_before:.1f}): low figures", flush=True)
    wrk_options = dict(duration=args.duration, connections=args.connections, threads=args.threads)

    with tempfile.TemporaryDirectory(prefix="samizdat-bench-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(SAMIZDAT_DATA_DIR=str(tmp / "data"), DJANGO_SETTINGS_MODULE="samizdat.config.settings")

        print("--- preparing a throwaway instance (SQLite) with the demo and a 600-word post", flush=True)
        subprocess.run([*samizdat, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        subprocess.run([*samizdat, "demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        prepared = subprocess.run(
            [*samizdat, "shell", "--no-imports", "-c", PREPARE], env=env, cwd=ROOT, check=True,
            capture_output=True, text=True,
        ).stdout
        facts = dict(line.split(" ", 1) for line in prepared.strip().splitlines())

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*samizdat, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True,
        )
        nginx = None
        rows = []
        try:
            post_html = wait_until_up(base + facts["post"], server)
            targets = [("post page", facts["post"]), ("blog home", facts["home"]), ("RSS feed", facts["rss"])]
            for name, path in targets:
                print(f"--- {name}: {path}", flush=True)
                warm_up(base + path)
                rows.append((f"{name} (`{path}`)", run_wrk(base + path, **wrk_options)))
        finally:
            stop(server)

        if shutil.which("nginx"):
            # nginx's workers run as an unprivileged user: let them into the temporary directory.
            tmp.chmod(0o711)
            (tmp / "nginx" / "www").mkdir(parents=True)
            (tmp / "nginx" / "tmp").mkdir()
            (tmp / "nginx" / "www" / "post.html").write_bytes(post_html)
            nginx_port = free_port()
            conf = tmp / "nginx" / "nginx.conf"
            conf.write_text(NGINX_CONF.format(dir=tmp / "nginx", port=nginx_port, workers=args.workers))
            nginx = subprocess.Popen(
                ["nginx", "-c", str(conf), "-p", str(tmp / "nginx")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
            try:
                wait_until_up(f"http://127.0.0.1:{nginx_port}/", nginx)
                print("--- nginx, the same post page as a static file", flush=True)
                warm_up(f"http://127.0.0.1:{nginx_port}/")
                result = run_wrk(f"http://127.0.0.1:{nginx_port}/", **wrk_options)
                rows.append(("nginx: the post page's bytes as a static file", result))
            finally:
                stop(nginx)

    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}: "
        f"`samizdat serve --workers {args.workers}` "
        f"(Granian, SQLite), wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback, "
        f"wrk and the server sharing the machine (load average {load_before:.1f} before the run). "
        f"The post has {facts['words']} words and no comments "
        "(the target page has 20: the bench should add them now that comments exist).",
        "",
        "| target | requests/s | p50 latency | p99 latency | failed |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        lines.append(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['errors']} |")
    if nginx is not None:
        ratio = rows[0][1]["rps"] / rows[-1][1]["rps"]
        lines += ["", f"The post page runs at {ratio:.1%} of nginx's static-file rate for the same bytes."]
    else:
        lines += ["", "nginx is not installed (`apt install nginx-light`), so there is no static baseline."]
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print()
    print(report)
    print(f"(written to {RESULTS.relative_to(ROOT)})")
    if any(r["errors"] for _, r in rows):
        sys.exit("some requests failed: see the table")


if __name__ == "__main__":
    main()
