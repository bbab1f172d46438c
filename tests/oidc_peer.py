"""The independent OpenID Connect provider for sign-in tests: panva's `oidc-provider` (npm, version 9,
OpenID Certified) with the configuration in shared/peers/oidc/ (copied to tests/peers/oidc/), run by
the machine's Node.js.

The npm package is installed once into a cache folder (SAMIZDAT_TEST_CACHE, default
~/.cache/samizdat-tests) and reused by later runs; .ci/run provides node and npm from Debian.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.instances import ROOT, unavailable

VERSION = "9"
CLIENT_ID, CLIENT_SECRET = "blog-test", "blog-secret"


def _peer_dir():
    # A copy of shared/peers/oidc/ lives in the repository, so a fresh clone on a clean CI machine
    # has it; the shared folder, when present beside the work, wins in case it was updated.
    for candidate in [*(parent / "shared" / "peers" / "oidc" for parent in ROOT.parents), ROOT / "tests/peers/oidc"]:
        if (candidate / "provider.mjs").exists():
            return candidate
    return None


def _install():
    """The folder holding provider.mjs beside node_modules/oidc-provider; installed on first use."""
    peer = _peer_dir()
    if peer is None:
        unavailable("the OpenID Connect peer (shared/peers/oidc/provider.mjs) is not beside the repository")
    if not (shutil.which("node") and shutil.which("npm")):
        unavailable("the OpenID Connect peer needs Node.js and npm (apt install nodejs npm)")
    cache = Path(os.environ.get("SAMIZDAT_TEST_CACHE", Path.home() / ".cache" / "samizdat-tests"))
    folder = cache / f"oidc-provider-{VERSION}"
    if not (folder / "node_modules" / "oidc-provider" / "package.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", f"oidc-provider@{VERSION}"],
            cwd=folder, capture_output=True, text=True, timeout=300,
        )
        if done.returncode != 0:
            unavailable(f"npm install oidc-provider@{VERSION} failed: {done.stderr[-500:]}")
    shutil.copyfile(peer / "provider.mjs", folder / "provider.mjs")
    return folder


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OIDCPeer:
    """A running provider: its issuer URL, the one client, the user alice (any password)."""

    def __init__(self, redirect_uris):
        folder = _install()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"provider-{self.port}.log"
        env = {**os.environ, "OIDC_ISSUER": self.issuer, "OIDC_REDIRECT_URIS": ",".join(redirect_uris)}
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                ["node", "provider.mjs"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the OpenID Connect peer did not start:\n{self.log.read_text()[-2000:]}")

    def app(self, provider_id="alice-idp", name="Test Provider"):
        """The SAMIZDAT_SIGNIN_PROVIDERS entry for this provider."""
        return {
            "provider": "openid_connect", "id": provider_id, "name": name, "server_url": self.issuer,
            "client_id": CLIENT_ID, "secret": CLIENT_SECRET,
        }

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
