"""The compiled brokerage gives NetworkX's betweenness, identical, not merely close.

`queries.brokerage.sampled_betweenness` replaced
``nx.betweenness_centrality(G, k, weight="weight", normalized=True, seed=0)``
in `queries.influencers` for speed; NetworkX stays here as the reference.
Equality is exact (``==`` on every float): ties between equal-length routes,
zero-weight edges and self-loops are where a reordered sum or a tolerant
comparison would show.
"""

from __future__ import annotations

import importlib
import random
import threading
from typing import Any

import networkx as nx
import pytest

from bench.generate import AS_OF, Generator, Size
from queries.brokerage import sampled_betweenness
from queries.constraints import PathConstraints
from queries.examples import graph_from_records
from queries.influencers import influencers, key_interlocutors

# The module, not the function `queries` re-exports under the same name.
influencers_module = importlib.import_module("queries.influencers")


brokerage_module = importlib.import_module("queries.brokerage")


@pytest.fixture(autouse=True)
def _always_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small graphs are otherwise left to NetworkX until numba is loaded: test the loop."""
    monkeypatch.setattr(brokerage_module, "SMALL_WORK", 0)


def _random_digraph(seed: int, nodes: int, density: float, ties: bool) -> nx.DiGraph[str]:
    rng = random.Random(seed)
    graph: nx.DiGraph[str] = nx.DiGraph()
    order = rng.sample(range(nodes), nodes)  # node order is not name order
    graph.add_nodes_from(f"n{i:03d}" for i in order)
    for i in range(nodes):
        for j in range(nodes):
            if rng.random() < density:
                # Few distinct weights (and zero) make many equal-length routes,
                # and 0.1 + 0.2 != 0.3 routes that are equal only to a tolerance.
                w = rng.choice([0.0, 0.1, 0.2, 0.3, 0.5]) if ties else 1.0 - rng.random()
                graph.add_edge(f"n{i:03d}", f"n{j:03d}", weight=w)
    if seed % 5 == 0 and graph.number_of_edges():
        u, v = next(iter(graph.edges))
        del graph.edges[u, v]["weight"]  # a missing weight counts 1, as in NetworkX
    return graph


@pytest.mark.parametrize("seed", range(60))
def test_sampled_betweenness_equals_networkx_on_random_graphs(seed: int) -> None:
    graph = _random_digraph(seed, 4 + seed % 37, 0.05 + (seed % 4) * 0.04, ties=seed % 2 == 0)
    n = len(graph)
    k = None if seed % 3 == 0 else max(2, min(n, seed % 11))
    expected = nx.betweenness_centrality(graph, k=k, weight="weight", normalized=True, seed=0)
    got = sampled_betweenness(graph, k, weight="weight", seed=0)
    assert list(got) == list(expected)
    assert got == expected
    assert any(v > 0 for v in got.values()) or all(v == 0 for v in expected.values())


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("seed", range(20))
def test_sampled_betweenness_is_the_same_on_any_number_of_threads(
    seed: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sources are shared among threads a few at a time; their dependencies are
    # added in the sources' order whichever thread finishes first, so a
    # laptop with more cores gets the same bits as this one.
    graph = _random_digraph(100 + seed, 30 + seed, 0.08 + (seed % 3) * 0.04, ties=seed % 2 == 0)
    k = None if seed % 4 == 0 else 12 + seed
    monkeypatch.setattr(brokerage_module, "CHUNK", 1 + seed % 3)
    monkeypatch.setattr(brokerage_module, "THREADS", threads)
    expected = nx.betweenness_centrality(graph, k=k, weight="weight", normalized=True, seed=0)
    got = sampled_betweenness(graph, k, weight="weight", seed=0)
    assert list(got) == list(expected)
    assert got == expected
    assert any(v > 0 for v in got.values())


def test_a_failing_loop_is_reported_and_leaves_no_thread_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Out of memory in one task must reach the caller, and the tasks after it
    # must still finish: a thread left waiting for its turn keeps the app (or
    # the CLI) from exiting.
    real = brokerage_module._kernel()
    calls = [0]

    def failing_once(*args: Any) -> None:
        calls[0] += 1
        if calls[0] == 1:
            raise MemoryError("no room for this chunk")
        real(*args)

    monkeypatch.setattr(brokerage_module, "_kernel", lambda: failing_once)
    monkeypatch.setattr(brokerage_module, "CHUNK", 2)
    monkeypatch.setattr(brokerage_module, "THREADS", 2)
    graph = _random_digraph(7, 30, 0.1, ties=True)
    with pytest.raises(MemoryError, match="no room"):
        sampled_betweenness(graph, None, weight="weight", seed=0)
    workers = [t for t in threading.enumerate() if t.name.startswith("actorgraph-brokerage")]
    for worker in workers:
        worker.join(timeout=60)  # only bounds a hang: finished threads return at once
    assert not [t for t in workers if t.is_alive()]
    assert calls[0] == 15  # every chunk of the 30 sources ran


@pytest.mark.parametrize("seed", range(12))
def test_sampled_betweenness_within_a_zone_equals_networkx_on_its_view(seed: int) -> None:
    # Brokerage reads the zone in the graph's own order, without a filtered view.
    graph = _random_digraph(seed, 12 + seed * 3, 0.08 + (seed % 3) * 0.04, ties=seed % 2 == 0)
    zone = set(random.Random(seed).sample(sorted(graph), len(graph) * 2 // 3))
    view = nx.subgraph_view(graph, filter_node=zone.__contains__)
    k = None if seed % 3 == 0 else max(2, min(len(zone), 3 + seed % 7))
    expected = nx.betweenness_centrality(view, k=k, weight="weight", normalized=True, seed=0)
    got = sampled_betweenness(graph, k, weight="weight", seed=0, within=zone)
    assert list(got) == list(expected)
    assert got == expected
    assert any(v > 0 for v in got.values()) or all(v == 0 for v in expected.values())


def test_sampled_betweenness_counts_every_equal_route() -> None:
    # Two equal routes a->b->d and a->c->d share the traffic a->d between b and c.
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_weighted_edges_from([("a", "b", 1.0), ("a", "c", 1.0), ("b", "d", 1.0)])
    graph.add_weighted_edges_from([("c", "d", 1.0)])
    got = sampled_betweenness(graph, None)
    assert got["b"] == got["c"] == pytest.approx(0.5 / 6)
    assert got["a"] == got["d"] == 0.0


def _tiny_world(seed: int) -> nx.MultiDiGraph[str]:
    return graph_from_records(Generator(Size("tiny", 400, 2_000), seed).records(), as_of=AS_OF)


def _nx_brokerage(
    graph: nx.DiGraph[str], k: int | None, *, weight: str, seed: int, within: Any = None
) -> Any:
    # NetworkX on the zone's view, as brokerage was computed before it was compiled.
    sub = graph if within is None else nx.subgraph_view(graph, filter_node=within.__contains__)
    return nx.betweenness_centrality(sub, k=k, weight=weight, normalized=True, seed=seed)


def _nx_brokerage_started(graph: nx.DiGraph[str], k: int | None, **kw: Any) -> Any:
    values = _nx_brokerage(graph, k, **kw)
    return lambda: values


@pytest.mark.parametrize("seed", range(3))
def test_influencers_report_is_unchanged_by_the_compiled_brokerage(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = _tiny_world(seed)
    ours = influencers(graph, top=25, constraints=PathConstraints(as_of=AS_OF)).as_dict()
    monkeypatch.setattr(influencers_module, "BROKERAGE_SAMPLE", 40)  # sampled, too
    sampled = influencers(graph, top=25, constraints=PathConstraints(as_of=AS_OF)).as_dict()
    monkeypatch.setattr(influencers_module, "started_betweenness", _nx_brokerage_started)
    reference_sampled = influencers(
        graph, top=25, constraints=PathConstraints(as_of=AS_OF)
    ).as_dict()
    monkeypatch.setattr(influencers_module, "BROKERAGE_SAMPLE", 400)
    reference = influencers(graph, top=25, constraints=PathConstraints(as_of=AS_OF)).as_dict()
    assert ours["influencers"], "the generated world has influencers to rank"
    assert any(i["brokerage"] > 0 for i in ours["influencers"])
    assert ours == reference
    assert sampled == reference_sampled


@pytest.mark.parametrize("include_members", [False, True])
def test_key_interlocutors_from_the_shared_matrix_match_a_fresh_search(
    include_members: bool,
) -> None:
    graph = _tiny_world(7)
    chosen = key_interlocutors(
        graph, 4, constraints=PathConstraints(as_of=AS_OF), include_members=include_members
    )
    ig = influencers_module.influence_graph(graph, constraints=PathConstraints(as_of=AS_OF))
    actors = influencers_module._over(graph, None)
    candidates = influencers_module._candidates(graph, False, ())
    fresh = influencers_module.influence_matrix(
        ig, actors, max_hops=3, candidates=candidates, include_members=include_members
    )
    shared = influencers_module._matrix_for(ig, actors, 3, (), candidates, include_members)
    assert shared == fresh
    assert chosen.picks, "someone covers something in the generated world"


@pytest.mark.parametrize("seed", range(3))
def test_influence_matrix_confined_to_candidates_equals_the_whole_search(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The matrix searches only toward candidates (and rebuilds only their
    # paths); searching everywhere, as before, gives the same rows.
    graph = _tiny_world(seed)
    ig = influencers_module.influence_graph(graph, constraints=PathConstraints(as_of=AS_OF))
    actors = influencers_module._over(graph, None)
    everyone = influencers_module._candidates(graph, True, ())
    confined = influencers_module.influence_matrix(
        ig, actors, max_hops=3, candidates=everyone, include_members=True
    )
    whole_search = influencers_module.best_paths

    def everywhere(*args: Any, toward: Any = None, relevant: Any = None, **kw: Any) -> Any:  # noqa: ARG001 (swallowed: the whole search takes neither)
        return whole_search(*args, **kw)

    monkeypatch.setattr(influencers_module, "best_paths", everywhere)
    whole = influencers_module.influence_matrix(
        ig, actors, max_hops=3, candidates=everyone, include_members=True
    )
    assert any(whole.values())
    assert confined == whole
