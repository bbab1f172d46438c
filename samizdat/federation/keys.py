"""Our actors' RSA keys: made on first use and stored, so every later signature uses the same key."""

import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from .models import LocalKey


def _new_pair():
    # 2048-bit RSA with e=65537: what Mastodon and every other server verify (rsa-sha256).
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem


def _get_or_make(**lookup):
    key = LocalKey.objects.filter(**lookup).first()
    if key is not None:
        return key
    private_pem, public_pem = _new_pair()
    try:
        with transaction.atomic():
            return LocalKey.objects.create(private_pem=private_pem, public_pem=public_pem, **lookup)
    except IntegrityError:
        # Two requests made a key at once: the one stored first is the key.
        return LocalKey.objects.get(**lookup)


def blog_key(blog):
    """The blog actor's key pair, made and stored the first time it is needed."""
    return _get_or_make(blog=blog)


def instance_key():
    """The instance actor's key pair (it signs our GET requests), made on first use."""
    return _get_or_make(instance=True)


def load_private_key(local_key):
    return _parsed_private_key(local_key.private_pem)


@functools.lru_cache(maxsize=128)
def _parsed_private_key(pem):
    # Parsing checks the RSA key, a few milliseconds each time: a fan-out signs thousands of
    # deliveries with one key. Keys are never changed in place (a new key is a new PEM).
    return serialization.load_pem_private_key(pem.encode(), password=None)
