"""Independent servers from npm (the OpenID Connect provider, the S3-compatible store) run by the machine's
Node.js: each package is installed once into a cache folder (SAMIZDAT_TEST_CACHE, default
~/.cache/samizdat-tests) and reused by later runs; .ci/run provides node and npm from Debian."""

import fcntl
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.instances import unavailable


def install(package, version, what):
    """The folder holding node_modules/`package` at `version`; installed on first use."""
    if not (shutil.which("node") and shutil.which("npm")):
        unavailable(f"{what} needs Node.js and npm (apt install nodejs npm)")
    cache = Path(os.environ.get("SAMIZDAT_TEST_CACHE", Path.home() / ".cache" / "samizdat-tests"))
    folder = cache / f"{package}-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(cache / f"{package}-{version}.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # test processes running in parallel install it once
        if not (folder / "node_modules" / package / "package.json").exists():
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", f"{package}@{version}"],
                cwd=folder, capture_output=True, text=True, timeout=300,
            )
            if done.returncode != 0:
                unavailable(f"npm install {package}@{version} failed: {done.stderr[-500:]}")
    return folder


class PortTaken(RuntimeError):
    """The server exited because another process took its port first."""


def start(args, *, cwd, log, port, what, env=None):
    """Start `args`, logging to `log`, and wait until it listens on `port`; the process."""
    with open(log, "w") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60  # Node.js starting on a busy machine
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    output = Path(log).read_text()
    if "EADDRINUSE" in output:
        raise PortTaken(f"{what}: port {port} was taken")
    raise RuntimeError(f"{what} did not start:\n{output[-2000:]}")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
