"""Room on Python's frame stack for a whole request, so that deep calls stop mapping memory.

CPython 3.11 and 3.12 keep a thread's frames in chunks of 16 KiB and give a chunk back to the
system (munmap) the moment the first frame in it returns (CPython issue gh-142183; 3.13 and 3.14
keep one chunk back since early 2026). Code whose calls keep crossing a chunk's end maps, faults in
and unmaps 16 KiB on each crossing. A post page rendered whole crossed 1,000 times per page with
20 comments and 3,300 times with 200: 5-15 ms of system CPU per page, wherever the crossing
happened to fall, and any change to the depth (one more `{% include %}`, a wrapper) moved it to
hotter or colder code (docs/performance.md, "Dynamic pages").

`call_with_room` calls through a frame that asks for about 120 KiB it never uses: no chunk has
that room left, so Python maps a 256 KiB chunk for it (it doubles 16 KiB until the frame and 1,000
spare slots fit), and every frame below it shares the rest of that chunk, about 136 KiB, hundreds
of frames deep. A request then maps one chunk, faults in the few pages its frames touch and unmaps
it once. The unused slots are never written, so they take no memory.
"""

import sys
import threading

# Slots of 8 bytes: with the 1,000 spare ones Python adds, just over 128 KiB, so the chunk is 256 KiB.
SLOTS = 15_400

_held = threading.local()


def _call(fn, args, kwargs):
    return fn(*args, **kwargs)


if sys.version_info < (3, 13):
    # The frame's size is its code's stack size (plus its locals): a larger one is only room.
    _call.__code__ = _call.__code__.replace(co_stacksize=_call.__code__.co_stacksize + SLOTS)


def call_with_room(fn, *args, **kwargs):
    """fn(*args, **kwargs), with its calls in one chunk of the frame stack (once per thread: a call
    inside another needs no room of its own)."""
    if getattr(_held, "room", False):
        return fn(*args, **kwargs)
    _held.room = True
    try:
        return _call(fn, args, kwargs)
    finally:
        _held.room = False
