"""Merge two entities that turned out to be one (`actorgraph merge KEEP OTHER`).

Nothing is deleted: the store keeps every version. A merge, in one write:

- KEEP gains OTHER's name and aliases as aliases, its source references and
  its external ids (so the next import of either dataset finds KEEP);
  its notes record the merge (who, when, which id);
- every relationship of OTHER is continued on KEEP under a new id
  (`make_id("rel", "merge", old id, KEEP)`, with the same interval, strength,
  evidence and sources) and the old one is closed on the merge date with a
  note pointing at its continuation; a relationship between the two becomes
  nothing (it would be a self-loop) and is closed;
- OTHER is closed (`valid_to`) with a note "merged into KEEP".

Running the same merge again changes nothing. The store's audit log records
the merge as its own entry when the store keeps one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from graph import model as m
from graph.audit import AuditEvent
from graph.dates import lower_bound, upper_bound
from graph.errors import InvalidRecords, NotFound, RowError
from graph.row_codec import content_of
from graph.sensitivity import SYSTEM, Viewer
from graph.store import GraphStore, WriteBatch, WriteReport, WriteStep
from graph.write_plan import plan_write
from ingest.context import ImportContext, ImportOptions
from ingest.drafts import make_id
from ingest.validation import store_lookup, union_names


@dataclass
class MergeReport:
    keep: str
    other: str
    moved: list[dict[str, str]] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    aliases_added: list[str] = field(default_factory=list)
    write: WriteReport = field(default_factory=WriteReport)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "keep": self.keep,
            "other": self.other,
            "moved": self.moved,
            "closed": self.closed,
            "aliases_added": self.aliases_added,
            "dry_run": self.dry_run,
            **{k: v for k, v in self.write.as_dict().items()},
        }


def _note(existing: str | None, text: str, marker: str | None = None) -> str:
    if existing and (marker or text) in existing:
        return existing
    return f"{existing}\n{text}" if existing else text


def _end(record: m.AnyRecord, today: str) -> str:
    if record.valid_from and lower_bound(record.valid_from) > upper_bound(today):
        return record.valid_from
    return today


def merge_entities(
    store: GraphStore,
    keep_id: str,
    other_id: str,
    *,
    actor: str,
    today: date | None = None,
    dry_run: bool = False,
    viewer: Viewer = SYSTEM,
) -> MergeReport:
    """Merge OTHER into KEEP (see the module docstring). Raises NotFound or InvalidRecords."""
    day = (today or datetime.now(UTC).date()).isoformat()
    keep = store.get(keep_id, viewer=viewer)
    other = store.get(other_id, viewer=viewer)
    for given, found in ((keep_id, keep), (other_id, other)):
        if found is None:
            raise NotFound(f"no record {given!r}")
    assert keep is not None and other is not None
    problems: list[RowError] = []
    if keep_id == other_id:
        problems.append(RowError(field="other", message="an entity cannot be merged with itself"))
    if not isinstance(keep, m.NodeBase) or not isinstance(other, m.NodeBase):
        problems.append(
            RowError(field="other", message="only nodes can be merged, not relationships")
        )
    elif keep.kind != other.kind:
        problems.append(
            RowError(
                field="other",
                message=f"cannot merge a {other.kind} into a {keep.kind}",
                suggestion="both must be of the same kind",
            )
        )
    if problems:
        raise InvalidRecords(problems)
    assert isinstance(keep, m.NodeBase) and isinstance(other, m.NodeBase)
    report = MergeReport(keep=keep_id, other=other_id, dry_run=dry_run)
    stamp = f"merged with {other_id} ({other.name}) on {day} by {actor}"
    aliases = union_names(keep.name, keep.aliases, [other.name], other.aliases)
    report.aliases_added = [a for a in aliases if a not in keep.aliases]
    sources = list(keep.sources) + [s for s in other.sources if s not in keep.sources]
    records: list[m.AnyRecord] = [
        keep.model_copy(
            update={
                "aliases": tuple(aliases),
                "sources": tuple(sources),
                # The analyst says they are one: both datasets' ids now name KEEP.
                "external_ids": tuple(dict.fromkeys([*keep.external_ids, *other.external_ids])),
                "notes": _note(keep.notes, stamp, f"merged with {other_id} "),
            }
        )
    ]
    existing_ids = {r.id for r in store.iter_relationships(viewer=viewer)}
    for rel in store.iter_relationships(viewer=viewer):
        if other_id not in (rel.source_id, rel.target_id):
            continue
        new_id = make_id("rel", "merge", rel.id, keep_id)
        source = keep_id if rel.source_id == other_id else rel.source_id
        target = keep_id if rel.target_id == other_id else rel.target_id
        if source != target and new_id not in existing_ids:
            records.append(
                rel.model_copy(
                    update={
                        "id": new_id,
                        "source_id": source,
                        "target_id": target,
                        "notes": _note(rel.notes, f"continued from {rel.id} (merge of {other_id})"),
                    }
                )
            )
            report.moved.append({"from": rel.id, "to": new_id})
        if rel.valid_to is None:
            where = (
                f"continued as {new_id}" if source != target else "joined the two merged entities"
            )
            records.append(
                rel.model_copy(
                    update={
                        "valid_to": _end(rel, day),
                        "notes": _note(rel.notes, f"closed by merge into {keep_id}: {where}"),
                    }
                )
            )
            report.closed.append(rel.id)
    if other.valid_to is None or "merged into" not in (other.notes or ""):
        records.append(
            other.model_copy(
                update={
                    "valid_to": other.valid_to or _end(other, day),
                    "notes": _note(
                        other.notes, f"merged into {keep_id} on {day} by {actor}", "merged into"
                    ),
                }
            )
        )
    if dry_run:
        ctx = ImportContext(store, ImportOptions())
        report.write = plan_write(WriteBatch.of(records), store_lookup(ctx), actor=actor).report
        return report
    # Records identical to what is stored are left out, so a repeated merge writes nothing.
    current = {keep_id: keep, other_id: other}
    changed = [
        r for r in records if r.id not in current or content_of(r) != content_of(current[r.id])
    ]

    # The entry lands in the write's transaction, with the write's counts, and
    # only if the merge changed something.
    entry = AuditEvent(actor=actor, action="merge", details=report.as_dict())
    (report.write,) = store.write_steps([WriteStep(WriteBatch.of(changed), actor, audit=entry)])
    return report
