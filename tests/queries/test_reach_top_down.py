"""Reach to a unit's commander from above, however command is recorded (FICTIONAL graphs).

Orders that reach a formation from above reach its own commander. The data may
say so in several ways: ``Person COMMANDS Unit``; a post that commands the unit
(inside it or not) and the person holding it; a formation commanding the unit
(``Unit COMMANDS Unit``, ``ArmedActor COMMANDS Unit``); units nested several
levels deep. Each must give the same top-down route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from graph import model as m
from graph.projection import projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from queries.command import own_commanders
from queries.leverage import leverage_paths
from queries.reach import reach
from tests.queries.conftest import ASKED, Builder

RESTRICTED = Viewer(name="restricted analyst", clearance=Sensitivity.RESTRICTED)


def _army(b: Builder) -> Builder:
    """An integrated army whose chief our RC/HC office can reach."""
    b.org("rchc", engager=True).actor("army", structure="integrated")
    b.person("chief").commands("chief", "army", strength=0.9)
    b.access("rchc", "chief", 0.8)
    return b


def _person_commands(b: Builder) -> list[str]:
    b.unit("bde", part_of="army").person("cdr").commands("cdr", "bde")
    return ["rchc", "chief", "army", "bde", "cdr"]


def _post_commands(b: Builder) -> list[str]:
    b.unit("bde", part_of="army").post("bde_post").commands("bde_post", "bde")
    b.person("cdr").holds("cdr", "bde_post")
    return ["rchc", "chief", "army", "bde", "bde_post", "cdr"]


def _post_inside_commands(b: Builder) -> list[str]:
    b.unit("bde", part_of="army").post("bde_post").part_of("bde_post", "bde")
    b.commands("bde_post", "bde").person("cdr").holds("cdr", "bde_post")
    return ["rchc", "chief", "army", "bde", "bde_post", "cdr"]


def _unit_commands(b: Builder) -> list[str]:
    # A battalion attached to the brigade: commanded by it, not nested in it.
    b.unit("bde", part_of="army").unit("bn").commands("bde", "bn")
    b.person("cdr").commands("cdr", "bn")
    return ["rchc", "chief", "army", "bde", "bn", "cdr"]


def _actor_commands(b: Builder) -> list[str]:
    b.unit("bn").commands("army", "bn").person("cdr").commands("cdr", "bn")
    return ["rchc", "chief", "army", "bn", "cdr"]


def _nested_chain(b: Builder) -> list[str]:
    b.unit("bde", part_of="army").unit("bn", part_of="bde")
    b.person("cdr").commands("cdr", "bn").member_of("cdr", "army")
    return ["rchc", "chief", "army", "bde", "bn", "cdr"]


RECORDINGS: dict[str, Callable[[Builder], list[str]]] = {
    "person commands unit": _person_commands,
    "post commands unit, person holds post": _post_commands,
    "post inside the unit commands it": _post_inside_commands,
    "unit commands unit": _unit_commands,
    "armed actor commands unit": _actor_commands,
    "part-of chain, member of the group": _nested_chain,
}


@pytest.mark.parametrize("recording", sorted(RECORDINGS))
def test_a_units_commander_is_reached_from_above_however_command_is_recorded(
    build: Builder, recording: str
) -> None:
    route = RECORDINGS[recording](_army(build))
    result = reach(build.graph(), "cdr")
    (row,) = result.engagers
    assert row.path is not None, recording
    assert row.path.nodes == route
    assert (row.path.hops[-1].type, row.path.hops[-1].direction) in {
        ("COMMANDS", "reverse"),
        ("HOLDS", "reverse"),
    }


def test_a_commander_who_sits_higher_up_is_not_reached_by_walking_up(build: Builder) -> None:
    # The brigade's own post also "commands" one of its checkpoints: access to the
    # checkpoint must not become a route up to the brigade's commander.
    build.org("ngo", engager=True).actor("army", structure="integrated")
    build.unit("bde", part_of="army").unit("cp", part_of="bde")
    build.post("bde_post").part_of("bde_post", "bde").commands("bde_post", "bde")
    build.commands("bde_post", "cp").person("cdr").holds("cdr", "bde_post")
    build.person("cp_cdr").commands("cp_cdr", "cp")
    build.access("ngo", "cp", 0.9)
    graph = build.graph()
    assert own_commanders(graph, "cp") == ["cp_cdr"]
    assert reach(graph, "cdr").engagers[0].path is None
    assert reach(graph, "cp_cdr").engagers[0].path is not None


def test_the_chair_commanding_a_checkpoint_from_above_is_not_reached_from_it(
    build: Builder,
) -> None:
    build.org("ngo", engager=True).actor("front", structure="decentralised")
    build.unit("cp", part_of="front").person("chair").commands("chair", "front")
    build.commands("chair", "cp").access("ngo", "cp", 0.9)
    graph = build.graph()
    assert own_commanders(graph, "cp") == []
    assert leverage_paths(graph, "chair").paths == []


def _records(sensitive_direct: bool) -> list[m.AnyRecord]:
    b = _army(Builder())
    _person_commands(b)
    # A direct line to the brigade commander, known only to confidential readers.
    b.access(
        "rchc",
        "cdr",
        0.9,
        id="acc_direct",
        sensitivity="confidential" if sensitive_direct else "restricted",
    )
    return b.records


def test_a_restricted_viewer_still_gets_the_top_down_route(store: GraphStore) -> None:
    store.write(WriteBatch.of(_records(sensitive_direct=True)), actor="test")
    full = reach(projection(store, viewer=SYSTEM, as_of=ASKED), "cdr")
    assert full.engagers[0].path is not None
    assert full.engagers[0].path.nodes == ["rchc", "cdr"]
    restricted = reach(projection(store, viewer=RESTRICTED, as_of=ASKED), "cdr")
    path = restricted.engagers[0].path
    assert path is not None
    assert path.nodes == ["rchc", "chief", "army", "bde", "cdr"]
    assert all(hop.relationship != "acc_direct" for hop in path.hops)


def test_top_down_route_is_stable_when_later_records_arrive(store: GraphStore) -> None:
    store.write(WriteBatch.of(_records(sensitive_direct=True)), actor="test")
    before = reach(projection(store, viewer=RESTRICTED, as_of=ASKED), "cdr").as_dict()
    later = Builder()
    later.person("new_cdr").commands("new_cdr", "bde", id="cmd_later", valid_from="2025-02")
    later.access("rchc", "cdr", 0.95, id="acc_later", valid_from="2025-03")
    store.write(WriteBatch.of(later.records), actor="test")
    after = reach(projection(store, viewer=RESTRICTED, as_of=ASKED), "cdr").as_dict()
    assert after == before
    assert date(2025, 3, 1) > ASKED
