"""Plain values from other servers' ActivityStreams JSON, tolerant of the shapes they really send.

JSON-LD compaction (bovine, Pleroma) turns a one-element array into a bare value and lets any
reference be an id string or an embedded object; every reader here accepts all of these.
"""

import dataclasses

# Our columns for ids and addresses hold 500 characters (PostgreSQL refuses more); no server
# mints longer ids, so a longer one is treated as absent rather than cut into another address.
MAX_ID = 500


# The objects that are posts: what a followed account's Reader entries, replies and quotes are.
POST_TYPES = ("Note", "Article", "Page", "Question")


class ParseError(ValueError):
    """The document lacks something we need."""


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ref(value):
    """The id of a reference given as a string, an object with an id, or a one-element list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id") or value.get("href")
    return value if isinstance(value, str) and len(value) <= MAX_ID else ""


def text(value):
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _http(url):
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= MAX_ID else ""


def type_of(document):
    """The first type of a document (`type` may be a list)."""
    kinds = as_list(document.get("type")) if isinstance(document, dict) else []
    return kinds[0] if kinds and isinstance(kinds[0], str) else ""


@dataclasses.dataclass
class Actor:
    id: str
    type: str
    username: str
    name: str
    url: str
    inbox: str
    shared_inbox: str
    key_id: str
    public_key_pem: str
    icon_url: str


def actor(document):
    """An actor document's fields we keep; ParseError without an id or an inbox."""
    actor_id = _http(document.get("id"))
    inbox = _http(ref(document.get("inbox")))
    if not actor_id or not inbox:
        raise ParseError("an actor needs an id and an inbox")
    key = document.get("publicKey")
    if isinstance(key, list):
        key = next((k for k in key if isinstance(k, dict) and ref(k.get("owner")) in ("", actor_id)), None)
    key = key if isinstance(key, dict) else {}
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    icon = document.get("icon")
    if isinstance(icon, list):
        icon = icon[0] if icon else None
    icon_url = ref(icon.get("url")) if isinstance(icon, dict) else text(icon)
    profile = document.get("url")
    if isinstance(profile, list) or isinstance(profile, dict):
        profile = ref(profile)
    return Actor(
        id=actor_id,
        type=type_of(document) or "Person",
        username=text(document.get("preferredUsername")),
        name=text(document.get("name")) or text(document.get("preferredUsername")),
        url=_http(profile) or actor_id,
        inbox=inbox,
        shared_inbox=_http(ref(endpoints.get("sharedInbox"))) or _http(ref(document.get("sharedInbox"))),
        key_id=_http(key.get("id")),
        public_key_pem=text(key.get("publicKeyPem")),
        icon_url=_http(icon_url),
    )
