"""Remote actors: fetched (signed by the instance actor), stored, and their keys cached."""

from urllib.parse import urldefrag, urlsplit

from django.utils import timezone

from .ap import parse
from .client import FederationError, signed_get
from .models import RemoteActor


def origin(url):
    """(scheme, host, port) of `url`: what an actor may speak for."""
    parts = urlsplit(url or "")
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, (parts.hostname or "").lower(), port) if parts.hostname else None


def same_host(a, b):
    """Whether two ids live on the same server (same scheme, host and port)."""
    return origin(a) is not None and origin(a) == origin(b)


def store_actor(document):
    """Create or update the RemoteActor a fetched actor document describes."""
    actor = parse.actor(document)
    remote, _ = RemoteActor.objects.update_or_create(
        ap_id=actor.id,
        defaults={
            "type": actor.type[:40], "username": actor.username[:200], "name": actor.name[:200],
            "url": actor.url, "inbox": actor.inbox, "shared_inbox": actor.shared_inbox,
            "key_id": actor.key_id, "public_key_pem": actor.public_key_pem, "icon_url": actor.icon_url,
            "fetched_at": timezone.now(),
        },
    )
    return remote


def fetch_actor(actor_id, *, refresh=False):
    """The actor with this id, from our table unless `refresh` or unknown; FederationError if none."""
    if not refresh:
        known = RemoteActor.objects.filter(ap_id=actor_id).first()
        if known is not None:
            return known
    document = signed_get(actor_id)
    if document.get("id") != actor_id:
        raise FederationError(f"{actor_id} answered with a document for {document.get('id')!r}")
    return store_actor(document)


def public_key_pem(key_id, *, refresh=False):
    """The PEM of the key `key_id`, cached on its actor; fetched when unknown or `refresh`. "" if none."""
    if not refresh:
        known = RemoteActor.objects.filter(key_id=key_id).exclude(public_key_pem="").first()
        if known is not None:
            return known.public_key_pem
    try:
        document = signed_get(urldefrag(key_id)[0])
        if "publicKey" not in document and isinstance(document.get("owner"), str):
            # The key is a document of its own (GoToSocial, Misskey's main-key): its owner is the actor.
            document = signed_get(document["owner"])
        if not same_host(document.get("id", ""), key_id):
            return ""
        remote = store_actor(document)
    except (FederationError, parse.ParseError):
        return ""
    return remote.public_key_pem if remote.key_id == key_id else ""


def actor_for_key(key_id):
    return RemoteActor.objects.filter(key_id=key_id).first()
