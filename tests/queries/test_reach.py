"""Reach and structure-aware entry points, on FICTIONAL graphs."""

from __future__ import annotations

import pytest

from queries.leverage import leverage_paths
from queries.reach import reach
from tests.queries.conftest import Builder
from tests.queries.test_leverage import decentralised_front


def test_each_engager_gets_its_best_path_or_none(build: Builder) -> None:
    decentralised_front(build).org("idle", engager=True)
    result = reach(build.graph(), "cp")
    rows = {r.engager: r for r in result.engagers}
    assert rows["idle"].score is None and rows["idle"].path is None
    assert rows["ocha"].path is not None
    # The best per engager agrees with the best leverage path.
    assert rows["ocha"].score == pytest.approx(leverage_paths(build.graph(), "cp").paths[0].score)
    assert result.engagers[0].engager == "ocha"  # reachable first


def test_a_decentralised_group_lands_on_its_local_commanders(build: Builder) -> None:
    graph = decentralised_front(build).graph()
    result = reach(graph, "front")
    assert result.structure == "decentralised"
    assert "local commanders" in result.entry_point
    landed = {landing.node: landing for landing in result.landings}
    # The chair "commands" the checkpoint from above; he is not its local commander.
    assert set(landed) == {"cp_cdr", "local"}
    assert landed["local"].engager == "ocha"
    assert landed["local"].path is not None
    assert landed["local"].path.nodes == ["ocha", "fp", "elder", "local"]


def test_an_integrated_army_lands_on_its_top_command(build: Builder) -> None:
    build.org("rchc", engager=True).actor("army", structure="integrated")
    build.post("cgs").commands("cgs", "army").person("chief").holds("chief", "cgs")
    build.unit("bde", part_of="army").person("bde_cdr").commands("bde_cdr", "bde")
    build.member_of("bde_cdr", "bde").access("rchc", "chief", 0.7)
    result = reach(build.graph(), "bde")
    assert "top" in result.entry_point
    roles = {landing.node: landing.role for landing in result.landings}
    assert roles["cgs"].startswith("top command") and roles["chief"].startswith("top command")
    assert roles["bde_cdr"] == "commander of bde"
    assert {landing.node: landing.score for landing in result.landings}["chief"] == pytest.approx(
        0.7
    )


def test_a_community_embedded_group_lands_on_community_leaders(build: Builder) -> None:
    build.org("lvda", engager=True).actor("guard", structure="community_embedded")
    build.community("clan").belongs_to("guard", "clan")
    build.person("elder").belongs_to("elder", "clan").influences("elder", "guard")
    build.person("captain").commands("captain", "guard").belongs_to("captain", "clan")
    build.access("lvda", "elder", 0.8)
    result = reach(build.graph(), "guard")
    assert "community" in result.entry_point
    roles = {landing.node: landing.role for landing in result.landings}
    assert roles == {"clan": "community the group belongs to", "elder": "leader of clan"}


def test_a_coalition_lands_on_its_member_groups_commanders(build: Builder) -> None:
    build.org("unicef", engager=True).actor("alliance", structure="coalition")
    build.actor("watch", structure="community_embedded").part_of("watch", "alliance")
    build.person("watch_cdr").commands("watch_cdr", "watch")
    result = reach(build.graph(), "alliance")
    nodes = [landing.node for landing in result.landings]
    assert nodes == ["watch", "watch_cdr"]
    assert result.notes  # nobody reaches them: said so


def test_a_target_without_an_armed_actor_is_engaged_directly(build: Builder) -> None:
    build.org("o", engager=True).person("p").access("o", "p")
    result = reach(build.graph(), "p")
    assert result.actor is None and "directly" in result.entry_point
    assert [landing.node for landing in result.landings] == ["p"]
    assert result.as_dict()["engagers"][0]["score"] == pytest.approx(0.8)
