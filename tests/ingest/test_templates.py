"""Templates: generated from the schema, with help and drop-downs; a filled template imports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph import model as m
from graph.row_codec import content_of
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from ingest.templates import SPECS, write_template_csv, write_template_xlsx
from tests.factories import one_of_each_node, one_of_each_relationship
from tests.ingest.helpers import TEMPLATE_CSV, TEMPLATE_XLSX, contents, load

ENUM_COLUMNS = {
    "ArmedActor": ["sensitivity", "actor_kind", "structure", "basis"],
    "Source": ["reliability", "credibility", "source_kind"],
    "INFLUENCES": ["channel", "sensitivity"],
}


def test_workbook_has_a_sheet_per_kind_and_type_with_help_and_dropdowns(tmp_path: Path) -> None:
    path = write_template_xlsx(tmp_path / "mapping.xlsx")
    workbook = load_workbook(path)
    expected = [k.value for k in NodeKind] + [t.value for t in RelType]
    assert [s for s in workbook.sheetnames if s not in ("README", "_lists")] == expected
    for name, enum_columns in ENUM_COLUMNS.items():
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        assert header == [c.name for c in SPECS[name].columns]
        assert all(str(c.value).startswith("help:") for c in sheet[2])
        assert sheet.cell(row=1, column=1).comment is not None
        validated = {
            header[next(iter(dv.sqref.ranges)).min_col - 1]: dv
            for dv in sheet.data_validations.dataValidation
        }
        for column in enum_columns:
            assert column in validated, (name, column)
            assert validated[column].type == "list"
            assert validated[column].formula1.startswith("=_lists!")
    lists = workbook["_lists"]
    assert lists.sheet_state == "hidden"
    values = {c.value for row in lists.iter_rows() for c in row if c.value}
    assert {"decentralised", "strictly_confidential", "A", "6", "military_to_military"} <= values


def test_csv_template_is_the_same_columns_in_a_folder(tmp_path: Path) -> None:
    folder = write_template_csv(tmp_path / "mapping")
    for spec in SPECS.values():
        with (folder / f"{spec.name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            header, helper = list(csv.reader(fh))[:2]
        assert header == [c.name for c in spec.columns]
        assert all(h.startswith("help:") for h in helper)


def test_every_schema_field_but_the_stamps_is_a_column() -> None:
    for kind, spec in SCHEMA.nodes.items():
        fields = set(spec.model.model_fields) - {"kind", "recorded_at", "recorded_by"}
        assert {c.name for c in SPECS[kind.value].columns} == fields


@pytest.mark.parametrize("writer", [write_template_xlsx, write_template_csv])
def test_a_template_filled_with_every_kind_round_trips_losslessly(
    store: GraphStore, tmp_path: Path, writer: object
) -> None:
    records = [*one_of_each_node(), *one_of_each_relationship()]
    path = tmp_path / ("filled.xlsx" if writer is write_template_xlsx else "filled")
    writer(path, records)  # type: ignore[operator]
    report = load(store, path)
    assert report.created == len(records)
    for record in records:
        stored = store.get(record.id, viewer=SYSTEM)
        assert stored is not None and content_of(stored) == content_of(record), record.id


@pytest.mark.parametrize("path", [TEMPLATE_XLSX, TEMPLATE_CSV], ids=["xlsx", "csv"])
def test_filled_template_fixture_imports_with_names_ids_and_help_rows(
    store: GraphStore, path: Path
) -> None:
    report = load(store, path)
    assert report.errors == [] and report.rejected == 0
    assert report.rows == report.created == 31
    f7h = store.get("act_kl_f7h", viewer=SYSTEM)
    assert isinstance(f7h, m.ArmedActor)
    assert f7h.structure == m.Structure.DECENTRALISED  # "Decentralised" folded to the enum
    assert f7h.aliases == ("F7H", "Jabhat Sab'a")
    assert f7h.sources == (m.SourceRef(source_id="src_kl_fieldnote", locator="p. 4"),)
    # Blank ids are generated from kind and name; ends may be given by name.
    militia = store.search("Orrin Valley Defence Militia", viewer=SYSTEM)
    assert len(militia) == 1 and militia[0].id.startswith("act_")
    allies = [
        r for r, _ in store.neighbours("act_kl_f7h", viewer=SYSTEM) if r.type == "ALLIED_WITH"
    ]
    assert [(r.source_id, r.target_id) for r in allies] == [("act_kl_f7h", militia[0].id)]
    zeta_parent = [
        r.target_id
        for r, _ in store.neighbours("unt_kl_zeta", viewer=SYSTEM)
        if r.type == "PART_OF" and r.source_id == "unt_kl_zeta"
    ]
    assert zeta_parent == ["unt_kl_3bde"]


def test_xlsx_and_csv_fixtures_give_the_same_store(store: GraphStore) -> None:
    load(store, TEMPLATE_XLSX)
    before = contents(store)
    report = load(store, TEMPLATE_CSV)
    assert (report.created, report.updated, report.closed) == (0, 0, 0)
    assert contents(store) == before


def test_help_rows_say_which_end_is_which_and_tell_source_id_from_sources(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(write_template_xlsx(tmp_path / "mapping.xlsx"))
    sheet = wb["COMMANDS"]
    helper = {str(h.value): str(c.value) for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert helper["source_id"].startswith("help: from: the person or post who commands;")
    assert helper["target_id"].startswith("help: to: the unit or group commanded;")
    assert "not a Source" in helper["source_id"]
    assert "Not an end of a relationship (that is source_id)" in helper["sources"]
    # Every relationship type names both of its ends.
    for spec in SPECS.values():
        if not spec.is_node:
            ends = [c.help for c in spec.columns if c.kind == "ref"]
            assert [h.split(":")[1].strip() for h in ends] == ["from", "to"], spec.name
    # CITES ends at a Source: no advice against it.
    cites = next(c.help for c in SPECS["CITES"].columns if c.name == "target_id")
    assert "the Source cited" in cites and "not a Source" not in cites
