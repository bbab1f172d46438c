"""Helpers for any Django storage backend (the media folder, an S3-compatible bucket)."""

import posixpath


def walk(storage, folder=""):
    """Every file name in `storage` under `folder`, sorted: the bucket's own listing, or listdir (any backend)."""
    if not folder and hasattr(storage, "names"):
        return storage.names()
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder, name) for name in files]
    for sub in folders:
        names.extend(walk(storage, posixpath.join(folder, sub)))
    return sorted(names)
