"""Work split into batches: rows written, tasks queued (the outboxes of email and federation)."""

import itertools


def chunks(items, size):
    """Lists of at most `size` items, in order (itertools.batched, from Python 3.12)."""
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        yield chunk
