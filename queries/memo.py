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


def remembered(graph: nx.Graph[Any], key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its earlier answer for `key` on this same frozen graph
    (a projection, or a collapsed influence graph built from one).

    The answer is shared between callers: treat it as read-only.
    """
    if not nx.is_frozen(graph):
        return compute()
    with _LOCK:
        hit = vars(graph).get(MEMO_ATTR, {}).get(key, _MISSING)
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    value = compute()
    with _LOCK:
        vars(graph).setdefault(MEMO_ATTR, {})[key] = value
    return value
