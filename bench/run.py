"""`make bench`: how many readers one small machine serves, measured with wrk on loopback.

Makes a throwaway instance (temporary data directory, embedded SQLite), loads the demo and a
600-word post carrying 20 approved comments (the same words again with 200), starts `samizdat serve
--workers 2` (Granian), warms it up, then runs Debian's `wrk` against both post pages, the blog
home and the blog's RSS feed as an anonymous reader (stored pages, docs/performance.md). With
nginx installed (`apt install nginx-light`) it then measures the documented production topology,
deploy/nginx.conf in front of the same server, and, as the baseline every figure is compared to,
nginx serving the 20-comment post page's bytes as a plain static file. Then 8 clients post
comments to a third post at once for a few seconds: the post page is read once for the form's
fields, then wrk runs bench/comments.lua, 8 keep-alive connections each sending guest comments one
after another, each from another reader (its own address, forwarded as nginx would with
SAMIZDAT_TRUSTED_PROXIES=127.0.0.1, and its own email), every body unique, so the default rate
limits apply and refuse none (SAMIZDAT_COMMENT_MIN_SECONDS=0: none is held for being sent fast, so
every one changes the page); a comment is accepted when the answer is a 303,
any other answer or socket error counts as failed. The comments stored are counted against the
comments accepted: each accepted one stored exactly once (distinct nonces), and beyond them at
most the few requests wrk left unanswered when it stopped. wrk's own CPU time per comment is
printed too, since it shares the cores with the server; with `--database-url` (or DATABASE_URL) pointing at a PostgreSQL
server, the same again on a throwaway database the bench creates there and drops afterwards (the
database the address names is only connected to). Last, the server again with every cache off (SAMIZDAT_PAGES=0;
Samizdat uses no Django cache): the post pages from their parts stored as rows, computed on write
like the posts' rendered Markdown; then those off too (SAMIZDAT_POST_FRAGMENTS=0), the whole page
rendered for each request. `bench/post_cpu.py` gives both as CPU time per page, in-process. Prints a table with each figure as a share
of the static baseline and writes it to bench/results/latest.md. Every server it starts, it stops.

Then portability (issue 7): a WordPress export of 10,000 posts and 100,000 comments is generated
as a stream (bench/wxrgen.py), imported into another throwaway instance with `samizdat import-wxr`
and mirrored with `samizdat mirror`; each command's wall time and peak memory (its maximum
resident set, from wait4) go in a second table. This part takes minutes; `--import-posts` and
`--import-comments` make it smaller, `--portability-only` runs just it, `--no-portability` skips it.

Then federation fan-out (issue 8, target 5): a blog with 10,000 followers on 2,000 servers (remote
actors stored directly in a third throwaway instance), the servers' shared inboxes simulated on
loopback by bench/inboxes.py (one asyncio loop, 2,000 ports, every request's signature checked
against the blog's key). A post is published through the REST API of `samizdat serve` and
delivered by `samizdat worker` with 1, 2 and 4 threads; the table gives the writer's request time,
the time until the last server had it, each server's count (exactly once), failures, and the
worker's peak memory, also for a blog of 1,000 followers on 200 servers (memory flat in
followers). `--fanout-only` runs just it, `--no-fanout` skips it, `--fanout-followers 1000
--fanout-servers 200` makes it small. It is written to bench/results/fanout.md as well.

    .venv/bin/python bench/run.py [--duration 10] [--connections 16] [--threads 2]
    .venv/bin/python bench/run.py --portability-only --import-posts 200 --import-comments 5   # a smoke run
    .venv/bin/python bench/run.py --fanout-only --fanout-followers 1000 --fanout-servers 200   # a smoke run
    .venv/bin/python bench/run.py --comments-only --database-url postgres://postgres@127.0.0.1/postgres
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "latest.md"
FANOUT_RESULTS = ROOT / "bench" / "results" / "fanout.md"
sys.path.insert(0, str(ROOT))
from bench.wxrgen import write_wxr  # noqa: E402

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

    # Comments go in through the comments app's own intake, as readers' comments would, on a blog
    # that publishes them at once; every fifth starts a thread and the others reply down it.
    from samizdat.comments import services as comments
    from samizdat.comments.models import Policy

    blog, author = post.blog, post.author
    discussion = comments.settings_for(blog)
    discussion.policy, discussion.notify_authors = Policy.OPEN, False
    comments.save_settings(discussion)
    names = ["Jo Hartley", "Sam Okoro", "Dana Reyes", "Lee Walsh", "Ruth Amadi", "Kit Morgan", "Ann Price"]

    def add_comments(target, total):
        parent = None
        start = comments.approved_comments(target).count()
        for n in range(start, total):
            submission = comments.Submission(
                body=(f"Comment {n} on the survey: on my shift the thermometer by bay {n % 40} read "
                      f"{30 + n % 9} degrees by noon, and the water fountain on the mezzanine has been "
                      f"broken since week {n % 52}. Thank you for writing this up; I will bring it to the "
                      "next branch meeting and ask the reps what happens if the company says no."),
                name=names[n % len(names)], email=f"reader{n}.{target.pk}@example.org",
                parent_id=None if n % 5 == 0 else parent, nonce=f"bench-{target.pk}-{n}", elapsed=60.0,
            )
            comment, _ = comments.submit_comment(target, submission)
            parent = comment.pk
        return comments.approved_comments(target).count()

    long_thread = Post.objects.filter(blog=blog, slug="bench-200-comments").first() or publish_post(
        Post(blog=blog, author=author, title=post.title + " (200 comments)", slug="bench-200-comments",
             source=post.source), editor=author,
    )
    target = Post.objects.filter(blog=blog, slug="bench-comment-posting").first() or publish_post(
        Post(blog=blog, author=author, title="Open thread", slug="bench-comment-posting",
             source="Tell us how the shift went."), editor=author,
    )
    # Read the posts again: their blog object remembers it had no comment settings.
    post, long_thread, target = (Post.objects.select_related("blog").get(pk=p.pk) for p in (post, long_thread, target))
    print("words", len(post.source.split()))
    print("comments", add_comments(post, 20))
    print("post", post.get_absolute_url())
    print("comments200", add_comments(long_thread, 200))
    print("post200", long_thread.get_absolute_url())
    print("target", target.get_absolute_url())
    print("target_pk", target.pk)
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
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location / {{ default_type "text/html; charset=utf-8"; try_files /post.html =404; }}
    }}
    include {dir}/samizdat.conf;
}}
"""


def samizdat_nginx_conf(data_dir, app_port, port):
    """deploy/nginx.conf, as shipped, pointed at this instance."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("/var/lib/samizdat", str(data_dir)).replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    return conf.replace("listen 80 default_server", f"listen 127.0.0.1:{port} default_server")


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


COUNT_COMMENTS = (
    "from samizdat.comments.models import Comment; "
    "print(Comment.objects.filter(post_id={pk}).count(), "
    "Comment.objects.filter(post_id={pk}).values('nonce').distinct().count())"
)


COMMENTS_LUA = ROOT / "bench" / "comments.lua"


def run_commenters(base, facts, *, clients, seconds):
    """Accepted comments per second from `clients` concurrent guests (wrk connections), as wrk measured them.

    The post page is read once for the form's fields; bench/comments.lua then makes each
    connection send comments one after another, every body unique. wrk's own CPU time is
    returned too (the load generator shares the machine with the server)."""
    blog_slug = facts["home"].strip("/").lstrip("@")
    html = urllib.request.urlopen(base + facts["target"], timeout=30).read().decode()
    # A guest's form (a stored page) carries no CSRF token; see samizdat.core.csrf.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    fixed = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token.group(1) if token else "", "name": "A reader", "homepage": "", "started": re.search(r'name="started" value="([^"]+)"', html).group(1),
    })
    action = f"/@{blog_slug}/comments/{facts['target_pk']}/"
    threads = max(1, min(clients, os.cpu_count() or 1))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(COMMENTS_LUA),
         base + action, "--", action, fixed, base + facts["target"]],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = re.search(r"^bench (.*)$", out, re.M)
    if found is None:
        sys.exit(f"could not read wrk's output for comment posting:\n{out}")
    r = {key: int(value) for key, value in (pair.split("=") for pair in found.group(1).split())}
    return {
        "rps": r["accepted"] / (r["duration_us"] / 1e6),
        "p50": r["p50_us"] / 1000, "p99": r["p99_us"] / 1000,
        "errors": r["refused"] + r["socket_errors"],
        "accepted": r["accepted"],
        # Sent when wrk stopped, never answered: the server may still have stored them.
        "in_flight": r["sent"] - r["answered"],
        "client_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    }


def prepare_instance(samizdat, env, engine):
    """Migrate a fresh instance, load the demo and bench posts: the facts PREPARE prints."""
    print(f"--- preparing a throwaway instance ({engine}): the demo, a 600-word post with 20 and with 200 comments", flush=True)
    subprocess.run([*samizdat, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*samizdat, "demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    prepared = subprocess.run(
        [*samizdat, "shell", "--no-imports", "-c", PREPARE], env=env, cwd=ROOT, capture_output=True, text=True,
    )
    if prepared.returncode:
        sys.exit(f"preparing the instance failed:\n{prepared.stderr[-3000:]}")
    return dict(line.split(" ", 1) for line in prepared.stdout.strip().splitlines())


class ThrowawayDatabase:
    """A fresh PostgreSQL database on the server `url` names, dropped on exit; `.url` reaches it."""

    def __init__(self, url):
        import psycopg  # only the PostgreSQL part needs it

        self.psycopg, self.server = psycopg, url
        self.name = f"samizdat_bench_{os.getpid()}"
        self.url = urllib.parse.urlsplit(url)._replace(path="/" + self.name).geturl()

    def _run(self, sql):
        with self.psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self):
        self._run(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._run(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def measure_comment_posting(samizdat, env, facts, port, args):
    """Comment posting against a server of its own: accepted comments/s, and stored against accepted."""
    base = f"http://127.0.0.1:{port}"
    server = start_server(samizdat, port, args.workers, env)
    try:
        wait_until_up(base + facts["target"], server)
        print(f"--- comment posting: {args.commenters} clients for {args.duration} s", flush=True)
        posting = run_commenters(base, facts, clients=args.commenters, seconds=args.duration)
    finally:
        stop(server)
    total, distinct = subprocess.run(
        [*samizdat, "shell", "--no-imports", "-c", COUNT_COMMENTS.format(pk=facts["target_pk"])],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    posting["stored"], posting["distinct"] = int(total), int(distinct)
    # Every accepted comment stored once; beyond them, at most the requests wrk left unanswered.
    extra = posting["stored"] - posting["accepted"]
    if extra < 0 or extra > posting["in_flight"]:
        posting["errors"] += abs(extra)
    posting["errors"] += posting["stored"] - posting["distinct"]
    return posting


def postgresql_comment_posting(tmp, env, samizdat, port, args):
    """The comment-posting measurement on a throwaway PostgreSQL database."""
    with ThrowawayDatabase(args.database_url) as database:
        env = dict(env, DATABASE_URL=database.url, SAMIZDAT_DATA_DIR=str(tmp / "postgresql"))
        facts = prepare_instance(samizdat, env, "PostgreSQL")
        return facts, measure_comment_posting(samizdat, env, facts, port, args)


def posting_sentence(engine, posting):
    return (f"{engine}: {posting['accepted']} accepted, {posting['stored']} stored "
            f"({posting['distinct']} distinct; {posting['in_flight']} sent but unanswered when wrk stopped), "
            f"wrk's CPU {posting['client_cpu'] * 1000 / max(1, posting['accepted']):.2f} ms per comment")


def start_server(samizdat, port, workers, env):
    return subprocess.Popen(
        [*samizdat, "serve", "--port", str(port), "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True,
    )


def start_nginx(tmp, post_html, app_port, workers):
    """nginx with the static baseline and deploy/nginx.conf in front of the app: (process, ports)."""
    # nginx's workers run as an unprivileged user: let them into the temporary directory.
    tmp.chmod(0o711)
    (tmp / "nginx" / "www").mkdir(parents=True, exist_ok=True)
    (tmp / "nginx" / "tmp").mkdir(exist_ok=True)
    (tmp / "nginx" / "www" / "post.html").write_bytes(post_html)
    static_port, samizdat_port = free_port(), free_port()
    (tmp / "nginx" / "samizdat.conf").write_text(samizdat_nginx_conf(tmp / "data", app_port, samizdat_port))
    conf = tmp / "nginx" / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=tmp / "nginx", port=static_port, workers=workers))
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(tmp / "nginx"), "-e", str(tmp / "nginx" / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{static_port}/", nginx)
    return nginx, static_port, samizdat_port


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


def timed(command, env):
    """Run a command to its end; (seconds, peak resident memory in MB), or exit with its output."""
    log = tempfile.TemporaryFile()
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        log.seek(0)
        sys.exit(f"{' '.join(command[2:4])} failed:\n{log.read().decode(errors='replace')[-3000:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def measure_portability(tmp, env, samizdat, *, posts, comments_per_post):
    """Import a generated WXR of `posts` posts with `comments_per_post` comments each, then mirror the blog."""
    env = {**env, "SAMIZDAT_DATA_DIR": str(tmp / "portability")}
    subprocess.run([*samizdat, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    wxr = tmp / "generated.xml"
    with open(wxr, "wb") as out:
        size = write_wxr(out, posts, comments_per_post)
    print(f"--- import: {posts:,} posts, {posts * comments_per_post:,} comments, {size / 1e6:.0f} MB of WXR", flush=True)
    import_s, import_mb = timed([*samizdat, "import-wxr", str(wxr), "--blog", "imported", "--no-media"], env)
    counts = subprocess.run(
        [*samizdat, "shell", "--no-imports", "-c",
         "from samizdat.comments.models import Comment; from samizdat.posts.models import Post; "
         "print(Post.objects.filter(blog__slug='imported').count(), "
         "Comment.objects.filter(post__blog__slug='imported').count())"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    print("--- mirror of the imported blog", flush=True)
    mirror_dir = tmp / "mirror"
    mirror_s, mirror_mb = timed([*samizdat, "mirror", "--blog", "imported", str(mirror_dir)], env)
    files = [p for p in mirror_dir.rglob("*") if p.is_file()]
    return {
        "posts": posts, "comments": posts * comments_per_post, "size": size,
        "stored_posts": int(counts[0]), "stored_comments": int(counts[1]),
        "import_s": import_s, "import_mb": import_mb, "mirror_s": mirror_s, "mirror_mb": mirror_mb,
        "mirror_files": len(files), "mirror_bytes": sum(p.stat().st_size for p in files),
    }


def portability_report(p):
    ok = p["stored_posts"] == p["posts"] and p["stored_comments"] == p["comments"]
    return [
        "",
        f"Portability: a generated WordPress export of {p['posts']:,} posts and {p['comments']:,} comments "
        f"({p['size'] / 1e6:.0f} MB) imported with `samizdat import-wxr --no-media` into a fresh SQLite "
        f"instance ({p['stored_posts']:,} posts and {p['stored_comments']:,} comments stored"
        f"{'' if ok else ': NOT what the file holds'}), then mirrored with `samizdat mirror` "
        f"({p['mirror_files']:,} files, {p['mirror_bytes'] / 1e6:.0f} MB). Peak memory is the command's "
        "maximum resident set.",
        "",
        "| task | time | per item | peak memory |",
        "| --- | ---: | ---: | ---: |",
        f"| import | {p['import_s']:,.1f} s | {p['import_s'] * 1000 / (p['posts'] + p['comments']):.2f} ms per post or comment "
        f"| {p['import_mb']:,.0f} MB |",
        f"| mirror | {p['mirror_s']:,.1f} s | {p['mirror_s'] * 1000 / max(1, p['mirror_files']):.2f} ms per file "
        f"| {p['mirror_mb']:,.0f} MB |",
    ]


# Runs inside `samizdat shell`: a writer with an API token, and blogs followed by remote actors
# stored directly (as Follow activities would have left them), spread over the loopback servers.
FANOUT_SETUP = textwrap.dedent('''
    import json
    from samizdat.accounts.services import create_user
    from samizdat.api.models import ALL_SCOPES
    from samizdat.api.tokens import create_token
    from samizdat.blogs.services import create_blog
    from samizdat.federation import ids, keys
    from samizdat.federation.models import Follower, RemoteActor

    bases = json.loads(open({bases_file!r}).read())
    user = create_user("writer", "a long bench passphrase 42", email="writer@example.test")
    out = {{"token": create_token(user, name="bench", scopes=ALL_SCOPES)[1], "keys": {{}}}}
    for slug, followers, servers in {plan!r}:
        blog = create_blog(slug, slug.title(), owner=user)
        actors = RemoteActor.objects.bulk_create([
            RemoteActor(ap_id=f"{{bases[i % servers]}}/users/{{slug}}{{i}}", username=f"{{slug}}{{i}}",
                        inbox=f"{{bases[i % servers]}}/users/{{slug}}{{i}}/inbox",
                        shared_inbox=f"{{bases[i % servers]}}/inbox")
            for i in range(followers)
        ], batch_size=1000)
        Follower.objects.bulk_create(
            [Follower(blog=blog, actor=a, follow_id=a.ap_id + "#follow") for a in actors], batch_size=1000
        )
        out["keys"][ids.key_id(blog)] = keys.blog_key(blog).public_pem
    print(json.dumps(out))
''')
FANOUT_STATES = (
    "import collections, json; from samizdat.federation.models import Delivery; "
    "print(json.dumps(collections.Counter(Delivery.objects.filter(activity_id={activity!r}).values_list('state', flat=True))))"
)


def start_worker(samizdat, threads, env, log, *, periodic=True):
    """`samizdat worker` with `threads` threads, once it says it has started."""
    log.write_text("")
    worker = subprocess.Popen(
        [*samizdat, "worker", "--workers", str(threads), *([] if periodic else ["--no-periodic"])], env=env, cwd=ROOT,
        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while "consumer started" not in log.read_text().lower():
        if worker.poll() is not None or time.monotonic() > deadline:
            stop(worker)
            sys.exit(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return worker


def stop_measured(process):
    """Stop a process started in its own session; its peak resident memory in MB."""
    os.killpg(process.pid, signal.SIGTERM)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024


def publish_through_api(base, token, slug, title):
    """POST a published post to the REST API as its writer would; (seconds the request took, status)."""
    request = urllib.request.Request(
        f"{base}/api/v1/blogs/{slug}/posts", method="POST",
        data=json.dumps({"title": title, "source": "The strike committee met tonight. " * 40,
                         "status": "published"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - began, status


def measure_fanout(tmp, env, samizdat, *, followers, servers, worker_threads, processes):
    """Publish on blogs with `followers` remote followers on `servers` servers (and a tenth of
    both) and time the delivery by a worker of each number of threads in `worker_threads`, then
    by `processes` worker processes of one thread each."""
    from bench.inboxes import Inboxes

    data = tmp / "fanout"
    env = {
        **env, "SAMIZDAT_DATA_DIR": str(data), "SAMIZDAT_HTTP_ALLOWED_NETWORKS": "127.0.0.1/32"
    }
    data.mkdir()
    subprocess.run([*samizdat, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    small = (max(1, followers // 10), max(1, servers // 10))
    plan = [("wire", followers, servers), ("small", *small)]
    runs = [("small", 1, 1)] + [("wire", 1, n) for n in worker_threads]
    runs += [("wire", processes, 1)] if processes > 1 else []
    rows = []
    with Inboxes(servers) as inboxes:
        bases_file = tmp / "bases.json"
        bases_file.write_text(json.dumps(inboxes.bases()))
        print(f"--- fan-out: {followers:,} followers on {servers:,} loopback servers (and {small[0]:,} on "
              f"{small[1]:,})", flush=True)
        made = subprocess.run(
            [*samizdat, "shell", "--no-imports", "-c", FANOUT_SETUP.format(bases_file=str(bases_file), plan=plan)],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )
        if made.returncode:
            sys.exit(f"preparing the fan-out instance failed:\n{made.stderr[-3000:]}")
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        inboxes.keys.update(setup["keys"])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*samizdat, "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            wait_until_up(base + "/@wire/", server)
            for slug, processes, threads in runs:
                count, expected = {"wire": (followers, servers), "small": small}[slug]
                print(f"--- fan-out: {count:,} followers, {processes} worker(s) of {threads} thread(s)", flush=True)
                workers = [
                    start_worker(samizdat, threads, env, tmp / f"worker{n}.log", periodic=n == 0)
                    for n in range(processes)
                ]
                seen = {activity for activity, _inbox in inboxes.received}
                began = time.time()
                request_s, status = publish_through_api(base, setup["token"], slug, f"Fan-out, {threads} thread(s)")
                if status != 201:
                    for worker in workers:
                        stop(worker)
                    sys.exit(f"publishing through the API answered {status}")
                # Wait for every server, or for a minute without progress.
                progress, last_count = time.monotonic(), 0
                while True:
                    new = {a for a, _i in list(inboxes.received)} - seen
                    got = inboxes.deliveries(next(iter(new))) if len(new) == 1 else {}
                    if len(got) >= expected or len(new) > 1:
                        break
                    if len(got) > last_count:
                        progress, last_count = time.monotonic(), len(got)
                    elif time.monotonic() - progress > 60:
                        break
                    time.sleep(0.2)
                done_s = inboxes.last_at - began
                peak_mb = max(stop_measured(worker) for worker in workers)
                activity = next(iter(new)) if len(new) == 1 else ""
                states = json.loads(subprocess.run(
                    [*samizdat, "shell", "--no-imports", "-c", FANOUT_STATES.format(activity=activity)],
                    env=env, cwd=ROOT, check=True, capture_output=True, text=True,
                ).stdout)
                rows.append({
                    "followers": count, "servers": expected, "processes": processes, "threads": threads, "request_s": request_s,
                    "done_s": done_s, "servers_reached": len(got),
                    "once": sum(1 for n in got.values() if n == 1), "twice": sum(1 for n in got.values() if n > 1),
                    "failed": sum(n for state, n in states.items() if state != "delivered"),
                    "activities": len(new), "peak_mb": peak_mb,
                })
                print(f"    request {request_s * 1000:.0f} ms, all delivered after {done_s:.1f} s, "
                      f"{len(got):,}/{expected:,} servers, peak {peak_mb:.0f} MB", flush=True)
        finally:
            stop(server)
        refused = dict(inboxes.refused)
    return {"rows": rows, "refused": refused}


def fanout_report(f, load):
    lines = [
        "",
        f"Federation fan-out: a post published through `POST /api/v1/blogs/<blog>/posts` (`samizdat serve`, "
        f"SQLite, its queue in SQLite) and delivered by `samizdat worker` to the shared inbox of each "
        f"follower's server, simulated on loopback by one asyncio process (bench/inboxes.py) that checks "
        f"every request's signature against the blog's key (load average {load:.1f} before the run; the "
        f"receivers share the machine). Signatures refused by the receivers: "
        f"{sum(f['refused'].values())}{' ' + json.dumps(f['refused']) if f['refused'] else ''}.",
        "",
        "| followers | servers | workers (processes × threads) | writer's request | all delivered after | deliveries/s "
        "| servers reached once | failed | peak memory per worker |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in f["rows"]:
        twice = f" ({r['twice']} more than once)" if r["twice"] else ""
        lines.append(
            f"| {r['followers']:,} | {r['servers']:,} | {r['processes']} × {r['threads']} | {r['request_s'] * 1000:.0f} ms "
            f"| {r['done_s']:.1f} s | {r['servers_reached'] / max(r['done_s'], 0.001):,.0f} "
            f"| {r['once']:,} of {r['servers']:,}{twice} | {r['failed']} | {r['peak_mb']:.0f} MB |"
        )
    return lines


def write_fanout(report, show=True):
    FANOUT_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    FANOUT_RESULTS.write_text(f"Measured {datetime.date.today().isoformat()} on {machine()}.\n\n{report}")
    if show:
        print()
        print(report)
        print(f"(written to {FANOUT_RESULTS.relative_to(ROOT)})")


def fanout_failed(f):
    return any(
        r["once"] != r["servers"] or r["twice"] or r["failed"] or r["activities"] != 1 for r in f["rows"]
    ) or bool(f["refused"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run and for comment posting (10; at most 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="Granian worker processes")
    parser.add_argument("--commenters", type=int, default=8, help="concurrent clients posting comments")
    parser.add_argument("--import-posts", type=int, default=10_000, help="posts in the generated WXR (10,000)")
    parser.add_argument("--import-comments", type=int, default=10, help="comments per post (10: 100,000 in all)")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server (postgres://...) to measure comment posting on as well, in a database "
             "the bench creates and drops (default: DATABASE_URL)",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--comments-only", action="store_true", help="only comment posting (SQLite, and PostgreSQL if given)")
    which.add_argument("--portability-only", action="store_true", help="only the import and mirror figures")
    which.add_argument("--no-portability", action="store_true", help="skip the import and mirror figures")
    which.add_argument("--fanout-only", action="store_true", help="only the federation fan-out figures")
    parser.add_argument("--no-fanout", action="store_true", help="skip the federation fan-out figures")
    parser.add_argument("--fanout-followers", type=int, default=10_000, help="followers of the blog (10,000)")
    parser.add_argument("--fanout-servers", type=int, default=2_000, help="servers they are on (2,000)")
    parser.add_argument("--fanout-workers", default="1,2,4", help="worker threads to measure with (1,2,4)")
    parser.add_argument("--fanout-processes", type=int, default=2,
                        help="then this many worker processes of one thread (2; 1 to skip)")
    args = parser.parse_args()
    args.fanout_workers = [int(n) for n in args.fanout_workers.split(",")]
    args.duration = max(1, min(args.duration, 10))
    if not (args.portability_only or args.fanout_only) and not shutil.which("wrk"):
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
        # Comment posting: many readers behind a front server on loopback, each comment published
        # at once (none held for coming sooner than SAMIZDAT_COMMENT_MIN_SECONDS after the page).
        env.update(SAMIZDAT_TRUSTED_PROXIES="127.0.0.1", SAMIZDAT_COMMENT_MIN_SECONDS="0")

        if args.fanout_only:
            fanout = measure_fanout(tmp, env, samizdat, followers=args.fanout_followers,
                                    servers=args.fanout_servers, worker_threads=args.fanout_workers,
                                    processes=args.fanout_processes)
            report = "\n".join(fanout_report(fanout, load_before)[1:]) + "\n"
            write_fanout(report)
            if fanout_failed(fanout):
                sys.exit("some deliveries failed, were refused or arrived more than once: see the table")
            return

        if args.portability_only:
            figures = measure_portability(
                tmp, env, samizdat, posts=args.import_posts, comments_per_post=args.import_comments
            )
            report = "\n".join(portability_report(figures)[1:]) + "\n"
            print()
            print(report)
            if figures["stored_posts"] != figures["posts"] or figures["stored_comments"] != figures["comments"]:
                sys.exit("the import stored other counts than the file holds")
            return

        facts = prepare_instance(samizdat, env, "SQLite")
        port = free_port()
        if args.comments_only:
            rows = [("comment posting, SQLite, accepted comments/s", measure_comment_posting(samizdat, env, facts, port, args))]
            sentences = [posting_sentence("SQLite", rows[0][1])]
            if args.database_url:
                _pg_facts, posting = postgresql_comment_posting(tmp, env, samizdat, port, args)
                rows.append(("comment posting, PostgreSQL, accepted comments/s", posting))
                sentences.append(posting_sentence("PostgreSQL", posting))
            print()
            print(f"{args.commenters} clients for {args.duration} s, `samizdat serve --workers {args.workers}`, "
                  f"load average {load_before:.1f} before the run; " + "; ".join(sentences) + ".")
            print()
            print("| target | comments/s | p50 latency | p99 latency | failed |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, r in rows:
                print(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['errors']} |")
            if any(r["errors"] for _, r in rows):
                sys.exit("some comments failed, or stored comments do not match accepted ones")
            return

        base = f"http://127.0.0.1:{port}"
        targets = [
            (f"post page, {facts['comments']} comments", facts["post"]),
            (f"post page, {facts['comments200']} comments", facts["post200"]),
            ("blog home", facts["home"]),
            ("RSS feed", facts["rss"]),
        ]
        rows, baseline = [], None

        def measure(label, url):
            print(f"--- {label}", flush=True)
            warm_up(url)
            rows.append((label, run_wrk(url, **wrk_options)))
            return rows[-1][1]

        server = start_server(samizdat, port, args.workers, env)
        nginx = None
        try:
            post_html = wait_until_up(base + facts["post"], server)
            for name, path in targets:
                measure(f"samizdat serve, anonymous: {name} (`{path}`)", base + path)
            if shutil.which("nginx"):
                nginx, nginx_port, samizdat_port = start_nginx(tmp, post_html, port, args.workers)
                for name, path in targets:
                    measure(f"nginx + samizdat serve, anonymous: {name}", f"http://127.0.0.1:{samizdat_port}{path}")
                baseline = measure(
                    "nginx: the 20-comment post page's bytes as a plain static file",
                    f"http://127.0.0.1:{nginx_port}/",
                )
        finally:
            if nginx is not None:
                stop(nginx)
            stop(server)
        posting = measure_comment_posting(samizdat, env, facts, port, args)
        rows.append((f"comment posting, SQLite, accepted comments/s (`{facts['target']}`)", posting))
        sentences = [posting_sentence("SQLite", posting)]
        if args.database_url:
            _pg_facts, pg_posting = postgresql_comment_posting(tmp, env, samizdat, port, args)
            rows.append(("comment posting, PostgreSQL, accepted comments/s", pg_posting))
            sentences.append(posting_sentence("PostgreSQL", pg_posting))

        # Every cache off: Django answers every request (no stored pages; Samizdat keeps nothing in
        # Django's cache), the post page from its parts stored as rows and computed on write, as the
        # post's Markdown is (issue 8, target 2); then those off too, the whole page per request.
        for label, extra in (
            ("every cache off (SAMIZDAT_PAGES=0), post parts computed on write", {}),
            ("whole render per request (SAMIZDAT_PAGES=0, SAMIZDAT_POST_FRAGMENTS=0)", {"SAMIZDAT_POST_FRAGMENTS": "0"}),
        ):
            server = start_server(samizdat, port, args.workers, dict(env, SAMIZDAT_PAGES="0", **extra))
            try:
                wait_until_up(base + facts["post"], server)
                for name, path in targets[:2]:
                    measure(f"{label}: {name}", base + path)
            finally:
                stop(server)

        figures = None
        if not args.no_portability:
            figures = measure_portability(
                tmp, env, samizdat, posts=args.import_posts, comments_per_post=args.import_comments
            )
        fanout = None
        if not args.no_fanout:
            fanout = measure_fanout(tmp, env, samizdat, followers=args.fanout_followers,
                                    servers=args.fanout_servers, worker_threads=args.fanout_workers,
                                    processes=args.fanout_processes)

    lines = [
        f"Measured {datetime.date.today().isoformat()} on {machine()}: "
        f"`samizdat serve --workers {args.workers}` "
        f"(Granian, SQLite), wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback, "
        f"wrk and the server sharing the machine (load average {load_before:.1f} before the run). "
        f"The post has {facts['words']} words and {facts['comments']} approved comments; the same words "
        f"carry {facts['comments200']} on the second post page. Comment posting: {args.commenters} wrk "
        f"connections for {args.duration} s (bench/comments.lua: the post page's form fields read once, "
        f"then guest comments one after another on each connection, each from another reader: its own "
        f"address through a trusted front server, its own email, a unique body, the default rate limits), each "
        f"engine on a server of its own; " + "; ".join(sentences) +
        "; its latencies are per comment, as wrk measured them.",
        "",
        "| target | requests/s | vs nginx static | p50 latency | p99 latency | failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        share = f"{r['rps'] / baseline['rps']:.1%}" if baseline else "–"
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {share} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['errors']} |"
        )
    if baseline:
        lines += ["", "Targets (issue 8): anonymous post page, blog home and feed ≥ 50% of nginx static behind "
                  "nginx and ≥ 10% with samizdat serve alone; with every cache off, the 20-comment post page "
                  "≥ 10× WordPress's 20–56 requests/s measured on a machine like this."]
    else:
        lines += ["", "nginx is not installed (`apt install nginx-light`), so there is no static baseline."]
    if figures is not None:
        lines += portability_report(figures)
        if figures["stored_posts"] != figures["posts"] or figures["stored_comments"] != figures["comments"]:
            rows.append(("portability: stored counts differ from the file's", {"errors": 1}))
    if fanout is not None:
        lines += fanout_report(fanout, load_before)
        write_fanout("\n".join(fanout_report(fanout, load_before)[1:]) + "\n", show=False)
        if fanout_failed(fanout):
            rows.append(("fan-out: deliveries failed, refused or repeated", {"errors": 1}))
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print()
    print(report)
    print(f"(written to {RESULTS.relative_to(ROOT)})")
    if any(r["errors"] for _, r in rows):
        sys.exit("some requests failed, or stored comments do not match accepted ones: see the table")


if __name__ == "__main__":
    main()
