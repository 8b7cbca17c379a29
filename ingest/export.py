"""Exports: a lossless JSON Lines snapshot with history, GraphML for Gephi, CSV nodes and edges.

Every export is filtered for its audience: it contains what the viewer may
see and nothing else (source references to sources above the viewer's
clearance are dropped, so the file never points at a protected source).

**Snapshot with history.** One line per *version* of every record, oldest
first: the record as stored (with `recorded_at` / `recorded_by`) plus a
`"_revision": {"version": n, "operation": "create|update|close"}` member.
Importing it replays the versions in order, one write per original write, so
`import(export(store))` rebuilds the same records with the same history and
authors, dated by the store when restored (no caller dates a write). A
snapshot without `_revision` members (hand-written, or from
`ingest.snapshot`) imports as plain current state. Lines starting with `//`
are comments: a shipped file says at its top that its data is fictional.

**Spreadsheets.** CSV cells starting with `=`, `+`, `-`, `@`, a tab or a
carriage return are prefixed with `'`, so a spreadsheet never runs a name as a
formula (CSV injection).
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from graph import model as m
from graph.audit import AuditEvent
from graph.errors import ImportRejected, InvalidRecords, RowError
from graph.row_codec import content_of
from graph.schema import SCHEMA, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.source_protection import is_pseudonym
from graph.store import GraphStore, Revision, WriteBatch, WriteReport, WriteStep
from graph.write_plan import Existing, plan_write
from ingest.context import ImportContext, ImportOptions
from ingest.drafts import Built, Draft
from ingest.report import ImportReport, Progress
from ingest.rows import Row
from ingest.snapshot import REVISION_KEY, SnapshotLine, read_lines
from ingest.templates import write_template_xlsx

EXPORT_FORMATS = ("snapshot", "graphml", "csv", "template")
# Records whose history one read fetches: bounded so a large store is never one huge query.
HISTORY_CHUNK = 2000
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make a spreadsheet cell inert: `=cmd|' /C calc'!A0` becomes `'=cmd|' /C calc'!A0`.

    >>> neutralise("=1+1"), neutralise("Front")
    ("'=1+1", 'Front')
    """
    return "'" + text if text.startswith(_DANGEROUS) else text


# --------------------------------------------------------------------------- what to export


def visible_records(store: GraphStore, viewer: Viewer) -> list[m.AnyRecord]:
    """Every record the viewer may see (all dates), source refs filtered to visible sources."""
    nodes = list(store.iter_nodes(viewer=viewer))
    rels = list(store.iter_relationships(viewer=viewer))
    sources = {n.id for n in nodes if isinstance(n, m.Source)}
    return [_filter_sources(r, sources) for r in [*nodes, *rels]]


def _filter_sources(record: m.AnyRecord, visible_sources: set[str]) -> m.AnyRecord:
    kept = tuple(ref for ref in record.sources if ref.source_id in visible_sources)
    if kept == record.sources:
        return record
    return record.model_copy(update={"sources": kept})


@dataclass(frozen=True)
class RevisionLine:
    version: int
    operation: str
    record: m.AnyRecord


def revision_lines(store: GraphStore, viewer: Viewer) -> list[RevisionLine]:
    """Every visible version of every visible record, oldest write first."""
    current = visible_records(store, viewer)
    sources = {r.id for r in current if isinstance(r, m.Source)}
    lines: list[RevisionLine] = []
    history: dict[str, list[Revision]] = defaultdict(list)
    ids = [r.id for r in current]
    for start in range(0, len(ids), HISTORY_CHUNK):
        for rev in store.histories(ids[start : start + HISTORY_CHUNK], viewer=viewer):
            history[rev.record_id].append(rev)
    for record in current:
        revisions = history.get(record.id, [])
        if not revisions:
            # A masked source (graph/source_protection.py) has no history of its own:
            # the audience gets its mask, once.
            lines.append(RevisionLine(1, "create", record))
        for rev in revisions:
            lines.append(
                RevisionLine(rev.version, rev.operation, _filter_sources(rev.record, sources))
            )
    lines.sort(
        key=lambda r: (
            str(r.record.recorded_at or ""),
            0 if isinstance(r.record, m.NodeBase) else 1,
            r.record.id,
            r.version,
        )
    )
    return lines


# --------------------------------------------------------------------------- writers


def write_history_snapshot(
    store: GraphStore, viewer: Viewer, out: TextIO, *, header: str = ""
) -> int:
    for line in header.splitlines():
        out.write(f"// {line}\n")
    count = 0
    for rev in revision_lines(store, viewer):
        data = rev.record.model_dump(mode="json")
        data[REVISION_KEY] = {"version": rev.version, "operation": rev.operation}
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
        out.write("\n")
        count += 1
    return count


def _flat(value: Any) -> Any:
    """A GraphML / CSV-friendly scalar: lists joined, nested data as JSON, None dropped."""
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(list(value), ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def directed(record: m.RelBase) -> bool:
    """False for symmetric relationships (alliances, associations): the order of
    `source_id` and `target_id` means nothing, so Gephi and spreadsheets must not
    read an arrow into it. GraphML carries it as a `directed` edge attribute
    rather than GraphML's own per-edge `directed="false"`, which readers such as
    networkx refuse in a directed file."""
    return not SCHEMA.relationships[RelType(record.type)].symmetric  # type: ignore[attr-defined]


def to_graph(records: Iterable[m.AnyRecord]) -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for record in records:
        data = {k: _flat(v) for k, v in record.model_dump(mode="json").items() if v is not None}
        data = {k: v for k, v in data.items() if v != ""}
        if isinstance(record, m.NodeBase):
            data["label"] = record.name
            graph.add_node(record.id, **data)
        else:
            data["label"] = record.type
            data["directed"] = directed(record)
            graph.add_edge(record.source_id, record.target_id, key=record.id, **data)
    return graph


# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF and CR; the
# non-characters U+FFFE/U+FFFF; lone surrogates), plus DEL and the C1 block, which
# it allows but which are invisible and nearly always mojibake. Imports refuse them
# now, but older stores and forms may hold them; the export shows them as `\uXXXX`
# text instead of writing a file no XML reader opens.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: object) -> object:
    r"""Text with the characters XML cannot hold written as `\uXXXX`; other values as they are.

    >>> xml_safe("Front\x0bof the Hills")
    'Front\\u000bof the Hills'
    """
    if not isinstance(value, str):
        return value
    return _NOT_XML.sub(lambda c: f"\\u{ord(c.group()):04x}", value)


def write_graphml(records: list[m.AnyRecord], path: Path) -> int:
    """GraphML that Gephi opens: node `label` is the name, edge `label` the type."""
    graph = nx.relabel_nodes(to_graph(records), xml_safe, copy=True)
    for _, data in graph.nodes(data=True):
        data.update({k: xml_safe(v) for k, v in data.items()})
    for _, _, data in graph.edges(data=True):
        data.update({k: xml_safe(v) for k, v in data.items()})
    nx.write_graphml(graph, path, named_key_ids=True, edge_id_from_attribute="id")
    return len(records)


NODE_LEAD = ["id", "kind", "name", "aliases", "sensitivity", "valid_from", "valid_to", "confidence"]
EDGE_LEAD = [
    "id",
    "type",
    "directed",
    "source_id",
    "target_id",
    "sensitivity",
    "valid_from",
    "valid_to",
    "confidence",
    "strength",
]


def _csv_rows(records: list[m.AnyRecord], lead: list[str]) -> tuple[list[str], list[list[Any]]]:
    dumps = [
        {**r.model_dump(mode="json"), "directed": directed(r)}
        if isinstance(r, m.RelBase)
        else r.model_dump(mode="json")
        for r in records
    ]
    columns = list(lead)
    for data in dumps:
        columns.extend(k for k in data if k not in columns)
    rows = []
    for data in dumps:
        row = []
        for column in columns:
            value = _flat(data.get(column))
            if value is None:
                row.append("")
            elif isinstance(value, str):
                row.append(neutralise(value))
            else:
                row.append(value)
        rows.append(row)
    return columns, rows


def write_csv(records: list[m.AnyRecord], folder: Path) -> int:
    """`nodes.csv` and `edges.csv` in `folder` (UTF-8 with BOM, so Excel reads accents)."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [r for r in records if isinstance(r, m.NodeBase)]
    edges = [r for r in records if isinstance(r, m.RelBase)]
    for name, subset, lead in (("nodes.csv", nodes, NODE_LEAD), ("edges.csv", edges, EDGE_LEAD)):
        columns, rows = _csv_rows(list(subset), lead)
        tmp = folder / f".{name}.partial"
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
        tmp.replace(folder / name)
    return len(records)


def manifest_path(out: Path) -> Path:
    """Where an export's manifest goes: beside the file, or inside a csv folder."""
    if out.is_dir():
        return out / "manifest.json"
    return out.with_name(out.name + ".manifest.json")


def export_store(store: GraphStore, viewer: Viewer, fmt: str, out: Path) -> int:
    """Write `fmt` to `out` (a folder for csv) and its manifest; never leaves a
    half-written file.

    The manifest (`manifest_path`) names the format, the clearance, the count
    and the audit chain's head when the export was made: a witness kept outside
    the store (`audit verify --against <manifest>`). A snapshot also carries
    the head in its header comment.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    head = store.audit_head()
    if fmt == "snapshot":
        tmp = out.with_name(out.name + ".partial")
        with tmp.open("w", encoding="utf-8") as fh:
            count = write_history_snapshot(
                store,
                viewer,
                fh,
                header=f"actorgraph snapshot with history, clearance {viewer.clearance.value}\n"
                f"audit_head {head.line()}",
            )
        tmp.replace(out)
    else:
        records = visible_records(store, viewer)
        if fmt == "graphml":
            tmp = out.with_name(out.name + ".partial")
            write_graphml(records, tmp)
            tmp.replace(out)
            count = len(records)
        elif fmt == "template":
            count = write_filled_template(records, viewer, out)
        else:
            count = write_csv(records, out)
    manifest = {
        "format": fmt,
        "records": count,
        "clearance": viewer.clearance.value,
        "audit_head": head.as_dict(),
    }
    target = manifest_path(out)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(target)
    return count


def write_filled_template(records: list[m.AnyRecord], viewer: Viewer, out: Path) -> int:
    """The map as the import template, filled: edit it in a spreadsheet, import it back.

    Every record keeps its id, so re-importing the workbook finds the same
    records: an unchanged file writes nothing, an edited cell updates that record
    only (with history and audit, as any other write). Closed records are kept
    with their `valid_to`, so an interval stays closed. The cells are text, never
    formulas (`ingest.templates` writes them as strings).

    A source masked for this reader (graph/source_protection.py) is left out,
    with the relationships that end at its mask: the reader may not edit it,
    and importing a mask back would read as a new source or a moved endpoint.
    Citations of it stay in `sources` as the mask; the store keeps the real
    citation when the row comes back.
    """
    kept = [r for r in records if not _touches_mask(r)]
    masked = len(records) - len(kept)
    note = (
        f"Filled from the store at clearance {viewer.clearance.value}, by {viewer.name}: "
        f"{len(kept)} records. Edit cells and import this file to update exactly those "
        "records; rows you leave alone are not written."
        + (f" {masked} masked source records are not included." if masked else "")
    )
    tmp = out.with_name(out.name + ".partial")
    write_template_xlsx(tmp, kept, note=note)
    tmp.replace(out)
    return len(kept)


def _touches_mask(record: m.AnyRecord) -> bool:
    if isinstance(record, m.RelBase):
        return is_pseudonym(record.source_id) or is_pseudonym(record.target_id)
    return is_pseudonym(record.id)


def audited_export(store: GraphStore, viewer: Viewer, fmt: str, out: Path) -> int:
    """`export_store`, then an `export` entry in the audit log (who, what, at which clearance).

    The CLI and the app's downloads both export through here, so a file that
    leaves the store is on record however it was made.
    """
    count = export_store(store, viewer, fmt, out)
    append = getattr(store, "append_audit", None)
    if callable(append):
        append(
            AuditEvent(
                actor=viewer.name,
                action="export",
                details={
                    "format": fmt,
                    "out": str(out),
                    "records": count,
                    "clearance": viewer.clearance.value,
                },
            )
        )
    return count


def template_workbook(store: GraphStore, viewer: Viewer) -> bytes:
    """The filled template as bytes, for a download button (audited like the CLI's export)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="actorgraph-template-") as folder:
        out = Path(folder) / "actorgraph-map.xlsx"
        audited_export(store, viewer, "template", out)
        return out.read_bytes()


# --------------------------------------------------------------------------- reading snapshots


def is_history_snapshot(path: Path) -> bool:
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
            if not line or line.startswith("//"):
                continue
            return f'"{REVISION_KEY}"' in line
    return False


def build_snapshot(
    tables: list[Any], _ctx: ImportContext, skip: set[tuple[str, str, int]]
) -> Built:
    """A plain snapshot: each line is a record (policy `exact`)."""
    path = Path(tables[0].file)
    built = Built()
    lines, problems = read_lines(path)
    built.errors.extend(problems)
    built.rows = len(lines) + len(problems)
    for line in lines:
        row = Row(file=str(path), sheet="", number=line.number, values={}, cells=[], raw="")
        if row.key in skip:
            continue
        built.drafts.append(Draft(data=line.data, rows=[row], policy="exact"))
    if not lines and not problems:
        built.errors.append(
            RowError(field="rows", file=str(path), row=1, message="the snapshot has no records")
        )
    return built


# --------------------------------------------------------------------------- restoring history


def _on_line(err: RowError, path: Path, line_of: dict[str, int]) -> RowError:
    """A planner's problem, placed on the snapshot line of the record it names."""
    return RowError(
        field=err.field,
        file=str(path),
        row=line_of.get(err.record),
        record=err.record,
        message=err.message,
        suggestion=err.suggestion,
    )


def restore_snapshot(
    store: GraphStore,
    path: Path,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    started: float | None = None,
) -> ImportReport:
    """Replay a snapshot with history: one write per original write, in order.

    Records already in the store with the same history are skipped (so a
    second import changes nothing); a record whose stored history differs is
    brought to the snapshot's latest content by one ordinary update. The whole
    replay is simulated against the store's state first, so a bad snapshot is
    reported in full; then every step is written in one transaction
    (`GraphStore.write_steps`), so a step the store refuses, or a process
    killed half-way, leaves nothing of the snapshot behind.
    """
    started = started if started is not None else time.perf_counter()
    lines, problems = read_lines(path)
    parsed: dict[str, list[tuple[int, SnapshotLine, m.AnyRecord]]] = {}
    plain: list[tuple[SnapshotLine, m.AnyRecord]] = []
    for line in lines:
        data = dict(line.data)
        try:
            record = SCHEMA.parse_record(data)
        except InvalidRecords as e:
            problems.extend(
                RowError(
                    field=err.field,
                    file=str(path),
                    row=line.number,
                    record=err.record,
                    message=err.message,
                    suggestion=err.suggestion,
                )
                for err in e.errors
            )
            continue
        if line.revision is None:
            plain.append((line, record))
            continue
        version = int(line.revision.get("version", 0) or 0)
        parsed.setdefault(record.id, []).append((version, line, record))
    if problems:
        raise ImportRejected(problems)
    line_of: dict[str, int] = {}
    ctx = ImportContext(store, options)
    ctx.preload(list(parsed))
    steps: list[tuple[str, str, list[m.AnyRecord]]] = []  # (recorded_at, actor, records)
    pending: list[tuple[str, str, m.AnyRecord]] = []
    final_updates: list[m.AnyRecord] = []
    unchanged = 0
    for record_id, versions in parsed.items():
        versions.sort(key=lambda v: v[0])
        line_of[record_id] = versions[-1][1].number
        snap = [v[2] for v in versions]
        stored = store.history(record_id, viewer=options.viewer) if ctx.existing(record_id) else []
        stored_content = [content_of(r.record) for r in stored]
        snap_content = [content_of(r) for r in snap]
        if stored_content == snap_content[: len(stored_content)]:
            todo = snap[len(stored_content) :]
            if not todo:
                unchanged += 1
            for record in todo:
                pending.append(
                    (str(record.recorded_at or ""), record.recorded_by or options.actor, record)
                )
        elif snap_content == stored_content[: len(snap_content)]:
            unchanged += 1  # the store is ahead of the snapshot
        else:
            final_updates.append(snap[-1])
    pending.sort(key=lambda p: (p[0], 0 if isinstance(p[2], m.NodeBase) else 1, p[2].id))
    for at, actor, record in pending:
        if (
            steps
            and steps[-1][0] == at
            and steps[-1][1] == actor
            and all(r.id != record.id for r in steps[-1][2])
        ):
            steps[-1][2].append(record)
        else:
            steps.append((at, actor, [record]))
    plain_records = [r for _, r in plain]
    if final_updates or plain_records:
        steps.append(("", options.actor, [*final_updates, *plain_records]))
    for line, record in plain:
        line_of[record.id] = line.number
    # Simulate every step against the store's state, so a bad snapshot writes nothing.
    state: dict[str, Existing] = {}
    totals = WriteReport(unchanged=unchanged)

    def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
        found: dict[str, Existing] = {}
        for i in [*own, *referenced]:
            if i in state:
                found[i] = state[i]
                continue
            record = ctx.existing(i)
            if record is not None:
                found[i] = Existing(
                    i,
                    "node" if isinstance(record, m.NodeBase) else "rel",
                    record.kind if isinstance(record, m.NodeBase) else record.type,
                    1,
                    json.dumps(record.model_dump(mode="json")),
                    record.sensitivity.rank,
                )
        return found

    for _at, actor, records in steps:
        try:
            plan = plan_write(WriteBatch.of(records), lookup, actor=actor or options.actor)
        except InvalidRecords as e:
            raise ImportRejected([_on_line(err, path, line_of) for err in e.errors]) from e
        for row in plan.rows:
            state[row.id] = Existing(
                row.id, row.category, row.kind, row.version, row.data, row.sensitivity_rank
            )
        totals.created += plan.report.created
        totals.updated += plan.report.updated
        totals.closed += plan.report.closed
        totals.unchanged += plan.report.unchanged
    report = ImportReport(file=str(path), format="snapshot", dry_run=options.dry_run)
    report.rows = len(lines)
    report.records = len(parsed) + len(plain)
    if options.source is not None or options.sensitivity is not None:
        report.warnings.append(
            "--source and --sensitivity are not applied to a snapshot with history: "
            "it is restored exactly as exported"
        )
    if not options.dry_run and steps:
        # One transaction for the whole replay: the simulation above sees only
        # what the importer may see, so the store can still refuse a step (an id
        # taken by a hidden record); then, and if the process dies half-way,
        # none of the earlier steps stay written.
        if progress:
            progress("writing", 0, 1)
        clearance = Sensitivity(options.viewer.clearance)
        try:
            store.write_steps(
                [
                    # Each step's time is the store's, never the file's (docs/audit.md):
                    # restored versions keep their order, authors and content and are
                    # dated when restored; the snapshot keeps the original times.
                    WriteStep(WriteBatch.of(records), actor or options.actor, clearance)
                    for _at, actor, records in steps
                ]
            )
        except InvalidRecords as e:
            raise ImportRejected([_on_line(err, path, line_of) for err in e.errors]) from e
        if progress:
            progress("writing", 1, 1)
    report.created, report.updated = totals.created, totals.updated
    report.closed, report.unchanged = totals.closed, totals.unchanged
    report.change_counter = store.change_counter()
    report.seconds = time.perf_counter() - started
    return report
