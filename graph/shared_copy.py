"""A copy of a projection that shares with it everything an edit does not touch.

Updating the cached projection after a small write used to start with
``graph.copy()``: every node, edge and attribute dict of a 100,000-edge graph
copied to change ten of them, most of the update's time (issue 13). Here the
copy shares the base's dicts: an *outer* table (node -> attributes, node ->
neighbours) is copied, as references to the base's inner dicts, only when an
edit first writes to it, and an inner dict only when an edit reaches it (copy
on write). The cost is at most one shallow copy of each table the edit
writes (ten new edges: the two adjacency tables, not the node table) plus
what the edit touches, and the base graph, which other callers may be
holding, is never changed.

networkx keeps a multidigraph in three tables: ``_node`` (node -> attribute
dict), ``_succ`` (alias ``_adj``) and ``_pred`` (node -> neighbour -> key ->
edge attribute dict). The key dict of a pair is one object shared by
``_succ[u][v]`` and ``_pred[v][u]``; an edit replaces it in both places.
Attribute dicts are never changed in place, only replaced, so they can be
shared freely.

>>> base = nx.MultiDiGraph()
>>> _ = base.add_edge("a", "b", key="r1", type="INFLUENCES")
>>> edit = SharedCopy(base)
>>> edit.set_node("c", {"kind": "Unit"})
>>> edit.add_edge("b", "c", "r2", {"type": "COMMANDS"})
>>> edit.remove_edge("a", "b", "r1")
>>> sorted(edit.graph.edges(keys=True)), sorted(base.edges(keys=True))
([('b', 'c', 'r2')], [('a', 'b', 'r1')])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import networkx as nx

_Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]
K = TypeVar("K")
V = TypeVar("V")
#: A `SharedMap`'s own changes are merged into a new base once they reach
#: this share of it: each merge copies the base once per that many changed
#: keys, so an update pays for what it changed, amortised, never the table.
_MERGE_SHARE = 8
_MERGE_FLOOR = 1_024


class SharedCopy:
    """Edits on a copy of `base` (a `nx.MultiDiGraph`) that leave `base` as it was.

    Only the methods here may change the copy; read it through `graph`, which
    is an ordinary `nx.MultiDiGraph` (freeze it when done).
    """

    def __init__(self, base: nx.MultiDiGraph[str]) -> None:
        raw: Any = base
        graph: Any = nx.MultiDiGraph()
        graph.graph.update(base.graph)
        # The outer tables start shared too: each is copied on the first edit
        # that writes to it (ten new edges copy the two adjacency tables, not
        # the node table).
        graph._node = raw._node
        graph._adj = raw._succ  # sets _succ too (networkx aliases them)
        graph._pred = raw._pred
        self.graph: nx.MultiDiGraph[str] = graph
        self._raw: Any = graph  # the same graph, for setting networkx's tables
        self._node: dict[str, dict[str, Any]] = graph._node
        self._succ: _Adjacency = graph._succ
        self._pred: _Adjacency = graph._pred
        self._own_tables: set[str] = set()
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_keys: set[tuple[str, str]] = set()

    def __contains__(self, node: object) -> bool:
        return node in self._node

    # ------------------------------------------------------------------ nodes

    def set_node(self, node: str, attrs: dict[str, Any]) -> None:
        """Add `node`, or replace its attributes (its edges stay)."""
        if node not in self._node:
            self._succ_table()[node] = {}
            self._pred_table()[node] = {}
            self._own_succ.add(node)
            self._own_pred.add(node)
        self._node_table()[node] = attrs

    def remove_node(self, node: str) -> list[tuple[str, str, str]]:
        """Remove `node` and its edges; returns the edges removed ``(u, v, key)``."""
        removed = [(node, v, k) for v, keys in self._succ[node].items() for k in keys]
        removed += [(u, node, k) for u, keys in self._pred[node].items() if u != node for k in keys]
        for v in self._succ[node]:
            if v != node:
                del self._owned_pred(v)[node]
        for u in self._pred[node]:
            if u != node:
                del self._owned_succ(u)[node]
        del self._succ_table()[node], self._pred_table()[node], self._node_table()[node]
        self._own_succ.discard(node)
        self._own_pred.discard(node)
        self._own_keys = {(u, v) for u, v in self._own_keys if node not in (u, v)}
        return removed

    # ------------------------------------------------------------------ edges

    def add_edge(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        """Add (or replace) edge `key` from `u` to `v`; both nodes must exist."""
        self._owned_keys(u, v)[key] = attrs

    def remove_edge(self, u: str, v: str, key: str) -> None:
        """Remove edge `key` from `u` to `v` if the copy has it."""
        if key not in self._succ.get(u, {}).get(v, {}):
            return
        keys = self._owned_keys(u, v)
        del keys[key]
        if not keys:
            del self._succ[u][v], self._pred[v][u]
            self._own_keys.discard((u, v))

    # ------------------------------------------------------------ copy on write

    def _node_table(self) -> dict[str, dict[str, Any]]:
        if "node" not in self._own_tables:
            self._raw._node = self._node = dict(self._node)
            self._own_tables.add("node")
        return self._node

    def _succ_table(self) -> _Adjacency:
        if "succ" not in self._own_tables:
            self._raw._adj = self._succ = dict(self._succ)  # sets _succ too
            self._own_tables.add("succ")
        return self._succ

    def _pred_table(self) -> _Adjacency:
        if "pred" not in self._own_tables:
            self._raw._pred = self._pred = dict(self._pred)
            self._own_tables.add("pred")
        return self._pred

    def _owned_succ(self, u: str) -> dict[str, dict[str, dict[str, Any]]]:
        if u not in self._own_succ:
            table = self._succ_table()
            table[u] = dict(table[u])
            self._own_succ.add(u)
        return self._succ[u]

    def _owned_pred(self, v: str) -> dict[str, dict[str, dict[str, Any]]]:
        if v not in self._own_pred:
            table = self._pred_table()
            table[v] = dict(table[v])
            self._own_pred.add(v)
        return self._pred[v]

    def _owned_keys(self, u: str, v: str) -> dict[str, dict[str, Any]]:
        """The key dict of pair (u, v), this copy's own, in both tables."""
        succ, pred = self._owned_succ(u), self._owned_pred(v)
        if (u, v) not in self._own_keys:
            keys = dict(succ.get(v, {}))
            succ[v] = pred[u] = keys
            self._own_keys.add((u, v))
        return succ[v]


class SharedMap(Mapping[K, V]):
    """A read-only mapping: a base dict shared by every version, plus this
    version's own changes (keys set, keys removed) since the base was made.

    The projection's relationship-id index has a million entries at L; copying
    it to change ten (and a dict with removed keys copies one entry at a time,
    about 0.3 s) was the largest cost of an update. `edited` returns a new
    version holding a copy of the *changes* only; the base dict is never
    changed once wrapped, so every older version reads as it was. When the
    changes reach 1/8 of the base they are merged into a new base dict.

    >>> one = SharedMap({"r1": ("a", "b")})
    >>> two = one.edited({"r2": ("b", "c")}, removed=["r1"])
    >>> dict(one), dict(two)
    ({'r1': ('a', 'b')}, {'r2': ('b', 'c')})
    """

    __slots__ = ("_base", "_len", "_removed", "_set")

    def __init__(
        self,
        base: dict[K, V],
        changed: dict[K, V] | None = None,
        removed: frozenset[K] = frozenset(),
    ) -> None:
        self._base = base  # owned from here on: never changed again
        self._set: dict[K, V] = changed or {}
        self._removed = removed  # keys of the base that this version lacks
        self._len = len(base) - len(removed) + sum(1 for k in self._set if k not in base)

    def __getitem__(self, key: K) -> V:
        if key in self._set:
            return self._set[key]
        if key in self._removed:
            raise KeyError(key)
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._set or (key in self._base and key not in self._removed)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[K]:
        for key in self._base:
            if key not in self._removed and key not in self._set:
                yield key
        yield from self._set

    def edited(self, changed: Mapping[K, V], removed: Iterable[K] = ()) -> SharedMap[K, V]:
        """A new version with `removed` gone, then `changed` set (`self` unchanged)."""
        own = dict(self._set)
        gone = set(self._removed)
        for key in removed:
            own.pop(key, None)
            if key in self._base:
                gone.add(key)
        own.update(changed)
        gone.difference_update(changed)
        if len(own) + len(gone) > max(_MERGE_FLOOR, len(self._base) // _MERGE_SHARE):
            merged = {k: v for k, v in self._base.items() if k not in gone}
            merged.update(own)
            return SharedMap(merged)
        return SharedMap(self._base, own, frozenset(gone))

    def edit(self) -> MapEdit[K, V]:
        """A mutable draft of the next version (see `MapEdit`)."""
        return MapEdit(self)


class MapEdit(Generic[K, V]):
    """Changes to a `SharedMap`, read through as if applied; `done()` makes the
    new version. The shared map itself is never touched.

    >>> draft = SharedMap({"r1": ("a", "b")}).edit()
    >>> draft.pop("r1"), "r1" in draft
    (('a', 'b'), False)
    >>> draft["r2"] = ("b", "c")
    >>> dict(draft.done())
    {'r2': ('b', 'c')}
    """

    __slots__ = ("_of", "_removed", "_set")

    def __init__(self, of: SharedMap[K, V]) -> None:
        self._of = of
        self._set: dict[K, V] = {}
        self._removed: set[K] = set()

    def __contains__(self, key: object) -> bool:
        return key in self._set or (key not in self._removed and key in self._of)

    def __getitem__(self, key: K) -> V:
        if key in self._set:
            return self._set[key]
        if key in self._removed:
            raise KeyError(key)
        return self._of[key]

    def __setitem__(self, key: K, value: V) -> None:
        self._set[key] = value
        self._removed.discard(key)

    def pop(self, key: K) -> V:
        """Remove `key` and return its value (KeyError when absent)."""
        value = self[key]
        self._set.pop(key, None)
        self._removed.add(key)
        return value

    def done(self) -> SharedMap[K, V]:
        return self._of.edited(self._set, self._removed)
