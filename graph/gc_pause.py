"""Cyclic garbage collection held off for the length of one write.

A write builds a few objects per record (rows, parameter tuples, strings)
and frees them when it ends; none of them form reference cycles. CPython
still runs its cycle collector every 700 net allocations, and each young
collection that survives promotes the batch's objects until full collections
walk every object the process holds (the batch's records, a projection): a
quarter of the planner's CPU time on a 10,000-record batch. Holding the
collector off until the write returns, then letting it run as usual, does
the same work once instead of hundreds of times; reference counting frees
everything as before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cycle collector inside the block; restore it as it was.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
