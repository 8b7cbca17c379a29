"""Influencers and key interlocutors, on FICTIONAL graphs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queries.constraints import PathConstraints
from queries.influencers import influencers, key_interlocutors
from tests.queries.conftest import Builder
from tests.queries.test_properties import FAST, Scenario, scenarios


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


def _closed_group(b: Builder) -> Builder:
    """A front whose only influence comes from inside: its commander and a deputy."""
    b.org("ngo", engager=True).actor("front", structure="centralised", name="Orrin Front")
    b.person("cdr", name="Commander Ask").commands("cdr", "front")
    b.person("dep", name="Deputy Bel").member_of("dep", "front").influences("dep", "cdr", 0.8)
    b.access("ngo", "dep", 0.7)
    return b


def test_an_empty_list_says_members_were_left_out(build: Builder) -> None:
    report = influencers(_closed_group(build).graph(), over=["front"])
    assert report.ranked == []
    assert report.members_excluded == 2
    assert report.reason == (
        "no one you may see outside the actor has influence within 3 hops; "
        "2 members of the actor excluded: use --include-members"
    )
    assert report.as_dict()["reason"] == report.reason


def test_include_members_lists_them_flagged_as_members(build: Builder) -> None:
    graph = _closed_group(build).graph()
    report = influencers(graph, over=["front"], include_members=True)
    assert [(i.node, i.member_of) for i in report.ranked] == [
        ("cdr", ["front"]),
        ("dep", ["front"]),
    ]
    assert report.reason is None
    listed = report.as_dict()["influencers"]
    assert [row["member"] for row in listed] == [True, True]
    assert listed[0]["member_of"] == [{"actor": "front", "name": "Orrin Front"}]


def test_an_outsider_is_not_flagged_as_member(build: Builder) -> None:
    graph = _closed_group(build).person("elder").influences("elder", "dep", 0.9).graph()
    report = influencers(graph, over=["front"], include_members=True)
    flags = {i.node: i.member_of for i in report.ranked}
    assert flags["elder"] == [] and flags["dep"] == ["front"]
    alone = influencers(graph, over=["front"])
    assert [i.node for i in alone.ranked] == ["elder"] and alone.reason is None


def test_an_empty_list_with_no_one_in_reach_says_so(build: Builder) -> None:
    build.org("ngo", engager=True).actor("far", structure="centralised")
    build.person("elder").influences("elder", "far", 0.2, confidence=0.1)
    report = influencers(build.graph(), over=["far"])
    assert report.ranked == []
    assert report.reason == (
        "no one you may see outside the actor has influence within 3 hops; "
        "try more --max-hops or a lower --min-confidence"
    )


def test_our_own_people_left_out_are_counted_in_the_reason(build: Builder) -> None:
    build.org("ngo", engager=True).actor("front", structure="centralised")
    build.person("fp").focal_point("fp", "ngo").influences("fp", "front", 0.5)
    report = influencers(build.graph(), over=["front"])
    assert report.ranked == [] and report.engagers_excluded == 1
    assert report.reason is not None and report.reason.endswith(
        "1 of our own staff excluded: use --include-engagers"
    )
    listed = influencers(build.graph(), include_engagers=True).ranked
    assert sorted(i.node for i in listed) == ["fp", "ngo"]


@FAST
@given(scenarios(), st.data())
def test_adding_an_engager_changes_no_ones_brokerage_or_reach(
    scenario: Scenario, data: st.DataObject
) -> None:
    """Brokerage is measured in their networks, not ours: a new engager (with its
    own focal point and access to anyone) moves no one's brokerage or reach."""
    before = influencers(
        scenario.graph(), top=100, constraints=PathConstraints(max_hops=scenario.max_hops)
    )
    b = Builder(list(scenario.records)).org("e_new", engager=True)
    b.person("fp_new").focal_point("fp_new", "e_new")
    doors = data.draw(st.lists(st.sampled_from(scenario.people), min_size=1, unique=True))
    for door in doors:
        b.access(data.draw(st.sampled_from(["e_new", "fp_new"])), door, 0.9)
    after = influencers(b.graph(), top=100, constraints=PathConstraints(max_hops=scenario.max_hops))
    assert {i.node: i.brokerage for i in after.ranked} == {
        i.node: i.brokerage for i in before.ranked
    }
    assert {i.node: i.reach for i in after.ranked} == {i.node: i.reach for i in before.ranked}
