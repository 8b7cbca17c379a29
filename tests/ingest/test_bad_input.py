"""Every kind of bad input: a message naming file, row and field, a non-zero exit, no change.

Each test starts from a store seeded with the FICTIONAL filled template, breaks a
copy of a fixture in one way, runs `actorgraph import`, and compares an export
taken before with one taken after: they must be equal.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.ingest.helpers import (
    ACLED,
    HXL,
    TEMPLATE_CSV,
    TEMPLATE_XLSX,
    UCDP,
    cli_export,
    run_cli,
    seeded_db,
)

EXIT_INVALID = 3


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _acled(tmp: Path, change: Callable[[list[list[str]]], None]) -> Path:
    rows = _rows(ACLED)
    change(rows)
    return _write(tmp / "acled_bad.csv", rows)


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    """Set a cell by spreadsheet row number (header = 1) and column name."""
    rows[row - 1][rows[0].index(column)] = value


def _template(tmp: Path, sheet: str, change: Callable[[list[list[str]]], None]) -> Path:
    folder = tmp / "template_bad"
    shutil.copytree(TEMPLATE_CSV, folder)
    rows = _rows(folder / f"{sheet}.csv")
    change(rows)
    _write(folder / f"{sheet}.csv", rows)
    return folder


def assert_rejected(
    tmp: Path, bad: Path, *, file: str, row: int, field: str, args: tuple[str, ...] = ()
) -> str:
    db = seeded_db(tmp)
    before = cli_export(db, tmp)
    result = run_cli(db, "import", str(bad), *args)
    assert result.exit_code == EXIT_INVALID, result.output
    message = result.stderr
    assert file in message, message
    assert f"row {row}" in message, message
    assert f"field {field!r}" in message, message
    assert cli_export(db, tmp) == before
    return message


# --------------------------------------------------------------------------- encodings


def test_file_mixing_utf8_and_another_encoding_is_rejected_with_its_line(tmp_path: Path) -> None:
    text = ACLED.read_bytes()
    lines = text.split(b"\n")
    lines[1] = lines[1].replace(b"Orrin Market", "Orrin Marché".encode())
    lines[2] = lines[2].replace(b"Orrin Market", "Orrin Marché".encode("cp1252"))
    bad = tmp_path / "acled_mixed.csv"
    bad.write_bytes(b"\n".join(lines))
    message = assert_rejected(tmp_path, bad, file="acled_mixed.csv", row=3, field="encoding")
    assert "UTF-8" in message


def test_file_in_no_known_encoding_is_rejected(tmp_path: Path) -> None:
    data = ACLED.read_bytes().replace(b"Orrin Market", b"Orrin \x81\x8d Market", 1)
    bad = tmp_path / "acled_garbled.csv"
    bad.write_bytes(data)
    assert_rejected(tmp_path, bad, file="acled_garbled.csv", row=2, field="encoding")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_common_encodings_are_read_and_accents_survive(tmp_path: Path, encoding: str) -> None:
    rows = _rows(ACLED)
    _set(rows, 2, "location", "Orrin Marché")
    bad = tmp_path / f"acled_{encoding}.csv"
    with bad.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    db = tmp_path / "store.db"
    result = run_cli(db, "import", str(bad), "--json")
    assert result.exit_code == 0, result.output
    listed = run_cli(db, "search", "Marché", "--json")
    assert any("Orrin Marché" in hit["name"] for hit in json.loads(listed.stdout))


# --------------------------------------------------------------------------- columns, rows


def test_missing_required_column_is_named_on_the_header_row(tmp_path: Path) -> None:
    def drop_actor1(rows: list[list[str]]) -> None:
        i = rows[0].index("actor1")
        for row in rows:
            del row[i]

    bad = _acled(tmp_path, drop_actor1)
    assert_rejected(tmp_path, bad, file="acled_bad.csv", row=1, field="actor1")


def test_template_sheet_missing_a_required_column(tmp_path: Path) -> None:
    def drop_name(rows: list[list[str]]) -> None:
        i = rows[0].index("name")
        for row in rows:
            del row[i]

    bad = _template(tmp_path, "ArmedActor", drop_name)
    assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=1, field="name")


def test_unknown_columns_are_warned_about_and_the_rest_imports(tmp_path: Path) -> None:
    def add_column(rows: list[list[str]]) -> None:
        rows[0].append("favourite_colour")
        for row in rows[1:]:
            row.append("blue")

    bad = _acled(tmp_path, add_column)
    result = run_cli(tmp_path / "store.db", "import", str(bad), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert any("favourite_colour" in w for w in report["warnings"])
    assert report["created"] > 0


def test_empty_file(tmp_path: Path) -> None:
    bad = tmp_path / "acled_empty.csv"
    bad.write_bytes(b"")
    assert_rejected(tmp_path, bad, file="acled_empty.csv", row=1, field="header")


def test_header_without_rows(tmp_path: Path) -> None:
    bad = _acled(tmp_path, lambda rows: rows.__delitem__(slice(1, None)))
    assert_rejected(tmp_path, bad, file="acled_bad.csv", row=2, field="rows")


def test_huge_cell(tmp_path: Path) -> None:
    bad = _acled(tmp_path, lambda rows: _set(rows, 3, "notes", "x" * 30_000))
    message = assert_rejected(tmp_path, bad, file="acled_bad.csv", row=3, field="notes")
    assert "30,000" in message
    assert "x" * 100 not in message


def test_formula_in_an_xlsx_cell_is_refused_not_evaluated(tmp_path: Path) -> None:
    bad = tmp_path / "template_formula.xlsx"
    shutil.copy(TEMPLATE_XLSX, bad)
    workbook = load_workbook(bad)
    sheet = workbook["ArmedActor"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=4, column=header.index("name") + 1, value='=HYPERLINK("http://x","y")')
    workbook.save(bad)
    message = assert_rejected(tmp_path, bad, file="template_formula.xlsx", row=4, field="name")
    assert "sheet ArmedActor" in message
    assert "formula" in message


# --------------------------------------------------------------------------- values


def test_impossible_date(tmp_path: Path) -> None:
    bad = _acled(tmp_path, lambda rows: _set(rows, 3, "event_date", "2024-02-30"))
    message = assert_rejected(tmp_path, bad, file="acled_bad.csv", row=3, field="event_date")
    assert "2024-02-30" in message


def test_ambiguous_date(tmp_path: Path) -> None:
    bad = _template(tmp_path, "Incident", lambda rows: _set(rows, 3, "date", "03/04/2024"))
    message = assert_rejected(tmp_path, bad, file="Incident.csv", row=3, field="date")
    assert "ambiguous" in message


def test_unknown_enum_value_suggests_the_closest(tmp_path: Path) -> None:
    bad = _template(
        tmp_path, "ArmedActor", lambda rows: _set(rows, 3, "structure", "decentralized")
    )
    message = assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=3, field="structure")
    assert "did you mean 'decentralised'" in message


def test_unknown_acled_actor_type_suggests_the_closest(tmp_path: Path) -> None:
    bad = _acled(tmp_path, lambda rows: _set(rows, 4, "inter1", "Rebel grup"))
    message = assert_rejected(tmp_path, bad, file="acled_bad.csv", row=4, field="inter1")
    assert "rebel group" in message


def test_value_of_a_confidential_row_is_not_echoed(tmp_path: Path) -> None:
    def secret(rows: list[list[str]]) -> None:
        _set(rows, 3, "structure", "Secretive-Cell-Structure")
        _set(rows, 3, "sensitivity", "confidential")

    bad = _template(tmp_path, "ArmedActor", secret)
    message = assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=3, field="structure")
    assert "Secretive" not in message
    result = run_cli(seeded_db(tmp_path / "again"), "import", str(bad), "--json")
    errors = json.loads(result.stdout)["errors"]
    assert [e["value"] for e in errors if e["field"] == "structure"] == [None]


# --------------------------------------------------------------------------- references


def test_reference_to_an_id_that_does_not_exist(tmp_path: Path) -> None:
    def dangling(rows: list[list[str]]) -> None:
        rows.append([""] * len(rows[0]))
        _set(rows, len(rows), "source_id", "unt_kl_zeta")
        _set(rows, len(rows), "target_id", "unt_nowhere")

    bad = _template(tmp_path, "PART_OF", dangling)
    message = assert_rejected(tmp_path, bad, file="PART_OF.csv", row=6, field="target_id")
    assert "unt_nowhere" in message


def test_duplicated_id_within_the_file(tmp_path: Path) -> None:
    def twice(rows: list[list[str]]) -> None:
        _set(rows, 5, "id", "act_kl_f7h")

    bad = _template(tmp_path, "ArmedActor", twice)
    message = assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=5, field="id")
    assert "row 3" in message


def test_duplicated_event_within_an_acled_file(tmp_path: Path) -> None:
    bad = _acled(tmp_path, lambda rows: _set(rows, 5, "event_id_cnty", rows[1][0]))
    assert_rejected(tmp_path, bad, file="acled_bad.csv", row=5, field="event_id_cnty")


def test_cycle_in_part_of(tmp_path: Path) -> None:
    def loop(rows: list[list[str]]) -> None:
        rows.append([""] * len(rows[0]))
        _set(rows, len(rows), "source_id", "unt_kl_3bde")
        _set(rows, len(rows), "target_id", "unt_kl_zeta")

    bad = _template(tmp_path, "PART_OF", loop)
    message = assert_rejected(tmp_path, bad, file="PART_OF.csv", row=6, field="target_id")
    assert "loop" in message


def test_command_cycle_through_nesting(tmp_path: Path) -> None:
    folder = _template(tmp_path, "PART_OF", lambda _rows: None)

    def post_inside_zeta(rows: list[list[str]]) -> None:
        rows.append([""] * len(rows[0]))
        _set(rows, len(rows), "source_id", "pst_kl_zeta_cmd")
        _set(rows, len(rows), "target_id", "unt_kl_zeta")

    def post_commands_the_brigade(rows: list[list[str]]) -> None:
        rows.append([""] * len(rows[0]))
        _set(rows, len(rows), "source_id", "pst_kl_zeta_cmd")
        _set(rows, len(rows), "target_id", "unt_kl_3bde")

    for sheet, change in (("PART_OF", post_inside_zeta), ("COMMANDS", post_commands_the_brigade)):
        rows = _rows(folder / f"{sheet}.csv")
        change(rows)
        _write(folder / f"{sheet}.csv", rows)
    message = assert_rejected(tmp_path, folder, file="COMMANDS.csv", row=4, field="target_id")
    assert "COMMANDS / PART_OF would loop" in message


def test_hxl_area_without_pcode(tmp_path: Path) -> None:
    rows = _rows(HXL)
    rows[3][rows[1].index("#adm1+code")] = ""
    bad = _write(tmp_path / "hxl_bad.csv", rows)
    assert_rejected(tmp_path, bad, file="hxl_bad.csv", row=4, field="#adm1+code")


def test_ucdp_unknown_type_of_violence(tmp_path: Path) -> None:
    rows = _rows(UCDP)
    _set(rows, 3, "type_of_violence", "4")
    bad = _write(tmp_path / "ucdp_bad.csv", rows)
    assert_rejected(tmp_path, bad, file="ucdp_bad.csv", row=3, field="type_of_violence")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def many(rows: list[list[str]]) -> None:
        _set(rows, 2, "event_date", "31/31/2024")
        _set(rows, 4, "inter1", "99")
        _set(rows, 6, "fatalities", "many")

    bad = _acled(tmp_path, many)
    db = seeded_db(tmp_path)
    result = run_cli(db, "import", str(bad), "--json")
    assert result.exit_code == EXIT_INVALID
    report = json.loads(result.stdout)
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (2, "event_date"),
        (4, "inter1"),
        (6, "fatalities"),
    ]
    for error in report["errors"]:
        assert set(error) >= {"file", "sheet", "row", "field", "value", "message"}
        assert error["file"].endswith("acled_bad.csv")
    assert report["created"] == 0 and report["written"] is False
