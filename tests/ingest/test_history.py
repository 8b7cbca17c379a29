"""Idempotent and historical imports, on both stores.

Importing the same file twice changes nothing. A changed file updates what
changed; a relationship that moved is closed (valid_to) and a new one opened,
so the old allegiance or command stays in the history.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from graph import model as m
from graph.schema import RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from tests.ingest.helpers import ACLED, HXL, TEMPLATE_CSV, TEMPLATE_XLSX, UCDP, contents, load


@pytest.mark.parametrize(
    "path", [TEMPLATE_XLSX, TEMPLATE_CSV, HXL, ACLED, UCDP], ids=lambda p: Path(p).name
)
def test_importing_the_same_file_twice_changes_nothing(store: GraphStore, path: Path) -> None:
    first = load(store, path)
    assert first.created > 0
    before, counter = contents(store), store.change_counter()
    second = load(store, path)
    assert (second.created, second.updated, second.closed, second.rejected) == (0, 0, 0, 0)
    assert second.unchanged == first.created + first.updated + first.unchanged
    assert contents(store) == before
    assert store.change_counter() == counter


def test_all_fixtures_together_then_again_change_nothing(store: GraphStore) -> None:
    paths = [TEMPLATE_XLSX, HXL, ACLED, UCDP]
    for path in paths:
        load(store, path)
    before = contents(store)
    for path in paths:
        report = load(store, path)
        assert (report.created, report.updated, report.closed) == (0, 0, 0), path
    assert contents(store) == before


def _edit(folder: Path, sheet: str, row: int, column: str, value: str) -> None:
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _rels(store: GraphStore, rel_type: RelType) -> list[m.AnyRelationship]:
    return list(store.iter_relationships(rel_type, viewer=SYSTEM))


def test_changed_value_is_an_update_with_history(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    load(store, folder)
    _edit(folder, "ArmedActor", 3, "confidence", "0.6")
    report = load(store, folder)
    assert (report.created, report.updated, report.closed) == (0, 1, 0)
    versions = store.history("act_kl_f7h", viewer=SYSTEM)
    assert [(v.version, v.operation, v.record.confidence) for v in versions] == [
        (1, "create", 0.8),
        (2, "update", 0.6),
    ]


def test_moved_unit_closes_old_part_of_and_opens_new(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    load(store, folder)
    # Checkpoint Zeta leaves the 3rd Hills Brigade and joins the Front directly, in 2024-06.
    _edit(folder, "PART_OF", 3, "target_id", "act_kl_f7h")
    _edit(folder, "PART_OF", 3, "valid_from", "2024-06")
    report = load(store, folder, today=date(2024, 7, 1))
    assert (report.created, report.closed) == (1, 1)
    zeta = {r.target_id: r for r in _rels(store, RelType.PART_OF) if r.source_id == "unt_kl_zeta"}
    assert zeta["unt_kl_3bde"].valid_from == "2021" and zeta["unt_kl_3bde"].valid_to == "2024-06"
    assert zeta["act_kl_f7h"].valid_from == "2024-06" and zeta["act_kl_f7h"].valid_to is None
    old = zeta["unt_kl_3bde"]
    assert [v.operation for v in store.history(old.id, viewer=SYSTEM)] == ["create", "close"]
    again = load(store, folder, today=date(2024, 8, 1))
    assert (again.created, again.updated, again.closed) == (0, 0, 0)


def test_changed_command_closes_the_old_one(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    load(store, folder)
    # The post now commands the brigade instead of the checkpoint (same row id: blank).
    _edit(folder, "COMMANDS", 3, "target_id", "unt_kl_3bde")
    _edit(folder, "COMMANDS", 3, "valid_from", "2025-01")
    report = load(store, folder, today=date(2025, 2, 1))
    assert report.created == 1
    commands = {r.target_id: r for r in _rels(store, RelType.COMMANDS)}
    # A unit has one commanding post at a time, but a post may command several units:
    # the brigade gains a commander, the checkpoint keeps its own.
    assert commands["unt_kl_3bde"].valid_to is None
    assert set(commands) == {"unt_kl_zeta", "unt_kl_3bde"}


def test_same_row_id_with_new_end_closes_the_old_relationship(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    _edit(folder, "COMMANDS", 3, "id", "rel_kl_cmd")
    load(store, folder)
    _edit(folder, "COMMANDS", 3, "target_id", "unt_kl_3bde")
    _edit(folder, "COMMANDS", 3, "valid_from", "2025-01")
    report = load(store, folder)
    assert (report.created, report.closed) == (1, 1)
    old = store.get("rel_kl_cmd", viewer=SYSTEM)
    assert isinstance(old, m.Commands) and old.target_id == "unt_kl_zeta"
    assert old.valid_to == "2025-01"
    new = [r for r in _rels(store, RelType.COMMANDS) if r.target_id == "unt_kl_3bde"]
    assert len(new) == 1 and new[0].valid_to is None and new[0].valid_from == "2025-01"
    assert (load(store, folder).created, load(store, folder).closed) == (0, 0)


def test_allies_who_now_fight_close_the_alliance(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    load(store, folder)
    militia = store.search("Orrin Valley Defence Militia", viewer=SYSTEM)[0].id
    path = folder / "OPPOSES.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        row = {"source_id": militia, "target_id": "act_kl_f7h", "valid_from": "2025-03"}
        header = next(csv.reader(path.open(encoding="utf-8-sig")))
        csv.writer(fh).writerow([row.get(h, "") for h in header])
    report = load(store, folder)
    assert (report.created, report.closed) == (1, 1)
    (alliance,) = _rels(store, RelType.ALLIED_WITH)
    assert alliance.valid_to == "2025-03"
    as_of_2024 = {r.type for r in store.iter_relationships(viewer=SYSTEM, as_of=date(2024, 6, 1))}
    as_of_2026 = {r.type for r in store.iter_relationships(viewer=SYSTEM, as_of=date(2026, 1, 1))}
    assert "ALLIED_WITH" in as_of_2024 and "ALLIED_WITH" not in as_of_2026
