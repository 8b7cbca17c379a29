"""Loops in nesting and command (ingest/loops.py), on both stores, and the demo round trip.

A post that commands the unit it sits in is local command, not a loop: the demo
records every unit's command that way, and it must import into a fresh store and
come back out identical. Generated files (FICTIONAL ids only) check that the loop
check stays linear: a chain thousands of levels deep and a knot of units that all
command each other (more simple cycles than could ever be listed).
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graph.errors import ImportRejected
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from ingest import validation
from ingest.export import export_store
from ingest.loops import Link, Loop, loops, strongly_connected
from tests.ingest.helpers import contents, load
from ui.demo_files import DEMO_SCENARIO

DEMO = DEMO_SCENARIO
PER_LINK = 200  # calls per relationship the loop check may make (it makes 13-48)
HEADER = "// FICTIONAL test data: every id is invented.\n"


def _node(kind: str, node_id: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "id": node_id, "name": node_id.replace("_", " "), **extra}


def _rel(rel_type: str, source: str, target: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": rel_type,
        "id": f"rel_{rel_type.lower()}_{source}_{target}",
        "source_id": source,
        "target_id": target,
        **extra,
    }


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(HEADER + "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _actor(actor: str = "act_front") -> dict[str, Any]:
    return _node("ArmedActor", actor, actor_kind="non_state_armed_group", structure="decentralised")


def _unit_with_local_command(unit: str, parent: str) -> list[dict[str, Any]]:
    """A unit in `parent`, its command post inside it commanding it, and the holder."""
    post, person = f"pst_{unit}", f"per_{unit}"
    return [
        _node("Unit", unit),
        _node("Post", post),
        _node("Person", person),
        _rel("PART_OF", unit, parent),
        _rel("PART_OF", post, unit),
        _rel("COMMANDS", post, unit),
        _rel("HOLDS", person, post),
    ]


@contextmanager
def _linear_work(monkeypatch: pytest.MonkeyPatch, per_link: int) -> Iterator[list[int]]:
    """Stop the loop check once it makes more than `per_link` function calls per
    relationship it is given (the counter is yielded for the assertion).

    A work count, not a clock, so the bound holds on a busy machine: the linear
    check makes a few dozen calls per link, the old path enumeration made
    exponentially many and is stopped within the budget instead of hanging.
    """
    made = [0]

    def bounded(links: Iterable[Link], new: set[str]) -> list[Loop]:
        given = list(links)
        budget = per_link * max(len(given), 1)

        def count(_frame: Any, event: str, _arg: Any) -> None:
            if event in ("call", "c_call"):
                made[0] += 1
                if made[0] > budget:
                    raise AssertionError(f"the loop check made over {budget} calls")

        sys.setprofile(count)
        try:
            return loops(given, new)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(validation, "loops", bounded)
    yield made


def _rejected(store: GraphStore, path: Path) -> list[Any]:
    before = contents(store)
    with pytest.raises(ImportRejected) as caught:
        load(store, path)
    assert contents(store) == before
    return caught.value.errors


def test_post_commanding_the_unit_it_sits_in_imports(store: GraphStore, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "local.jsonl", [_actor(), *_unit_with_local_command("unt_cp", "act_front")]
    )
    report = load(store, path)
    assert report.created == 8
    commands = [r for r in store.iter_relationships(viewer=SYSTEM) if r.type == "COMMANDS"]
    assert [(r.source_id, r.target_id) for r in commands] == [("pst_unt_cp", "unt_cp")]


def test_post_commanding_its_own_units_parent_is_a_loop(store: GraphStore, tmp_path: Path) -> None:
    records = [
        _actor(),
        *_unit_with_local_command("unt_bde", "act_front"),
        *_unit_with_local_command("unt_cp", "unt_bde"),
        # The checkpoint's own post commanding the brigade above it: a real loop.
        _rel("COMMANDS", "pst_unt_cp", "unt_bde"),
    ]
    errors = _rejected(store, _write(tmp_path / "loop.jsonl", records))
    flagged = {e.record: e for e in errors}
    assert set(flagged) == {
        "rel_part_of_unt_cp_unt_bde",
        "rel_part_of_pst_unt_cp_unt_cp",
        "rel_commands_pst_unt_cp_unt_bde",
    }
    message = flagged["rel_commands_pst_unt_cp_unt_bde"].message
    assert message == "COMMANDS / PART_OF would loop: pst_unt_cp -> unt_bde -> unt_cp -> pst_unt_cp"
    assert all(e.row is not None and e.field == "target_id" for e in errors)


def test_part_of_ring_is_reported_as_nesting_loop(store: GraphStore, tmp_path: Path) -> None:
    records = [
        _actor(),
        _node("Unit", "unt_a"),
        _node("Unit", "unt_b"),
        _rel("PART_OF", "unt_a", "unt_b"),
        _rel("PART_OF", "unt_b", "unt_a"),
    ]
    errors = _rejected(store, _write(tmp_path / "ring.jsonl", records))
    assert sorted(e.message for e in errors) == [
        "PART_OF would loop: unt_a -> unt_b -> unt_a",
        "PART_OF would loop: unt_b -> unt_a -> unt_b",
    ]


def _fresh(store: GraphStore, tmp_path: Path) -> GraphStore:
    """An empty store of the same kind (Neo4j Community has one database: wipe it)."""
    if isinstance(store, EmbeddedStore):
        return EmbeddedStore(tmp_path / "fresh.db")
    store.wipe()  # type: ignore[attr-defined]
    return store


def test_demo_snapshot_round_trips_through_a_fresh_store(store: GraphStore, tmp_path: Path) -> None:
    report = load(store, DEMO)
    assert report.errors == [] and report.created > 800
    first = tmp_path / "first.jsonl"
    export_store(store, SYSTEM, "snapshot", first)
    again = _fresh(store, tmp_path)
    assert contents(again) == []
    load(again, first)
    second = tmp_path / "second.jsonl"
    export_store(again, SYSTEM, "snapshot", second)
    # The same versions, in the same order, with the same authors and content;
    # only the times differ (the store dates the restore) and the header's audit head.
    assert _undated(second) == _undated(first)
    assert again.check_audit().ok


def _undated(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {k: v for k, v in json.loads(x).items() if k != "recorded_at"}
        for x in lines
        if not x.startswith("//")
    ]


def test_deep_chain_with_local_command_imports(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    depth = 1500
    records: list[dict[str, Any]] = [_actor()]
    parent = "act_front"
    for level in range(depth):
        unit = f"unt_{level:05d}"
        records += _unit_with_local_command(unit, parent)
        parent = unit
    with _linear_work(monkeypatch, PER_LINK):
        report = load(store, _write(tmp_path / "deep.jsonl", records))
    assert report.created == len(records)


def test_deep_chain_closed_at_the_bottom_reports_every_link(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    depth = 3000
    records: list[dict[str, Any]] = [_actor()]
    parent = "act_front"
    for level in range(depth):
        unit = f"unt_{level:05d}"
        records += [_node("Unit", unit), _rel("PART_OF", unit, parent)]
        parent = unit
    # The deepest unit's post commands the whole group: every nesting link is on the loop.
    records += [
        _node("Post", "pst_bottom"),
        _rel("PART_OF", "pst_bottom", parent),
        _rel("COMMANDS", "pst_bottom", "act_front"),
    ]
    with _linear_work(monkeypatch, PER_LINK):
        errors = _rejected(store, _write(tmp_path / "deep_loop.jsonl", records))
    assert len(errors) == depth + 2
    shown = next(e.message for e in errors if e.record == "rel_commands_pst_bottom_act_front")
    assert shown.startswith("COMMANDS / PART_OF would loop: pst_bottom -> act_front -> … (")
    assert shown.endswith("more) -> unt_02997 -> unt_02998 -> unt_02999 -> pst_bottom")


def test_wide_knot_of_mutual_command_is_reported_at_once(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2,000 sibling units with local command, and 14 units whose posts all command
    # each other's units: billions of simple cycles, one component.
    records: list[dict[str, Any]] = [_actor()]
    for number in range(2000):
        records += _unit_with_local_command(f"unt_{number:05d}", "act_front")
    knot = [f"unt_{number:05d}" for number in range(14)]
    records += [_rel("COMMANDS", f"pst_{a}", b) for a in knot for b in knot if a != b]
    with _linear_work(monkeypatch, PER_LINK):
        errors = _rejected(store, _write(tmp_path / "wide_loop.jsonl", records))
    assert len({e.record for e in errors}) == len(errors)
    flagged = {e.record for e in errors}
    mutual = {f"rel_commands_pst_{a}_{b}" for a in knot for b in knot if a != b}
    inside = {f"rel_part_of_pst_{a}_{a}" for a in knot}
    assert flagged == mutual | inside


def test_loops_ignore_local_command_but_not_a_command_ring() -> None:
    links = [
        Link("p1", "PART_OF", "pst_a", "unt_a"),
        Link("c1", "COMMANDS", "pst_a", "unt_a"),
        Link("c2", "COMMANDS", "pst_a", "unt_b"),
        Link("p2", "PART_OF", "pst_b", "unt_b"),
        Link("c3", "COMMANDS", "pst_b", "unt_a"),
    ]
    assert [loop.id for loop in loops(links[:2], {"p1", "c1"})] == []
    found = {loop.id: loop.describe() for loop in loops(links, {"c2", "c3", "c1"})}
    assert found == {
        "c2": "pst_a -> unt_b -> pst_b -> unt_a -> pst_a",
        "c3": "pst_b -> unt_a -> pst_a -> unt_b -> pst_b",
    }


def test_components_are_networkx_strongly_connected_components_on_random_graphs() -> None:
    """The loop check's own Tarjan (it no longer imports networkx) finds the same
    components as networkx on random graphs: self-loops, repeated edges, isolated
    ends, and a ring 5,000 deep (no recursion limit)."""
    import networkx as nx

    rng = random.Random(13)
    graphs = []
    for _ in range(500):
        nodes = [f"n{i}" for i in range(rng.randint(1, 40))]
        graphs.append([(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(0, 80))])
    graphs.append([(f"u{i}", f"u{(i + 1) % 5000}") for i in range(5000)])
    for edges in graphs:
        successors: dict[str, list[str]] = {}
        for a, b in edges:
            successors.setdefault(a, []).append(b)
            successors.setdefault(b, [])
        ours = sorted(sorted(c) for c in strongly_connected(successors))
        theirs = sorted(sorted(c) for c in nx.strongly_connected_components(nx.DiGraph(edges)))
        assert ours == theirs
