"""Answering a request from the page store: which requests may be, and the answer (200 or 304)."""

import os
import threading
from email.utils import formatdate, parsedate_to_datetime

from django.conf import settings

from samizdat.core.middleware import page_headers

from . import store

# Kept in memory per process, checked against the file's identity on every request (one stat).
MEMORY_LIMIT = 64 * 1024 * 1024


def cookies_allow(cookie_header):
    """True when the request carries no cookie but the CSRF one: nothing that makes its page personal.

    Any other cookie (a session, remembered commenter details, held comments, messages, and any
    cookie a later feature adds) sends the request to Django."""
    if not cookie_header:
        return True
    allowed = settings.CSRF_COOKIE_NAME
    for part in cookie_header.split(";"):
        name = part.split("=", 1)[0].strip()
        if name and name != allowed:
            return False
    return True


def wants_html(accept_header):
    """False for ActivityPub clients: the same URLs (/@blog/, a post's) answer them with JSON
    (samizdat.federation), which the store never holds. Any mention of those types counts."""
    accept = (accept_header or "").lower()
    return "activity+json" not in accept and "ld+json" not in accept


def storable_request(method, query_string, cookie_header, accept_header=""):
    return (
        settings.SAMIZDAT_PAGES and method in ("GET", "HEAD") and not query_string
        and cookies_allow(cookie_header) and wants_html(accept_header)
    )


class Entry:
    __slots__ = ("identity", "body", "gz", "etag", "gz_etag", "last_modified", "mtime", "content_type")


class StoredPages:
    """Finds a stored page and keeps its bytes in memory while its file stays the same."""

    def __init__(self, *, frozen=True):
        # Frozen: settings are read once (a server process). Otherwise, on each request (tests
        # change the store's folder and the security settings between requests).
        self._entries, self._bytes, self._lock, self._frozen = {}, 0, threading.Lock(), frozen
        self._www = str(store.root() / "www")
        self.headers = page_headers()

    def find(self, scheme, host, path):
        if not self._frozen:
            www = str(store.root() / "www")
            if www != self._www:
                self._www, self._entries, self._bytes = www, {}, 0
            self.headers = page_headers()
        names = store.relative_name(scheme, host, path)
        if not names:
            return None
        for name in names:
            full = os.path.join(self._www, name)
            try:
                st = os.stat(full)
            except OSError:
                continue
            identity = (st.st_ino, st.st_mtime_ns, st.st_size)
            entry = self._entries.get(full)
            if entry is not None and entry.identity == identity:
                return entry
            return self._load(full, name, identity, st.st_mtime)
        return None

    def _load(self, full, name, identity, mtime):
        try:
            with open(full, "rb") as f:
                body = f.read()
        except OSError:
            return None
        entry = Entry()
        entry.identity, entry.body, entry.mtime = identity, body, mtime
        entry.content_type = store.content_type_of(name)
        entry.etag = store.etag(body)
        entry.last_modified = formatdate(mtime, usegmt=True)
        try:
            with open(full + ".gz", "rb") as f:
                entry.gz = f.read()
            entry.gz_etag = store.etag(body, gzipped=True)
        except OSError:
            entry.gz, entry.gz_etag = None, None
        with self._lock:
            old = self._entries.pop(full, None)
            self._bytes -= _size(old)
            if self._bytes + _size(entry) > MEMORY_LIMIT:
                self._entries.clear()
                self._bytes = 0
            self._entries[full] = entry
            self._bytes += _size(entry)
        return entry

    def answer(self, entry, *, head, if_none_match, if_modified_since, accept_encoding):
        """(status, headers, body) for the stored page."""
        gzipped = entry.gz is not None and "gzip" in (accept_encoding or "")
        tag = entry.gz_etag if gzipped else entry.etag
        headers = [
            ("Content-Type", entry.content_type),
            ("ETag", tag),
            ("Last-Modified", entry.last_modified),
            # Readers' browsers ask again each time (a 304 is cheap); a signed-in reader's cookie
            # gives another answer for the same address.
            ("Cache-Control", "no-cache"),
            ("Vary", "Accept, Accept-Encoding, Cookie"),
            *self.headers,
        ]
        if _not_modified(entry, tag, if_none_match, if_modified_since):
            return 304, headers, b""
        body = entry.gz if gzipped else entry.body
        if gzipped:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        return 200, headers, b"" if head else body


def _size(entry):
    return 0 if entry is None else len(entry.body) + len(entry.gz or b"")


def _not_modified(entry, tag, if_none_match, if_modified_since):
    # RFC 9110 13.1.2: with If-None-Match, If-Modified-Since is ignored.
    if if_none_match:
        candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in candidates or tag in candidates
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(entry.mtime) <= since
    return False


