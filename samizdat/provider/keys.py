"""The instance's RS256 key that signs ID tokens: made on first use, kept in the data directory.

`DATA_DIR/oidc_key.pem` (owner-only), like the generated secret key beside it, so restarts and
every process of one data directory sign with the same key and clients' cached JWKS stays right.
Several machines serving one instance must share the file (or set SAMIZDAT_OIDC_KEY_FILE).
"""

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils.functional import lazy

_lock = threading.Lock()
_cached = {}


def key_path():
    return Path(settings.SAMIZDAT_OIDC_KEY_FILE)


def _create(path):
    """Write a new key to `path` unless one is there: written aside, then linked into place atomically."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".oidc_key.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        # Two processes starting at once: the first link wins and both then read its key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _private_key_pem():
    """The PEM of the instance's private key, generating and storing it the first time."""
    path = key_path()
    if path not in _cached:
        with _lock:
            if not path.exists():
                _create(path)
            _cached[path] = path.read_text()
    return _cached[path]


# What OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] holds: a string read only when a token is signed or
# the JWKS served, so commands that never sign make no key.
instance_private_key_pem = lazy(_private_key_pem, str)()
