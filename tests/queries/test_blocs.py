"""Blocs on a date and whose ties changed between two dates, on FICTIONAL graphs."""

from __future__ import annotations

import random
from datetime import date

import pytest

from queries.blocs import bloc_map, blocs, compare_blocs, relations
from queries.examples import graph_from_records
from tests.queries.conftest import Builder

BEFORE, AFTER = date(2022, 6, 1), date(2023, 6, 1)


def test_opposed_actors_never_share_a_bloc_even_when_allied_through_a_third(
    build: Builder,
) -> None:
    # a-b and b-c are allied, but a and c oppose each other: a chain of
    # alliances must not put them together.
    for actor in ("a", "b", "c", "d"):
        build.actor(actor)
    build.allied("a", "b", strength=0.9, confidence=0.9).allied("b", "c", strength=0.4)
    build.opposes("a", "c")
    found = blocs(build.graph())
    where = {a: bloc.id for bloc in found for a in bloc.members}
    assert where["a"] == where["b"] != where["c"]
    assert where["d"] not in (where["a"], where["c"])  # no alliance: a bloc of its own
    bloc_of_a = next(bloc for bloc in found if "a" in bloc.members)
    assert where["c"] in bloc_of_a.opposes


def test_units_count_for_their_actor_and_coalition_members_stand_together(
    build: Builder,
) -> None:
    build.actor("ssa", structure="coalition").actor("watch").actor("guard").actor("army")
    build.part_of("watch", "ssa").part_of("guard", "ssa")
    build.unit("bde", part_of="army").unit("post", part_of="watch")
    build.allied("bde", "post", id="r_units")
    found = blocs(build.graph())
    assert [sorted(b.members) for b in found] == [["army", "guard", "ssa", "watch"]]
    tie = relations(build.graph()).pairs[frozenset(("army", "watch"))].alliances[0]
    assert tie.describe() == "r_units, asserted, undated, via bde and post"


def test_a_switch_names_the_tie_that_ended_and_the_one_that_began(build: Builder) -> None:
    # The herders stand with the army and the union; in 2023 they turn on the
    # army but stay with the union. Bloc by bloc this looked like three
    # actors "leaving" and nobody switching; tie by tie it is one switch.
    for actor in ("army", "herders", "union"):
        build.actor(actor, name=actor.title())
    build.source("src_report")
    build.allied("herders", "army", id="r1", valid_from="2019", valid_to="2022-12")
    build.allied("herders", "union", id="r2", valid_from="2019")
    build.allied("army", "union", id="r3", valid_from="2019")
    build.opposes(
        "herders",
        "army",
        id="r7",
        valid_from="2023-01",
        sources=[{"source_id": "src_report", "locator": "p. 4"}],
    )
    result = compare_blocs(build.graph(BEFORE), build.graph(AFTER))
    assert [(c.actor, c.counterpart) for c in result.switched] == [
        ("army", "herders"),
        ("herders", "army"),
    ]
    herders = result.switched[1]
    assert [t.relationship for t in herders.ended] == ["r1"]
    assert [t.relationship for t in herders.began] == ["r7"]
    assert herders.began[0].sources == ("src_report",)
    assert herders.describe() == (
        "Herders: allied with Army (r1, asserted, 2019..2022-12) -> "
        "opposes Army (r7, asserted, from 2023-01, sources src_report)"
    )
    # The union's own ties did not change: it is not reported, whatever its bloc did.
    assert result.actors == ["army", "herders"]


# Ten alliances among nine actors, a new alliance h-i in 2024. Modularity
# communities recomputed at each date reshuffled and reported a and f as
# "switched" though neither has a new, ended or changed tie.
RESHUFFLE = ["bc", "af", "ce", "ai", "fh", "dh", "bi", "cd", "ci", "bg"]


def test_actors_whose_own_ties_did_not_change_are_never_reported(build: Builder) -> None:
    for actor in "abcdefghi":
        build.actor(actor)
    for pair in RESHUFFLE:
        build.allied(pair[0], pair[1])
    build.allied("h", "i", id="r_new", valid_from="2024")
    result = compare_blocs(build.graph(date(2023, 6, 1)), build.graph(date(2024, 6, 1)))
    assert sorted({c.actor for c in result.changes}) == ["h", "i"]
    assert [(c.actor, c.category, c.counterpart) for c in result.changes] == [
        ("h", "new tie", "i"),
        ("i", "new tie", "h"),
    ]
    assert result.switched == []
    assert result.membership_changed == []  # all nine were one alliance chain already


def test_a_bloc_that_shrinks_through_others_ties_is_membership_not_a_switch(
    build: Builder,
) -> None:
    # a-b and b-c allied; a turns on b. c keeps its only tie (with b): its
    # bloc lost a, which is worth knowing, but c did not change sides.
    for actor in ("a", "b", "c"):
        build.actor(actor)
    build.allied("a", "b", valid_to="2022-12").allied("b", "c")
    build.opposes("a", "b", valid_from="2023-01")
    result = compare_blocs(build.graph(BEFORE), build.graph(AFTER))
    assert "c" not in result.actors
    assert [(m.actor, m.now_with, m.no_longer_with) for m in result.membership_changed] == [
        ("c", [], ["a"])
    ]
    data = result.as_dict()
    assert [c["actor"] for c in data["switched"]] == ["a", "b"]
    assert data["membership_changed"][0]["no_longer_with"] == [{"actor": "a", "name": "a"}]


def test_a_pair_allied_and_opposed_on_the_same_day_is_contested_not_silently_both(
    build: Builder,
) -> None:
    for actor in ("a", "b", "c", "d", "e"):
        build.actor(actor)
    # a-b contested, but both allied with c: the contest does not split them.
    build.allied("a", "b", id="ab_ally").opposes("a", "b", id="ab_opp")
    build.allied("a", "c").allied("b", "c")
    # d-e contested and nothing else: the contest does not join them.
    build.allied("d", "e", id="de_ally").opposes("e", "d", id="de_opp")
    assert [b.members for b in blocs(build.graph())] == [["a", "b", "c"], ["d"], ["e"]]
    found = bloc_map(build.graph())
    assert [(c.a, c.b, c.same_bloc) for c in found.contested] == [
        ("a", "b", True),
        ("d", "e", False),
    ]
    contest = found.contested[1]
    assert [t.relationship for t in contest.alliances] == ["de_ally"]
    assert [t.relationship for t in contest.oppositions] == ["de_opp"]
    assert all(b.opposes == [] for b in found.blocs)  # a contest is no opposition


def test_an_alliance_that_gains_an_opposition_becomes_contested(build: Builder) -> None:
    build.actor("a").actor("b")
    build.allied("a", "b", id="r1", valid_from="2019")
    build.opposes("a", "b", id="r2", valid_from="2023-01")
    result = compare_blocs(build.graph(BEFORE), build.graph(AFTER))
    assert [(c.actor, c.category) for c in result.changes] == [
        ("a", "became contested"),
        ("b", "became contested"),
    ]
    assert [t.relationship for t in result.changes[0].began] == ["r2"]
    assert result.changes[0].ended == []
    later = compare_blocs(build.graph(AFTER), build.graph(BEFORE))
    assert [c.category for c in later.changes] == ["no longer contested"] * 2


def test_an_alliance_renewed_under_a_new_record_is_no_change(build: Builder) -> None:
    build.actor("a").actor("b")
    build.allied("a", "b", id="r1", valid_to="2022-12")
    build.allied("a", "b", id="r2", valid_from="2023-01")
    result = compare_blocs(build.graph(BEFORE), build.graph(AFTER))
    assert result.changes == [] and result.membership_changed == []


def test_blocs_at_a_past_date_do_not_move_when_later_ties_are_added(build: Builder) -> None:
    for actor in ("a", "b", "c", "d"):
        build.actor(actor)
    build.allied("a", "b", valid_from="2019").allied("c", "d", valid_from="2019")
    build.opposes("b", "c", valid_from="2020")
    earlier = bloc_map(build.graph(BEFORE)).as_dict()
    build.allied("a", "c", valid_from="2022-07").opposes("a", "b", valid_from="2022-06-02")
    assert bloc_map(build.graph(BEFORE)).as_dict() == earlier
    assert bloc_map(build.graph(AFTER)).as_dict() != earlier  # the new ties do count later


def test_blocs_do_not_depend_on_the_order_records_arrive_in(build: Builder) -> None:
    for actor in "abcdefg":
        build.actor(actor)
    for pair in ("ab", "bc", "de", "ef", "fg"):
        build.allied(pair[0], pair[1])
    build.opposes("a", "c").opposes("d", "g").allied("c", "d").opposes("c", "d")
    expected = bloc_map(build.graph()).as_dict()
    shuffled = list(build.records)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert bloc_map(graph_from_records(shuffled, as_of=date(2024, 6, 1))).as_dict() == expected


def test_blocs_refuse_an_undated_projection_which_mixes_every_period(build: Builder) -> None:
    build.actor("a").actor("b").allied("a", "b", valid_to="2020").opposes("a", "b")
    with pytest.raises(ValueError, match="question date"):
        blocs(build.graph(None))


def test_an_inferred_tie_is_shown_with_its_evidence_window_and_count(build: Builder) -> None:
    # Inferred from co-participation in events: no validity of its own, so
    # what the analyst needs is when events showed it and how many.
    build.actor("a", name="Alder Front").actor("b", name="Birch Guard")
    build.allied(
        "a",
        "b",
        id="r_inf",
        basis="inferred",
        first_cited="2021-03",
        last_cited="2022-01",
        evidence_count=4,
    )
    build.allied("a", "b", id="r_as", valid_from="2020")
    pair = relations(build.graph(date(2022, 1, 31))).pairs[frozenset(("a", "b"))]
    assert [t.describe() for t in pair.alliances] == [
        "r_as, asserted, from 2020",
        "r_inf, inferred, events 2021-03..2022-01, 4 events",
    ]
