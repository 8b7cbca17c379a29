"""Finalise drafts against the store and validate everything; nothing is written here.

Merge each draft with what is stored (per its policy), stamp provenance, parse
with the schema, close relationships that new ones replace, check references
and loops, and run the store's own write planner: every problem collected,
each located at its file, sheet, row and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.errors import InvalidRecords, RowError
from graph.schema import SCHEMA, NodeSpec, RelSpec, RelType
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch, WriteReport
from graph.write_plan import Existing, Lookup, plan_write
from ingest.context import ImportContext, ImportOptions
from ingest.drafts import Draft, closest, make_id
from ingest.identity import merged_reviews
from ingest.loops import Link, loops
from ingest.resolve import match_key

_STAMPS = ("recorded_at", "recorded_by")
# Relationships where a new open one replaces the open one it contradicts.
# PART_OF: a unit (or post, area) is part of one parent at a time.
# COMMANDS: a unit has one commander of each kind (person, post) at a time.
# HOLDS: a post has one holder at a time.
EXCLUSIVE: dict[RelType, Literal["source", "target"]] = {
    RelType.PART_OF: "source",
    RelType.COMMANDS: "target",
    RelType.HOLDS: "target",
}
# Allies who now fight, or enemies now allied: opening one closes the other.
CONTRADICTS = {RelType.ALLIED_WITH: RelType.OPPOSES, RelType.OPPOSES: RelType.ALLIED_WITH}


def _dump(record: m.AnyRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    for key in _STAMPS:
        data.pop(key, None)
    return data


# Each kind's and type's spec, by the tag a record's data names; its model is
# taken on first use, so an import builds only the model classes its records
# need (graph.model makes them by family on first use; taking every `.model`
# here, at import, cost each `actorgraph import` about 0.4 s of CPU).
_SPECS: dict[tuple[bool, str], NodeSpec | RelSpec] = {
    **{(True, k.value): spec for k, spec in SCHEMA.nodes.items()},
    **{(False, t.value): spec for t, spec in SCHEMA.relationships.items()},
}
_VALIDATORS: dict[tuple[bool, str], Callable[[dict[str, Any]], Any]] = {}


def parse_record(data: dict[str, Any]) -> m.AnyRecord:
    """`SCHEMA.parse_record`, by the tag's own core validator when the data is valid.

    An import parses every record it writes (a 50,000-row event file: over
    200,000). For valid data the model's core validator alone gives the same
    record as `SCHEMA.parse_record`, without its per-call wrapping (the
    `model_validate` frame and a defensive copy of the dict): a fifth of the
    parse. Invalid data goes to `SCHEMA.parse_record` itself, so every error
    message is the one it gives. Skipping validation altogether is no faster:
    pydantic's `model_construct` costs about three times a validation of these
    small records, and `model_copy` of a validated template nearly as much as one.
    """
    is_node = "kind" in data
    tag = data.get("kind" if is_node else "type")
    key = (is_node, tag) if isinstance(tag, str) else None
    validator = _VALIDATORS.get(key) if key else None
    if validator is None and key in _SPECS:
        # Models build their validators on first use (graph.model): this one now.
        model: type[BaseModel] = _SPECS[key].model
        validator = _VALIDATORS[key] = model.__pydantic_validator__.validate_python
    if validator is not None:
        try:
            record: m.AnyRecord = validator(data)
        except ValidationError:
            pass
        else:
            return record
    return SCHEMA.parse_record(data)


def _union_refs(*lists: Iterable[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for refs in lists:
        for ref in refs:
            item = dict(ref) if isinstance(ref, dict) else ref.model_dump(mode="json")
            key = (str(item.get("source_id")), item.get("locator"))
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def union_names(name: str, *lists: Iterable[str]) -> list[str]:
    out: list[str] = []
    keys = {match_key(name)}
    for names in lists:
        for alias in names:
            text = str(alias).strip()
            if text and match_key(text) not in keys:
                keys.add(match_key(text))
                out.append(text)
    return out


def _max_sensitivity(a: Any, b: Any) -> str:
    sa, sb = Sensitivity(a), Sensitivity(b)
    return (sa if sa.rank >= sb.rank else sb).value


def finalise(draft: Draft, ctx: ImportContext) -> dict[str, Any]:
    """Merge a draft with what is stored, per its policy, and stamp provenance."""
    data = dict(draft.data)
    old = ctx.existing(draft.id) if draft.id else None
    same_kind = old is not None and (
        getattr(old, "kind", None) == data.get("kind")
        or getattr(old, "type", None) == data.get("type")
    )
    given_sensitivity = "sensitivity" in data
    if old is not None and same_kind:
        stored = _dump(old)
        if draft.policy == "overlay":
            merged = {**stored, **data}
            if "aliases" in stored or "aliases" in data:
                name = str(merged.get("name", ""))
                merged["aliases"] = union_names(
                    name, stored.get("aliases", []), data.get("aliases", []), draft.add_aliases
                )
            merged["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            data = merged
        elif draft.policy == "enrich":
            merged = stored
            if "aliases" in stored:
                merged["aliases"] = union_names(
                    str(stored["name"]),
                    stored.get("aliases", []),
                    data.get("aliases", []),
                    draft.add_aliases,
                    [str(data.get("name", ""))],
                )
            merged["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            for key, pick in (("first_cited", min), ("last_cited", max)):
                values = [v for v in (stored.get(key), data.get(key)) if v]
                if values:
                    merged[key] = pick(values, key=lambda v: (lower_bound(v), upper_bound(v)))
            if data.get("sensitivity"):
                merged["sensitivity"] = _max_sensitivity(stored["sensitivity"], data["sensitivity"])
            data = merged
        elif draft.policy == "replace":
            data["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            data["sensitivity"] = _max_sensitivity(
                stored["sensitivity"],
                data.get("sensitivity") or ctx.options.sensitivity or stored["sensitivity"],
            )
        m.carry_digest(stored, data)  # a row never replaces a shape
    else:
        if draft.add_aliases and "name" in data:
            data["aliases"] = union_names(
                str(data["name"]), data.get("aliases", []), draft.add_aliases
            )
        if not given_sensitivity and ctx.options.sensitivity is not None:
            data["sensitivity"] = ctx.options.sensitivity.value
    if draft.add_external_ids or draft.add_reviews:
        _add_identity(data, draft, old if same_kind else None)
    source = ctx.options.source
    if source is not None and data.get("kind") != "Source":
        data["sources"] = _union_refs(data.get("sources", []), [{"source_id": source.id}])
    for key in _STAMPS:
        data.pop(key, None)
    return data


def _add_identity(data: dict[str, Any], draft: Draft, old: m.AnyRecord | None) -> None:
    """Keep source ids (union) and add fuzzy-match reviews; stored decisions stay."""
    stored = old if isinstance(old, m.NodeBase) else None
    ids = list(data.get("external_ids", [])) + [
        i for i in draft.add_external_ids if stored is None or i not in stored.external_ids
    ]
    data["external_ids"] = list(dict.fromkeys([*(stored.external_ids if stored else ()), *ids]))
    given = data.get("identity_reviews") or (stored.identity_reviews if stored else [])
    data["identity_reviews"] = merged_reviews(given, draft.add_reviews)


def _row_sensitivity(data: dict[str, Any], options: ImportOptions) -> Sensitivity:
    for value in (data.get("sensitivity"), options.sensitivity):
        try:
            return Sensitivity(str(value).strip().lower()) if value else Sensitivity.RESTRICTED
        except ValueError:
            continue
    return Sensitivity.RESTRICTED


def _withheld(sensitivity: Sensitivity) -> bool:
    return sensitivity.rank >= Sensitivity.CONFIDENTIAL.rank


def locate(
    error: RowError, draft: Draft | None, sensitivity: Sensitivity = Sensitivity.RESTRICTED
) -> RowError:
    """Name the file, sheet, row and column of a record-level problem; withhold secrets."""
    row = draft.rows[0] if draft and draft.rows else None
    column = draft.column(error.field) if draft else error.field
    value = error.value
    if value is None and row is not None:
        value = row.get(column) or None
    if value is None and draft is not None:
        raw = draft.data.get(error.field.split(".", 1)[0])
        value = None if raw is None else str(raw)
    message = error.message
    if _withheld(sensitivity):
        if value:
            message = message.replace(value, "…")
        value = None
    return RowError(
        field=column,
        message=message,
        record=error.record or (draft.id if draft else ""),
        file=row.file if row else error.file,
        row=row.number if row else error.row,
        suggestion=error.suggestion,
        sheet=row.sheet if row else error.sheet,
        value=value,
    )


@dataclass
class Validated:
    records: list[m.AnyRecord]
    errors: list[RowError]
    draft_of: dict[str, Draft]
    plan: WriteReport | None = None


def _closing_date(new: m.RelBase, old: m.RelBase, today: date) -> str:
    end = new.valid_from or today.isoformat()
    if old.valid_from and lower_bound(old.valid_from) > upper_bound(end):
        return old.valid_from
    return end


def _supersede(
    records: dict[str, m.AnyRecord], draft_of: dict[str, Draft], ctx: ImportContext
) -> list[tuple[m.AnyRecord, Draft]]:
    """Close the stored relationships that new open ones replace (history is kept)."""
    closings: dict[str, tuple[m.AnyRecord, Draft]] = {}
    for record in list(records.values()):
        if not isinstance(record, m.RelBase):
            continue
        draft = draft_of[record.id]
        if not draft.supersede:
            continue
        if record.valid_to is not None or record.basis != m.Basis.ASSERTED:
            continue
        if ctx.existing(record.id) is not None:
            continue  # already stored: whatever it replaced was closed back then
        rel_type = RelType(record.type)
        candidates: list[m.AnyRelationship] = []
        side = EXCLUSIVE.get(rel_type)
        if side is not None:
            source_kind = _kind_of(record.source_id, records, ctx)
            for old in ctx.rels(rel_type):
                same_key = (
                    old.source_id == record.source_id
                    if side == "source"
                    else old.target_id == record.target_id
                    and _kind_of(old.source_id, records, ctx) == source_kind
                )
                other_end = (
                    old.target_id != record.target_id
                    if side == "source"
                    else (old.source_id != record.source_id)
                )
                if same_key and other_end:
                    candidates.append(old)
        opposite = CONTRADICTS.get(rel_type)
        if opposite is not None:
            pair = {record.source_id, record.target_id}
            candidates.extend(
                old
                for old in ctx.rels(opposite)
                if {old.source_id, old.target_id} == pair and old.basis == m.Basis.ASSERTED
            )
        for old in candidates:
            # The file may list the old relationship too (blank valid_to keeps it open).
            base = records.get(old.id, old)
            if base.valid_to is not None or old.id in closings or not isinstance(base, m.RelBase):
                continue
            closed = base.model_copy(update={"valid_to": _closing_date(record, base, ctx.today)})
            closings[old.id] = (closed, draft_of.get(old.id, draft))
    return list(closings.values())


def _kind_of(node_id: str, records: dict[str, m.AnyRecord], ctx: ImportContext) -> str | None:
    found = records.get(node_id) or ctx.existing(node_id)
    return found.kind if isinstance(found, m.NodeBase) else None


_SYMMETRIC = frozenset(t.value for t, spec in SCHEMA.relationships.items() if spec.symmetric)


def _as_stored(record: m.AnyRecord, ctx: ImportContext) -> m.AnyRecord:
    """A symmetric relationship (alliance, association) whose stored version names the
    same ends the other way round, turned to the stored order: "B allied with A" is
    the stored "A allied with B", not a relationship whose ends moved."""
    if not isinstance(record, m.RelBase) or record.type not in _SYMMETRIC:
        return record
    old = ctx.existing(record.id)
    if not isinstance(old, m.RelBase):
        return record
    if (old.source_id, old.target_id) != (record.target_id, record.source_id):
        return record
    return record.model_copy(update={"source_id": old.source_id, "target_id": old.target_id})


def _moved(record: m.AnyRecord, ctx: ImportContext) -> m.AnyRecord | None:
    """An existing relationship id whose ends changed: the old one is closed, a new id opens."""
    if not isinstance(record, m.RelBase):
        return None
    old = ctx.existing(record.id)
    if not isinstance(old, m.RelBase):
        return None
    if (old.source_id, old.target_id) == (record.source_id, record.target_id):
        return None
    return old


def _cycles(
    records: dict[str, m.AnyRecord], draft_of: dict[str, Draft], ctx: ImportContext
) -> list[RowError]:
    """Nesting and command must not loop (ingest/loops.py says what a loop is:
    a post commanding the unit it sits in is local command, not a loop). Only
    open relationships count; each relationship of the file that closes a loop
    is reported once, with one loop through it."""
    current: dict[str, m.AnyRelationship] = {}
    for rel_type in (RelType.PART_OF, RelType.COMMANDS):
        for rel in ctx.rels(rel_type):
            current[rel.id] = rel
    for record in records.values():
        if isinstance(record, m.RelBase) and record.type in (RelType.PART_OF, RelType.COMMANDS):
            current[record.id] = record
    links = [
        Link(rel.id, str(rel.type), rel.source_id, rel.target_id)
        for rel in current.values()
        if rel.valid_to is None
    ]
    return [
        locate(
            RowError(
                field="target_id",
                record=loop.id,
                message=f"{loop.label} would loop: {loop.describe()}",
                suggestion="a unit cannot be inside (or command) its own parent; "
                "close one of these relationships (valid_to)",
            ),
            draft_of[loop.id],
        )
        for loop in loops(links, set(draft_of))
    ]


def validate(drafts: list[Draft], ctx: ImportContext, *, plan: bool = True) -> Validated:
    """Every check, all problems collected; nothing is written here.

    `plan` runs the store's own write planner against what is stored (needed for
    a dry run and to set rows aside with skip-invalid; a real write runs it anyway).
    """
    errors: list[RowError] = []
    draft_of: dict[str, Draft] = {}
    ctx.preload([d.id for d in drafts])
    for draft in drafts:
        draft_id = draft.id
        if draft_id and draft_id in draft_of:
            first = draft_of[draft_id]
            where = f"row {first.rows[0].number}" if first.rows else "earlier"
            if first.rows and first.rows[0].sheet:
                where += f" of sheet {first.rows[0].sheet}"
            errors.append(
                locate(
                    RowError(
                        field="id",
                        message=f"id {draft_id!r} is used twice in the file (first on {where})",
                        suggestion="give each row its own id, or merge the two rows",
                        record=draft_id,
                    ),
                    draft,
                )
            )
            continue
        draft_of[draft_id] = draft
    records: dict[str, m.AnyRecord] = {}
    failed: set[str] = set()
    sensitivity_of: dict[str, Sensitivity] = {}
    # A file has a handful of sensitivity labels: each is read once, not per record.
    sensitivity_by_label: dict[str | None, Sensitivity] = {}
    for record_id, draft in draft_of.items():
        data = finalise(draft, ctx)
        label = data.get("sensitivity")
        if label is None or isinstance(label, str):
            sensitivity = sensitivity_by_label.get(label) or sensitivity_by_label.setdefault(
                label, _row_sensitivity(data, ctx.options)
            )
        else:
            sensitivity = _row_sensitivity(data, ctx.options)
        sensitivity_of[record_id] = sensitivity
        try:
            record = parse_record(data)
        except InvalidRecords as e:
            failed.add(record_id)
            errors.extend(locate(err, draft, sensitivity) for err in e.errors)
            continue
        records[record.id] = record
    # Only a relationship stored already can be turned or have moved: one pass,
    # skipping the (in a first import, all) records the store does not hold.
    for record in list(records.values()):
        if not isinstance(record, m.RelBase) or ctx.existing(record.id) is None:
            continue
        # A symmetric relationship named the other way round is the stored one, as stored.
        record = records[record.id] = _as_stored(record, ctx)
        # Ends moved: close the stored one, open the new one under a new id.
        old = _moved(record, ctx)
        if old is None or not isinstance(record, m.RelBase):
            continue
        draft = draft_of.pop(record.id)
        del records[record.id]
        new_id = make_id("rel", old.id, record.source_id, record.target_id)
        moved = record.model_copy(update={"id": new_id})
        assert isinstance(moved, m.RelBase)
        records[new_id] = moved
        draft_of[new_id] = draft
        if old.valid_to is None and isinstance(old, m.RelBase):
            ended = old.model_copy(update={"valid_to": _closing_date(moved, old, ctx.today)})
            records[old.id] = ended
            draft_of[old.id] = draft
    for closed, draft in _supersede(records, draft_of, ctx):
        records[closed.id] = closed
        draft_of[closed.id] = draft
    # References: ends of relationships and cited sources. Nearly every record of
    # an import cites no source and links nodes of the same file: those pass on
    # two set lookups; the rest get the full check, each problem located.
    node_ids = {i for i, r in records.items() if isinstance(r, m.NodeBase)}
    for record in records.values():
        if not record.sources and (
            not isinstance(record, m.RelBase)
            or (record.source_id in node_ids and record.target_id in node_ids)
        ):
            continue
        draft = draft_of[record.id]
        sens = sensitivity_of.get(record.id, Sensitivity.RESTRICTED)
        if isinstance(record, m.RelBase):
            for fld, ref in (("source_id", record.source_id), ("target_id", record.target_id)):
                end = records.get(ref)
                if end is not None or ref in failed:
                    if end is not None and not isinstance(end, m.NodeBase):
                        errors.append(
                            locate(
                                RowError(
                                    field=fld,
                                    record=record.id,
                                    message=f"{ref!r} is a relationship, not a node",
                                ),
                                draft,
                                sens,
                            )
                        )
                    continue
                found = ctx.existing(ref)
                if not isinstance(found, m.NodeBase):
                    errors.append(
                        locate(
                            RowError(
                                field=fld,
                                record=record.id,
                                value=ref,
                                message=f"no node with id {ref!r} in the file or the store",
                                suggestion=_ref_suggestion(ref, records, ctx),
                            ),
                            draft,
                            sens,
                        )
                    )
        for source_ref in record.sources:
            sid = source_ref.source_id
            if sid in failed:
                continue
            target = records.get(sid) or ctx.existing(sid)
            if not isinstance(target, m.Source):
                errors.append(
                    locate(
                        RowError(
                            field="sources",
                            record=record.id,
                            value=sid,
                            message=f"no Source with id {sid!r} in the file or the store",
                            suggestion="add it on the Source sheet, or use --source",
                        ),
                        draft,
                        sens,
                    )
                )
    errors.extend(_cycles(records, draft_of, ctx))
    ordered = list(records.values())
    plan_report: WriteReport | None = None
    if plan and not errors and ordered:
        try:
            # At the importer's clearance, as the real write will be: citations of
            # sources they were shown masked are kept, not refused as unknown.
            plan_report = plan_write(
                WriteBatch.of(ordered),
                store_lookup(ctx),
                actor="dry-run",
                clearance=Sensitivity(ctx.options.viewer.clearance),
            ).report
        except InvalidRecords as e:
            errors.extend(
                locate(
                    err,
                    draft_of.get(err.record),
                    sensitivity_of.get(err.record, Sensitivity.RESTRICTED),
                )
                for err in e.errors
            )
    return Validated(ordered, errors, draft_of, plan_report)


def _ref_suggestion(ref: str, records: dict[str, m.AnyRecord], ctx: ImportContext) -> str:
    labels = [(r.id, r.name) for r in records.values() if isinstance(r, m.NodeBase)]
    labels += ctx.all_node_labels()
    by_text = {}
    for node_id, name in labels:
        by_text[node_id] = node_id
        by_text[name] = node_id
    hits = closest(ref, by_text)
    if hits:
        return f"did you mean {by_text[hits[0]]!r} ({hits[0]})?"
    return "add the node to the file first, or fix the id"


def store_lookup(ctx: ImportContext) -> Lookup:
    # Gives every hit's content: the context holds the records parsed already.
    def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
        ids = [*own, *referenced]
        ctx.preload(ids)
        found: dict[str, Existing] = {}
        for record_id in ids:
            record = ctx.existing(record_id)
            if record is None:
                continue
            is_node = isinstance(record, m.NodeBase)
            found[record_id] = Existing(
                id=record_id,
                category="node" if is_node else "rel",
                kind=record.kind if isinstance(record, m.NodeBase) else record.type,
                version=1,
                data=json.dumps(record.model_dump(mode="json")),
                sensitivity_rank=record.sensitivity.rank,
            )
        return found

    return lookup
