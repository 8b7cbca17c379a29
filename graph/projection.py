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
of the same (store, clearance, as-of) instead of rebuilding: it asks the store
for every visible record's version (one light query), reads only the records
whose version moved, and applies them to a copy. Large changes, and any change
to a `Source` (whose masking shows in the records that cite it), rebuild.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.sensitivity import Viewer
from graph.store import GraphStore, RecordVersions

_CACHE_SIZE = 16
#: Above this share of changed records (and this many) a rebuild is cheaper than an update.
_UPDATE_LIMIT = 0.05
_UPDATE_FLOOR = 100

_View = tuple[int, str, str, str | None]  # store identity, clearance, as-of
_lock = threading.Lock()


@dataclass(frozen=True)
class _Entry:
    graph: nx.MultiDiGraph[str]
    versions: RecordVersions  # what the graph holds, by id
    ends: dict[str, tuple[str, str]]  # relationship id -> (source, target) in the graph


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
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large graph is built.

    A build allocates a few hundred thousand long-lived objects; each
    allocation threshold crossed triggers a collection that walks all of them
    again, which at M size cost as much as the decoding. Nothing built here is
    garbage, so pausing loses nothing; the previous state is restored.
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
    return _build(store, viewer=viewer, as_of=as_of).graph


def _build(store: GraphStore, *, viewer: Viewer, as_of: date | None) -> _Entry:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else None, clearance=viewer.clearance.value
    )
    ends: dict[str, tuple[str, str]] = {}
    with _no_cyclic_gc():
        visible = store.visible_records(viewer=viewer, as_of=as_of)
        for node in visible.nodes:
            graph.add_node(node.id, **node_attributes(node))
        for rel in visible.relationships:
            # The store already hides relationships whose endpoints are hidden; the
            # check guards against a store that does not.
            if rel.source_id in graph and rel.target_id in graph:
                graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
                ends[rel.id] = (rel.source_id, rel.target_id)
    versions = visible.versions
    kept = RecordVersions(
        versions.nodes, {r: v for r, v in versions.relationships.items() if r in ends}
    )
    return _Entry(graph, kept, ends)


def _moved(old: dict[str, int], new: dict[str, int]) -> tuple[list[str], list[str]]:
    """Ids whose version is new or different, and ids no longer visible."""
    changed = [i for i, v in new.items() if old.get(i) != v]
    gone = [i for i in old if i not in new]
    return changed, gone


def _update(
    base: _Entry, store: GraphStore, *, viewer: Viewer, as_of: date | None
) -> _Entry | None:
    """`base` brought up to date with the store, or None when a rebuild is due."""
    now = store.record_versions(viewer=viewer, as_of=as_of)
    changed_nodes, gone_nodes = _moved(base.versions.nodes, now.nodes)
    changed_rels, gone_rels = _moved(base.versions.relationships, now.relationships)
    moved = len(changed_nodes) + len(gone_nodes) + len(changed_rels) + len(gone_rels)
    total = len(now.nodes) + len(now.relationships)
    if moved > max(_UPDATE_FLOOR, _UPDATE_LIMIT * total):
        return None
    graph = base.graph
    if any(graph.nodes[n]["kind"] == "Source" for n in gone_nodes + changed_nodes if n in graph):
        return None
    nodes, rels = store.get_many(changed_nodes, changed_rels, viewer=viewer, as_of=as_of)
    if any(isinstance(n, m.Source) for n in nodes):
        return None
    if len(nodes) != len(changed_nodes) or len(rels) != len(changed_rels):
        # Moved again since the listing, or a masked source (read by its
        # pseudonym, which no store lookup knows): the safe way is a rebuild.
        return None
    versions = RecordVersions(dict(now.nodes), dict(now.relationships))
    ends = dict(base.ends)
    with _no_cyclic_gc():
        graph = base.graph.copy()  # fresh attribute dicts: the base stays untouched
        for node_id in gone_nodes:
            versions.nodes.pop(node_id, None)
            if node_id in graph:
                graph.remove_node(node_id)  # and its relationships
        gone = set(gone_rels)
        for rel_id in gone_rels + changed_rels:
            if rel_id in gone:
                versions.relationships.pop(rel_id, None)
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
            if rel.source_id in graph and rel.target_id in graph:
                graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
                ends[rel.id] = (rel.source_id, rel.target_id)
            else:
                versions.relationships.pop(rel.id, None)
        # Relationships of removed nodes went with them.
        for rel_id in [r for r, (u, v) in ends.items() if u not in graph or v not in graph]:
            del ends[rel_id]
            versions.relationships.pop(rel_id, None)
    return _Entry(graph, versions, ends)


def update_projection(
    graph: nx.MultiDiGraph[str], store: GraphStore, *, viewer: Viewer, as_of: date | None = None
) -> nx.MultiDiGraph[str] | None:
    """A new projection: `graph` (a cached projection of this store, viewer and
    date) with the store's later writes applied; None when that graph is not
    cached or so much changed that `build_projection` is the better way."""
    with _lock:
        base = next((e for e in _cache.values() if e.graph is graph), None)
    if base is None:
        return None
    updated = _update(base, store, viewer=viewer, as_of=as_of)
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
    key = (view, store.change_counter())
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit.graph
        # The newest earlier projection of the same view, to update.
        older = [(k[1], e) for k, e in _cache.items() if k[0] == view]
    entry = None
    if older:
        entry = _update(max(older, key=lambda ce: ce[0])[1], store, viewer=viewer, as_of=as_of)
    if entry is None:
        entry = _build(store, viewer=viewer, as_of=as_of)
    nx.freeze(entry.graph)
    with _lock:
        # Superseded projections of this view are not asked for again: let them go
        # (a caller still holding one keeps it alive).
        for old_key in [k for k in _cache if k[0] == view and k != key]:
            del _cache[old_key]
        _cache[key] = entry
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return entry.graph


def clear_cache() -> None:
    with _lock:
        _cache.clear()
