"""--skip-invalid: valid rows are written, rejected rows are copied unchanged to a reject file."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from tests.ingest.helpers import ACLED, TEMPLATE_CSV, TEMPLATE_XLSX, load, run_cli


def _broken_acled(tmp: Path) -> Path:
    with ACLED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[2][rows[0].index("event_date")] = "2024-13-09"  # row 3: no 13th month
    rows[4][rows[0].index("inter1")] = "nine"  # row 5: no such actor type
    bad = tmp / "in" / "acled_partly_bad.csv"
    bad.parent.mkdir()
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return bad


def test_valid_rows_are_written_and_rejects_kept_unchanged(
    store: GraphStore, tmp_path: Path
) -> None:
    bad = _broken_acled(tmp_path)
    report = load(store, bad, skip_invalid=True, report_dir=tmp_path / "reports")
    assert report.rejected == 2
    assert sorted((e.row, e.field) for e in report.errors) == [(3, "event_date"), (5, "inter1")]
    assert report.reject_file == str(tmp_path / "reports" / "acled_partly_bad.rejects.csv")
    original = bad.read_bytes().splitlines(keepends=True)
    rejects = Path(report.reject_file).read_bytes().splitlines(keepends=True)
    assert rejects == [original[0], original[2], original[4]]
    incidents = [n for n in store.iter_nodes(viewer=SYSTEM) if n.kind == "Incident"]
    assert len(incidents) == 5
    # Fix the reject file and import it: the two events arrive, nothing else changes.
    fixed = Path(report.reject_file)
    fixed.write_text(
        fixed.read_text("utf-8").replace("2024-13-09", "2024-03-09").replace(",nine,", ",1,"),
        "utf-8",
    )
    again = load(store, fixed)
    assert again.rejected == 0 and again.errors == []
    assert len([n for n in store.iter_nodes(viewer=SYSTEM) if n.kind == "Incident"]) == 7


def test_without_skip_invalid_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    result = run_cli(db, "import", str(_broken_acled(tmp_path)), "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["created"] == 0
    assert json.loads(run_cli(db, "stats", "--json").stdout)["total_nodes"] == 0


def test_rows_depending_on_a_rejected_row_are_rejected_too(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(TEMPLATE_CSV, folder)
    path = folder / "Unit.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[3][rows[0].index("echelon")] = "regiment-ish"  # 3rd Hills Brigade: bad echelon
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    db = tmp_path / "store.db"
    result = run_cli(db, "import", str(folder), "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rejected = {(Path(e["file"]).name, e["row"]) for e in report["errors"]}
    # The brigade row, and the PART_OF rows that name it.
    assert ("Unit.csv", 4) in rejected
    assert ("PART_OF.csv", 3) in rejected and ("PART_OF.csv", 4) in rejected
    reject_folder = Path(report["reject_file"])
    assert sorted(p.name for p in reject_folder.iterdir()) == ["PART_OF.csv", "Unit.csv"]


def test_xlsx_rejects_go_to_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "t.xlsx"
    shutil.copy(TEMPLATE_XLSX, bad)
    workbook = load_workbook(bad)
    workbook["Incident"]["D3"] = "=TODAY()"
    workbook.save(bad)
    result = run_cli(tmp_path / "fresh.db", "import", str(bad), "--skip-invalid", "--json")
    report = json.loads(result.stdout)
    assert report["rejected"] == 3 and report["created"] > 0
    rejects = load_workbook(report["reject_file"])
    assert rejects.sheetnames == ["Incident", "OCCURRED_IN", "PERPETRATED"]
    assert rejects["Incident"]["D2"].value == "=TODAY()"
