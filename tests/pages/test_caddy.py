"""deploy/Caddyfile, run by Debian's Caddy on loopback in front of `samizdat serve`: what
tests/pages/test_nginx.py checks of deploy/nginx.conf (tests/pages/front_checks.py), for the
admins who choose Caddy."""

import os
import shutil
import subprocess

import pytest

from tests.instances import ROOT, free_port, unavailable
from tests.pages.front_checks import FrontServerChecks, front_site


def start_caddy(folder, data_dir, app_port):
    """Caddy running deploy/Caddyfile as shipped, for `data_dir` and the app at `app_port`: (process, base URL)."""
    caddy = shutil.which("caddy")
    if caddy is None:
        unavailable("needs Debian's caddy (apt install caddy)")
    port = free_port()
    conf = (ROOT / "deploy" / "Caddyfile").read_text()
    conf = conf.replace("/var/lib/samizdat", str(data_dir)).replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    # Plain HTTP on a loopback port, and no admin endpoint (its fixed port would clash between runs).
    conf = conf.replace("\n:80 {\n", f"\n{{\n\tadmin off\n}}\n\n:{port} {{\n\tbind 127.0.0.1\n", 1)
    folder.mkdir(parents=True)
    (folder / "Caddyfile").write_text(conf)
    env = dict(os.environ, HOME=str(folder), XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"))
    log = open(folder / "caddy.log", "w")
    process = subprocess.Popen([caddy, "run", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with front_site(tmp_path_factory.mktemp("caddy"), start_caddy) as site:
        yield site


class TestCaddy(FrontServerChecks):
    """deploy/Caddyfile in front of `samizdat serve`."""
