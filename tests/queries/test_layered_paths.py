"""`k_best_paths` searches its hop-layered graph with `queries.yen`, over
plain lists; its answers (paths, weights, order, ties included) must be those
of `nx.shortest_simple_paths` on the same layered graph built as an
`nx.DiGraph` with `add_edges_from`, as it was before."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Mapping
from itertools import islice
from typing import Any
from unittest import mock

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from queries import paths
from queries.paths import k_best_paths, path_weight
from queries.yen import shortest_simple_paths

_SOURCE = ("", -1)


def _hop_distances(
    digraph: nx.DiGraph[str],
    starts: Collection[str],
    *,
    reverse: bool,
    limit: int,
    stop: Collection[str],
    may_extend: Callable[[str, int], bool],
) -> dict[str, int]:
    """The backward hop-distance search as it was (`queries.paths._toward` now)."""
    dist: dict[str, int] = {s: 0 for s in starts}
    queue = deque(dist)
    # NetworkX's own adjacency mapping: no view object per node visited.
    adjacency: Mapping[str, Mapping[str, Any]] = vars(digraph)["_pred" if reverse else "_succ"]
    while queue:
        u = queue.popleft()
        d = dist[u]
        if d >= limit or not may_extend(u, d):
            continue
        for v in adjacency[u]:
            if v not in dist:
                dist[v] = d + 1
                if v not in stop:
                    queue.append(v)
    return dist


def reference(
    digraph: nx.DiGraph[str],
    sources: list[str],
    goals: set[str],
    *,
    k: int,
    max_hops: int,
    passable: Callable[[str], bool],
    no_entry: Collection[str] = (),
    budget: int = 100,
) -> list[tuple[float, list[str]]]:
    """The layered search as written before: edges collected, one `add_edges_from`,
    NetworkX's Yen."""
    starts = [s for s in sources if s in digraph and s not in goals]
    entry_stop = set(starts) | set(no_entry)

    def can_pass(node: str) -> bool:
        return node not in goals and node not in entry_stop and passable(node)

    backward = _hop_distances(
        digraph,
        goals,
        reverse=True,
        limit=max_hops,
        stop=set(starts),
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
        for candidate in islice(nx.shortest_simple_paths(layered, _SOURCE, sink, "weight"), budget):
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
    # Few distinct weights, so that equal-weight ties (whose order Yen decides)
    # are common; whole numbers (and zero, as the layered graph's end hops)
    # make ties between different mixes of hops too.
    weight = st.sampled_from(draw(st.sampled_from([[0.1, 0.2, 0.5, 1.0], [0.0, 1.0, 2.0]])))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), weight)))
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_nodes_from(f"n{i}" for i in range(n))
    digraph.add_weighted_edges_from((f"n{u}", f"n{v}", w) for u, v, w in pairs if u != v)
    return digraph


@settings(max_examples=500, deadline=None)
@given(graphs(), st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.data())
def test_k_best_paths_equal_networkx_yen_on_the_layered_graph(
    digraph: nx.DiGraph[str], k: int, max_hops: int, blocked: int, data: st.DataObject
) -> None:
    nodes = sorted(digraph)
    sources = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3))
    goals = set(data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=2)))
    no_entry = data.draw(st.lists(st.sampled_from(nodes), max_size=2))
    budget = data.draw(st.sampled_from([None, 1, 3, 10]))
    closed = set(nodes[-blocked:]) if blocked else set()

    def passable(node: str) -> bool:
        return node not in closed

    limits = {"k": k, "max_hops": max_hops, "passable": passable, "no_entry": no_entry}
    # Well-connected nodes take another way to their usable successors: make
    # every node (or none) one of them, so both ways are compared.
    many = data.draw(st.sampled_from([1, paths._MANY]))
    with mock.patch.object(paths, "_MANY", many):
        got = k_best_paths(digraph, sources, goals, max_candidates=budget, **limits)
    default = max(100, 20 * k)
    assert got == reference(digraph, sources, goals, budget=budget or default, **limits)


@settings(max_examples=500, deadline=None)
@given(graphs(), st.integers(1, 40), st.data())
def test_yen_lists_the_paths_networkx_lists_in_its_order(
    digraph: nx.DiGraph[str], many: int, data: st.DataObject
) -> None:
    """The engine alone, on plain graphs (loops, dead ends, tied weights): the
    same candidates in the same order, as many as asked."""
    nodes = sorted(digraph)
    source, target = data.draw(
        st.lists(st.sampled_from(nodes), min_size=2, max_size=2, unique=True)
    )
    number = {node: i for i, node in enumerate(digraph)}
    succ = [
        {number[v]: float(w) for v, w in digraph.succ[u].items() for w in [w["weight"]]}
        for u in digraph
    ]
    pred = [
        {number[v]: float(digraph.succ[v][u]["weight"]) for v in digraph.pred[u]} for u in digraph
    ]
    try:
        expected = [
            [number[n] for n in path]
            for path in islice(nx.shortest_simple_paths(digraph, source, target, "weight"), many)
        ]
    except nx.NetworkXNoPath:
        expected = []
    got = list(islice(shortest_simple_paths(succ, pred, number[source], number[target]), many))
    assert got == expected
