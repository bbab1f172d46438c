"""Ed25519 signatures on mirror manifests, with a key per blog kept in `MirrorKey`."""

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .mirror import canonical
from .models import MirrorKey

_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


def mirror_key_for(blog):
    """The blog's mirror signing key, made on first use."""
    row = MirrorKey.objects.filter(blog=blog).first()
    if row is None:
        raw = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        row, _ = MirrorKey.objects.get_or_create(blog=blog, defaults={"private_key": raw})
    return Ed25519PrivateKey.from_private_bytes(bytes(row.private_key))


def public_key_b64(private_key):
    return base64.b64encode(private_key.public_key().public_bytes(**_RAW)).decode()


def public_key_for(blog):
    """The public half of the blog's mirror key (base64), or None before its first mirror."""
    row = MirrorKey.objects.filter(blog=blog).first()
    if row is None:
        return None
    return public_key_b64(Ed25519PrivateKey.from_private_bytes(bytes(row.private_key)))


def signer_for(blog):
    """A function that signs a manifest's canonical bytes, returning the fields to add to it."""
    key = mirror_key_for(blog)

    def sign(data):
        return {
            "public_key": public_key_b64(key),
            "signature": base64.b64encode(key.sign(data)).decode(),
        }

    return sign


def signature_is_valid(manifest, public_key=None):
    """Whether the manifest's signature verifies, with `public_key` (base64) or the one it carries."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key or manifest["public_key"]))
        key.verify(base64.b64decode(manifest["signature"]), canonical(manifest))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return False
    return True
