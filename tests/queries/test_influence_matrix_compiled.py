"""The influence matrix's compiled searches give `best_paths`'s answers, bit for bit.

`queries.influencers` runs the matrix's backward searches compiled over many
actors on a large map, and with `best_paths` otherwise: both must give the
same rows, the same scores to the last bit, whatever the ties, the hop limit,
the neutrality rule and the members rule.
"""

from __future__ import annotations

import importlib
import random

import pytest

from bench.generate import AS_OF, Generator, Size
from queries.command import Parties, actors_of
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


@pytest.mark.parametrize("seed", [*range(6), None])
def test_affiliations_are_actors_of_and_parties_of_every_node(seed: int | None) -> None:
    # The matrix and the ranking read each node's armed actors and side off
    # the adjacency (`_Affiliations`): the same sets as `actors_of` and
    # `Parties.of`, for every node of a generated world (and of the tiny
    # example, where a commander belongs through the post they hold).
    if seed is None:
        graph = tiny_graph()
    else:
        records = Generator(Size("tiny", 400, 2_000), seed).records()
        graph = graph_from_records(records, as_of=AS_OF)
    affiliations = influencers_module._Affiliations(graph)
    parties = Parties(graph)
    held = 0
    for node in graph:
        assert affiliations.groups(node) == set(actors_of(graph, node)), node
        assert affiliations.sides(node) == parties.of(node), node
        held += bool(affiliations.sides(node))
    assert held, "someone in the world sides with a party"
