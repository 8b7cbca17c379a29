"""The NetworkX projection that every analysis in `queries/` works on.

A store hands out a `nx.MultiDiGraph[str]` of what one viewer may see at one date:
nodes keyed by our id, edges keyed by the relationship id (several
relationships may join the same pair: an alliance closed and reopened, access
and influence at once). Because the store filters by clearance and date
before the graph is built, an analysis can never route through a record the
viewer may not see.

Node attributes: ``kind``, ``name``, ``record`` (the pydantic model) and, for
convenience in analyses, ``sensitivity``, ``at_risk`` and — on armed actors —
``structure``, ``actor_kind`` and ``party_to_conflict``; on organisations
``engager`` and ``org_kind``.
Edge attributes: ``type``, ``record``, ``strength`` (None where the type has
none), ``confidence``, ``sensitivity``, ``valid_from``, ``valid_to``.

Projections are cached per (store, clearance, as-of, change counter). A write
moves the counter; the next call then *updates* the newest cached projection
of the same (store, clearance, as-of) instead of rebuilding: it asks the
store's change log what was written since that projection's counter, reads
those records and the relationships touching changed nodes (whose visibility
follows their ends), and applies them to a copy that shares everything else
with the cached graph (`graph.shared_copy`), so an update costs what the write
touched, not the graph. Why it is shaped so: at L (200,000 nodes, a million
edges) the update of ten records is a few milliseconds of work, and what used
to dominate was copying whole tables to change ten entries. The
relationship-id index is a `SharedMap` (one base dict for every version plus
each version's own changes); networkx's outer tables are copied only when an
edit writes to them, as one shallow dict copy each (what remains proportional
to the graph: two such copies for ten new edges, a few milliseconds of CPU at
L). A store that plans its queries on first use (Neo4j) prepares the update's
reads beside the first build (`_preparing_updates`). Large changes, any change to a `Source` (whose
masking shows in the records that cite it), and a change log that does not
reach back far enough, rebuild. Concurrent callers asking for the same view
wait for one build or update. What to do about the memory (the garbage
collector's policy) is the owning process's choice: it hears of each cached
projection through `add_cache_listener` (the app: `ui.collector`).

At a date, the projection also applies the pair rule of `graph.timeline`: an
inferred alliance (or opposition) that later contrary evidence ended by then
is left out, on build and on update alike.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import types
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any, TypeVar

import networkx as nx

from graph import model as m
from graph import timeline
from graph.dates import lower_bound
from graph.gc_pause import no_cyclic_gc
from graph.sensitivity import Viewer
from graph.shared_copy import SharedCopy, SharedMap
from graph.store import GraphStore

log = logging.getLogger(__name__)
T = TypeVar("T")
_CACHE_SIZE = 16
# Answers remembered on a frozen projection (queries.memo) live in this
# attribute of the graph object. An answer may refer to its graph, so graph and
# memo form a cycle that only a full garbage collection would free: evicting a
# projection drops its memo, and the graph goes as soon as no caller holds it.
MEMO_ATTR = "_actorgraph_memo"
# The relationship-id index of a cached projection (relationship id -> its two
# ends), in this attribute of the graph object: the `ends` its build or update
# kept anyway, so naming a relationship by id is a lookup, not a walk over
# every edge (queries.shown). Copies (`graph.copy()`, `SharedCopy`) do not
# inherit it: they start without attributes, so no stale index survives.
ENDS_ATTR = "_actorgraph_relationship_ends"
#: Above this share of changed records (and this many) a rebuild is cheaper than an update.
_UPDATE_LIMIT = 0.05
_UPDATE_FLOOR = 100

_View = tuple[int, str, str, str | None]  # store identity, clearance, as-of
_lock = threading.Lock()


@dataclass(frozen=True)
class _Entry:
    graph: nx.MultiDiGraph[str]
    counter: int  # the store's change counter read before the graph was read
    # Relationship id -> (source, target) in the graph; versions share it (SharedMap).
    ends: SharedMap[str, tuple[str, str]]
    # Every alliance and opposition the store returned for the view, as stored
    # (before graph.timeline trims later evidence), in the graph or not: an
    # update re-runs the pair rule over the pairs it touched, from these.
    ties: dict[str, m.AnyRelationship]

    @property
    def size(self) -> int:
        """Nodes + edges (networkx counts edges by walking the graph; `ends` knows)."""
        return self.graph.number_of_nodes() + len(self.ends)


@dataclass(frozen=True)
class CacheEvent:
    """What a cache listener hears: a projection cached (`graph`, its `size` in
    nodes + edges, and how many older ones it pushed out), or, with `graph`
    None, the whole cache cleared."""

    graph: nx.MultiDiGraph[str] | None
    size: int = 0
    dropped: int = 0


_cache: OrderedDict[tuple[_View, int], _Entry] = OrderedDict()
_building: dict[_View, threading.Lock] = {}
_listeners: list[Callable[[CacheEvent], None]] = []


def add_cache_listener(listener: Callable[[CacheEvent], None]) -> None:
    """Call `listener` after each projection is cached and when the cache is
    cleared. The process that owns the memory decides what to do about it (the
    app freezes large projections out of the garbage collector's rounds,
    `ui.collector`); a library does not set process-wide policy."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_cache_listener(listener: Callable[[CacheEvent], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _tell(event: CacheEvent) -> None:
    for listener in list(_listeners):
        listener(event)


def node_attributes(node: m.AnyNode) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "kind": node.kind,
        "name": node.name,
        "record": node,
        "sensitivity": node.sensitivity.value,
        "at_risk": node.at_risk,
        "confidence": node.confidence,
    }
    if isinstance(node, m.ArmedActor):
        attrs.update(
            structure=node.structure.value,
            actor_kind=node.actor_kind.value,
            party_to_conflict=node.party_to_conflict,
        )
    if isinstance(node, m.Organisation):
        attrs.update(engager=node.engager, org_kind=node.org_kind.value, hct_member=node.hct_member)
    return attrs


def edge_attributes(rel: m.AnyRelationship) -> dict[str, Any]:
    # The record's own field table, not attribute access, and the enum's
    # `_value_`, not its `value` property: a build makes one of these per
    # relationship (96,000 at M), and those lookups were half of its cost.
    fields = rel.__dict__
    return {
        "type": fields["type"],
        "record": rel,
        # Not getattr(rel, "strength", None): pydantic's __getattr__ on a missing
        # field raises and catches, which costs more than the rest of the edge.
        "strength": fields.get("strength"),
        "confidence": fields["confidence"],
        "sensitivity": fields["sensitivity"]._value_,
        "valid_from": fields["valid_from"],
        "valid_to": fields["valid_to"],
    }


def shown(rel: m.AnyRelationship, graph: nx.MultiDiGraph[str] | SharedCopy) -> bool:
    """Whether the projection shows `rel`: both ends are in view, and no later
    decision withdrew it (`graph.timeline.withdrawn`: a rejected spelling's
    event links, a re-placed event's placeholder area). The stores already
    leave withdrawn links out at any date; this keeps them out of the whole
    history (no date) as well, so no analysis counts them on any view."""
    return rel.source_id in graph and rel.target_id in graph and not timeline.withdrawn(rel)


def build_projection(
    store: GraphStore, *, viewer: Viewer, as_of: date | None = None
) -> nx.MultiDiGraph[str]:
    """Build the graph of what `viewer` may see at `as_of` (None: every interval)."""
    return _build(store, viewer=viewer, as_of=as_of, counter=store.change_counter()).graph


def _build(store: GraphStore, *, viewer: Viewer, as_of: date | None, counter: int) -> _Entry:
    # `counter` is read before the records: a write landing in between is
    # replayed by the next update (applying a record twice changes nothing).
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else None, clearance=viewer.clearance.value
    )
    ends: dict[str, tuple[str, str]] = {}
    # networkx's own tables, filled directly: `add_node` / `add_edge` cost more
    # per call than the rest of a record's trip into the graph (M: 96,000
    # edges). The tables end up exactly as those methods leave them, in the
    # same order (tests/unit/test_projection_build.py compares the two): a node
    # is in all three tables, and an edge's key dict is shared by `_succ[u][v]`
    # and `_pred[v][u]`.
    raw: Any = graph
    node_table: dict[str, dict[str, Any]] = raw._node
    succ: dict[str, dict[str, dict[str, Any]]] = raw._succ
    pred: dict[str, dict[str, dict[str, Any]]] = raw._pred
    withdrawn = timeline.withdrawn
    contrary = timeline.CONTRARY
    ties: dict[str, m.AnyRelationship] = {}

    with (
        no_cyclic_gc(),
        _preparing_updates(store, viewer, as_of) as prepare,
        _early(lambda: store.iter_relationships(viewer=viewer, as_of=as_of)) as rels,
    ):
        for node in store.iter_nodes(viewer=viewer, as_of=as_of):
            attrs = node_table.get(node.id)
            if attrs is None:
                node_table[node.id] = node_attributes(node)
                succ[node.id] = {}
                pred[node.id] = {}
            else:
                attrs.update(node_attributes(node))
        for rel in _then(rels, prepare):
            fields = rel.__dict__  # not attribute access: pydantic's is slower
            u, v, key = fields["source_id"], fields["target_id"], fields["id"]
            gone = withdrawn(rel)
            if u in succ and v in succ and not gone:  # `shown`
                keys = succ[u].get(v)
                if keys is None:
                    succ[u][v] = pred[v][u] = {key: edge_attributes(rel)}
                elif key in keys:
                    keys[key].update(edge_attributes(rel))
                else:
                    keys[key] = edge_attributes(rel)
                ends[key] = (u, v)
            if fields["type"] in contrary and not gone:
                ties[key] = rel
        place_ties(graph, ends, ties, as_of)
    return _Entry(graph, counter, SharedMap(ends), ties)


def place_ties(
    graph: nx.MultiDiGraph[str],
    ends: dict[str, tuple[str, str]],
    ties: dict[str, m.AnyRelationship],
    as_of: date | None,
) -> None:
    """Apply the pair rule (`_ties_as_of`) to a freshly built graph: drop the
    alliances and oppositions it ends by `as_of`, and show the others as they
    were known then. `ends` is the graph's relationship-id index, kept in step."""
    placed = {r.id: r for r in _ties_as_of(graph, list(ties.values()), as_of)}
    for rel_id in [r for r in ties if r in ends]:
        if rel_id not in placed:
            graph.remove_edge(*ends.pop(rel_id), rel_id)
        elif placed[rel_id] is not ties[rel_id]:
            graph.edges[(*ends[rel_id], rel_id)].update(edge_attributes(placed[rel_id]))


_END = object()


@contextmanager
def _early(listing: Callable[[], Iterable[T]]) -> Iterator[Iterator[T]]:
    """The records of `listing`, asked for on a thread of its own at once.

    A store's listing is mostly waiting: for the server (Neo4j: 1.5 s of its
    CPU for the relationships at M) or for SQLite's query, neither of which
    holds the interpreter lock. Asked for before the nodes are decoded, it
    runs beside them on the second core instead of after them. The thread
    takes the first record only (which runs the query); the rest are decoded
    on the caller's thread as it asks for them, in the listing's order. Its
    errors are raised to the caller when it reaches the listing, and the
    thread is always waited for, so nothing outlives the build.
    """
    box: list[Any] = []

    def first() -> None:
        try:
            it = iter(listing())
            box.append((it, next(it, _END)))
        except BaseException as e:  # handed to the caller's thread below
            box.append(e)

    worker = threading.Thread(target=first, name="actorgraph-listing", daemon=True)
    worker.start()

    def records() -> Iterator[T]:
        worker.join()
        if isinstance(box[0], BaseException):
            raise box[0]
        it, head = box[0]
        if head is _END:
            return
        yield head
        yield from it

    try:
        yield records()
    finally:
        worker.join()


def _then(
    rels: Iterable[m.AnyRelationship], call: Callable[[], None]
) -> Iterator[m.AnyRelationship]:
    """`rels`, calling `call` once the first has arrived (or there is none)."""
    it = iter(rels)
    for first in it:
        call()
        yield first
        yield from it
        return
    call()


@contextmanager
def _preparing_updates(
    store: GraphStore, viewer: Viewer, as_of: date | None
) -> Iterator[Callable[[], None]]:
    """Let a store that plans queries on first use (Neo4j) prepare the reads of
    a later update while this build decodes, so the first update after a
    process starts costs what later ones do. The build calls the function this
    yields once the store's listings have arrived: the server then plans while
    the client decodes, instead of competing with the listing queries for the
    same cores, and the build waits only if planning takes longer than the
    rest of the build. A store without such a step (SQLite prepares per
    connection) is left alone; a failed preparation only costs the first
    update its planning again, so it is logged, not raised."""
    prepare: Callable[..., None] | None = getattr(store, "prepare_updates", None)
    if prepare is None:
        yield lambda: None
        return
    failed: list[BaseException] = []

    def run() -> None:
        try:
            prepare(viewer=viewer, as_of=as_of)
        except Exception as e:  # the build's own reads report a real outage
            failed.append(e)

    worker = threading.Thread(target=run, name="actorgraph-prepare-updates", daemon=True)

    def start() -> None:
        if worker.ident is None:
            worker.start()

    try:
        yield start
    finally:
        if worker.ident is not None:
            worker.join()
    if failed:
        log.warning("could not prepare the store's update queries: %s", failed[0])


def _ties_as_of(
    graph: nx.MultiDiGraph[str], ties: list[m.AnyRelationship], as_of: date | None
) -> list[m.AnyRelationship]:
    """The alliances and oppositions among `ties` that the graph shows at
    `as_of`, by the pair rule of graph.timeline: each as it was known then
    (evidence dated after the day ignored), less those that contrary evidence
    ended by then. The store filters each record on its own window; only here
    are two records seen together, so `ties` must hold every tie of each pair
    it names. Without a date (the whole history) nothing is trimmed or ended.
    """
    live = [r for r in ties if r.source_id in graph and r.target_id in graph]
    if as_of is None:
        return live
    known = [timeline.evidence_known_on(r, tie_evidence_days(graph, r), as_of) for r in live]
    over = timeline.ended_by_contrary(known, as_of)
    return [r for r in known if r.id not in over]


def tie_evidence_days(graph: nx.MultiDiGraph[str], rel: m.AnyRelationship) -> list[date]:
    """Start days of the events in `graph` that support an inferred alliance (both
    ends on the same side) or opposition (opposite sides): what it rests on."""

    def sides(actor: str) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for _, incident, data in graph.out_edges(actor, data=True):
            if data.get("type") == "PARTICIPATED_IN":
                side = timeline.EVENT_SIDES.get(str(data["record"].__dict__.get("role")))
                if side is not None:
                    out.setdefault(incident, set()).add(side)
        return out

    if rel.source_id not in graph or rel.target_id not in graph:
        return []
    mine, theirs = sides(rel.source_id), sides(rel.target_id)
    days = []
    for incident in mine.keys() & theirs.keys():
        record = graph.nodes[incident].get("record")
        when = getattr(record, "date", None)
        if when and timeline.sides_support(rel.type, mine[incident], theirs[incident]):
            days.append(lower_bound(when))
    return days


def relationship_ends(graph: nx.MultiDiGraph[str]) -> Mapping[str, tuple[str, str]]:
    """Relationship id -> (source, target) for every edge of `graph`.

    A cached projection carries the index its build or update kept (updated
    with the graph, in time proportional to the write); any other frozen graph
    gets one on first use, remembered; an unfrozen graph (which may still
    change) gets a fresh one each call. Read-only.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("per_a", "org_b", key="rel_1")
    'rel_1'
    >>> relationship_ends(g)["rel_1"]
    ('per_a', 'org_b')
    """
    ends: Mapping[str, tuple[str, str]] | None = vars(graph).get(ENDS_ATTR)
    if ends is not None:
        return ends
    index = {key: (u, v) for u, v, key in graph.edges(keys=True)}
    if nx.is_frozen(graph):
        vars(graph)[ENDS_ATTR] = index
    return index


def _update(
    base: _Entry, store: GraphStore, *, viewer: Viewer, as_of: date | None, counter: int
) -> _Entry | None:
    """`base` brought up to date with the store, or None when a rebuild is due.

    A node's visibility depends on itself alone, and a relationship's on itself
    and its two ends (the as-of date and the clearance are the view's). So the
    records written since `base` and the relationships touching changed nodes
    are all that can differ from a rebuild; each is read again and replaces,
    adds or drops what the graph held. Derived from them: the alliances and
    oppositions of every actor they touch, whose pair rule and evidence (the
    events both took part in) may have moved. Everything else is shared with
    `base` (graph.shared_copy), so the work follows the change, not the graph.
    """
    changes = store.changes_since(base.counter, viewer=viewer)
    if changes is None:
        return None
    if len(changes) > max(_UPDATE_FLOOR, _UPDATE_LIMIT * base.size):
        return None
    if any(c.kind == "Source" for c in changes):
        return None
    node_ids = sorted({c.id for c in changes if c.category == "node"})
    rel_ids = {c.id for c in changes if c.category == "rel"}
    rel_ids.update(store.relationships_touching(node_ids, viewer=viewer))
    nodes, rels = store.get_many(node_ids, sorted(rel_ids), viewer=viewer, as_of=as_of)
    with no_cyclic_gc():
        edit = SharedCopy(base.graph)
        ends = base.ends.edit()
        ties = {k: v for k, v in base.ties.items() if k not in rel_ids}
        # Actors whose ties must be placed again: ends of every changed record,
        # before and after, and the neighbours of changed nodes (an incident's
        # participants, whose shared events are their ties' evidence).
        touched = set(node_ids)
        for node_id in node_ids:
            if node_id in base.graph:
                touched.update(base.graph.succ[node_id])
                touched.update(base.graph.pred[node_id])
        for rel_id in rel_ids:
            if rel_id in ends:
                u, v = ends.pop(rel_id)
                touched.update((u, v))
                edit.remove_edge(u, v, rel_id)
        seen = {n.id for n in nodes}
        for node_id in node_ids:
            if node_id not in seen and node_id in edit:
                for _, _, rel_id in edit.remove_node(node_id):  # out of sight now
                    if rel_id in ends:
                        ends.pop(rel_id)
        for node in nodes:
            edit.set_node(node.id, node_attributes(node))

        def add(rel: m.AnyRelationship) -> None:
            if shown(rel, edit):
                edit.add_edge(rel.source_id, rel.target_id, rel.id, edge_attributes(rel))
                ends[rel.id] = (rel.source_id, rel.target_id)

        for rel in rels:
            touched.update((rel.source_id, rel.target_id))
            if rel.type in timeline.CONTRARY and not timeline.withdrawn(rel):
                ties[rel.id] = rel
            elif rel.type not in timeline.CONTRARY:
                add(rel)
        # The pair rule again, over every tie of a touched actor (a pair's ties
        # all share its two actors, so each touched pair is complete).
        again = [t for t in ties.values() if t.source_id in touched or t.target_id in touched]
        for tie in again:
            if tie.id in ends:
                edit.remove_edge(*ends.pop(tie.id), tie.id)
        for tie in _ties_as_of(edit.graph, again, as_of):
            add(tie)
    return _Entry(edit.graph, counter, ends.done(), ties)


def update_projection(
    graph: nx.MultiDiGraph[str], store: GraphStore, *, viewer: Viewer, as_of: date | None = None
) -> nx.MultiDiGraph[str] | None:
    """A new projection: `graph` (a cached projection of this store, viewer and
    date) with the store's later writes applied; None when that graph is not
    cached or when `build_projection` is the better (or only safe) way."""
    with _lock:
        base = next((e for e in _cache.values() if e.graph is graph), None)
    if base is None:
        return None
    counter = store.change_counter()
    updated = _update(base, store, viewer=viewer, as_of=as_of, counter=counter)
    return updated.graph if updated else None


def _view(store: GraphStore, viewer: Viewer, as_of: date | None) -> _View:
    # The clearance is part of the key: cached values are shared across users.
    return (
        id(store),
        getattr(store, "url", repr(store)),
        viewer.clearance.value,
        as_of.isoformat() if as_of else None,
    )


def projection(
    store: GraphStore, *, viewer: Viewer, as_of: date | None = None
) -> nx.MultiDiGraph[str]:
    """A cached projection; updated (or rebuilt) when the store's change counter moves.

    The returned graph is shared between callers and frozen (networkx raises
    on any change): use ``graph.copy()`` to get one you may modify.
    """
    view = _view(store, viewer, as_of)
    counter = store.change_counter()
    hit = _cached(view, counter)
    if hit is not None:
        return hit
    with _lock:
        building = _building.setdefault(view, threading.Lock())
    # One build or update per view at a time: a second session (or the app's
    # warm-up) asking for the same view waits for it instead of doing it again.
    with building:
        counter = store.change_counter()
        hit = _cached(view, counter)
        return hit if hit is not None else _refresh(store, viewer, as_of, view, counter)


def _cached(view: _View, counter: int) -> nx.MultiDiGraph[str] | None:
    with _lock:
        hit = _cache.get((view, counter))
        if hit is None:
            return None
        _cache.move_to_end((view, counter))
        return hit.graph


def _refresh(
    store: GraphStore, viewer: Viewer, as_of: date | None, view: _View, counter: int
) -> nx.MultiDiGraph[str]:
    """Update the newest cached projection of `view` to `counter`, or build it."""
    key = (view, counter)
    with _lock:
        # The newest earlier projection of the same view, to update.
        older = [(k[1], e) for k, e in _cache.items() if k[0] == view]
    entry = None
    if older:
        newest = max(older, key=lambda ce: ce[0])[1]
        entry = _update(newest, store, viewer=viewer, as_of=as_of, counter=counter)
    if entry is None:
        entry = _build(store, viewer=viewer, as_of=as_of, counter=counter)
    vars(entry.graph)[ENDS_ATTR] = entry.ends  # kept by build and update alike
    nx.freeze(entry.graph)
    with _lock:
        # Superseded projections of this view are not asked for again: let them go
        # (a caller still holding one keeps it alive).
        dropped = [_cache.pop(k) for k in [k for k in _cache if k[0] == view and k != key]]
        _cache[key] = entry
        while len(_cache) > _CACHE_SIZE:
            dropped.append(_cache.popitem(last=False)[1])
    for old in dropped:
        _forget(old)
    _tell(CacheEvent(entry.graph, entry.size, len(dropped)))
    return entry.graph


def _forget(entry: _Entry) -> None:
    """Break the reference cycles of an evicted projection, so that it is freed
    without waiting for a full garbage collection — which, at M size, is a
    pause of one to three seconds landing on whichever page happens to trigger
    it. The cycles: its memo (answers such as a collapsed influence graph hold
    the projection) and networkx's cached views (`graph.edges`, `graph.degree`
    hold their graph); graphs reachable from the memo (the collapsed one) are
    released the same way. Both are caches: a caller still holding the graph
    just computes them again.

    What the memo held is handed to `_RELEASER`, which frees it a piece at a
    time on a thread of its own: freeing a collapsed influence graph at L
    (680,000 edges) at once is close to a second, and it landed on the caller
    of the update that superseded the projection. Nothing stays alive longer
    than that release takes (`wait_released`)."""
    # The memos go straight from `_detach` to the releaser: a name here still
    # holding one when the releaser looks would make it free it whole, later,
    # on this thread.
    _RELEASER.put(_detach(entry.graph))


def _detach(graph: nx.Graph[Any]) -> list[object]:
    """Take the memos off `graph` and the graphs its answers hold, and break
    their cached views' cycles; return the memos."""
    pending: list[nx.Graph[Any]] = [graph]
    memos: list[object] = []
    while pending:
        graph = pending.pop()
        attrs = vars(graph)
        memo = attrs.pop(MEMO_ATTR, {})
        for value in memo.values():
            parts = [getattr(value, f.name) for f in fields(value)] if is_dataclass(value) else []
            pending.extend(v for v in (value, *parts) if isinstance(v, nx.Graph))
        for name in [k for k, v in attrs.items() if getattr(v, "_graph", None) is graph]:
            del attrs[name]
        if memo:
            memos.append(memo)
    return memos


class _Releaser:
    """Frees what it is handed a piece at a time, on a daemon thread of its own.

    Dropping the last reference to a large structure frees all of it in one
    go, holding the interpreter lock throughout; here a container that no one
    else holds (its reference count says so) is emptied a slice at a time, and
    the thread lets others run between slices. Anything someone else still
    holds (a session's old answer, a table shared with the newer projection)
    is only let go of, never emptied: it lives on, whole, with its holders.
    """

    SMALL = 64  # containers up to this size (an edge's data) are freed whole
    SLICE = 512  # items emptied between two pauses

    def __init__(self) -> None:
        self._pending: list[object] = []
        self._busy = False
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def put(self, objects: list[object]) -> None:
        if not objects:
            return
        with self._wake:
            self._pending.extend(objects)
            objects.clear()  # only the queue holds them now
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="actorgraph-release", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def wait(self, timeout: float | None = None) -> bool:
        with self._wake:
            return self._wake.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: bool(self._pending))
                stack, self._pending = self._pending, []
                self._busy = True
            try:
                self._empty(stack)
            except Exception:  # a cache's release must never take the process down
                log.exception("releasing a superseded projection's analyses failed")
            finally:
                stack.clear()
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def _empty(self, stack: list[object]) -> None:
        done = 0
        # Held by someone else when met: looked at again once the rest is
        # emptied (one answer of a memo may hold another), until a pass frees
        # nothing more; then let go of, whole, to their holders.
        held: list[object] = []
        progress = False
        while stack or (held and progress):
            if not stack:
                stack.extend(held)
                held.clear()
                progress = False
                continue
            obj = stack.pop()
            # 2: this frame's name and getrefcount's own argument. A weak
            # reference could hand it out again: such an object is let go whole.
            if sys.getrefcount(obj) > 2:
                held.append(obj)
                del obj
                continue
            progress = True
            if weakref.getweakrefcount(obj):
                del obj
                continue
            if isinstance(obj, dict | list | set):
                for _ in range(min(len(obj), self.SLICE)):
                    value = obj.popitem()[1] if isinstance(obj, dict) else obj.pop()
                    if self._large(value):
                        stack.append(value)
                    del value
                done += self.SLICE
                if obj:
                    stack.append(obj)
            elif isinstance(obj, tuple):
                stack.extend(v for v in obj if self._large(v))
            else:  # an object (a graph, an answer): its attributes, then itself
                attrs = vars(obj)
                stack.extend(v for v in attrs.values() if self._large(v))
                attrs.clear()
            del obj
            done += 1
            if done >= self.SLICE:
                done = 0
                time.sleep(0.0001)  # let the caller's thread take the lock
        held.clear()

    @classmethod
    def _large(cls, value: object) -> bool:
        if isinstance(value, dict | list | set | tuple):
            return len(value) > cls.SMALL
        if isinstance(value, str | int | float | type | types.ModuleType | types.FunctionType):
            return False
        return isinstance(getattr(value, "__dict__", None), dict)


_RELEASER = _Releaser()


def wait_released(timeout: float | None = None) -> bool:
    """Wait until what superseded projections remembered has been freed (tests,
    the benchmark); False if `timeout` seconds passed first."""
    return _RELEASER.wait(timeout)


def _after_fork() -> None:
    global _RELEASER
    _RELEASER = _Releaser()  # the thread and its lock stayed in the parent


os.register_at_fork(after_in_child=_after_fork)


def clear_cache() -> None:
    """Drop every cached projection (tests, the benchmark's cold start)."""
    with _lock:
        dropped = list(_cache.values())
        _cache.clear()
    for entry in dropped:
        _forget(entry)
    _tell(CacheEvent(None))
