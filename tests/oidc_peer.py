"""The independent OpenID Connect provider for sign-in tests: panva's `oidc-provider` (npm, version 9,
OpenID Certified) with the configuration in shared/peers/oidc/ (copied to tests/peers/oidc/), run by
the machine's Node.js.

The npm package is installed on first use and reused (tests/npm_peers.py).
"""

import os
import shutil

from tests import npm_peers
from tests.instances import ROOT, free_port, unavailable

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
    # Copied aside, then renamed into place: a provider starting in another test process meanwhile
    # reads the whole file, never a half-written one.
    aside = folder / f"provider.mjs.{os.getpid()}"
    shutil.copyfile(peer / "provider.mjs", aside)
    os.replace(aside, folder / "provider.mjs")
    return folder


class OIDCPeer:
    """A running provider: its issuer URL, the one client, the user alice (any password)."""

    def __init__(self, redirect_uris):
        folder = _install()
        for attempt in range(1, 4):
            self.port = free_port()
            self.issuer = f"http://127.0.0.1:{self.port}"
            self.log = folder / f"provider-{self.port}.log"
            env = {**os.environ, "OIDC_ISSUER": self.issuer, "OIDC_REDIRECT_URIS": ",".join(redirect_uris)}
            try:
                self.process = npm_peers.start(
                    ["node", "provider.mjs"], cwd=folder, env=env, log=self.log, port=self.port,
                    what="the OpenID Connect peer",
                )
                return
            except npm_peers.PortTaken:
                # Another process took the port before the provider bound it: try another one.
                if attempt == 3:
                    raise

    def app(self, provider_id="alice-idp", name="Test Provider"):
        """The SAMIZDAT_SIGNIN_PROVIDERS entry for this provider."""
        return {
            "provider": "openid_connect", "id": provider_id, "name": name, "server_url": self.issuer,
            "client_id": CLIENT_ID, "secret": CLIENT_SECRET,
        }

    def stop(self):
        npm_peers.stop(self.process)
