"""Cyclic garbage collection held off for the length of one large operation.

A projection build allocates a few hundred thousand long-lived objects; each
allocation threshold crossed triggers a collection that walks all of them
again, which at M size cost as much as the decoding. A write builds a few
objects per record (rows, parameter tuples, strings) and frees them when it
ends; none of them form reference cycles. CPython still runs its cycle
collector every 700 net allocations, and its full collections walk every
object the process holds (the batch's records, a projection): a quarter of
the planner's CPU time on a 10,000-record batch. Holding the collector off
until the operation returns, then letting it run as usual, does that work
once instead of hundreds of times; reference counting frees everything as
before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Disable the cycle collector inside the block; restore it as it was.

    Used by projection builds, imports (ingest.pipeline) and store writes.

    >>> import gc
    >>> with no_cyclic_gc():
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
