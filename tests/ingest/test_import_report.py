"""The import report says what each row's names matched and which records are new.

Every name here is FICTIONAL (invented people and groups of Orrinland).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from graph.schema import NodeKind
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from ingest.resolve import match_key
from tests.ingest.helpers import contents, load, run_cli
from tests.ingest.test_identity import ACLED_COLUMNS, acled_row, actors, seed_template, write_csv


def _people(store: GraphStore) -> dict[str, str]:
    return {n.name: n.id for n in store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)}


def test_a_fuzzy_match_names_its_row_spelling_record_and_score(
    store: GraphStore, tmp_path: Path
) -> None:
    load(
        store, seed_template(tmp_path, "Person", [{"name": "Dario Venn"}, {"name": "Hallen Voss"}])
    )
    dario, hallen = _people(store)["Dario Venn"], _people(store)["Hallen Voss"]
    report = load(
        store,
        seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}, {"name": "HALLEN VOSS"}]),
    )
    (fuzzy,) = report.fuzzy_matches
    assert (fuzzy.sheet, fuzzy.row, fuzzy.spelling) == ("Person", 2, "Darjo Venn")
    assert (fuzzy.record_id, fuzzy.record_name) == (dario, "Dario Venn")
    assert 0.75 <= fuzzy.score < 1.0 and not fuzzy.exact
    assert fuzzy.line() == (
        f'Person/2: "Darjo Venn" → {dario} (Dario Venn), {fuzzy.score:.2f} ({fuzzy.rule})'
    )
    (exact,) = [r for r in report.matches if r.exact]
    assert (exact.row, exact.spelling, exact.record_id, exact.score_text) == (
        3,
        "HALLEN VOSS",
        hallen,
        "exact",
    )
    as_json = report.as_dict()["matches"]
    assert {r["score"] for r in as_json} == {"exact", round(fuzzy.score, 3)}


def test_new_records_are_listed_by_id_and_exist_in_the_store(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, seed_template(tmp_path, "Person", [{"name": "Dario Venn"}]))
    file = seed_template(tmp_path, "Person", [{"name": "Dario Venn"}, {"name": "Mirel Osk"}])
    before = contents(store)
    planned = load(store, file, dry_run=True)
    assert contents(store) == before  # a dry run writes nothing, and says the same
    report = load(store, file)
    assert [(r.kind, r.name) for r in report.new_records] == [("Person", "Mirel Osk")]
    assert planned.new_records == report.new_records
    assert report.new_records[0].id == _people(store)["Mirel Osk"]
    assert report.created == len(report.new_records)
    again = load(store, file)
    assert again.new_records == [] and len(again.matches) == 2


def test_every_fuzzy_merge_is_in_the_report_on_every_row_that_spelled_it(
    store: GraphStore, tmp_path: Path
) -> None:
    """The invariant: a spelling attached to a differently named record is never hidden."""
    known = ["Front of the Seven Hills", "Orrin Valley Defence Militia"]
    load(store, write_csv(tmp_path / "k.csv", ACLED_COLUMNS, [acled_row(1, known[0])]))
    load(store, write_csv(tmp_path / "l.csv", ACLED_COLUMNS, [acled_row(2, known[1])]))
    before = {n.id: {match_key(x) for x in (n.name, *n.aliases)} for n in actors(store)}
    spellings = ["Seven Hills Front", "Orrin Valley Defense Militia", "Seven Hills Front"]
    rows = [acled_row(10 + i, s) for i, s in enumerate(spellings)]
    report = load(store, write_csv(tmp_path / "n.csv", ACLED_COLUMNS, rows))
    shown = {(r.record_id, match_key(r.spelling)) for r in report.fuzzy_matches}
    merged = [
        (node.id, match_key(alias))
        for node in actors(store)
        for alias in node.aliases
        if node.id in before and match_key(alias) not in before[node.id]
    ]
    assert len(merged) == 2
    assert set(merged) <= shown
    # Resolved once, reported on both rows that spell it so.
    fronts = [r.row for r in report.fuzzy_matches if r.spelling == "Seven Hills Front"]
    assert fronts == [2, 4]


def _seed_cli(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "store.db"
    seed = seed_template(tmp_path, "Person", [{"name": "Dario Venn"}, {"name": "Hallen Voss"}])
    assert run_cli(db, "import", str(seed)).exit_code == 0
    rows = [{"name": "Darjo Venn"}, {"name": "Hallen Voss"}, {"name": "Mirel Osk"}]
    return db, seed_template(tmp_path, "Person", rows)


def test_cli_prints_fuzzy_matches_and_new_ids_and_counts_exact_ones(tmp_path: Path) -> None:
    db, file = _seed_cli(tmp_path)
    result = run_cli(db, "import", str(file), "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    (fuzzy,) = [line for line in lines if line.startswith("matched ")]
    assert (
        '"Darjo Venn" → per_' in fuzzy and "(Dario Venn)" in fuzzy and "actorgraph review" in fuzzy
    )
    assert "1 row(s) matched a record exactly" in result.stderr
    (new,) = [line for line in lines if line.startswith("would create per_")]
    assert new.endswith("Person Mirel Osk")
    verbose = run_cli(db, "import", str(file), "--dry-run", "--verbose")
    matched = [line for line in verbose.stderr.splitlines() if line.startswith("matched ")]
    assert len(matched) == 2 and any(
        '"Hallen Voss"' in line and "exact" in line for line in matched
    )


def test_cli_report_file_lists_every_row_as_csv_or_json(tmp_path: Path) -> None:
    db, file = _seed_cli(tmp_path)
    out = tmp_path / "report.csv"
    result = run_cli(db, "import", str(file), "--report", str(out))
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["what"], r["row"], r["spelling"], r["score"]) for r in rows[:2]] == [
        ("matched", "2", "Darjo Venn", rows[0]["score"]),
        ("matched", "3", "Hallen Voss", "exact"),
    ]
    assert 0.75 <= float(rows[0]["score"]) < 1.0
    (created,) = [r for r in rows if r["what"] == "created"]
    assert created["record_name"] == "Mirel Osk" and created["record_id"].startswith("per_")
    as_json = tmp_path / "report.json"
    run_cli(db, "import", str(file), "--report", str(as_json))
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert [m["spelling"] for m in data["matches"]] == ["Darjo Venn", "Hallen Voss", "Mirel Osk"]
    assert data["new_records"] == []
