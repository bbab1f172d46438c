"""The bovine peer: bovine-herd (an ActivityPub server written by others, from PyPI) on loopback.

Its packages are pinned by hash in bovine.lock (`pip-compile --generate-hashes bovine.in`) and
installed once into .cache/bovine-<hash of the lock>/ at the repository's root, with the JSON-LD
contexts it needs offline from npm at fixed versions; later runs reuse that folder. The start-up
mirrors ../shared/peers/bovine/up.sh: a SQLite store, one user, hypercorn on 127.0.0.1.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.instances import unavailable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
LOCK = HERE / "bovine.lock"
NPM_PACKAGES = ["security-context@4.0.0", "did-context@3.1.1", "@digitalbazaar/multikey-context@2.0.1"]


def cache_dir():
    digest = hashlib.sha256(LOCK.read_bytes() + " ".join(NPM_PACKAGES).encode()).hexdigest()[:12]
    return ROOT / ".cache" / f"bovine-{digest}"


def _run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def ensure_built():
    """The peer's venv and contexts, built once per lock; unavailable() when the tools are missing."""
    if shutil.which("npm") is None:
        unavailable("the bovine peer needs npm (Debian's npm) for its JSON-LD contexts")
    cache = cache_dir()
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache.parent / f"{cache.name}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # the SQLite and PostgreSQL runs may build at once
        if not (cache / "done").exists():
            shutil.rmtree(cache, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(cache / "venv")])
            _run([str(cache / "venv/bin/pip"), "install", "--quiet", "--disable-pip-version-check",
                  "--require-hashes", "-r", str(LOCK)])
            (cache / "ctx").mkdir()
            _run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix",
                  str(cache / "ctx"), *NPM_PACKAGES])
            (cache / "done").write_text("ok")
    return cache


class Peer:
    """One bovine-herd server with one user, in `workdir`."""

    def __init__(self, workdir, port, handle="alice"):
        self.cache = ensure_built()
        self.workdir, self.port, self.handle = Path(workdir), port, handle
        self.domain = f"http://127.0.0.1:{port}"
        self.python = str(self.cache / "venv/bin/python")
        self.env = {**os.environ, "BOVINE_DB_URL": "sqlite://bovine.sqlite3", "BUTCHER_ALLOW_HTTP": "1",
                    "PYTHONPATH": str(HERE)}
        self.process = None
        self.secret = ""
        self.actor_id = ""

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        run = dict(cwd=self.workdir, env=self.env)
        _run([self.python, str(HERE / "bovine_seed_jsonld.py"), str(self.cache / "ctx/node_modules"),
              "bovine_jsonld_cache.sqlite"], **run)
        _run([self.python, "-m", "bovine_store", "create"], **run)
        _run([self.python, "-m", "bovine_store", "register", "--domain", self.domain, "--handle", self.handle], **run)
        actor = _run([self.python, "-m", "bovine_store", "actor"], **run).splitlines()[0].strip()
        out = _run([self.python, "-m", "bovine_store", "key", actor, "--new"], **run)
        self.secret = next(line.split(": ", 1)[1] for line in out.splitlines() if "secret" in line.lower())
        log = open(self.workdir / "herd.log", "w")
        self.process = subprocess.Popen(
            [str(self.cache / "venv/bin/hypercorn"), "--bind", f"127.0.0.1:{self.port}", "bovine_app:app"],
            stdout=log, stderr=subprocess.STDOUT, **run,
        )
        log.close()
        resource = f"acct:{self.handle}@127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                found = httpx.get(f"{self.domain}/.well-known/webfinger", params={"resource": resource}, timeout=2)
                if found.status_code == 200:
                    self.actor_id = next(link["href"] for link in found.json()["links"] if link.get("rel") == "self")
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"bovine did not start:\n{(self.workdir / 'herd.log').read_text()[-3000:]}")

    def client(self, cmd, *args):
        """Run a client command as the peer's user; the JSON documents it printed."""
        out = _run([self.python, str(HERE / "bovine_client.py"), self.domain, self.secret, cmd, *args],
                   cwd=self.workdir, env=self.env)
        return [json.loads(line) for line in out.splitlines() if line.strip().startswith("{")]

    def log(self):
        return (self.workdir / "herd.log").read_text()[-5000:]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
