"""Single points of failure per engager and per entry point (FICTIONAL graphs).

The question a CMCoord officer asks before a rotation: if this focal point
leaves, which local commander do *we* lose? Another engager reaching the group
elsewhere does not make our one thread any less fragile.
"""

from __future__ import annotations

from graph.projection import projection
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from queries.gaps import gaps
from tests.queries.conftest import ASKED, Builder


def decentralised(b: Builder) -> Builder:
    """The Orrin Front is decentralised: its checkpoint commander decides.

    ocha reaches the checkpoint's local commander only through its focal
    point and one elder (ocha -> fp -> elder -> local). The NGO reaches the
    Front's chair, and from him the checkpoint: a different engager, a
    different route, which hid ocha's single thread from the old report.
    """
    b.org("ocha", engager=True).org("ngo", engager=True)
    b.person("fp", name="Ama Fen").focal_point("fp", "ocha")
    b.actor("front", structure="decentralised", name="Orrin Front")
    b.person("chair").commands("chair", "front")
    b.unit("cp", part_of="front", name="Checkpoint Nine")
    b.post("cp_cdr", name="OIC Checkpoint Nine").part_of("cp_cdr", "cp").commands("cp_cdr", "cp")
    b.person("local", name="Lt. Oren").holds("local", "cp_cdr")
    b.person("elder", name="Elder Sato").access("fp", "elder", 0.8)
    b.influences("elder", "local", 0.85)
    b.access("ngo", "chair", 0.8)
    return b


def _rows(report_rows: list[object]) -> dict[tuple[str, str], list[str]]:
    return {
        (r.engager, r.entry): [n for n, _ in r.through]  # type: ignore[attr-defined]
        for r in report_rows
    }


def test_the_one_elder_to_a_local_commander_is_flagged_per_engager(build: Builder) -> None:
    report = gaps(decentralised(build).graph())
    rows = _rows(report.engager_single_points)
    assert rows[("ocha", "local")] == ["fp", "elder"]
    assert rows[("ocha", "cp_cdr")] == ["fp", "elder"]  # the holder is an entry point too
    # The NGO's way in runs through the chair (units are structure, not people).
    assert rows[("ngo", "local")] == ["chair"]
    flagged = next(r for r in report.engager_single_points if r.engager == "ocha")
    assert flagged.role == "local commander of Checkpoint Nine"
    assert flagged.as_dict()["through"] == [
        {"node": "fp", "name": "Ama Fen"},
        {"node": "elder", "name": "Elder Sato"},
    ]
    # The per-actor report sees two engagers and no shared node: nothing there.
    assert all(s.through == [] for s in report.single_points if s.actor == "front")


def test_a_second_route_clears_the_flag(build: Builder) -> None:
    graph = decentralised(build).person("imam").access("fp", "imam").graph()
    assert ("ocha", "local") in _rows(gaps(graph).engager_single_points)
    b2 = decentralised(Builder())
    b2.person("imam").access("ocha", "imam", 0.7).influences("imam", "local", 0.7)
    rows = _rows(gaps(b2.graph()).engager_single_points)
    assert ("ocha", "local") not in rows


def test_community_embedded_group_flags_the_way_to_its_community_leader(build: Builder) -> None:
    build.org("unhcr", engager=True).person("fp").focal_point("fp", "unhcr")
    build.actor("guard", structure="community_embedded").community("clan")
    build.belongs_to("guard", "clan").person("sheikh").focal_point("sheikh", "clan")
    build.person("teacher").access("fp", "teacher", 0.8).influences("teacher", "sheikh", 0.7)
    rows = _rows(gaps(build.graph()).engager_single_points)
    assert rows[("unhcr", "sheikh")] == ["fp", "teacher"]


def test_integrated_army_flags_the_way_to_its_top(build: Builder) -> None:
    build.org("rchc", engager=True).actor("army", structure="integrated")
    build.post("cgs").commands("cgs", "army").person("chief").holds("chief", "cgs")
    build.org("embassy", org_kind="embassy").access("rchc", "embassy", 0.9)
    build.influences("embassy", "chief", 0.8)
    rows = _rows(gaps(build.graph()).engager_single_points)
    assert rows[("rchc", "chief")] == ["embassy"]
    assert rows[("rchc", "army")] == ["embassy"]


def test_no_route_through_another_party_counts(build: Builder) -> None:
    # The only way to the Front's commander runs through the rival army's general:
    # not a route (neutrality), so not a single point of failure either.
    decentralised(build).actor("army", structure="integrated").person("gen")
    build.commands("gen", "army").access("ocha", "gen", 0.9).influences("gen", "local", 0.9)
    rows = _rows(gaps(build.graph()).engager_single_points)
    assert rows[("ocha", "local")] == ["fp", "elder"]


def test_per_engager_points_on_both_stores_and_stable_in_time(store: GraphStore) -> None:
    store.write(WriteBatch.of(decentralised(Builder()).records), actor="test")
    before = gaps(projection(store, viewer=SYSTEM, as_of=ASKED)).as_dict()
    assert {
        (r["engager"], r["entry_point"]): [t["node"] for t in r["through"]]
        for r in before["single_points_per_engager"]
    }[("ocha", "local")] == ["fp", "elder"]
    later = Builder()
    later.person("imam").access("ocha", "imam", 0.9, id="acc_later", valid_from="2025-01")
    later.influences("imam", "local", 0.9, id="inf_later", valid_from="2025-01")
    store.write(WriteBatch.of(later.records), actor="test")
    assert gaps(projection(store, viewer=SYSTEM, as_of=ASKED)).as_dict() == before
    now = gaps(projection(store, viewer=SYSTEM, as_of=None))
    assert ("ocha", "local") not in _rows(now.engager_single_points)
