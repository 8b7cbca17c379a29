"""The import pipeline: read, map, resolve, validate everything, then one store write.

    file ──► formats.py (which format; rows.py reads Tables: rows with file/sheet/row numbers)
         ──► templates / hxl / acled / ucdp / snapshot mapper (drafts.py: model input + origin rows)
         ──► validation.py: finalise (merge with what is stored, provenance, default sensitivity)
             and validate (pydantic, references, duplicate ids, cycles, the store's own planner)
         ──► ImportRejected listing every problem  — or —  one `store.write`
         ──► report.py (counts, each row's match, new ids); rejects.py (skip-invalid rows)

By default a file imports only if every row is valid: otherwise nothing is
written and every problem is reported at once. With `skip_invalid`, rows with
problems (and rows that depended on them) are set aside, the rest is written
in one write, and the rejected rows are copied, unchanged, into a reject file
so they can be fixed and imported again.

Importing the same file twice changes nothing the second time: ids are
deterministic (`make_id`) and a record whose content is unchanged is counted
`unchanged`. A changed file updates what changed; a relationship that moves
(a unit now part of another group, a post now commanding another unit, allies
who now fight) closes the old relationship (`valid_to`) and opens a new one,
so history is kept.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from graph import model as m
from graph.errors import ImportRejected, InvalidRecords, RowError, TransactionTooLarge
from graph.gc_pause import no_cyclic_gc
from graph.sensitivity import Sensitivity
from graph.store import GraphStore, WriteBatch, WriteReport
from ingest.context import ImportContext, ImportOptions, SourceSpec
from ingest.drafts import Built, Draft, NewRecord, Resolved, ReviewItem, RowKey, make_id
from ingest.formats import FORMATS, Detected, detect, detect_format, empty_errors, format_named
from ingest.repeats import repeat_warnings
from ingest.report import ImportReport, Progress, sort_key
from ingest.rows import Table
from ingest.validation import Validated, locate, validate

MAX_PASSES = 20


def run_import(
    store: GraphStore, path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """Import one file (or template folder). Raises ImportRejected; otherwise reports.

    Python's cyclic garbage collector is paused meanwhile (as for a projection
    build): an import holds millions of young objects (rows, drafts, records),
    almost none in cycles, and every full collection walks all of them again;
    a 50,000-row event file spent a third of its time there. Reference counting
    still frees memory, and the collector runs again as soon as the import ends.
    """
    with no_cyclic_gc():
        return _run_import(store, path, options, progress)


def _run_import(
    store: GraphStore, path: Path, options: ImportOptions, progress: Progress | None
) -> ImportReport:
    started = time.perf_counter()
    path = Path(path)
    if not path.exists():
        raise ImportRejected([RowError(field="file", file=str(path), message="no such file")])
    detected = Detected(format_named(options.format, path)) if options.format else detect(path)
    fmt = detected.format.name
    tables: list[Table] = []
    if not detected.format.tabular:
        # Loaded here, not at the top: an event or template file never needs
        # the snapshot code (networkx) nor, below, the reject files' (openpyxl).
        from ingest.export import is_history_snapshot, restore_snapshot

        if is_history_snapshot(path):
            return restore_snapshot(store, path, options, progress=progress, started=started)
    else:
        tables = detected.read(path)
        fatal = empty_errors(tables, path)
        for table in tables:
            fatal.extend(table.errors if not options.skip_invalid else [])
        if fatal and not options.skip_invalid:
            raise ImportRejected(sorted(fatal, key=sort_key))
    builder = detected.format.build
    ctx = ImportContext(store, options)
    skip: set[RowKey] = set()
    for table in tables:
        if options.skip_invalid:
            skip.update((e.file, e.sheet, e.row) for e in table.errors if e.row is not None)
    rejected_errors: list[RowError] = (
        [e for t in tables for e in t.errors] if options.skip_invalid else []
    )
    report = ImportReport(file=str(path), format=fmt, dry_run=options.dry_run)
    if progress:
        progress("validating", 0, 1)
    validated: Validated | None = None
    built = Built()
    for _ in range(MAX_PASSES):
        # A snapshot's builder reads the file itself: it is given the file's name only.
        given = tables if detected.format.tabular else [Table(str(path), "", [], [])]
        built = builder(given, ctx, skip)
        drafts = list(built.drafts)
        if options.source is not None:
            drafts.append(_source_draft(options))
        validated = validate(drafts, ctx, plan=options.dry_run or options.skip_invalid)
        reported = {(e.file, e.sheet, e.row, e.field) for e in built.errors}
        errors = built.errors + [
            e for e in validated.errors if (e.file, e.sheet, e.row, e.field) not in reported
        ]
        if not errors:
            break
        # Computed once: per error it made a file with thousands of errors quadratic.
        known = _row_keys(built, drafts)
        fatal = [e for e in errors if e.row is None or (e.file, e.sheet, e.row) not in known]
        if not options.skip_invalid or fatal:
            raise ImportRejected(sorted(errors, key=sort_key))
        new = {(e.file, e.sheet, e.row) for e in errors if e.row is not None} - skip
        rejected_errors.extend(errors)
        if not new:
            raise ImportRejected(sorted(errors, key=sort_key))
        skip |= new
    assert validated is not None
    if progress:
        progress("validating", 1, 1)
    report.rows = built.rows
    report.warnings = built.warnings + [w for t in tables for w in t.warnings]
    report.review = built.review
    report.matches = built.resolved
    report.new_records = _new_records(validated.records, ctx)
    report.warnings += repeat_warnings(
        store,
        validated.records,
        validated.draft_of,
        {r.id for r in report.new_records},
        viewer=options.viewer,
    )
    report.errors = sorted(_dedupe(rejected_errors), key=sort_key)
    report.rejected = len(skip)
    report.records = len(validated.records)
    if options.dry_run or not validated.records:
        plan = validated.plan or WriteReport()
        report.change_counter = store.change_counter()
    else:
        if progress:
            progress("writing", 0, len(validated.records))
        try:
            # At the importer's clearance, as the dry-run plan above was made:
            # their masked citations are kept and nothing above them is touched.
            plan = store.write(
                WriteBatch.of(validated.records),
                actor=options.actor,
                clearance=Sensitivity(options.viewer.clearance),
            )
        except TransactionTooLarge as e:  # the store knows records; the user knows rows
            raise e.for_file(built.rows, path.name) from e
        except InvalidRecords as e:  # the store's planner found what only it can see
            raise ImportRejected(
                sorted(
                    (locate(err, validated.draft_of.get(err.record)) for err in e.errors),
                    key=sort_key,
                )
            ) from e
        report.change_counter = plan.change_counter
        if progress:
            progress("writing", len(validated.records), len(validated.records))
    report.created, report.updated = plan.created, plan.updated
    report.unchanged, report.closed = plan.unchanged, plan.closed
    if skip:
        # Reject files need openpyxl: loaded only when rows were skipped.
        from ingest.rejects import write_rejects, write_snapshot_rejects
    if skip and tables:
        report.reject_file = str(write_rejects(path, tables, skip, options.report_dir))
    elif skip and not detected.format.tabular:
        report.reject_file = str(write_snapshot_rejects(path, skip, options.report_dir))
    report.seconds = time.perf_counter() - started
    return report


def _new_records(records: list[m.AnyRecord], ctx: ImportContext) -> list[NewRecord]:
    """The records not in the store before this write (read before it, so a dry run
    lists the same ids a real import creates)."""
    ctx.preload([r.id for r in records])
    return [
        NewRecord(
            r.id,
            r.kind if isinstance(r, m.NodeBase) else r.type,
            r.name if isinstance(r, m.NodeBase) else f"{r.source_id} → {r.target_id}",
        )
        for r in records
        if ctx.existing(r.id) is None
    ]


def _row_keys(built: Built, drafts: list[Draft]) -> set[tuple[str, str, int]]:
    keys = {r.key for d in drafts for r in d.rows}
    keys.update((e.file, e.sheet, e.row) for e in built.errors if e.row is not None)
    return keys


def _dedupe(errors: list[RowError]) -> list[RowError]:
    seen: set[RowError] = set()
    out = []
    for e in errors:
        if e not in seen:
            seen.add(e)
            out.append(e)
    return out


def _source_draft(options: ImportOptions) -> Draft:
    spec = options.source
    assert spec is not None
    data: dict[str, Any] = {
        "kind": "Source",
        "id": spec.id,
        "name": spec.name,
        "source_kind": spec.source_kind.value,
        "reliability": spec.reliability.value,
        "credibility": spec.credibility.value,
    }
    if spec.locator:
        data["locator"] = spec.locator
    if options.sensitivity is not None:
        data["sensitivity"] = options.sensitivity.value
    return Draft(data=data, rows=[], policy="replace")


__all__ = [
    "FORMATS",
    "Built",
    "Draft",
    "ImportContext",
    "ImportOptions",
    "ImportReport",
    "NewRecord",
    "Resolved",
    "ReviewItem",
    "SourceSpec",
    "detect_format",
    "make_id",
    "run_import",
    "validate",
]
