"""Answers remembered per frozen projection.

The store hands out frozen projections and builds a new one after every write,
so an answer computed on a frozen graph stays true for as long as that graph
lives. Remembering it there (weakly: the memo goes when the graph goes) makes
a page that asks again — every Streamlit rerun does — cost a lookup. The
projection is per clearance, so a memo can never leak across clearances.
Unfrozen graphs (built by hand, in tests) are never remembered. The collapsed
influence graph of a projection is itself remembered here, and frozen.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

T = TypeVar("T")

_MEMO: weakref.WeakKeyDictionary[nx.Graph[Any], dict[Hashable, Any]] = weakref.WeakKeyDictionary()
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
        hit = _MEMO.get(graph, {}).get(key, _MISSING)
    if hit is not _MISSING:
        return hit  # type: ignore[no-any-return]
    value = compute()
    with _LOCK:
        _MEMO.setdefault(graph, {})[key] = value
    return value
