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
from graph.store import GraphStore, Revision
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
