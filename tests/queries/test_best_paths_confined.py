"""`best_paths` confined round by round (`hops_left`, as reach asks) gives the
whole search's answers for the nodes asked about: the same weights and the
same paths, ties included (weights drawn from a few values, so ties are common)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.paths import best_paths, hops_to
from tests.queries.test_layered_paths import graphs


@settings(max_examples=500, deadline=None)
@given(graphs(), st.integers(1, 5), st.integers(0, 3), st.data())
def test_confined_search_answers_as_the_whole_search(
    digraph: nx.DiGraph[str], max_hops: int, blocked: int, data: st.DataObject
) -> None:
    nodes = sorted(digraph)
    sources = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=2))
    toward = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4, unique=True))
    no_entry = data.draw(st.lists(st.sampled_from(nodes), max_size=2))
    closed = set(nodes[-blocked:]) if blocked else set()

    def passable(node: str) -> bool:
        return node not in closed

    rules = {"max_hops": max_hops, "passable": passable, "no_entry": no_entry}
    whole = best_paths(digraph, sources, **rules)
    expected = {n: found for n, found in whole.items() if n in toward}
    left = hops_to(digraph, toward, max_hops)
    assert best_paths(digraph, sources, toward=toward, hops_left=left, **rules) == expected
    assert best_paths(digraph, sources, toward=toward, **rules) == expected


def test_a_node_too_far_from_the_nodes_asked_about_is_not_gone_through() -> None:
    # a -> b -> c is the only way to c; with one hop left at b the search must
    # still enter b (one hop from c), but never x (three hops away).
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_weighted_edges_from(
        [
            ("a", "b", 1.0),
            ("b", "c", 1.0),
            ("a", "x", 0.1),
            ("x", "y", 0.1),
            ("y", "z", 0.1),
            ("z", "c", 0.1),
        ]
    )
    left = hops_to(digraph, ["c"], 2)
    assert left == {"c": 0, "b": 1, "z": 1, "a": 2, "y": 2}
    found = best_paths(digraph, ["a"], max_hops=2, toward=["c"], hops_left=left)
    assert found == {"c": (2.0, ["a", "b", "c"])}
