"""The independent OpenID Connect provider for sign-in tests: panva's `oidc-provider` (npm, version 9,
OpenID Certified) with the configuration in shared/peers/oidc/ (copied to tests/peers/oidc/), run by
the machine's Node.js.

The npm package is installed on first use and reused (tests/npm_peers.py).
"""

import os
import shutil
import socket

from tests import npm_peers
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
    folder = npm_peers.install("oidc-provider", VERSION, "the OpenID Connect peer")
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
        self.process = npm_peers.start(
            ["node", "provider.mjs"], cwd=folder, env=env, log=self.log, port=self.port, what="the OpenID Connect peer",
        )

    def app(self, provider_id="alice-idp", name="Test Provider"):
        """The SAMIZDAT_SIGNIN_PROVIDERS entry for this provider."""
        return {
            "provider": "openid_connect", "id": provider_id, "name": name, "server_url": self.issuer,
            "client_id": CLIENT_ID, "secret": CLIENT_SECRET,
        }

    def stop(self):
        npm_peers.stop(self.process)
