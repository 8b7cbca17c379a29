"""`k_best_paths` writes its hop-layered graph straight into networkx's tables;
its answers (paths, weights, order, ties included) must be those of the same
layered graph built with `add_edges_from`, as it was before."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.paths import _SOURCE, _hop_distances, k_best_paths, path_weight


def reference(
    digraph: nx.DiGraph[str],
    sources: list[str],
    goals: set[str],
    *,
    k: int,
    max_hops: int,
    passable: Callable[[str], bool],
) -> list[tuple[float, list[str]]]:
    """The layered search as written before: edges collected, one `add_edges_from`."""
    starts = [s for s in sources if s in digraph and s not in goals]
    entry_stop = set(starts)

    def can_pass(node: str) -> bool:
        return node not in goals and node not in entry_stop and passable(node)

    backward = _hop_distances(
        digraph,
        goals,
        reverse=True,
        limit=max_hops,
        stop=entry_stop,
        may_extend=lambda u, d: d == 0 or can_pass(u),
    )
    sink = ("", max_hops + 1)
    layered: nx.DiGraph[tuple[str, int]] = nx.DiGraph()
    layered.add_node(_SOURCE)
    layered.add_node(sink)
    current = [s for s in starts if backward.get(s, max_hops + 1) <= max_hops]
    edges = [(_SOURCE, (s, 0), {"weight": 0.0}) for s in current]
    layers = [set(current)]
    for layer in range(max_hops):
        following: list[str] = []
        entered: set[str] = set()
        for u in current:
            if u in goals:
                continue
            for v, data in digraph.succ[u].items():
                if backward.get(v, max_hops + 1) > max_hops - layer - 1 or v in entry_stop:
                    continue
                if v not in goals and not passable(v):
                    continue
                if v not in entered:
                    entered.add(v)
                    following.append(v)
                edges.append(((u, layer), (v, layer + 1), {"weight": float(data["weight"])}))
        layers.append(entered)
        current = following
    for layer in range(1, max_hops + 1):
        edges.extend(
            ((g, layer), sink, {"weight": 0.0}) for g in sorted(goals) if g in layers[layer]
        )
    layered.add_edges_from(edges)
    found = []
    try:
        for candidate in islice(nx.shortest_simple_paths(layered, _SOURCE, sink, "weight"), 100):
            path = [node for node, _ in candidate[1:-1]]
            if len(set(path)) == len(path):
                found.append((path_weight(digraph, path), path))
                if len(found) >= k:
                    break
    except nx.NetworkXNoPath:
        return []
    return sorted(found, key=lambda item: item[0])


@st.composite
def graphs(draw: st.DrawFn) -> nx.DiGraph[str]:
    n = draw(st.integers(4, 14))
    # Few distinct weights, so that equal-weight ties (whose order Yen decides) are common.
    weight = st.sampled_from([0.1, 0.2, 0.5, 1.0])
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), weight)))
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_nodes_from(f"n{i}" for i in range(n))
    digraph.add_weighted_edges_from((f"n{u}", f"n{v}", w) for u, v, w in pairs if u != v)
    return digraph


@settings(max_examples=300, deadline=None)
@given(graphs(), st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.data())
def test_k_best_paths_equal_those_on_the_layered_graph_built_edge_list_first(
    digraph: nx.DiGraph[str], k: int, max_hops: int, blocked: int, data: st.DataObject
) -> None:
    nodes = sorted(digraph)
    sources = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3))
    goals = set(data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=2)))
    closed = set(nodes[-blocked:]) if blocked else set()

    def passable(node: str) -> bool:
        return node not in closed

    got = k_best_paths(
        digraph, sources, goals, k=k, max_hops=max_hops, passable=passable, no_entry=[]
    )
    assert got == reference(digraph, sources, goals, k=k, max_hops=max_hops, passable=passable)
