"""CLI: template, import (--json, --dry-run, --format), export, merge — exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.ingest.helpers import ACLED, HXL, TEMPLATE_XLSX, UCDP, cli_export, run_cli

REPORT_FIELDS = {"created", "updated", "unchanged", "rejected", "errors", "closed", "warnings"}


def test_template_command_writes_xlsx_and_csv(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "s.db", "template", "--out", str(tmp_path / "mapping.xlsx"))
    assert result.exit_code == 0, result.output
    assert "ArmedActor" in load_workbook(tmp_path / "mapping.xlsx").sheetnames
    result = run_cli(
        tmp_path / "s.db", "template", "--out", str(tmp_path / "mapping"), "--format", "csv"
    )
    assert result.exit_code == 0
    assert (tmp_path / "mapping" / "ArmedActor.csv").exists()
    assert (tmp_path / "mapping" / "COMMANDS.csv").exists()


def test_import_json_report_has_counts_and_errors(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "s.db", "import", str(ACLED), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # stdout is only JSON
    assert set(report) >= REPORT_FIELDS
    assert report["format"] == "acled" and report["created"] > 0 and report["errors"] == []
    assert report["rows_per_second"] > 0
    again = json.loads(run_cli(tmp_path / "s.db", "import", str(ACLED), "--json").stdout)
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == report["created"]


def test_dry_run_writes_nothing_but_reports_what_would_happen(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run_cli(db, "init").exit_code == 0
    before = cli_export(db, tmp_path)
    result = run_cli(db, "import", str(TEMPLATE_XLSX), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["written"] is False and report["created"] == 31
    assert cli_export(db, tmp_path) == before
    stats = json.loads(run_cli(db, "stats", "--json").stdout)
    assert stats["total_nodes"] == 0


def test_format_is_detected_and_can_be_forced(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    for path, fmt in ((HXL, "hxl"), (UCDP, "ucdp"), (TEMPLATE_XLSX, "template")):
        report = json.loads(run_cli(db, "import", str(path), "--json", "--dry-run").stdout)
        assert report["format"] == fmt
    forced = run_cli(db, "import", str(ACLED), "--format", "ucdp", "--json")
    assert forced.exit_code == 3
    assert {e["field"] for e in json.loads(forced.stdout)["errors"]} >= {"side_a", "side_b"}
    unknown = run_cli(db, "import", str(ACLED), "--format", "excel")
    assert unknown.exit_code == 3 and "unknown format" in unknown.stderr


def test_human_summary_goes_to_stderr(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "s.db", "import", str(HXL))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "rows/s" in result.stderr and "personal contact details" in result.stderr


def test_import_report_file_and_source_options(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    report_path = tmp_path / "reports" / "acled.json"
    result = run_cli(
        db,
        "import",
        str(ACLED),
        "--source",
        "ACLED export (fictional)",
        "--reliability",
        "B",
        "--credibility",
        "2",
        "--sensitivity",
        "public",
        "--report",
        str(report_path),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(report_path.read_text("utf-8"))["created"] > 0
    sources = json.loads(run_cli(db, "list", "--type", "Source", "--json").stdout)
    assert [s["name"] for s in sources] == ["ACLED export (fictional)"]


def test_export_formats(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run_cli(db, "import", str(TEMPLATE_XLSX))
    for fmt, out in (("snapshot", "a.jsonl"), ("graphml", "a.graphml"), ("csv", "csvdir")):
        result = run_cli(db, "export", "--format", fmt, "--out", str(tmp_path / out), "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["records"] > 0
    assert (tmp_path / "csvdir" / "nodes.csv").exists() and (
        tmp_path / "csvdir" / "edges.csv"
    ).exists()
    restored = tmp_path / "restored.db"
    assert run_cli(restored, "import", str(tmp_path / "a.jsonl")).exit_code == 0
    bad = run_cli(db, "export", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert bad.exit_code == 3


def test_merge_command(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run_cli(db, "import", str(TEMPLATE_XLSX))
    run_cli(db, "import", str(ACLED))
    hits = json.loads(run_cli(db, "search", "Military Forces of Kalmora", "--json").stdout)
    other = hits[0]["id"]
    dry = run_cli(db, "merge", "act_kl_f7h", other, "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["dry_run"] is True
    result = run_cli(db, "merge", "act_kl_f7h", other, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["moved"] and report["keep"] == "act_kl_f7h"
    missing = run_cli(db, "merge", "act_kl_f7h", "act_nobody")
    assert missing.exit_code == 6
