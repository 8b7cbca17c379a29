"""Data-entry templates: one sheet per node kind and per relationship type.

The columns come from `graph.schema.SCHEMA` (never typed by hand), so a field
added to a model appears in the next template. Each sheet has a header row of
field names, a help row under it (every cell starts with ``help:``; the reader
skips it) with the same text as a note on the header cell, and a drop-down
list on every column whose values are an enum (sensitivity, reliability,
credibility, structure, kind, channel, …) and on yes/no columns.

Cells are text. Conventions the help row repeats:

- `id`: leave blank and one is generated from the kind and the name (nodes) or
  from the type and both ends (relationships), the same every time, so
  importing the file again finds the same records;
- lists (`aliases`): separated by `;`;
- `sources`: source ids separated by `;`, each optionally `id|locator`;
- `positions`, `profiles`: JSON;
- dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (or a real date cell);
- `source_id` / `target_id`: an id, or the exact name of a node in the file or
  the store;
- a blank cell never erases what is stored: it means "no value" for a new
  record and "keep what is there" for an existing one.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from graph import model as m
from graph.dates import DATE_HINT, lower_bound, normalise_partial, upper_bound
from graph.errors import RowError
from graph.schema import SCHEMA, NodeKind, RelType
from ingest.context import ImportContext
from ingest.drafts import Built, Draft, Resolved, closest, make_id, review_item
from ingest.identity import on_attach
from ingest.resolve import match_key
from ingest.rows import Row, Table, parse_date_cell

ColumnKind = Literal[
    "id", "ref", "text", "number", "bool", "choice", "date", "list", "sources", "json"
]

HELP_PREFIX = "help:"
SKIPPED_FIELDS = frozenset({"kind", "type", "recorded_at", "recorded_by"})
MAX_TEMPLATE_ROWS = 5000  # rows that get a drop-down list

FIELD_HELP: dict[str, str] = {
    "name": "the name most used; other spellings go in aliases",
    "aliases": "other names and spellings, separated by ;",
    "structure": "how the group is commanded: decides the entry point for engagement",
    "actor_kind": "type of armed actor",
    "party_to_conflict": "false for peace operations that are not parties",
    "confidence": "0 to 1: how sure we are",
    "strength": "0 to 1: how strong the tie is",
    "sensitivity": "who may see it; default restricted",
    "valid_from": "when it began",
    "valid_to": "when it ended; filling it closes the record, history is kept",
    "first_cited": "first time a source mentioned it",
    "last_cited": "last time a source mentioned it",
    "basis": "asserted by an analyst, or inferred from event data",
    "evidence_count": "how many events support an inferred record",
    "sources": "where the claim came from: Source ids separated by ; each optionally "
    "id|locator (page, link, paragraph). Not an end of a relationship (that is source_id)",
    "positions": 'JSON list, e.g. [{"objective": "convoy passage", "stance": "neutral"}]',
    "profiles": "JSON list of dated COM profiles (see docs/ingest.md)",
    "at_risk": "true if proposing this intermediary could endanger them",
    "pcode": "P-code of the administrative area, e.g. KL0101",
    "admin_level": "0 (country) to 5",
    "engager": "true for our own engagers (HC office, OCHA, HCT members)",
    "hct_member": "true for members of the Humanitarian Country Team",
    "reliability": "A (completely reliable) … F (cannot be judged)",
    "credibility": "1 (confirmed) … 6 (cannot be judged)",
    "channel": "the channel the tie runs through",
    "harm_pattern": "deliberate, reckless, accidental — or restraint",
    "notes": "free text",
    "external_ids": "source datasets' own ids, e.g. ucdp-side:123; separated by ;. "
    "Authoritative: the same id is the same record, different ids are never merged",
    "identity_reviews": "JSON list of spellings matched by similarity and the reviewer's "
    "decision (written by import and `actorgraph review`)",
    "spelling": "the actor's name as the source row spelled it (written by event imports)",
    "withdrawn_by": "set by `actorgraph review reject` or `place-events` when the link was "
    "wrong; no analysis counts it. Leave blank",
}


# Which end of each relationship is which, in the words of the field ("from: the
# person who commands"). The data model's `source_id` / `target_id` are easy to
# mistake for `sources` (the evidence), so the help row says it plainly.
END_ROLES: dict[str, tuple[str, str]] = {
    RelType.COMMANDS: ("the person or post who commands", "the unit or group commanded"),
    RelType.PART_OF: ("the part (unit, area)", "what it is part of"),
    RelType.HOLDS: ("the person", "the post they hold"),
    RelType.ALLIED_WITH: ("one ally (order does not matter)", "the other ally"),
    RelType.OPPOSES: ("the side that opposes", "the side opposed"),
    RelType.SPLINTER_OF: ("the splinter group", "the group it split from"),
    RelType.SUPPORTS: ("the supporter", "who or what is supported"),
    RelType.INFLUENCES: ("who has the influence", "who is influenced"),
    RelType.HAS_ACCESS_TO: ("who has the access (one of us)", "who they can reach"),
    RelType.ASSOCIATED_WITH: ("one party to the tie (order does not matter)", "the other party"),
    RelType.MEMBER_OF: ("the member", "the group or body they belong to"),
    RelType.FOCAL_POINT_FOR: ("the focal point (a person)", "the organisation they act for"),
    RelType.BELONGS_TO: ("the person or group", "the community they belong to"),
    RelType.CONTROLS: ("the armed actor or unit in control", "the area controlled"),
    RelType.OPERATES_IN: ("who operates", "the area they operate in"),
    RelType.OCCURRED_IN: ("the incident or engagement", "the area where it happened"),
    RelType.PERPETRATED: ("the perpetrator", "the incident"),
    RelType.PARTICIPATED_IN: ("the participant", "the engagement"),
    RelType.COMMITTED_TO: ("the armed actor that committed", "the commitment"),
    RelType.CITES: ("the record citing", "the Source cited"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool
    choices: tuple[str, ...] = ()
    default: str = ""
    role: str = ""  # for a relationship's end: which end it is, in words

    @property
    def help(self) -> str:
        parts = [FIELD_HELP.get(self.name, "")]
        if self.kind == "id":
            parts = ["unique id; leave blank to generate one"]
        elif self.kind == "ref":
            end = "from" if self.name == "source_id" else "to"
            where = "id or exact name of the node at this end"
            if "Source" not in self.role:
                where += " (not a Source: cite those in sources)"
            parts = [f"{end}: {self.role}" if self.role else "", where]
        elif self.kind == "date":
            parts.append(DATE_HINT.replace("use ", ""))
        elif self.kind == "choice":
            parts.append("one of: " + ", ".join(self.choices))
        elif self.kind == "bool":
            parts.append("true or false")
        elif self.kind == "number" and not parts[0]:
            parts.append("a number")
        if self.required:
            parts.append("REQUIRED")
        elif self.default:
            parts.append(f"default {self.default}")
        text = "; ".join(p for p in parts if p)
        return f"{HELP_PREFIX} {text}"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    is_node: bool
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _is_partial_date(annotation: Any, info: FieldInfo | None = None) -> bool:
    metadata = list(info.metadata) if info is not None else []
    stack = [annotation]
    while stack:
        current = stack.pop()
        if get_origin(current) is typing.Annotated:
            args = get_args(current)
            metadata.extend(args[1:])
            stack.append(args[0])
        else:
            stack.extend(get_args(current))
    return any(getattr(meta, "func", None) is normalise_partial for meta in metadata)


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            parts = [a for a in get_args(annotation) if a is not type(None)]
            if len(parts) == 1:
                annotation = parts[0]
                continue
        return annotation


def _column(name: str, info: FieldInfo, *, is_node: bool) -> Column:
    required = info.is_required()
    default = info.default
    default_text = ""
    if not required and default is not None and default != ():
        default_text = str(default.value if isinstance(default, Enum) else default).lower()
    if name == "id":
        return Column(name, "id", False)
    if name in ("source_id", "target_id") and not is_node:
        return Column(name, "ref", True)
    if _is_partial_date(info.annotation, info):
        return Column(name, "date", required)
    inner = _unwrap(info.annotation)
    if get_origin(inner) is tuple:
        item = _unwrap(get_args(inner)[0])
        if item is m.SourceRef:
            return Column(name, "sources", required)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Column(name, "json", required)
        return Column(name, "list", required)
    if isinstance(inner, type) and issubclass(inner, Enum):
        return Column(name, "choice", required, tuple(str(v.value) for v in inner), default_text)
    if inner is bool:
        return Column(name, "bool", required, ("true", "false"), default_text)
    if inner in (int, float):
        return Column(name, "number", required, (), default_text)
    return Column(name, "text", required, (), default_text)


_ENVELOPE = list(m.NodeBase.model_fields)
_LEAD = ["id", "source_id", "target_id", "name"]


def _spec(name: str, model: type[BaseModel], description: str, *, is_node: bool) -> SheetSpec:
    fields = {k: v for k, v in model.model_fields.items() if k not in SKIPPED_FIELDS}
    base = m.NodeBase if is_node else m.RelBase
    own = [k for k in fields if k not in base.model_fields]
    order = [k for k in _LEAD if k in fields]
    order += [k for k in own if k not in order]
    order += [k for k in ("description", "aliases") if k in fields and k not in order]
    order += [k for k in fields if k not in order]
    columns = tuple(_column(k, fields[k], is_node=is_node) for k in order)
    roles = END_ROLES.get(name)
    if roles is not None:
        columns = tuple(
            dataclasses.replace(c, role=roles[0 if c.name == "source_id" else 1])
            if c.kind == "ref"
            else c
            for c in columns
        )
    return SheetSpec(name, is_node, description, columns)


def sheet_specs() -> list[SheetSpec]:
    """One spec per node kind, then one per relationship type, from SCHEMA."""
    specs = [_spec(k.value, s.model, s.description, is_node=True) for k, s in SCHEMA.nodes.items()]
    specs += [
        _spec(t.value, s.model, s.description, is_node=False)
        for t, s in SCHEMA.relationships.items()
    ]
    return specs


SPECS: dict[str, SheetSpec] = {s.name: s for s in sheet_specs()}
_SPEC_BY_FOLDED = {s.name.casefold().replace(" ", "").replace("_", ""): s for s in SPECS.values()}


def spec_for(sheet_or_stem: str) -> SheetSpec | None:
    """The spec a sheet name or CSV file stem means ("ArmedActor", "armed actor", "COMMANDS")."""
    key = sheet_or_stem.strip().casefold().replace(" ", "").replace("_", "").replace("-", "")
    return _SPEC_BY_FOLDED.get(key)


# --------------------------------------------------------------------------- writing

README_LINES = [
    "actorgraph data-entry template",
    "",
    "One sheet per node kind (ArmedActor, Unit, Person, …) and per relationship type "
    "(COMMANDS, PART_OF, …).",
    "Row 1 names the fields; row 2 (starting with 'help:') explains them and is ignored "
    "on import. Enter data from row 3.",
    "Leave `id` blank to have one generated from the kind and name (or from the type and "
    "both ends); re-importing the file then finds the same records.",
    "Relationships name their ends in source_id / target_id: an id, or the exact name of "
    "a node in this file or in the store.",
    "Lists are separated by ';'. Sources: 'src_id|locator; src_id2'. Dates: YYYY, YYYY-MM "
    "or YYYY-MM-DD.",
    "A blank cell never erases stored data. Formulas are not accepted: paste values.",
    "Import with: actorgraph import FILE (add --dry-run to check without writing).",
]


def cell_text(column: Column, value: Any) -> str:
    """How a record's value is written into a template cell."""
    if value is None or value == () or value == []:
        return ""
    if column.kind == "list":
        return "; ".join(str(v) for v in value)
    if column.kind == "sources":
        parts = []
        for ref in value:
            ref_data = ref if isinstance(ref, dict) else ref.model_dump(mode="json")
            locator = ref_data.get("locator")
            parts.append(f"{ref_data['source_id']}|{locator}" if locator else ref_data["source_id"])
        return "; ".join(parts)
    if column.kind == "json":
        items = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def record_cells(spec: SheetSpec, record: m.AnyRecord) -> list[str]:
    data = record.model_dump(mode="python")
    return [cell_text(c, data.get(c.name)) for c in spec.columns]


CellRows = dict[str, list[dict[str, str]]]


def _grouped_cells(
    records: list[m.AnyRecord] | None, rows: CellRows | None
) -> dict[str, list[list[str]]]:
    """Cells per sheet: from records (every field) and from hand-written rows (by column)."""
    grouped: dict[str, list[list[str]]] = {}
    for record in records or []:
        key = record.kind if isinstance(record, m.NodeBase) else record.type
        grouped.setdefault(key, []).append(record_cells(SPECS[key], record))
    for sheet, entries in (rows or {}).items():
        spec = SPECS[sheet]
        for entry in entries:
            unknown = set(entry) - {c.name for c in spec.columns}
            if unknown:
                raise ValueError(f"{sheet}: no column {sorted(unknown)}")
            grouped.setdefault(sheet, []).append([entry.get(c.name, "") for c in spec.columns])
    return grouped


def write_template_xlsx(
    path: Path,
    records: list[m.AnyRecord] | None = None,
    *,
    rows: CellRows | None = None,
    note: str = "",
) -> Path:
    """Write the workbook, optionally filled with `records` and/or hand-written `rows`."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    grouped = _grouped_cells(records, rows)
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = "README"
    for i, line in enumerate([*README_LINES, *([note] if note else [])], start=1):
        readme.cell(row=i, column=1, value=line)
    readme.column_dimensions["A"].width = 120

    lists = wb.create_sheet("_lists")
    lists.sheet_state = "hidden"
    list_ranges: dict[tuple[str, ...], str] = {}

    def list_range(choices: tuple[str, ...]) -> str:
        if choices not in list_ranges:
            col = len(list_ranges) + 1
            letter = get_column_letter(col)
            for i, value in enumerate(choices, start=1):
                lists.cell(row=i, column=col, value=value)
            list_ranges[choices] = f"_lists!${letter}$1:${letter}${len(choices)}"
        return list_ranges[choices]

    bold = Font(bold=True)
    help_font = Font(italic=True, color="666666")
    help_fill = PatternFill("solid", fgColor="F2F2F2")
    for spec in SPECS.values():
        ws = wb.create_sheet(spec.name)
        sheet_rows = grouped.get(spec.name, [])
        last = max(MAX_TEMPLATE_ROWS, len(sheet_rows) + 3)
        for col, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(col)
            head = ws.cell(row=1, column=col, value=column.name)
            head.font = bold
            head.comment = Comment(column.help.removeprefix(HELP_PREFIX).strip(), "actorgraph")
            helper = ws.cell(row=2, column=col, value=column.help)
            helper.font = help_font
            helper.fill = help_fill
            helper.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = max(14, min(40, len(column.name) + 6))
            if column.choices:
                validation = DataValidation(
                    type="list",
                    formula1=f"={list_range(column.choices)}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=f"{column.name}: not an allowed value",
                    error="Pick a value from the list: " + ", ".join(column.choices)[:200],
                )
                validation.add(f"{letter}3:{letter}{last}")
                ws.add_data_validation(validation)
        for r, cells in enumerate(sheet_rows, start=3):
            for c, text in enumerate(cells, start=1):
                if text == "":
                    continue
                cell = ws.cell(row=r, column=c, value=text)
                # Our own text is data, never a formula, even if it starts with "=".
                cell.data_type = "s"
        ws.freeze_panes = "A3"
    wb.move_sheet("_lists", offset=len(wb.sheetnames))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_template_csv(
    folder: Path,
    records: list[m.AnyRecord] | None = None,
    *,
    rows: CellRows | None = None,
    note: str = "",
) -> Path:
    """Write the same template as a folder of CSV files (UTF-8 with BOM, for Excel)."""
    grouped = _grouped_cells(records, rows)
    folder.mkdir(parents=True, exist_ok=True)
    readme = "\n".join([*README_LINES, *([note] if note else [])]) + "\n"
    (folder / "README.txt").write_text(readme, encoding="utf-8")
    for spec in SPECS.values():
        with (folder / f"{spec.name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.name for c in spec.columns])
            writer.writerow([c.help for c in spec.columns])
            writer.writerows(grouped.get(spec.name, []))
    return folder


# --------------------------------------------------------------------------- reading


@dataclass
class ParsedRow:
    """One template row turned into model input, with what went wrong."""

    row: Row
    spec: SheetSpec
    data: dict[str, Any]
    errors: list[RowError]


def is_help_row(row: Row) -> bool:
    cells = [c.strip() for c in row.cells if c.strip()]
    return bool(cells) and all(c.startswith(HELP_PREFIX) for c in cells)


def _error(
    row: Row, column: str, message: str, suggestion: str = "", *, value: str | None = None
) -> RowError:
    return RowError(
        field=column,
        file=row.file,
        sheet=row.sheet,
        row=row.number,
        value=value if value is not None else row.get(column),
        message=message,
        suggestion=suggestion,
    )


def header_problems(table: Table, spec: SheetSpec) -> tuple[list[RowError], list[str]]:
    """Missing required columns are errors; unknown columns are warnings."""
    errors: list[RowError] = []
    warnings: list[str] = []
    present = set(table.header)
    for name in spec.required:
        if name not in present:
            errors.append(
                RowError(
                    field=name,
                    file=table.file,
                    sheet=table.sheet,
                    row=table.header_row,
                    message=f"required column {name!r} is missing",
                    suggestion=f"add a column headed {name!r} (see `actorgraph template`)",
                )
            )
    known = {c.name for c in spec.columns}
    for name in table.header:
        if name and name not in known:
            where = f"{table.file}" + (f", sheet {table.sheet}" if table.sheet else "")
            warnings.append(f"{where}: unknown column {name!r} ignored")
    return errors, warnings


def _choice(column: Column, text: str) -> str:
    """Accept 'Decentralised', 'community militia', 'b': fold to the allowed spelling."""
    folded = text.strip().casefold().replace(" ", "_").replace("-", "_")
    for choice in column.choices:
        if choice.casefold() == folded:
            return choice
    return text.strip()


def parse_sources(text: str) -> list[dict[str, str]]:
    refs = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        source_id, _, locator = part.partition("|")
        ref = {"source_id": source_id.strip()}
        if locator.strip():
            ref["locator"] = locator.strip()
        refs.append(ref)
    return refs


def parse_row(row: Row, spec: SheetSpec) -> ParsedRow:
    """Cells to model input; dates, JSON and formulas are checked here, the rest by pydantic."""
    data: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in spec.columns:
        if column.name not in row.values:
            continue
        if column.name in row.formulas:
            errors.append(
                _error(
                    row,
                    column.name,
                    "cell holds a formula; formulas are never evaluated on import",
                    "copy the cells and paste them back as values",
                )
            )
            continue
        text = row.get(column.name)
        if text == "":
            continue
        if column.kind == "date":
            value, problem = parse_date_cell(text)
            if problem:
                errors.append(_error(row, column.name, problem, DATE_HINT))
                continue
            data[column.name] = value
        elif column.kind == "choice":
            data[column.name] = _choice(column, text)
        elif column.kind == "bool":
            data[column.name] = text.strip().lower()
        elif column.kind == "list":
            data[column.name] = [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]
        elif column.kind == "sources":
            data[column.name] = parse_sources(text)
        elif column.kind == "json":
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as e:
                errors.append(
                    _error(
                        row,
                        column.name,
                        f"not valid JSON: {e.msg}",
                        FIELD_HELP.get(column.name, ""),
                    )
                )
                continue
            data[column.name] = parsed if isinstance(parsed, list) else [parsed]
        else:
            data[column.name] = text.strip()
    if spec.is_node:
        data["kind"] = spec.name
    else:
        data["type"] = spec.name
    return ParsedRow(row, spec, data, errors)


# --------------------------------------------------------------------------- import


def _no_record(
    row: Row, column: str, ref: str, file_labels: list[tuple[str, str]], ctx: ImportContext
) -> RowError:
    """A reference that is neither an id nor a name we know: say so, and what is close."""
    labels = {name: node_id for node_id, name in [*file_labels, *ctx.all_node_labels()]}
    hints = closest(ref, labels, limit=3)
    sheet = f", sheet {row.sheet}" if row.sheet else ""
    where = f"{row.file}{sheet}, row {row.number}, field {column}"
    return _error(
        row,
        column,
        f"no record named {ref!r} ({where}) in the file or the store",
        (
            "did you mean " + " or ".join(f"{h!r} ({labels[h]})" for h in hints) + "?"
            if hints
            else "add the node to the file, or give its id"
        ),
        value=ref,
    )


def build(tables: list[Table], ctx: ImportContext, skip: set[tuple[str, str, int]]) -> Built:
    """Template sheets to drafts: ids given, resolved, or generated from kind and name."""
    built = Built()
    parsed: list[ParsedRow] = []
    for table in tables:
        name = table.sheet or Path(table.file).stem
        spec = spec_for(name)
        if spec is None:
            if name not in ("README", "_lists") and table.rows:
                built.warnings.append(
                    f"{table.file}: sheet {name!r} is not a node kind or relationship type; ignored"
                )
            continue
        if table.empty:
            continue
        errors, warnings = header_problems(table, spec)
        built.errors.extend(errors)
        built.warnings.extend(warnings)
        if errors:
            continue
        for row in table.rows:
            if is_help_row(row):
                continue
            built.rows += 1
            if row.key in skip:
                continue
            result = parse_row(row, spec)
            built.errors.extend(result.errors)
            parsed.append(result)
    if built.rows == 0 and not built.errors:
        first = next((t for t in tables if not t.empty), tables[0] if tables else None)
        built.errors.append(
            RowError(
                field="rows",
                file=first.file if first else "",
                sheet=first.sheet if first else "",
                row=(first.header_row + 2) if first else 1,
                message="no data rows: the template is empty",
                suggestion="enter data from row 3, under the help row",
            )
        )
        return built

    resolver = ctx.resolver(NodeKind)
    file_names: dict[str, set[str]] = {}
    ids: dict[int, str] = {}

    def remember(node_id: str, kind: str, names: list[str], external_ids: list[str]) -> None:
        resolver.add(node_id, kind, names, external_ids=external_ids)
        for n in names:
            file_names.setdefault(match_key(n), set()).add(node_id)

    nodes = [p for p in parsed if p.spec.is_node]
    for p in nodes:
        given = str(p.data.get("id", "")).strip()
        if given:
            ids[id(p)] = given
            remember(
                given,
                p.spec.name,
                [str(p.data.get("name", "")), *p.data.get("aliases", [])],
                list(p.data.get("external_ids", [])),
            )
    drafts: list[Draft] = []
    for p in nodes:
        draft = Draft(data=p.data, rows=[p.row], policy="overlay")
        if id(p) not in ids:
            node_name = str(p.data.get("name", "")).strip()
            external = list(p.data.get("external_ids", []))
            if node_name:
                match = resolver.resolve(node_name, [p.spec.name], external_ids=external)
                if match.attaches and match.id:
                    ids[id(p)] = match.id
                    p.data.pop("name")
                    draft.add_aliases.append(node_name)
                    on_attach(
                        match,
                        spelling=node_name,
                        row=p.row,
                        column="name",
                        what=p.spec.name,
                        draft=draft,
                        ctx=ctx,
                        built=built,
                    )
                else:
                    if match.status == "ambiguous":
                        built.review.append(
                            review_item(p.row, "name", node_name, match, p.spec.name)
                        )
                    prefix = SCHEMA.nodes[NodeKind(p.spec.name)].id_prefix
                    new_id = make_id(prefix, "template", p.spec.name, match_key(node_name))
                    ids[id(p)] = new_id
                    remember(new_id, p.spec.name, [node_name, *p.data.get("aliases", [])], external)
        if id(p) in ids:
            p.data["id"] = ids[id(p)]
        drafts.append(draft)
    file_ids = {str(d.data["id"]) for d in drafts if d.data.get("id")}
    file_labels = [
        (str(p.data.get("id", "")), str(p.data.get("name") or resolver.names_of(p.data["id"])[0]))
        for p in nodes
        if p.data.get("id") and (p.data.get("name") or resolver.names_of(p.data["id"]))
    ]
    for p in parsed:
        if p.spec.is_node:
            continue
        for end in ("source_id", "target_id"):
            ref = str(p.data.get(end, "")).strip()
            if not ref or ref in file_ids or isinstance(ctx.existing(ref), m.NodeBase):
                continue
            named = set(file_names.get(match_key(ref), set())) | ctx.ids_named(ref)
            if not named:
                built.errors.append(_no_record(p.row, end, ref, file_labels, ctx))
            elif len(named) == 1:
                found = named.pop()
                p.data[end] = found
                stored = ctx.existing(found)
                built.resolved.append(
                    Resolved(
                        file=p.row.file,
                        sheet=p.row.sheet,
                        row=p.row.number,
                        field=end,
                        spelling=ref,
                        record_id=found,
                        record_name=stored.name
                        if isinstance(stored, m.NodeBase)
                        else dict(file_labels).get(found, found),
                        score=1.0,
                        rule="exact",
                        exact=True,
                    )
                )
            elif len(named) > 1:
                built.errors.append(
                    _error(
                        p.row,
                        end,
                        f"{ref!r} names {len(named)} nodes: " + ", ".join(sorted(named)[:5]),
                        "use the id instead of the name",
                    )
                )
        if (
            not str(p.data.get("id", "")).strip()
            and p.data.get("source_id")
            and p.data.get("target_id")
        ):
            ends = [str(p.data["source_id"]), str(p.data["target_id"])]
            if SCHEMA.relationships[RelType(p.spec.name)].symmetric:
                ends.sort()
            rel_id = make_id("rel", "template", p.spec.name, *ends)
            old = ctx.existing(rel_id)
            start = p.data.get("valid_from")
            if (
                isinstance(old, m.RelBase)
                and old.valid_to
                and start
                and lower_bound(str(start)) > upper_bound(old.valid_to)
            ):
                # Reopened after it ended: a new interval, a new record; the old one stays.
                rel_id = make_id("rel", "template", p.spec.name, *ends, str(start))
            p.data["id"] = rel_id
        drafts.append(Draft(data=p.data, rows=[p.row], policy="overlay", supersede=True))
    built.drafts = drafts
    return built
