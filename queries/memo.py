"""Answers remembered per frozen projection.

The store hands out frozen projections and builds a new one after every write,
so an answer computed on a frozen graph stays true for as long as that graph
lives. Remembering it there makes a page that asks again — every Streamlit
rerun does — cost a lookup. The projection is per clearance, so a memo can
never leak across clearances. Unfrozen graphs (built by hand, in tests) are
never remembered. The collapsed influence graph of a projection is itself
remembered here, and frozen.

The memo lives on the graph object (`graph.projection.MEMO_ATTR`), not in a
weak-keyed table: answers refer to their graph (an `InfluenceGraph` holds its
projection), and a weak-keyed table whose values hold the key never lets go —
every projection a page had collapsed stayed in memory for the life of the
server. On the graph, graph and memo go together; the projection cache drops
the memo when it evicts a projection, so the graph is freed at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

from graph.projection import MEMO_ATTR

T = TypeVar("T")

_LOCK = threading.Lock()
_MISSING = object()
# (graph id, key) -> the lock its first caller holds while computing. A page and
# the app's warm-up (ui.warmup) may ask for the same answer at once; the
# second waits for the first instead of computing it again.
_COMPUTING: dict[tuple[int, Hashable], threading.Lock] = {}


def remembered(graph: nx.Graph[Any], key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its earlier answer for `key` on this same frozen graph
    (a projection, or a collapsed influence graph built from one).

    The answer is shared between callers: treat it as read-only. Concurrent
    callers asking for the same answer compute it once.
    """
    if not nx.is_frozen(graph):
        return compute()
    # A first look without the lock: an answer, once stored, is never replaced,
    # and per-node indexes (`queries.command`) are looked up here hundreds of
    # thousands of times in one ranking.
    hit = vars(graph).get(MEMO_ATTR, {}).get(key, _MISSING)
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    slot = (id(graph), key)
    while True:
        with _LOCK:
            hit = vars(graph).get(MEMO_ATTR, {}).get(key, _MISSING)
            if hit is not _MISSING:
                return hit  # type: ignore[no-any-return]
            busy = _COMPUTING.get(slot)
            if busy is None:
                mine = _COMPUTING[slot] = threading.Lock()
                mine.acquire()
                break
        with busy:  # another thread is computing it: wait, then look again
            pass
    try:
        value = compute()
        with _LOCK:
            vars(graph).setdefault(MEMO_ATTR, {})[key] = value
        return value
    finally:
        with _LOCK:
            del _COMPUTING[slot]
        mine.release()
