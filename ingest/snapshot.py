"""JSON Lines snapshots: one record per line, the lossless exchange format.

A line is a record's `model_dump(mode="json")`: nodes carry `kind`,
relationships carry `type`. Blank lines and lines starting with `//` are
ignored, so a shipped file can say at its top that its data is fictional.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from graph import model as m
from graph.errors import ImportRejected, InvalidRecords, RowError
from graph.schema import SCHEMA
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch, WriteReport
from ingest.rows import decode, parse_json_line

REVISION_KEY = "_revision"


@dataclass
class SnapshotLine:
    number: int
    data: dict[str, Any]
    revision: dict[str, Any] | None


def read_lines(path: Path) -> tuple[list[SnapshotLine], list[RowError]]:
    """Every record line of a snapshot, decoded as every other file is (`rows.decode`:
    UTF-8, with or without BOM, or UTF-16), and every line that is not JSON.

    The one snapshot reader: imports, restores and the demo loader all read here,
    so a file one of them accepts the others accept too.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ImportRejected(
            [RowError(field="file", file=str(path), message=e.strerror or str(e))]
        ) from e
    text, _, _ = decode(raw, str(path))
    lines: list[SnapshotLine] = []
    problems: list[RowError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        data, problem = parse_json_line(stripped, str(path), number)
        if problem is not None or data is None:
            if problem is not None and problem.field == "json":
                problem = dataclasses.replace(problem, value=stripped[:60])
            problems.extend([problem] if problem else [])
            continue
        revision = data.pop(REVISION_KEY, None)
        lines.append(SnapshotLine(number, data, revision if isinstance(revision, dict) else None))
    return lines, problems


def read_snapshot(path: Path) -> list[m.AnyRecord]:
    """Parse every line; raise ImportRejected listing every bad line (file, line, field)."""
    records: list[m.AnyRecord] = []
    lines, problems = read_lines(path)
    for line in lines:
        try:
            records.append(SCHEMA.parse_record(line.data))
        except InvalidRecords as e:
            problems.extend(_locate(err, str(path), line.number) for err in e.errors)
    if problems:
        raise ImportRejected(problems)
    return records


def _locate(error: RowError, file: str, row: int) -> RowError:
    return RowError(
        field=error.field,
        message=error.message,
        record=error.record,
        file=file,
        row=row,
        suggestion=error.suggestion,
    )


def load_snapshot(store: GraphStore, path: Path, *, actor: str) -> WriteReport:
    """Validate the whole file, then write it in one all-or-nothing batch."""
    records = read_snapshot(path)
    try:
        return store.write(WriteBatch.of(records), actor=actor)
    except InvalidRecords as e:
        # Name the line each problem came from.
        line_of = _line_numbers(path)
        raise ImportRejected(
            [_locate(err, str(path), line_of.get(err.record, 0)) for err in e.errors]
        ) from e


def _line_numbers(path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in read_lines(path)[0]:
        record_id = line.data.get("id")
        if isinstance(record_id, str):
            found.setdefault(record_id, line.number)
    return found


def write_snapshot(records: Iterable[m.AnyRecord], out: TextIO, *, header: str = "") -> int:
    """Write records as JSON Lines (nodes before relationships); return how many."""
    count = 0
    for line in header.splitlines():
        out.write(f"// {line}".rstrip() + "\n")
    ordered = sorted(records, key=lambda r: (0 if isinstance(r, m.NodeBase) else 1, r.id))
    for record in ordered:
        out.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        count += 1
    return count


def export_records(store: GraphStore, *, viewer: Viewer) -> list[m.AnyRecord]:
    """Every current record the viewer may see, across all dates."""
    return [*store.iter_nodes(viewer=viewer), *store.iter_relationships(viewer=viewer)]
