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
follows their ends), and applies them to a copy. Large changes, any change to
a `Source` (whose masking shows in the records that cite it), and a change log
that does not reach back far enough, rebuild.

At a date, the projection also applies the pair rule of `graph.timeline`: an
inferred alliance (or opposition) that later contrary evidence ended by then
is left out, on build and on update alike.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph import timeline
from graph.dates import lower_bound
from graph.sensitivity import Viewer
from graph.store import GraphStore

_CACHE_SIZE = 16
# Answers remembered on a frozen projection (queries.memo) live in this
# attribute of the graph object. An answer may refer to its graph, so graph and
# memo form a cycle that only a full garbage collection would free: evicting a
# projection drops its memo, and the graph goes as soon as no caller holds it.
MEMO_ATTR = "_actorgraph_memo"
# Nodes + edges from which a cached projection is frozen out of the cyclic
# garbage collector's rounds (see `_settle_collector`); S size is below it.
_FREEZE_FROM = 50_000
_FULL_COLLECTION_EVERY = 32  # writes that supersede a large projection
_superseded = 0
#: Above this share of changed records (and this many) a rebuild is cheaper than an update.
_UPDATE_LIMIT = 0.05
_UPDATE_FLOOR = 100

_View = tuple[int, str, str, str | None]  # store identity, clearance, as-of
_lock = threading.Lock()


@dataclass(frozen=True)
class _Entry:
    graph: nx.MultiDiGraph[str]
    counter: int  # the store's change counter read before the graph was read
    ends: dict[str, tuple[str, str]]  # relationship id -> (source, target) in the graph
    # Every alliance and opposition the store returned for the view, in the graph
    # or not, so the pair rule is re-run over them alone after an update; and
    # those it ended at the view's date (graph.timeline.ended_by_contrary), kept
    # aside, so an update that removes the contrary record can restore them.
    ties: dict[str, m.AnyRelationship]
    ended: dict[str, m.AnyRelationship]


_cache: OrderedDict[tuple[_View, int], _Entry] = OrderedDict()


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
    return {
        "type": rel.type,
        "record": rel,
        # Not getattr(rel, "strength", None): pydantic's __getattr__ on a missing
        # field raises and catches, which costs more than the rest of the edge.
        "strength": rel.__dict__.get("strength"),
        "confidence": rel.confidence,
        "sensitivity": rel.sensitivity.value,
        "valid_from": rel.valid_from,
        "valid_to": rel.valid_to,
    }


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large graph is built.

    A build allocates a few hundred thousand long-lived objects; each
    allocation threshold crossed triggers a collection that walks all of them
    again, which at M size cost as much as the decoding. Nothing built here is
    garbage, so pausing loses nothing; the previous state is restored. An
    import (ingest.pipeline) pauses it for the same reason.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with no_cyclic_gc():
        for node in store.iter_nodes(viewer=viewer, as_of=as_of):
            graph.add_node(node.id, **node_attributes(node))
        ties: dict[str, m.AnyRelationship] = {}
        for rel in store.iter_relationships(viewer=viewer, as_of=as_of):
            _add_edge(graph, ends, rel)
            if rel.type in timeline.CONTRARY:
                ties[rel.id] = rel
        ended = _apply_pair_rule(graph, ends, ties, as_of)
    return _Entry(graph, counter, ends, ties, ended)


def _apply_pair_rule(
    graph: nx.MultiDiGraph[str],
    ends: dict[str, tuple[str, str]],
    ties: dict[str, m.AnyRelationship],
    as_of: date | None,
) -> dict[str, m.AnyRelationship]:
    """Drop the inferred alliances and oppositions among `ties` that contrary
    evidence ended by `as_of` (graph.timeline's pair rule), and return them.
    The store filters each record on its own window; only here are two records
    seen together. Without a date (the whole history) nothing is ended."""
    if as_of is None:
        return {}
    # Evidence dated after the view's date does not inform it (graph.timeline).
    for rel_id, rel in list(ties.items()):
        if rel.source_id in graph and rel.target_id in graph:
            known = timeline.evidence_known_on(rel, tie_evidence_days(graph, rel), as_of)
            if known is not rel:
                ties[rel_id] = known
                if rel_id in ends:
                    graph.edges[(*ends[rel_id], rel_id)].update(edge_attributes(known))
    live = [r for r in ties.values() if r.source_id in graph and r.target_id in graph]
    over = timeline.ended_by_contrary(live, as_of)
    ended: dict[str, m.AnyRelationship] = {}
    for rel in live:
        if rel.id in over:
            if rel.id in ends:
                graph.remove_edge(*ends.pop(rel.id), rel.id)
            ended[rel.id] = rel
    return ended


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
        together = bool(mine[incident] & theirs[incident])
        apart = any(a != b for a in mine[incident] for b in theirs[incident])
        record = graph.nodes[incident].get("record")
        when = getattr(record, "date", None)
        if when and (together if rel.type == "ALLIED_WITH" else apart):
            days.append(lower_bound(when))
    return days


def _add_edge(
    graph: nx.MultiDiGraph[str], ends: dict[str, tuple[str, str]], rel: m.AnyRelationship
) -> None:
    """Add `rel` and note its ends, when both are in the graph. The store already
    hides relationships whose ends are hidden; the check guards against a store
    that does not, and an update drops those whose end went out of sight."""
    if rel.source_id in graph and rel.target_id in graph:
        graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
        ends[rel.id] = (rel.source_id, rel.target_id)


def _update(
    base: _Entry, store: GraphStore, *, viewer: Viewer, as_of: date | None, counter: int
) -> _Entry | None:
    """`base` brought up to date with the store, or None when a rebuild is due.

    A node's visibility depends on itself alone, and a relationship's on itself
    and its two ends (the as-of date and the clearance are the view's). So the
    records written since `base` and the relationships touching changed nodes
    are all that can differ from a rebuild; each is read again and replaces,
    adds or drops what the graph held.
    """
    changes = store.changes_since(base.counter, viewer=viewer)
    if changes is None:
        return None
    size = base.graph.number_of_nodes() + base.graph.number_of_edges()
    if len(changes) > max(_UPDATE_FLOOR, _UPDATE_LIMIT * size):
        return None
    if any(c.kind == "Source" for c in changes):
        return None
    node_ids = sorted({c.id for c in changes if c.category == "node"})
    rel_ids = {c.id for c in changes if c.category == "rel"}
    rel_ids.update(store.relationships_touching(node_ids, viewer=viewer))
    nodes, rels = store.get_many(node_ids, sorted(rel_ids), viewer=viewer, as_of=as_of)
    ends = dict(base.ends)
    ended = {k: v for k, v in base.ended.items() if k not in rel_ids}
    ties = {k: v for k, v in base.ties.items() if k not in rel_ids}
    ties.update((r.id, r) for r in rels if r.type in timeline.CONTRARY)
    with no_cyclic_gc():
        graph = base.graph.copy()  # fresh attribute dicts: the base stays untouched
        seen = {n.id for n in nodes}
        for node_id in node_ids:
            if node_id not in seen and node_id in graph:
                graph.remove_node(node_id)  # out of sight now, with its relationships
        for rel_id in rel_ids:
            if rel_id in ends:
                u, v = ends.pop(rel_id)
                if graph.has_edge(u, v, rel_id):
                    graph.remove_edge(u, v, rel_id)
        for node in nodes:
            if node.id in graph:
                attrs = graph.nodes[node.id]
                attrs.clear()
                attrs.update(node_attributes(node))
            else:
                graph.add_node(node.id, **node_attributes(node))
        for rel in rels:
            _add_edge(graph, ends, rel)
        # Relationships of removed nodes went with them.
        for rel_id in [r for r, (u, v) in ends.items() if u not in graph or v not in graph]:
            del ends[rel_id]
        # The pair rule again, over every tie a rebuild would see: a new contrary
        # record ends a tie, a removed one gives it back.
        for rel in ended.values():
            _add_edge(graph, ends, rel)
        ended = _apply_pair_rule(graph, ends, ties, as_of)
    return _Entry(graph, counter, ends, ties, ended)


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
    key = (view, counter)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit.graph
        # The newest earlier projection of the same view, to update.
        older = [(k[1], e) for k, e in _cache.items() if k[0] == view]
    entry = None
    if older:
        newest = max(older, key=lambda ce: ce[0])[1]
        if _is_large(newest.graph):
            # Collect what is garbage now, before it is frozen with the new
            # projection (see `_settle_collector`); the cached projections are
            # frozen, so this walks only what was made since.
            gc.collect()
        entry = _update(newest, store, viewer=viewer, as_of=as_of, counter=counter)
    if entry is None:
        entry = _build(store, viewer=viewer, as_of=as_of, counter=counter)
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
    _settle_collector(entry.graph, dropped=bool(dropped))
    return entry.graph


def _is_large(graph: nx.MultiDiGraph[str]) -> bool:
    return graph.number_of_nodes() + graph.number_of_edges() >= _FREEZE_FROM


def _settle_collector(graph: nx.MultiDiGraph[str], *, dropped: bool) -> None:
    """Take the cached projections out of the cyclic garbage collector's rounds.

    A projection at M size is about 600,000 tracked objects that live until a
    write supersedes it. Left in the collector's generations they are walked by
    every full collection, which the collector starts by itself some time after
    a build: one to three seconds at M, landing on whichever page rerun
    triggered it (benchmark runs caught reruns of 2.7 s and 3.5 s that way).
    Frozen (`gc.freeze`) they are skipped, and still freed by reference
    counting when dropped (`_forget` breaks their cycles). Freezing pins what
    is garbage at that moment, so before updating after a write `projection`
    collects (cheap: what is frozen is not walked; it frees, for instance, the
    query views that still hold the superseded collapsed graph). What the
    first build freezes with it, and what is frozen alive and dies in a cycle
    later (a closed browser session, say), is collected by a full unfreeze
    and collection every `_FULL_COLLECTION_EVERY` superseding writes. Small
    projections (tests, a district's map) are left alone: collecting them is
    cheap.
    """
    global _superseded
    if not _is_large(graph):
        return
    if dropped:
        _superseded += 1
        if _superseded % _FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()
            gc.collect()
    gc.freeze()


def _forget(entry: _Entry) -> None:
    """Break the reference cycles of an evicted projection, so that it is freed
    as soon as no caller holds it instead of at the next full garbage
    collection — which, at M size, is a pause of one to three seconds landing
    on whichever page happens to trigger it. The cycles: its memo (answers such
    as a collapsed influence graph hold the projection) and networkx's cached
    views (`graph.edges`, `graph.degree` hold their graph); graphs reachable
    from the memo (the collapsed one) are released the same way. Both are
    caches: a caller still holding the graph just computes them again."""
    pending: list[nx.Graph[Any]] = [entry.graph]
    while pending:
        graph = pending.pop()
        attrs = vars(graph)
        for value in attrs.pop(MEMO_ATTR, {}).values():
            parts = [getattr(value, f.name) for f in fields(value)] if is_dataclass(value) else []
            pending.extend(v for v in (value, *parts) if isinstance(v, nx.Graph))
        for name in [k for k, v in attrs.items() if getattr(v, "_graph", None) is graph]:
            del attrs[name]


def clear_cache() -> None:
    """Drop every cached projection (tests, the benchmark's cold start)."""
    with _lock:
        dropped = list(_cache.values())
        _cache.clear()
    for entry in dropped:
        _forget(entry)
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
