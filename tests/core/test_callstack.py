"""Room on Python's frame stack for a request (samizdat.core.callstack): calls that go deep and
come back, over and over, as a page's rendering does, stop mapping memory for their frames."""

import resource
import sys

import pytest

from samizdat.core.callstack import call_with_room

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 13), reason="Python 3.13 keeps a chunk back itself")


def _down(depth):
    return _down(depth - 1) + 1 if depth else 0


def _deep_and_back(times=300, depth=400):
    """Page faults taken by recursing 400 frames deep (about 40 KiB of frames: at least two of
    Python's 16 KiB chunks) and back, 300 times."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(times):
        assert _down(depth) == depth
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_deep_calls_with_room_fault_in_no_frame_memory():
    _deep_and_back(times=3), call_with_room(_deep_and_back, times=3)  # warm up both ways
    without = _deep_and_back()
    with_room = call_with_room(_deep_and_back)
    # Without room each return unmaps a chunk and each descent maps and faults it in again.
    assert without >= 300 and with_room * 10 < without, (without, with_room)


def test_call_with_room_passes_arguments_results_and_errors():
    assert call_with_room(divmod, 7, 2) == (3, 1)
    assert call_with_room(dict, a=1) == {"a": 1}
    with pytest.raises(ZeroDivisionError):
        call_with_room(divmod, 1, 0)
    # Nested (a worker's rendering inside a request, say): the inner call needs no room of its own.
    assert call_with_room(call_with_room, divmod, 9, 4) == (2, 1)
    assert call_with_room(call_with_room, _deep_and_back) * 10 < _deep_and_back()
