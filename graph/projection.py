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

Projections are cached per (store, clearance, as-of, change counter): a write
moves the counter, so the next call rebuilds.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.sensitivity import Viewer
from graph.store import GraphStore

_CACHE_SIZE = 16
_lock = threading.Lock()
_cache: OrderedDict[tuple[int, str, str, str | None, int], nx.MultiDiGraph[str]] = OrderedDict()


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
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else None, clearance=viewer.clearance.value
    )
    with _no_cyclic_gc():
        for node in store.iter_nodes(viewer=viewer, as_of=as_of):
            graph.add_node(node.id, **node_attributes(node))
        for rel in store.iter_relationships(viewer=viewer, as_of=as_of):
            # The store already hides relationships whose endpoints are hidden; the
            # check guards against a store that does not.
            if rel.source_id in graph and rel.target_id in graph:
                graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
    return graph


def projection(
    store: GraphStore, *, viewer: Viewer, as_of: date | None = None
) -> nx.MultiDiGraph[str]:
    """A cached projection; rebuilt when the store's change counter moves.

    The returned graph is shared between callers and frozen (networkx raises
    on any change): use ``graph.copy()`` to get one you may modify.
    """
    # The clearance is part of the key: cached values are shared across users.
    key = (
        id(store),
        getattr(store, "url", repr(store)),
        viewer.clearance.value,
        as_of.isoformat() if as_of else None,
        store.change_counter(),
    )
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    graph = build_projection(store, viewer=viewer, as_of=as_of)
    nx.freeze(graph)
    with _lock:
        _cache[key] = graph
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return graph


def clear_cache() -> None:
    with _lock:
        _cache.clear()
