"""Keeping Python's full garbage collections from freezing the window.

A full (oldest-generation) collection walks every tracked object in the
process while holding the GIL, so whichever thread triggers it stops every
other thread, the GUI thread included. Measured with 10,000 records: three
of them during a reindex, 60-190 ms each, and nothing found (the index
writer's postings are plain data, freed by reference counting). Two remedies:

* ``freeze_startup_heap`` moves what the started window holds (modules, Qt
  wrappers, the row cache) out of the collector's sight once, so later full
  collections walk only what was made since.
* ``young_collections_only`` keeps full collections off while long work runs
  on a worker thread; the young generations are still collected, so cyclic
  garbage made and dropped by that work is still freed.

Measured against the default collector (benchmarks/simpler_bench.py --only gc,
a reindex of 5,000 records beside a window-sized heap, 2 loaded cores): one
full collection of 200-450 ms per reindex and a longest GUI-thread gap of
344 ms, against none and 106 ms.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# A full collection needs this many collections of the middle generation first.
_NEVER = 1 << 30


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.saved: tuple[int, int, int] | None = None
        self.frozen = False


_state = _State()


def freeze_startup_heap() -> bool:
    """Move every object alive now out of the collector's sight; once per process."""
    with _state.lock:
        if _state.frozen:
            return False
        _state.frozen = True
    gc.freeze()
    return True


@contextmanager
def young_collections_only() -> Iterator[None]:
    """No full collection while any holder is inside; nests across threads."""
    with _state.lock:
        if _state.holders == 0:
            _state.saved = gc.get_threshold()
            gc.set_threshold(_state.saved[0], _state.saved[1], _NEVER)
        _state.holders += 1
    try:
        yield
    finally:
        with _state.lock:
            _state.holders -= 1
            if _state.holders == 0 and _state.saved is not None:
                gc.set_threshold(*_state.saved)
                _state.saved = None
