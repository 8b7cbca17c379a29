"""What a superseded projection remembered is freed off the caller's thread
(`graph.projection._Releaser`), a piece at a time, and never taken apart while
someone still holds it."""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph import projection as proj


@dataclass
class Answer:
    """Stands for an answer remembered on a projection (a collapsed graph)."""

    digraph: nx.DiGraph[str]
    table: dict[str, list[int]]


def answer(n: int = 3_000) -> Answer:
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_weighted_edges_from((f"n{i}", f"n{(i * 7 + 1) % n}", 0.5) for i in range(n))
    digraph.add_edges_from(("hub", f"n{i}", {"weight": 1.0}) for i in range(n))  # a wide node
    return Answer(nx.freeze(digraph), {f"n{i}": [i, i + 1] for i in range(n)})


def test_what_no_one_holds_is_freed_without_the_cyclic_collector() -> None:
    memo = {"a": answer(), "b": answer(50)}
    gone = [weakref.ref(memo["a"].digraph), weakref.ref(memo["b"].digraph)]
    gc.disable()
    try:
        proj._RELEASER.put([memo])
        del memo
        assert proj.wait_released(timeout=60)
        assert [g() for g in gone] == [None, None]
    finally:
        gc.enable()


def test_what_a_caller_still_holds_is_left_whole() -> None:
    kept, kept_digraph, kept_table = answer(), answer(), answer()
    digraph, table = kept_digraph.digraph, kept_table.table
    adjacency = vars(answer().digraph)["_succ"]
    before: list[Any] = [
        sorted(kept.digraph.edges(data="weight")),
        sorted(digraph.edges(data="weight")),
        dict(table),
        {u: dict(v) for u, v in adjacency.items()},
    ]
    memo = {"kept": kept, "digraph": kept_digraph, "table": kept_table}
    proj._RELEASER.put([memo, {"adjacency": adjacency}])
    del memo, kept_digraph, kept_table
    assert proj.wait_released(timeout=60)
    after = [
        sorted(kept.digraph.edges(data="weight")),
        sorted(digraph.edges(data="weight")),
        dict(table),
        {u: dict(v) for u, v in adjacency.items()},
    ]
    assert after == before
    assert len(kept.table) == 3_000


def test_an_answer_held_only_by_another_released_answer_is_freed_too() -> None:
    shared = answer()
    gone = weakref.ref(shared.digraph)
    memo = {"first": [shared] * 100, "second": shared}  # met while still held
    del shared
    gc.disable()
    try:
        proj._RELEASER.put([memo])
        del memo
        assert proj.wait_released(timeout=60)
        assert gone() is None
    finally:
        gc.enable()
