"""The fast event-import path gives exactly what the straightforward one gives.

Files come from `bench.events` (FICTIONAL: invented names, places and events),
small here; the benchmark measures the same generator at 50,000 rows. What the
shortcuts must not change: records, ids, history, review items and counts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.events import acled_rows, ucdp_rows, write_csv
from graph.errors import ImportRejected, InvalidRecords
from graph.schema import SCHEMA
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from ingest import pipeline, validation
from ingest.pipeline import ImportContext, ImportOptions, run_import
from ingest.resolve import Match, Resolver
from tests.ingest.helpers import contents, full_history

TODAY = date(2025, 1, 1)


def _files(tmp_path: Path) -> list[Path]:
    """Two ACLED files and a UCDP one: the second and third resolve against the store."""
    acled = acled_rows(240, seed=7, actors=60, countries=3)
    ucdp = ucdp_rows(120, seed=7, actors=60, countries=3)
    return [
        write_csv(tmp_path / "acled_a.csv", acled[:120]),
        write_csv(tmp_path / "ucdp.csv", ucdp),
        write_csv(tmp_path / "acled_b.csv", acled[100:]),  # overlaps: re-imports 20 events
    ]


def _import_all(store: GraphStore, files: list[Path]) -> dict[str, Any]:
    reports = []
    for path in files:
        report = run_import(store, path, ImportOptions(today=TODAY)).as_dict()
        del report["seconds"], report["rows_per_second"], report["change_counter"]
        reports.append(report)
    records = [{k: v for k, v in r.items() if k != "recorded_at"} for r in contents(store)]
    return {"reports": reports, "records": records, "history": full_history(store, stamps=False)}


def _reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """The straightforward path: one store lookup per id when first needed,
    places resolved by the full resolver (its fuzzy ranking computed, then
    ignored), and every record parsed by `SCHEMA.parse_record`."""

    def no_preload(self: ImportContext, ids: Any) -> None:
        if len([i for i in ids if i not in self._records]) > self.BULK:
            self._load_all()  # what validation always did

    def exact_by_resolve(self: Resolver, name: str, scopes: Any) -> str | None:
        match: Match = Resolver.resolve(self, name, scopes)
        return match.id if match.status == "exact" else None

    monkeypatch.setattr(ImportContext, "preload", no_preload)
    monkeypatch.setattr(Resolver, "exact", exact_by_resolve)
    monkeypatch.setattr(validation, "parse_record", SCHEMA.parse_record)


def _second_store(store: GraphStore, tmp_path: Path) -> GraphStore:
    wipe = getattr(store, "wipe", None)
    if wipe is not None:  # Neo4j Community has one database: reuse it
        wipe()
        return store
    return EmbeddedStore(tmp_path / "reference.db")


def test_event_import_gives_the_same_records_history_and_reviews_as_the_reference(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path)
    fast = _import_all(store, files)
    other = _second_store(store, tmp_path)
    with monkeypatch.context() as patch:
        _reference(patch)
        reference = _import_all(other, files)
    assert fast["reports"] == reference["reports"]
    assert fast["records"] == reference["records"]
    assert fast["history"] == reference["history"]
    # The files exercise what matters: fuzzy matches for review, re-imported
    # events, places and actors known from the store.
    assert any(r["review"] for r in fast["reports"])
    assert fast["reports"][2]["unchanged"] > 0 and fast["reports"][2]["updated"] > 0


class _CountingStore:
    """The real store, counting single-record lookups (`get`)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.gets = 0

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self.gets += 1
        return self.store.get(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.mark.parametrize("rows", [30, 150])
def test_event_import_reads_the_store_in_bulk_not_one_lookup_per_place_or_actor(
    store: GraphStore, tmp_path: Path, rows: int
) -> None:
    acled = acled_rows(2 * rows, seed=3, actors=40, countries=2)
    run_import(store, write_csv(tmp_path / "first.csv", acled[:rows]), ImportOptions())
    counting = _CountingStore(store)
    report = run_import(
        counting,  # type: ignore[arg-type]
        write_csv(tmp_path / "second.csv", acled[rows:]),
        ImportOptions(),
    )
    assert report.created > rows  # incidents, places, participation: a real import
    assert counting.gets == 0


def test_exact_place_lookup_agrees_with_the_full_resolver() -> None:
    resolver = Resolver()
    names = sorted({r["admin2"] for r in acled_rows(400, seed=5, countries=3)})
    for i, name in enumerate(names):
        resolver.add(f"are_{i}", "Area:2", [name])
    resolver.add("are_twin_a", "Area:2", ["Twin Town"])
    resolver.add("are_twin_b", "Area:2", ["TWIN-TOWN"])  # two places, one name: not exact
    resolver.add("are_other", "Area:1", [names[0]])  # same name, another level
    resolver.add("are_rej", "Area:2", ["Old Quarter"], rejected=["Old Quarter East"])
    resolver.add("are_rej2", "Area:2", ["Old Quarter East"])
    queries = [*names, *(n.upper() for n in names), *(n[:-1] for n in names)]
    queries += ["Twin Town", "Old Quarter East", "Nowhere At All"]
    for scopes in (["Area:2"], ["Area:1"], ["Area:1", "Area:2"]):
        for query in queries:
            match = resolver.resolve(query, scopes)
            expected = match.id if match.status == "exact" else None
            assert resolver.exact(query, scopes) == expected, (query, scopes)
    assert resolver.exact(names[0].upper(), ["Area:2"]) == "are_0"


# What an event file's import has no use for: the snapshot and template code,
# networkx (loop check), openpyxl (reject files), shapely (gazetteer shapes).
_UNUSED_BY_EVENT_IMPORT = ("networkx", "openpyxl", "shapely", "ingest.templates", "ingest.export")
_EVENT_IMPORT_PROBE = """
import json, sys
from pathlib import Path
from graph.stores.embedded_store import EmbeddedStore
from ingest.pipeline import ImportOptions, run_import
store = EmbeddedStore(Path(sys.argv[1]))
report = run_import(store, Path(sys.argv[2]), ImportOptions())
print("PROBE " + json.dumps({"created": report.created, "format": report.format,
                             "loaded": [n for n in json.loads(sys.argv[3]) if n in sys.modules]}))
"""


def test_event_file_import_loads_no_snapshot_template_spreadsheet_or_shape_code(
    tmp_path: Path,
) -> None:
    """Each of these cost every `actorgraph import` of an event file a fraction of a
    second of start-up; they load only for a file (or store) that needs them."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    for fmt, rows in (
        ("acled", acled_rows(20, seed=1, actors=10, countries=1)),
        ("ucdp", ucdp_rows(20, seed=1, actors=10, countries=1)),
    ):
        path = write_csv(tmp_path / f"{fmt}.csv", rows)
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _EVENT_IMPORT_PROBE,
                str(tmp_path / f"{fmt}.db"),
                str(path),
                json.dumps(_UNUSED_BY_EVENT_IMPORT),
            ],
            capture_output=True,
            text=True,
            cwd=root,
            timeout=300,
            check=False,
        )
        line = [x for x in done.stdout.splitlines() if x.startswith("PROBE ")]
        assert line, done.stdout + done.stderr
        probe = json.loads(line[-1].removeprefix("PROBE "))
        assert probe["format"] == fmt and probe["created"] > 20
        assert probe["loaded"] == []


def test_import_leaves_the_garbage_collector_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    store = EmbeddedStore(tmp_path / "s.db")
    path = write_csv(tmp_path / "a.csv", acled_rows(20, seed=1, actors=10, countries=1))
    seen: list[bool] = []
    real = pipeline._run_import

    def spy(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(pipeline, "_run_import", spy)
    assert gc.isenabled()
    run_import(store, path, ImportOptions())
    assert gc.isenabled() and seen == [False]
    gc.disable()
    try:
        run_import(store, path, ImportOptions())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_row_check_shortcut_reports_exactly_what_the_per_cell_check_reports() -> None:
    """A clean row skips the per-cell check; any row with a control character
    (C0, DEL or C1) or an oversized cell gets the same errors, in the same order."""
    import random

    from ingest.rows import HUGE_CELL, Row, _check_cells, _check_each_cell

    rng = random.Random(11)
    pieces = ["Front", "Hills", " ", "é", "\t", "\n", "\r", "’", "—", "ا"]  # noqa: RUF001 (look-alike characters are the test)
    bad = ["\x00", "\x07", "\x0b", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
    flagged = 0
    for number in range(600):
        values = {}
        for column in ("actor1", "notes", "location", "source"):
            cell = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))
            if rng.random() < 0.05:
                at = rng.randrange(len(cell) + 1)
                cell = cell[:at] + rng.choice(bad) + cell[at:]
            if rng.random() < 0.01:
                cell += "x" * (HUGE_CELL + rng.randrange(-1, 2))
            values[column] = cell
        row = Row("f.csv", "", number, values, list(values.values()))
        fast: list[Any] = []
        reference: list[Any] = []
        _check_cells(row, fast)
        _check_each_cell(row, reference)
        assert fast == reference, values
        flagged += bool(reference)
    assert 50 < flagged < 400  # both kinds of row were exercised


# Bad values a record may carry after mapping, each breaking one model rule.
_BREAKS: list[tuple[str, Any]] = [
    ("name", ""),
    ("name", "x" * 501),
    ("id", "has space"),
    ("date", "2021-13-45"),
    ("first_cited", "someday"),
    ("fatalities", -3),
    ("confidence", 2),
    ("kind", "Nope"),
    ("type", "NOPE"),
    ("harm_pattern", "accidental"),
    ("source_id", ""),
    ("bogus_field", 1),
    ("valid_to", "1900-01-01"),
]


def _finalised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The data of every record an ACLED and a UCDP import parse (a dry run)."""
    seen: list[dict[str, Any]] = []
    real = validation.finalise

    def spy(draft: Any, ctx: ImportContext) -> dict[str, Any]:
        data = real(draft, ctx)
        seen.append(data)
        return data

    monkeypatch.setattr(validation, "finalise", spy)
    store = EmbeddedStore(tmp_path / "dry.db")
    for path in _files(tmp_path):
        run_import(store, path, ImportOptions(today=TODAY, dry_run=True))
    return seen


def _outcome(parse: Any, data: dict[str, Any]) -> tuple[str, Any]:
    try:
        record = parse(data)
    except InvalidRecords as e:
        return "errors", e.errors
    return type(record).__name__, (record.model_dump(), record.model_fields_set)


def test_fast_parse_gives_the_schema_parse_records_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Good data gives the same record (class, values, fields given); each bad
    value gives the same errors, in the same order, as `SCHEMA.parse_record`."""
    datas = _finalised(tmp_path, monkeypatch)
    tags = {str(d.get("kind") or d.get("type")) for d in datas}
    assert {"Incident", "ArmedActor", "Area", "PARTICIPATED_IN", "OPPOSES"} <= tags
    for data in datas:
        assert _outcome(validation.parse_record, data) == _outcome(SCHEMA.parse_record, data)
    refused = 0
    for tag in sorted(tags):
        sample = [d for d in datas if (d.get("kind") or d.get("type")) == tag][:3]
        for data in sample:
            for field, value in _BREAKS:
                broken = {**data, field: value}
                expected = _outcome(SCHEMA.parse_record, broken)
                assert _outcome(validation.parse_record, broken) == expected, (tag, field)
                refused += expected[0] == "errors"
            missing = {k: v for k, v in data.items() if k not in ("kind", "type")}
            assert _outcome(validation.parse_record, missing) == _outcome(
                SCHEMA.parse_record, missing
            )
    assert refused > 5 * len(tags)  # the breaks were refused, not ignored


def test_bad_event_file_is_refused_with_the_reference_errors_and_the_store_unchanged(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells the mapper accepts but a model refuses (an actor name over the model's
    500 characters) and cells the mapper refuses give the same errors either way."""
    rows = acled_rows(40, seed=9, actors=12, countries=2)
    rows[3]["actor1"] = "Front of the Endless Hills " * 25  # 675 characters
    rows[7]["event_date"] = "31/31/2021"
    rows[11]["fatalities"] = "-4"
    rows[15]["actor1"] = ""
    path = write_csv(tmp_path / "bad.csv", rows)
    before = contents(store)

    def refused() -> list[Any]:
        with pytest.raises(ImportRejected) as caught:
            run_import(store, path, ImportOptions(today=TODAY))
        return list(caught.value.errors)

    fast = refused()
    with monkeypatch.context() as patch:
        _reference(patch)
        reference = refused()
    assert fast == reference
    assert contents(store) == before
    at = {(e.row, e.field) for e in fast}
    assert {(5, "actor1"), (9, "event_date"), (13, "fatalities"), (17, "actor1")} <= at
    assert any(e.row == 5 and "500 characters" in e.message for e in fast)
