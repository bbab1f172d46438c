"""The documented topology on separate machines: every part in a network namespace of its own.

nginx on "front", two app servers on "app1" and "app2" (each on port 8000 of its own address), two
workers on "worker1" and "worker2"; PostgreSQL and Redis on the bridge's host address, where the
followers' servers listen too. Nothing can reach another part through 127.0.0.1, so any setting
or code that assumes one machine shows here: the page store and uploads are the only shared files
(as a network file system would share them). The same checks as tests/pages/test_topology.py,
plus the reader's address as the app servers see it through nginx on another machine.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.instances import Instance, as_postgres, free_port, pg_bin, unavailable, wait_for
from tests.machines import Network
from tests.pages.front import OPEN_THREAD, answers, fetch, need_nginx, start_nginx, stop
from tests.pages.test_topology import reaches_each_follower_server_once

ADDRESSES = """
import json
from samizdat.comments.models import Comment
print(json.dumps({c.body: c.ip for c in Comment.objects.all()}))
"""


@contextlib.contextmanager
def database_server(folder, host):
    """A PostgreSQL server of its own, listening on `host` for the machines: its URL."""
    binaries = pg_bin()
    if binaries is None:
        unavailable("needs PostgreSQL's server programs (apt install postgresql)")
    data, port = folder / "postgresql", free_port()
    as_postgres(binaries / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    with open(data / "pg_hba.conf", "a") as hba:  # initdb trusts loopback only
        hba.write(f"host all all {host}/24 trust\n")
    as_postgres(binaries / "pg_ctl", "-D", data, "-l", data / "log", "-w", "start", "-o",
                f"-p {port} -k {folder} -c listen_addresses={host} -c fsync=off")
    try:
        as_postgres(binaries / "psql", "-h", host, "-p", port, "-U", "postgres", "-c", "CREATE DATABASE samizdat")
        yield f"postgres://postgres@{host}:{port}/samizdat"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            as_postgres(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def redis_server(host):
    if shutil.which("redis-server") is None:
        unavailable("needs Redis (apt install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", host, "--port", str(port), "--save", "", "--protected-mode", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield f"redis://{host}:{port}/0"
    finally:
        stop(process)


@pytest.fixture(scope="module")
def site():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("machines share a PostgreSQL server, not a SQLite file: this runs in the suite's PostgreSQL run")
    need_nginx()
    folder = Path(tempfile.mkdtemp(prefix="samizdat-machines-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    try:
        with Network() as network, database_server(folder, network.host) as database_url, \
                redis_server(network.host) as redis_url:
            yield from run_site(network, folder, database_url, redis_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_site(network, folder, database_url, redis_url):
    at = {name: network.add(name) for name in ("front", "app1", "app2", "worker1", "worker2")}
    instance = Instance(folder / "instance", database_url=database_url, redis_url=redis_url)
    instance.data_dir.mkdir()
    instance.env.update(
        SAMIZDAT_SERVE_MEDIA="0", SAMIZDAT_COMMENT_MIN_SECONDS="0",
        SAMIZDAT_ALLOWED_HOSTS=",".join(at.values()),
        # The followers' servers are on the bridge; the front server is the one proxy to believe.
        SAMIZDAT_HTTP_ALLOWED_NETWORKS=str(network.subnet), SAMIZDAT_TRUSTED_PROXIES=at["front"],
    )
    instance.run("migrate", "--verbosity", "0")
    pk, path = instance.python(OPEN_THREAD).split()
    for app in ("app1", "app2"):
        instance.start("serve", "--host", "0.0.0.0", "--port", "8000", "--no-collectstatic",
                       log_name=f"{app}.log", prefix=network.prefix(app))
    instance.start("worker", log_name="worker1.log", prefix=network.prefix("worker1"))
    instance.start("worker", "--no-periodic", log_name="worker2.log", prefix=network.prefix("worker2"))
    # Readers come through nginx to app2; writers go straight to app1.
    nginx, base = start_nginx(folder / "nginx", instance.data_dir, 8000, app_host=at["app2"], host=at["front"],
                              prefix=network.prefix("front"))
    writer = f"http://{at['app1']}:8000"
    try:
        for url, log in ((writer + path, "app1.log"), (base + path, "app2.log")):
            assert wait_for(lambda: answers(url), timeout=60), (instance.data_dir / log).read_text()[-3000:]
        yield type("Site", (), dict(base=base, writer=writer, post=path, pk=int(pk), instance=instance,
                                    network=network, at=at))
    finally:
        stop(nginx)
        instance.stop()


def comment(site, base, name, body):
    fetch(site.base + site.post)
    html = fetch(site.base + site.post)[2].decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    status, _, _ = fetch(f"{base}/@news/comments/{site.pk}/", {
        "name": name, "email": f"{name.lower()}@example.test", "body": body, "started": started, "homepage": "",
    })
    return status


def test_comment_on_one_machine_reaches_the_page_another_serves_with_the_readers_address(site):
    assert comment(site, site.writer, "Vera", "Sent to app1.") == 303
    assert "Sent to app1." in fetch(site.base + site.post)[2].decode()
    # Through nginx on its own machine: app2 sees nginx's address, and believes its X-Forwarded-For.
    assert comment(site, site.base, "Olga", "Sent through the front.") == 303
    assert "Sent through the front." in fetch(site.writer + site.post)[2].decode()
    addresses = json.loads(site.instance.python(ADDRESSES))
    assert addresses == {"Sent to app1.": site.network.host, "Sent through the front.": site.network.host}


def test_post_published_on_one_machine_reaches_each_follower_server_once(site):
    reaches_each_follower_server_once(site, site.network.host)
