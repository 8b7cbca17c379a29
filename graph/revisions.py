"""What changed between versions of a record, field by field.

History is appended, never overwritten (`GraphStore.history`); a reader wants
to know what each version changed, not only that it exists. One rule, used by
the CLI's `history` and the Data page: compare each version's fields with the
version before it, leaving out the store's stamps (`recorded_at`,
`recorded_by`), which change every time and are shown beside the version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph import model as m
from graph.sensitivity import Viewer
from graph.store import GraphStore, RecordStore, Revision
from graph.timeline import withdrawn

_STAMPS = frozenset({"recorded_at", "recorded_by"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


def field_changes(revisions: Sequence[Revision]) -> list[list[FieldChange]]:
    """Per version (oldest first): the fields that differ from the version before.

    The first version changes nothing (it is the creation); a later version
    whose fields are all equal (a re-stamp) has an empty list.
    """
    out: list[list[FieldChange]] = []
    before: dict[str, Any] | None = None
    for revision in revisions:
        after = revision.record.model_dump(mode="json", exclude=set(_STAMPS))
        if before is None:
            out.append([])
        else:
            out.append(
                [
                    FieldChange(name, before.get(name), value)
                    for name, value in after.items()
                    if before.get(name) != value
                ]
            )
        before = after
    return out


def withdrawn_links(
    store: GraphStore, record_id: str, *, viewer: Viewer
) -> list[m.AnyRelationship]:
    """The record's links that a later decision withdrew (`graph.timeline.withdrawn`),
    as their newest versions: a record's history should say which events no
    longer count for it, and why (`withdrawn_by`, the review item or command),
    although each link's own history holds the versions."""
    _, rels = store.get_many(
        [], store.relationships_touching([record_id], viewer=viewer), viewer=viewer
    )
    return sorted((r for r in rels if withdrawn(r)), key=lambda r: (r.type, r.id))


def history_ids(store: RecordStore, record_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
    """The ids among `record_ids` whose history `viewer` may read: the rule of
    `history` (the record as `get` shows it), for many records at once.

    A node must come back as itself, not as a source's mask; a relationship
    also needs both its ends shown as themselves, so a citation of a source
    above the reader's clearance keeps its history to itself, as `get` does.
    """
    nodes, rels = store.get_many(record_ids, record_ids, viewer=viewer)
    wanted = set(record_ids)
    shown = {n.id for n in nodes if n.id in wanted}
    ends = sorted({e for r in rels for e in (r.source_id, r.target_id)} - shown)
    seen_ends = (
        shown | {n.id for n in store.get_many(ends, [], viewer=viewer)[0]} if ends else shown
    )
    shown |= {r.id for r in rels if r.source_id in seen_ends and r.target_id in seen_ends}
    return sorted(shown)
