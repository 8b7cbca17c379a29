"""One `PathConstraints` value asks every path analysis the same question.

FICTIONAL graph: our NGO reaches a chain of four people, the last of whom has
influence over a centralised group.
"""

from __future__ import annotations

import pytest

from queries.constraints import PathConstraints
from queries.errors import InvalidQuery
from queries.influencers import influencers
from queries.leverage import leverage_paths
from queries.reach import reach
from tests.queries.conftest import ASKED, Builder


def _chain(b: Builder) -> Builder:
    b.org("ngo", engager=True).actor("front", structure="centralised")
    for p in ("p1", "p2", "p3", "p4"):
        b.person(p)
    b.access("ngo", "p1").influences("p1", "p2").influences("p2", "p3").influences("p3", "p4")
    return b.influences("p4", "front", 0.9)


def test_one_value_leaves_each_analysis_its_own_hop_limit(build: Builder) -> None:
    graph = _chain(build).graph()
    asked = PathConstraints(as_of=ASKED)
    # Five hops from the NGO to the group: within the path analyses' limit of five.
    assert leverage_paths(graph, "front", constraints=asked).paths[0].nodes == [
        "ngo", "p1", "p2", "p3", "p4", "front",
    ]  # fmt: skip
    assert (
        reach(graph, "front", constraints=asked).as_dict()
        == reach(graph, "front", constraints=PathConstraints(as_of=ASKED, max_hops=5)).as_dict()
    )
    # p1 is four hops from the group: beyond the influencer ranking's own three.
    ranked = influencers(graph, over=["front"], constraints=asked)
    assert "p1" not in [i.node for i in ranked.ranked]
    wider = influencers(graph, over=["front"], constraints=PathConstraints(as_of=ASKED, max_hops=4))
    assert "p1" in [i.node for i in wider.ranked]


def test_the_confidence_floor_is_checked_once_where_the_value_is_built() -> None:
    with pytest.raises(InvalidQuery, match="min_confidence"):
        PathConstraints(min_confidence=-0.1)
