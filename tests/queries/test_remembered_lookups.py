"""The lookups an influencer ranking repeats are remembered per frozen graph,
and give the straightforward answers (issue 13: influencers at M <= 2 s).

Each fast path is compared with the way it was computed before, on generated
FICTIONAL worlds (`bench.generate`): the typed neighbour lists against
NetworkX's edge views, `actors_of` on a frozen graph against an unfrozen copy
(never remembered), brokerage on the zone's view against a copy of it, and
whole influencer reports on frozen graphs against unfrozen ones.
"""

from __future__ import annotations

import importlib
import random
from typing import Any

import networkx as nx
import pytest

from bench.generate import AS_OF, Generator, Size
from queries.brokerage import sampled_betweenness
from queries.command import actors_of, in_by_type, kind_of, out_by_type
from queries.constraints import PathConstraints
from queries.engagers import acting_for, acting_for_us, default_engagers
from queries.examples import graph_from_records
from queries.influencers import influencers, key_interlocutors
from queries.paths import within_hops_of

brokerage_module = importlib.import_module("queries.brokerage")
influencers_module = importlib.import_module("queries.influencers")
TYPES = ("COMMANDS", "PART_OF", "HOLDS", "MEMBER_OF", "FOCAL_POINT_FOR", "INFLUENCES")


def _world(seed: int) -> nx.MultiDiGraph[str]:
    return graph_from_records(Generator(Size("tiny", 400, 2_000), seed).records(), as_of=AS_OF)


def _by_edge_view(graph: Any, node: str, rel_type: str, out: bool) -> list[str]:
    """The straightforward answer: through NetworkX's edge views."""
    edges = graph.out_edges(node, data=True) if out else graph.in_edges(node, data=True)
    return sorted({v if out else u for u, v, d in edges if d.get("type") == rel_type})


@pytest.mark.parametrize("seed", range(2))
def test_typed_neighbours_match_the_edge_views_on_frozen_views_and_simple_graphs(
    seed: int,
) -> None:
    plain = _world(seed)
    frozen = nx.freeze(plain.copy())
    half = nx.subgraph_view(plain, filter_node=lambda n: sum(map(ord, n)) % 2 == 0)
    simple = nx.DiGraph(plain)  # one data dict per pair: the last relationship's
    checked = 0
    for graph in (plain, frozen, half, simple):
        for node in graph:
            for rel_type in TYPES:
                for out, ask in ((True, out_by_type), (False, in_by_type)):
                    expected = _by_edge_view(graph, node, rel_type, out)
                    assert ask(graph, node, rel_type) == expected, (node, rel_type, out)
                    checked += bool(expected)
    assert checked > 1000, "the generated world has typed neighbours to compare"


def test_remembered_neighbour_lists_are_the_callers_to_change() -> None:
    frozen = nx.freeze(_world(3))
    node = next(n for n in frozen if out_by_type(frozen, n, "COMMANDS"))
    first = out_by_type(frozen, node, "COMMANDS")
    first.append("not a neighbour")
    assert "not a neighbour" not in out_by_type(frozen, node, "COMMANDS")
    mine = actors_of(frozen, node)
    mine.append("not an actor")
    assert "not an actor" not in actors_of(frozen, node)


@pytest.mark.parametrize("seed", range(2))
def test_actors_of_on_a_frozen_graph_equals_a_fresh_walk(seed: int) -> None:
    plain = _world(seed)
    frozen = nx.freeze(plain.copy())
    for node in plain:
        assert actors_of(frozen, node) == actors_of(plain, node)
    assert sum(bool(actors_of(frozen, n)) for n in frozen) > 100


@pytest.mark.parametrize(("keep", "k"), [(0.05, None), (0.05, 8), (0.9, 40), (0.9, None)])
def test_brokerage_on_the_zone_view_equals_it_on_a_copy(
    keep: float, k: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small zone is iterated in its set's order by NetworkX's view, a large
    # one in the graph's: the copy keeps either order, and so must the view.
    monkeypatch.setattr(brokerage_module, "SMALL_WORK", 0)
    digraph = nx.DiGraph()
    world = _world(5)
    for u, v in world.edges():
        digraph.add_edge(u, v, weight=float(len(u) % 3) + 0.5)
    nodes = list(digraph)
    zone = set(nodes[: max(10, int(len(nodes) * keep))])
    view = digraph.subgraph(zone)
    assert list(view) == list(view.copy())
    on_view = sampled_betweenness(view, k, weight="weight", seed=0)
    on_copy = sampled_betweenness(view.copy(), k, weight="weight", seed=0)
    assert list(on_view) == list(on_copy)
    assert on_view == on_copy
    assert any(on_view.values())


@pytest.mark.parametrize("seed", range(3))
def test_influencer_reports_on_frozen_graphs_equal_fresh_computations(seed: int) -> None:
    plain = _world(seed)
    frozen = nx.freeze(plain.copy())
    asked = PathConstraints(as_of=AS_OF)
    fresh = influencers(plain, top=40, constraints=asked).as_dict()
    assert fresh["influencers"], "the generated world has influencers to rank"
    assert influencers(frozen, top=40, constraints=asked).as_dict() == fresh
    # Again on the same frozen graph: every answer now comes from the memo.
    assert influencers(frozen, top=40, constraints=asked).as_dict() == fresh
    chosen = key_interlocutors(frozen, 5, constraints=asked).as_dict()
    assert chosen == key_interlocutors(plain, 5, constraints=asked).as_dict()


def test_default_engagers_on_a_frozen_graph_equal_a_fresh_scan_and_are_the_callers() -> None:
    plain = _world(4)
    frozen = nx.freeze(plain.copy())
    expected = default_engagers(plain)
    assert expected, "the generated world has engagers"
    mine = default_engagers(frozen)
    assert mine == expected
    mine.append("org_not_ours")
    assert default_engagers(frozen) == expected


@pytest.mark.parametrize("seed", range(3))
def test_acting_for_us_is_every_node_acting_for_an_engager(seed: int) -> None:
    plain = _world(seed)
    engager = next(n for n, d in plain.nodes(data=True) if d.get("engager"))
    # The cases the generated world lacks: a person who is only a member of one
    # of us, an organisation that is a focal point for one (not a person: not
    # "us"), a person flagged as an engager, a member of someone else.
    plain.add_node("per_member_only", kind="Person")
    plain.add_edge("per_member_only", engager, key="r1", type="MEMBER_OF")
    plain.add_node("org_liaison", kind="Organisation")
    plain.add_edge("org_liaison", engager, key="r2", type="FOCAL_POINT_FOR")
    plain.add_node("per_flagged", kind="Person", engager=True)
    plain.add_node("per_elsewhere", kind="Person")
    plain.add_edge("per_elsewhere", "org_liaison", key="r3", type="MEMBER_OF")
    frozen = nx.freeze(plain.copy())
    expected = {n for n in plain if acting_for(plain, n)}
    assert {"per_member_only", "per_flagged"} <= expected
    assert not {"org_liaison", "per_elsewhere"} & expected
    assert any(kind_of(plain, n) == "Person" for n in expected), "focal points and members"
    assert acting_for_us(plain) == expected
    assert acting_for_us(frozen) == expected


@pytest.mark.parametrize("hops", [1, 2, 3, 5])
@pytest.mark.parametrize("seed", range(3))
def test_within_hops_on_the_adjacency_equals_within_hops_of_on_a_view(seed: int, hops: int) -> None:
    # Brokerage's zone and the matrix's confinement, read without a view.
    world = _world(seed)
    digraph: nx.DiGraph[str] = nx.DiGraph(world)
    rng = random.Random(seed)
    skip = set(rng.sample(sorted(digraph), len(digraph) // 10))
    start = [n for n in rng.sample(sorted(digraph), 15) if n not in skip]
    view = nx.subgraph_view(digraph, filter_node=lambda n: n not in skip)
    backward = influencers_module._within_hops(vars(digraph)["_pred"], start, hops, skip=skip)
    assert backward == within_hops_of(view, start, hops)
    forward = influencers_module._within_hops(vars(digraph)["_succ"], start, hops)
    assert forward == within_hops_of(digraph.reverse(copy=False), start, hops)
    assert len(set(start)) < len(backward) < len(digraph)
