"""Reject files: rows set aside by `--skip-invalid`, copied unchanged so they can be fixed."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ingest.drafts import RowKey
from ingest.rows import Row, Table


def reject_path(path: Path, report_dir: Path | None, suffix: str) -> Path:
    folder = report_dir or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    stem = path.stem if not path.is_dir() else path.name
    return folder / f"{stem}.rejects{suffix}"


def write_rejects(
    path: Path, tables: list[Table], skip: set[RowKey], report_dir: Path | None
) -> Path:
    """Copy rejected rows, unchanged, with the header lines they need, beside the report."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        out = reject_path(path, report_dir, ".xlsx")
        wb = Workbook()
        first = wb.active
        assert first is not None
        wb.remove(first)
        for table in tables:
            rows = [r for r in table.rows if r.key in skip]
            if not rows:
                continue
            ws = wb.create_sheet(table.sheet[:31] or "rejects")
            for cells in table.preamble_cells:
                ws.append(list(cells))
            for row in rows:
                ws.append(list(row.raw_cells))
        if not wb.worksheets:
            wb.create_sheet("rejects")
        wb.save(out)
        return out
    if path.is_dir():
        folder = reject_path(path, report_dir, "")
        folder.mkdir(parents=True, exist_ok=True)
        for table in tables:
            rows = [r for r in table.rows if r.key in skip]
            if rows:
                _write_csv_rejects(folder / Path(table.file).name, table, rows)
        return folder
    out = reject_path(path, report_dir, path.suffix or ".csv")
    table = tables[0]
    _write_csv_rejects(out, table, [r for r in table.rows if r.key in skip])
    return out


def _write_csv_rejects(out: Path, table: Table, rows: list[Row]) -> None:
    text = "".join(table.preamble) + "".join(_ensure_newline(r.raw) for r in rows)
    encoding = table.encoding if table.encoding != "utf-16" else "utf-16"
    with out.open("w", encoding=encoding, newline="") as fh:
        fh.write(text)


def _ensure_newline(raw: str) -> str:
    return raw if raw.endswith(("\n", "\r")) else raw + "\n"


def write_snapshot_rejects(path: Path, skip: set[RowKey], report_dir: Path | None) -> Path:
    out = reject_path(path, report_dir, ".jsonl")
    numbers = {k[2] for k in skip}
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    with out.open("w", encoding="utf-8") as fh:
        for number, line in enumerate(lines, start=1):
            if number in numbers:
                fh.write(_ensure_newline(line))
    return out
