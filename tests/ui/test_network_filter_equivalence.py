"""`network_view.filter_graph` builds a view from its own nodes' adjacency and
the ego network by a bounded breadth-first walk (the projection at M has
95,000 relationships; a view a few hundred). Here it is compared with the
straightforward construction it replaced (filter every node, then every edge
of the projection, then `nx.ego_graph`) on seeded random graphs and filters,
and `select` (the count a page shows when too many entities match) with the
view's nodes.
"""

from __future__ import annotations

import random

import networkx as nx
import pytest

from ui.components import network_view as nv

KINDS = ["ArmedActor", "Person", "Organisation", "Area", "Unit"]
TYPES = ["COMMANDS", "PART_OF", "INFLUENCES", "HAS_ACCESS_TO", "OPERATES_IN"]
STRUCTURES = ["integrated", "decentralised"]


def reference(graph: nx.MultiDiGraph[str], filters: nv.Filters) -> nx.MultiDiGraph[str]:
    """The construction `filter_graph` used before: walk the whole projection."""
    keep = set()
    for node_id, data in graph.nodes(data=True):
        if filters.node_kinds and data.get("kind") not in filters.node_kinds:
            continue
        if (
            filters.structures
            and data.get("kind") == "ArmedActor"
            and data.get("structure") not in filters.structures
        ):
            continue
        keep.add(node_id)
    if filters.area_id and filters.area_id in graph:
        keep &= nv._area_scope(graph, filters.area_id)
    if filters.only:
        keep &= filters.only
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id in keep:
        out.add_node(node_id, **graph.nodes[node_id])
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in keep and v in keep and nv.passes(data, filters):
            out.add_edge(u, v, key=key, **data)
    if filters.center and filters.center in out:
        ego = nx.ego_graph(out.to_undirected(as_view=True), filters.center, radius=filters.depth)
        out = out.subgraph(ego.nodes).copy()
    for node in sorted(filters.expanded):
        if node in out:
            for u, v, key, data in [
                *graph.out_edges(node, keys=True, data=True),
                *graph.in_edges(node, keys=True, data=True),
            ]:
                if not nv.passes(data, filters):
                    continue
                for end in (u, v):
                    if end not in out:
                        out.add_node(end, **graph.nodes[end])
                if not out.has_edge(u, v, key):
                    out.add_edge(u, v, key=key, **data)
    return out


def random_graph(rng: random.Random) -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in range(rng.randint(5, 40)):
        kind = rng.choice(KINDS)
        graph.add_node(f"n{i}", kind=kind, name=f"Fictional {i}", structure=rng.choice(STRUCTURES))
    nodes = list(graph.nodes)
    for j in range(rng.randint(0, 90)):
        u, v = rng.choice(nodes), rng.choice(nodes)  # self-loops and parallels too
        graph.add_edge(
            u, v, key=f"r{j}", type=rng.choice(TYPES), confidence=rng.choice([0.2, 0.5, 0.9])
        )
    return graph


def random_filters(rng: random.Random, graph: nx.MultiDiGraph[str]) -> nv.Filters:
    nodes = sorted(graph.nodes)
    areas = [n for n in nodes if graph.nodes[n]["kind"] == "Area"]

    def some(items: list[str]) -> frozenset[str]:
        return (
            frozenset(rng.sample(items, rng.randint(0, len(items))))
            if rng.random() < 0.5
            else frozenset()
        )

    return nv.Filters(
        node_kinds=some(KINDS),
        rel_types=some(TYPES),
        structures=some(STRUCTURES),
        area_id=rng.choice(areas) if areas and rng.random() < 0.3 else None,
        min_confidence=rng.choice([0.0, 0.0, 0.4, 0.8]),
        center=rng.choice(nodes) if rng.random() < 0.5 else None,
        depth=rng.randint(1, 3),
        only=some(nodes) if rng.random() < 0.3 else frozenset(),
        expanded=frozenset(rng.sample(nodes, rng.randint(0, 3))),
    )


def edges(graph: nx.MultiDiGraph[str]) -> set[tuple[str, str, str]]:
    return set(graph.edges(keys=True))


@pytest.mark.parametrize("seed", range(300))
def test_filter_graph_keeps_what_the_whole_graph_walk_kept(seed: int) -> None:
    rng = random.Random(seed)
    graph = random_graph(rng)
    nx.freeze(graph)  # the projection is frozen and shared: filtering never changes it
    filters = random_filters(rng, graph)
    expected = reference(graph, filters)
    got = nv.filter_graph(graph, filters)
    assert set(got.nodes) == set(expected.nodes), filters
    assert edges(got) == edges(expected), filters
    assert all(got.nodes[n] == graph.nodes[n] for n in got)
    assert nv.select(graph, filters).nodes == set(expected.nodes)
