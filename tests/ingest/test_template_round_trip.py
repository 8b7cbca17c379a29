"""The map kept in a spreadsheet: export it as the filled import template, edit, import back.

Data is FICTIONAL (tests/factories.py and the template fixture).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from graph import model as m
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.source_protection import is_pseudonym
from graph.store import GraphStore, WriteBatch
from ingest.export import export_store
from ingest.templates import SPECS
from tests.factories import full_batch
from tests.ingest.helpers import TEMPLATE_XLSX, contents, full_history, load, run_cli

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def _exported(store: GraphStore, tmp_path: Path) -> Path:
    """The seeded map, as the restricted reader's filled template."""
    _seeded(store)
    out = tmp_path / "map.xlsx"
    export_store(store, RESTRICTED, "template", out)
    return out


def _seeded(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    load(store, TEMPLATE_XLSX, actor="importer")
    store.write(
        WriteBatch.of(
            [
                m.Person(
                    id="per_hidden",
                    name="Informant Tessaly Quorne",
                    sensitivity=Sensitivity.CONFIDENTIAL,
                )
            ]
        ),
        actor="analyst-1",
    )


def _set_cell(path: Path, sheet: str, record_id: str, column: str, value: str) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    id_col, col = header.index("id") + 1, header.index(column) + 1
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, id_col).value == record_id)
    ws.cell(row, col, value)
    wb.save(path)


def test_template_export_is_the_import_layout_with_ids_and_drop_downs(
    store: GraphStore, tmp_path: Path
) -> None:
    _seeded(store)
    out = tmp_path / "map.xlsx"
    count = export_store(store, RESTRICTED, "template", out)
    wb = load_workbook(out)
    actors = wb["ArmedActor"]
    assert [c.value for c in actors[1]] == [c.name for c in SPECS["ArmedActor"].columns]
    assert str(actors.cell(2, 1).value).startswith("help:")
    ids = {actors.cell(r, 1).value for r in range(3, actors.max_row + 1)}
    assert {"act_1", "act_kl_f7h"} <= ids
    # Drop-downs survive the filling (sensitivity is a choice column).
    assert actors.data_validations.dataValidation
    people = wb["Person"]
    names = {people.cell(r, 4).value for r in range(3, people.max_row + 1)}
    # The reader's clearance decides what is written: no confidential record.
    assert "Informant Tessaly Quorne" not in names
    rows = [
        ws.cell(r, 1).value
        for ws in wb.worksheets
        if ws.title in SPECS
        for r in range(3, ws.max_row + 1)
        if ws.cell(r, 1).value
    ]
    assert count == len(rows) < len(contents(store))
    # A source masked for this reader is not offered for editing, nor is its CITES edge;
    # records citing it carry the mask.
    assert not [i for i in rows if is_pseudonym(str(i))]
    assert "rel_cites" not in rows
    act_1 = next(r for r in range(3, actors.max_row + 1) if actors.cell(r, 1).value == "act_1")
    header = [c.value for c in actors[1]]
    cited = str(actors.cell(act_1, header.index("sources") + 1).value)
    assert is_pseudonym(cited) and "src_1" not in cited


def test_reimporting_an_unchanged_template_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    out = _exported(store, tmp_path)
    before = contents(store)
    history = full_history(store)
    counter = store.change_counter()
    audit = len(store.audit_log().entries)
    report = load(store, out, actor="field-officer", viewer=RESTRICTED)
    assert report.errors == [] and report.review == []
    assert (report.created, report.updated, report.closed) == (0, 0, 0)
    assert contents(store) == before
    assert full_history(store) == history
    assert store.change_counter() == counter
    assert len(store.audit_log().entries) == audit


def test_editing_one_cell_updates_exactly_that_record_with_history_and_audit(
    store: GraphStore, tmp_path: Path
) -> None:
    out = _exported(store, tmp_path)
    _set_cell(out, "ArmedActor", "act_1", "name", "Front of the Seven Hills (Northern wing)")
    before = {r["id"]: r for r in contents(store)}
    versions = len(store.history("act_1", viewer=SYSTEM))
    audit = len(store.audit_log().entries)
    report = load(store, out, actor="field-officer", viewer=RESTRICTED)
    assert report.errors == []
    assert (report.created, report.updated, report.closed) == (0, 1, 0)
    after = {r["id"]: r for r in contents(store)}
    changed = {i for i in after if after[i] != before.get(i)}
    assert changed == {"act_1"}
    assert after["act_1"]["name"] == "Front of the Seven Hills (Northern wing)"
    history = store.history("act_1", viewer=SYSTEM)
    assert len(history) == versions + 1 and history[-1].record.recorded_by == "field-officer"
    assert len(store.audit_log().entries) == audit + 1
    # The hidden record the reader never saw is untouched, and so is the citation of
    # the source they only saw masked.
    assert after["per_hidden"] == before["per_hidden"]
    assert (
        after["act_1"]["sources"]
        == before["act_1"]["sources"]
        == [{"source_id": "src_1", "locator": "p. 4, para 2"}]
    )


def test_cli_exports_the_template_format(tmp_path: Path) -> None:
    db = tmp_path / "map.db"
    assert run_cli(db, "import", str(TEMPLATE_XLSX)).exit_code == 0
    out = tmp_path / "map.xlsx"
    result = run_cli(db, "export", "--format", "template", "--out", str(out))
    assert result.exit_code == 0, result.output
    again = run_cli(db, "import", str(out), "--json")
    assert again.exit_code == 0, again.output
    assert '"created": 0' in again.output and '"updated": 0' in again.output
