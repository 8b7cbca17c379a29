"""Influencers and key interlocutors, on FICTIONAL graphs."""

from __future__ import annotations

import pytest

from queries.influencers import influencers, key_interlocutors
from tests.queries.conftest import Builder


def network(b: Builder) -> Builder:
    """Three groups; a sheikh with weight over two, an embassy over one.

    sheikh -> north (0.8), sheikh -> south_cdr (0.7; the south's top command)
    embassy -> army (0.9); trader -> sheikh (0.9): the trader brokers.
    Our NGO has access to the sheikh; nobody of ours to the embassy.
    """
    b.org("ngo", engager=True).org("embassy", org_kind="embassy").person("sheikh")
    b.person("trader")
    b.actor("north", structure="decentralised").actor("south", structure="centralised")
    b.actor("army", structure="integrated").person("south_cdr").commands("south_cdr", "south")
    b.person("gen").commands("gen", "army")
    b.influences("sheikh", "north", 0.8).influences("sheikh", "south_cdr", 0.7)
    b.influences("embassy", "army", 0.9).influences("trader", "sheikh", 0.9)
    b.access("ngo", "sheikh", 0.8)
    return b


def test_influencers_are_ranked_by_weighted_reach(build: Builder) -> None:
    report = influencers(network(build).graph())
    ranked = [(i.node, round(i.reach, 3)) for i in report.ranked]
    # sheikh 0.8 + 0.7; trader through him 0.72 + 0.63; embassy 0.9.
    assert ranked == [("sheikh", 1.5), ("trader", 1.35), ("embassy", 0.9)]
    sheikh = report.ranked[0]
    assert [e for e, _, _ in sheikh.access] == ["ngo"]
    assert report.ranked[2].access == []
    assert sheikh.brokerage > 0.0  # routes from the trader run through him


def test_a_groups_own_commanders_and_other_parties_get_no_credit(build: Builder) -> None:
    # The army's general influences the north: another party, no credit.
    graph = network(build).influences("gen", "north", 0.9).graph()
    report = influencers(graph, top=20)
    assert "gen" not in [i.node for i in report.ranked]
    assert "south_cdr" not in [i.node for i in report.ranked]  # the south's own commander
    with_members = influencers(graph, over=["south"], include_members=True)
    assert "south_cdr" in [i.node for i in with_members.ranked]


def test_weights_and_the_over_set_change_the_ranking(build: Builder) -> None:
    graph = network(build).graph()
    only_army = influencers(graph, over=["army"])
    assert [i.node for i in only_army.ranked] == ["embassy"]
    weighted = influencers(graph, weights={"army": 5.0})
    assert weighted.ranked[0].node == "embassy"


def test_key_interlocutors_cover_most_with_fewest(build: Builder) -> None:
    chosen = key_interlocutors(network(build).graph(), 2)
    # The sheikh covers north and south (1.5); the embassy then adds the army (0.9).
    assert [p.node for p in chosen.picks] == ["sheikh", "embassy"]
    assert chosen.picks[1].best_for == ["army"]
    assert chosen.coverage == pytest.approx(1.0)
    one = key_interlocutors(network(Builder()).graph(), 1)
    assert one.coverage == pytest.approx(1.5 / 2.4)
    assert one.uncovered == []
