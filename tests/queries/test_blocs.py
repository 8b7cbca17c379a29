"""Blocs and side switches, on FICTIONAL graphs."""

from __future__ import annotations

from datetime import date

from queries.blocs import blocs, compare_blocs
from tests.queries.conftest import Builder


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
    build.allied("bde", "post")
    found = blocs(build.graph())
    assert [sorted(b.members) for b in found] == [["army", "guard", "ssa", "watch"]]


def test_compare_blocs_finds_who_switched_sides(build: Builder) -> None:
    # The herders fight alongside the army until June 2023, then ally with the
    # hills union and oppose the army.
    for actor in ("army", "herders", "union"):
        build.actor(actor)
    build.allied("herders", "army", valid_from="2019", valid_to="2023-06")
    build.allied("herders", "union", valid_from="2023-07")
    build.opposes("herders", "army", valid_from="2023-07")
    build.opposes("union", "army", valid_from="2019")
    result = compare_blocs(build.graph(date(2023, 6, 30)), build.graph(date(2023, 7, 1)))
    assert [(c.actor, c.left, c.joined) for c in result.switched] == [
        ("herders", ["army"], ["union"])
    ]
    assert result.new_alliances == [("herders", "union")]
    assert result.ended_alliances == [("army", "herders")]
    assert result.new_oppositions == [("army", "herders")]
    data = result.as_dict()
    assert data["switched"][0]["actor"] == "herders"
