"""The influence matrix's compiled searches give `best_paths`'s answers, bit for bit.

`queries.influencers` runs the matrix's backward searches compiled over many
actors on a large map, and with `best_paths` otherwise: both must give the
same rows, the same scores to the last bit, whatever the ties, the hop limit,
the neutrality rule and the members rule.
"""

from __future__ import annotations

import importlib
import random

import networkx as nx
import pytest

from bench.generate import AS_OF, Generator, Size
from graph.schema import ARMED
from queries.command import Parties, actors_of, formations_of, kind_of, out_by_type
from queries.constraints import PathConstraints
from queries.examples import graph_from_records, tiny_graph
from queries.traversal import InfluenceGraph

influencers_module = importlib.import_module("queries.influencers")
brokerage_module = importlib.import_module("queries.brokerage")


def _world(seed: int, ties: bool) -> InfluenceGraph:
    graph = graph_from_records(Generator(Size("tiny", 400, 2_000), seed).records(), as_of=AS_OF)
    ig = influencers_module.influence_graph(graph, constraints=PathConstraints(as_of=AS_OF))
    if ties:
        # A few distinct weights (and zero) make many equal best paths, and
        # 0.1 + 0.2 != 0.3: paths equal only to a tolerance. The graph is this
        # test's own (built above), so its weights may be changed.
        rng = random.Random(seed)
        for _, _, data in ig.digraph.edges(data=True):
            data["weight"] = rng.choice([0.0, 0.1, 0.2, 0.3, 0.5])
    return ig


def _matrix(
    ig: InfluenceGraph,
    monkeypatch: pytest.MonkeyPatch,
    *,
    compiled: bool,
    **kw: object,
) -> dict[str, dict[str, float]]:
    monkeypatch.setattr(influencers_module, "MATRIX_WORK", 0 if compiled else 10**18)
    monkeypatch.setattr(influencers_module, "loaded", lambda: compiled)
    graph = ig.graph
    actors = influencers_module._over(graph, None)
    everyone = influencers_module._candidates(graph, True, ())
    result: dict[str, dict[str, float]] = influencers_module.influence_matrix(
        ig, actors, candidates=everyone, **kw
    )
    return result


@pytest.mark.parametrize("seed", range(8))
def test_compiled_influence_matrix_equals_the_python_search(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ig = _world(seed, ties=seed % 2 == 0)
    rng = random.Random(seed)
    exclude = rng.sample(sorted(ig.digraph), 5)
    kw = {
        "max_hops": 1 + seed % 4,
        "include_members": seed % 3 == 0,
        "exclude": exclude if seed % 2 else (),
    }
    python = _matrix(ig, monkeypatch, compiled=False, **kw)
    compiled = _matrix(ig, monkeypatch, compiled=True, **kw)
    assert any(python.values()), "someone has influence in the generated world"
    assert compiled == python
    # The same rows in the same order: a candidate's reach adds its scores in it.
    assert [list(row) for row in compiled.values()] == [list(row) for row in python.values()]


def test_neutrality_rule_changes_the_compiled_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rule is exercised: without it (no one on another side) some rows
    # change, and the compiled matrix follows the rule like the Python one.
    ig = _world(3, ties=False)
    with_rule = _matrix(ig, monkeypatch, compiled=True, max_hops=3)
    monkeypatch.setattr(ig.parties, "of", lambda _node: frozenset())
    monkeypatch.setattr(influencers_module._Affiliations, "sides", lambda _self, _node: frozenset())
    without = _matrix(ig, monkeypatch, compiled=True, max_hops=3)
    assert with_rule != without
    assert without == _matrix(ig, monkeypatch, compiled=False, max_hops=3)


def test_compiled_loops_fall_back_to_no_disk_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where numba finds nowhere to write its cache (a read-only install and
    # home), it refuses cache=True: the loop is compiled without it instead.
    numba = pytest.importorskip("numba")
    real = numba.njit
    asked: list[bool] = []

    def njit(**options: object) -> object:
        asked.append(bool(options.get("cache")))
        if options.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real(**options)

    monkeypatch.setattr(numba, "njit", njit)

    def add(a: int, b: int) -> int:
        return a + b

    assert brokerage_module.compiled(add)(2, 3) == 5
    assert asked == [True, False]


def _graph(seed: int | None) -> nx.MultiDiGraph[str]:
    """A generated world, or the tiny example (where a commander belongs
    through the post they hold) for None."""
    if seed is None:
        return tiny_graph()
    return graph_from_records(Generator(Size("tiny", 400, 2_000), seed).records(), as_of=AS_OF)


@pytest.mark.parametrize("seed", [*range(6), None])
def test_affiliations_are_actors_of_and_parties_of_every_node(seed: int | None) -> None:
    # The matrix and the ranking read each node's armed actors and side off
    # the adjacency (`_Affiliations`): the same sets as `actors_of` and
    # `Parties.of`, for every node of a generated world (and of the tiny
    # example, where a commander belongs through the post they hold).
    graph = _graph(seed)
    affiliations = influencers_module._Affiliations(graph)
    parties = Parties(graph)
    held = 0
    for node in graph:
        assert affiliations.groups(node) == set(actors_of(graph, node)), node
        assert affiliations.sides(node) == parties.of(node), node
        held += bool(affiliations.sides(node))
    assert held, "someone in the world sides with a party"


def _formations_by_type(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    """The affiliation rule as written before `formations_of` read the
    adjacency itself: through the per-type neighbour lists (the oracle)."""
    kind = kind_of(graph, node)
    if kind in ARMED:
        return {node}
    found: set[str] = set()
    if kind == "Post":
        for rel in ("COMMANDS", "PART_OF"):
            found.update(v for v in out_by_type(graph, node, rel) if kind_of(graph, v) in ARMED)
    elif kind == "Person":
        for rel in ("COMMANDS", "MEMBER_OF", "FOCAL_POINT_FOR"):
            found.update(v for v in out_by_type(graph, node, rel) if kind_of(graph, v) in ARMED)
        for post in out_by_type(graph, node, "HOLDS"):
            found.update(_formations_by_type(graph, post))
    return found


@pytest.mark.parametrize("seed", [*range(6), None])
def test_formations_of_follows_the_affiliation_rule(seed: int | None) -> None:
    # `formations_of` is the one affiliation rule (`affiliated_formations`,
    # `actors_of`, `Parties.of` and the ranking all read it): the same sets as
    # the rule read through the per-type neighbour lists, for every node.
    graph = _graph(seed)
    through_posts = 0
    for node in graph:
        assert formations_of(graph, node) == _formations_by_type(graph, node), node
        through_posts += kind_of(graph, node) == "Person" and bool(
            out_by_type(graph, node, "HOLDS")
        )
    assert through_posts, "someone belongs through a post they hold"
