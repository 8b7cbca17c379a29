"""The projection build fills networkx's tables directly, and asks for the
relationship listing on a thread of its own while the nodes are decoded
(`graph.projection._build`, issue 13). The graph must be the one networkx's
own `add_node` / `add_edge` make from the same records: every node, edge and
attribute, in the same order, with each edge's key dict shared by both
adjacency tables. Compared here on random graphs (duplicate ids, self-loops,
parallel edges, missing ends, withdrawn links, contrary ties)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import networkx as nx
import pytest

from graph import model as m
from graph import timeline
from graph.errors import StoreUnavailable
from graph.projection import (
    build_projection,
    edge_attributes,
    node_attributes,
    place_ties,
    shown,
)
from graph.sensitivity import SYSTEM, Sensitivity, Viewer


class ListStore:
    """Just enough of a store for a build: fixed listings, no change log."""

    def __init__(self, nodes: list[m.AnyNode], rels: list[m.AnyRelationship]) -> None:
        self.nodes, self.rels = nodes, rels
        self.threads: set[str] = set()

    def change_counter(self) -> int:
        return 0

    def iter_nodes(self, **_: Any) -> Iterator[m.AnyNode]:
        return iter(self.nodes)

    def iter_relationships(self, **_: Any) -> Iterator[m.AnyRelationship]:
        self.threads.add(threading.current_thread().name)
        yield from self.rels


def reference(store: ListStore, viewer: Viewer, as_of: date | None) -> nx.MultiDiGraph[str]:
    """The build as it was written before (networkx's own methods throughout)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        as_of=as_of.isoformat() if as_of else None, clearance=viewer.clearance.value
    )
    ends: dict[str, tuple[str, str]] = {}
    for node in store.iter_nodes(viewer=viewer, as_of=as_of):
        graph.add_node(node.id, **node_attributes(node))
    ties: dict[str, m.AnyRelationship] = {}
    for rel in store.iter_relationships(viewer=viewer, as_of=as_of):
        if shown(rel, graph):
            graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge_attributes(rel))
            ends[rel.id] = (rel.source_id, rel.target_id)
        if rel.type in timeline.CONTRARY and not timeline.withdrawn(rel):
            ties[rel.id] = rel
    place_ties(graph, ends, ties, as_of)
    return graph


def tables(graph: nx.MultiDiGraph[str]) -> tuple[Any, ...]:
    """Everything networkx holds, order included, and whether both adjacency
    tables share each edge's key dict (as `add_edge` leaves them)."""
    succ, pred = graph._succ, graph._pred
    shared = all(succ[u][v] is pred[v][u] for u in succ for v in succ[u])
    return (
        dict(graph.graph),
        [(n, list(d.items())) for n, d in graph._node.items()],
        [(u, [(v, [(k, list(d.items())) for k, d in kd.items()]) for v, kd in nb.items()])
         for u, nb in graph._succ.items()],
        [(u, [(v, list(kd)) for v, kd in nb.items()]) for u, nb in graph._pred.items()],
        shared,
    )  # fmt: skip


def random_records(seed: int) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
    rng = random.Random(seed)
    labels = list(Sensitivity)
    nodes: list[m.AnyNode] = []
    for i in range(rng.randint(1, 40)):
        node_id = f"n{rng.randint(0, 30)}"  # ids repeat now and then
        pick = rng.random()
        common: dict[str, Any] = {"sensitivity": rng.choice(labels), "confidence": rng.random()}
        if pick < 0.4:
            nodes.append(m.Person(id=node_id, name=f"Person {i}", **common))
        elif pick < 0.7:
            nodes.append(
                m.ArmedActor(
                    id=node_id,
                    name=f"Actor {i}",
                    actor_kind=rng.choice(list(m.ActorKind)),
                    structure=rng.choice(list(m.Structure)),
                    **common,
                )
            )
        else:
            nodes.append(
                m.Organisation(
                    id=node_id,
                    name=f"Org {i}",
                    org_kind=rng.choice(list(m.OrgKind)),
                    engager=rng.random() < 0.5,
                    **common,
                )
            )
    rels: list[m.AnyRelationship] = []
    for _ in range(rng.randint(0, 150)):
        source, target = f"n{rng.randint(0, 34)}", f"n{rng.randint(0, 34)}"
        rel_id = f"r{rng.randint(0, 120)}"  # ids repeat: an edge's attributes updated
        common = {
            "id": rel_id,
            "source_id": source,
            "target_id": target,
            "confidence": rng.random(),
            "sensitivity": rng.choice(labels),
            "valid_from": rng.choice([None, "2019", "2021-05", "2023-02-11"]),
        }
        pick = rng.random()
        if pick < 0.4:
            rels.append(m.Influences(strength=rng.random(), **common))
        elif pick < 0.6:
            rels.append(m.HasAccessTo(quality=rng.choice(list(m.AccessQuality)), **common))
        elif pick < 0.8:
            kind = m.AlliedWith if rng.random() < 0.5 else m.Opposes
            rels.append(kind(**common))
        else:
            withdrawn = rng.choice([None, "rev_1"])
            rels.append(m.ParticipatedIn(withdrawn_by=withdrawn, **common))
    rng.shuffle(rels)
    return nodes, rels


@pytest.mark.parametrize("seed", range(300))
def test_build_makes_the_graph_networkx_methods_make_from_the_same_records(seed: int) -> None:
    store = ListStore(*random_records(seed))
    for as_of in (None, date(2022, 1, 1)):
        built = build_projection(store, viewer=SYSTEM, as_of=as_of)  # type: ignore[arg-type]
        assert tables(built) == tables(reference(store, SYSTEM, as_of))


def test_the_relationship_listing_is_asked_for_beside_the_nodes() -> None:
    store = ListStore(*random_records(1))
    build_projection(store, viewer=SYSTEM)  # type: ignore[arg-type]
    assert store.threads == {"actorgraph-listing"}


def test_a_failing_relationship_listing_fails_the_build() -> None:
    class Failing(ListStore):
        def iter_relationships(self, **_: Any) -> Iterator[m.AnyRelationship]:
            raise StoreUnavailable("the server went away")

    with pytest.raises(StoreUnavailable, match="went away"):
        build_projection(Failing(*random_records(2)), viewer=SYSTEM)  # type: ignore[arg-type]
