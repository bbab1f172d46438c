"""The page store: public pages for readers who are not signed in, kept as plain files.

    <SAMIZDAT_PAGES_DIR>/www/<scheme>/<host><path>[index.html|index.rss|index.atom]   (and .gz)

nginx serves these with `try_files` (deploy/nginx.conf) and `samizdat serve` with
`samizdat.pages.wsgi`, neither entering Django. Files are written by the page-store middleware on
the first anonymous read after a change and removed when what they show changes
(samizdat.pages.invalidation). Each owner (a blog's id, or "site" for instance pages) has a list
of the files written for it, so removing a blog's pages is exact and needs no directory walk.

Races: a page rendered from data read before a change must not survive the change. A writer reads
the stamp before rendering and again after writing; an invalidation bumps the stamp before it
removes the listed files. So either the invalidation sees the new file in the list and removes it,
or the writer sees the new stamp and removes its file itself.
"""

import glob
import gzip
import hashlib
import os
import secrets
import time
from pathlib import Path

from django.conf import settings

SITE = "site"
# Content types the store keeps, and the file name a path ending in "/" gets for each.
INDEX_NAMES = {
    "text/html": "index.html",
    "application/rss+xml": "index.rss",
    "application/atom+xml": "index.atom",
}
# Extensions of paths that name a file (feed.json, sitemap.xml), and the type each must have.
FILE_TYPES = {".json": ("application/json", "application/feed+json"), ".xml": ("application/xml", "text/xml")}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}
GZIP_MIN_BYTES = 512


def root():
    return Path(settings.SAMIZDAT_PAGES_DIR)


def relative_name(scheme, host, path, content_type=None):
    """The file a page is stored in, relative to www/, or None when it cannot be stored.

    Without `content_type`, the candidates to look up, in the order nginx tries them."""
    host = host.lower()
    if scheme not in ("http", "https") or not host or host.startswith(".") or any(c in host for c in "/\\\0"):
        return None
    if not path.startswith("/") or "\0" in path or "/../" in path + "/" or "/./" in path + "/" or "//" in path:
        return None
    base = f"{scheme}/{host}{path}"
    if path.endswith("/"):
        if content_type is None:
            return [base + name for name in INDEX_NAMES.values()]
        name = INDEX_NAMES.get(content_type.split(";")[0].strip())
        return base + name if name else None
    suffix = os.path.splitext(path)[1]
    if suffix not in FILE_TYPES:
        return None
    if content_type is None:
        return [base]
    return base if content_type.split(";")[0].strip() in FILE_TYPES[suffix] else None


def content_type_of(name):
    return CONTENT_TYPES[os.path.splitext(name)[1]]


def read_stamp():
    """The store's generation: it changes whenever pages are removed."""
    try:
        return (root() / "stamp").read_bytes()
    except FileNotFoundError:
        return b""


def _write_atomically(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _new_stamp():
    """Give the store a new stamp. Written in place rather than replaced: this runs after every
    comment, and creating and renaming a file is a journalled metadata change that took 0.1 to 1 ms
    on ext4, against microseconds for this. A reader that catches the write half done reads a
    stamp that is neither, which only makes it remove its own page: the safe side."""
    path = root() / "stamp"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.pwrite(fd, secrets.token_bytes(12), 0)
    finally:
        os.close(fd)


def _owners_dir():
    # Plain strings, not Paths: removing pages looks for two lists after every comment.
    return os.path.join(settings.SAMIZDAT_PAGES_DIR, "owners")


def _owner_list(owner):
    return os.path.join(_owners_dir(), f"{owner}.list")


def write(owner, name, body, stamp):
    """Store `body` as www/`name` for `owner`, unless pages were removed since `stamp` was read."""
    target = root() / "www" / name
    if len(body) >= GZIP_MIN_BYTES:
        _write_atomically(target.with_name(target.name + ".gz"), gzip.compress(body, 9, mtime=0))
    _write_atomically(target, body)
    listing = _owner_list(owner)
    os.makedirs(_owners_dir(), exist_ok=True)
    # One short line in append mode: concurrent writers' lines do not interleave.
    with open(listing, "a", encoding="utf-8") as f:
        f.write(name + "\n")
    if read_stamp() != stamp:
        _remove(name)
        return False
    return True


def _remove(name):
    target = root() / "www" / name
    for path in (target, target.with_name(target.name + ".gz")):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def remove_owners(owners, *, bump=True):
    """Remove every page stored for these owners ("*": all of them).

    `bump`: change the stamp first, so that a page being written meanwhile removes itself."""
    if bump:
        # Always, even with nothing listed: a writer may be about to list its first page.
        _new_stamp()
    if owners == "*":
        lists = glob.glob(os.path.join(glob.escape(_owners_dir()), "*.list"))
    else:
        lists = [_owner_list(owner) for owner in owners]
    removed = 0
    for listing in lists:
        # Taken away under a name of its own: a page listed from now on goes in a new list.
        taken = f"{listing}.{secrets.token_hex(6)}.old"
        try:
            os.replace(listing, taken)
        except FileNotFoundError:
            continue
        with open(taken, encoding="utf-8") as f:
            names = set(f.read().split())
        for name in names:
            _remove(name)
            removed += 1
        os.unlink(taken)
    return removed


def clear():
    """Remove every stored page (at start-up: pages may name static files of an older release)."""
    return remove_owners("*")


def remove_older_than(seconds):
    """Remove pages written more than `seconds` ago (their comment form's time stamp grows stale)."""
    www = root() / "www"
    if not www.is_dir():
        return 0
    limit, stale = time.time() - seconds, []
    for path in www.rglob("*"):
        if path.suffix != ".gz" and path.is_file() and path.stat().st_mtime < limit:
            stale.append(path)
    if stale:
        # The lists keep their names: a later invalidation finds nothing there, which is harmless.
        _new_stamp()
    for path in stale:
        _remove(str(path.relative_to(www)))
    return len(stale)


def etag(body, gzipped=False):
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return f'"{digest}-gz"' if gzipped else f'"{digest}"'
