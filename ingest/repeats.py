"""Warn when an imported relationship repeats one already recorded (`graph.overlaps`).

Two `HAS_ACCESS_TO` records from one NGO to one commander over the same months
count that access twice in every path score and coverage number. The Data page
asks before writing such a record; an import cannot ask, so its report warns,
naming the row and the record it repeats, and the analyst closes or removes one.
The rule itself (same type, same pair, overlapping dates, either way round for
a symmetric type) is `graph.overlaps`: one rule for both.

Only relationships an analyst entered are checked (template rows and HXL rows
that create a record: `overlay` drafts). Records owned by a dataset (incidents,
participation, alliances inferred from events) are re-derived on every import
under deterministic ids; an inferred alliance beside an asserted one is two
kinds of evidence, which the analyses weigh by their basis, not a repeat.

Only what the importing user may see is compared: a repeat above their
clearance is not revealed (its existence would be a leak).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from graph import model as m
from graph.overlaps import overlapping
from graph.schema import SCHEMA
from graph.sensitivity import Viewer
from graph.store import GraphStore
from ingest.drafts import Draft


def _pair(record: m.RelBase) -> tuple[str, str, str]:
    """Type and ends, the ends in a fixed order for a symmetric type: the grouping key."""
    rel_type = SCHEMA.rel_type_of(record)
    ends = (record.source_id, record.target_id)
    if SCHEMA.relationships[rel_type].symmetric:
        ends = (min(ends), max(ends))
    return (rel_type, *ends)


def _where(draft: Draft | None) -> str:
    if draft is None or not draft.rows:
        return ""
    row = draft.rows[0]
    sheet = f" {row.sheet}" if row.sheet else ""
    return f"{row.file}:{sheet} row {row.number}: "


def _dates(record: m.RelBase) -> str:
    start = record.valid_from or "…"
    end = record.valid_to or "…"
    return f"{start} to {end}"


def repeat_warnings(
    store: GraphStore,
    records: list[m.AnyRecord],
    draft_of: dict[str, Draft],
    new_ids: Collection[str],
    *,
    viewer: Viewer,
) -> list[str]:
    """One warning per new analyst-entered relationship that repeats another, stored or in the file.

    A stored relationship this import changes is compared as the import leaves
    it: a record the file closes (`valid_to`) no longer overlaps its successor.
    """
    batch = {r.id: r for r in records if isinstance(r, m.RelBase)}
    candidates = [
        r
        for r in batch.values()
        if r.id in new_ids and draft_of.get(r.id, _NO_DRAFT).policy == "overlay"
    ]
    checked = {r.id for r in candidates}
    if not candidates:
        return []
    ends = sorted({e for r in candidates for e in (r.source_id, r.target_id)})
    touching = store.relationships_touching(ends, viewer=viewer)
    _, stored = store.get_many([], touching, viewer=viewer)
    by_pair: dict[tuple[str, str, str], dict[str, m.RelBase]] = defaultdict(dict)
    for rel in stored:
        by_pair[_pair(rel)][rel.id] = rel
    for rel in batch.values():  # the file's version wins over the stored one
        by_pair[_pair(rel)][rel.id] = rel
    warnings = []
    for candidate in sorted(candidates, key=lambda r: _sort_key(r, draft_of)):
        for other in overlapping(candidate, by_pair[_pair(candidate)].values()):
            if other.id in checked and _sort_key(other, draft_of) > _sort_key(candidate, draft_of):
                continue  # two new rows repeat each other: said once, at the later row
            rel_type = SCHEMA.rel_type_of(candidate)
            origin = "in this file" if other.id in new_ids else "already recorded"
            warnings.append(
                f"{_where(draft_of.get(candidate.id))}{rel_type} {candidate.source_id} → "
                f"{candidate.target_id} ({_dates(candidate)}) repeats {other.id} "
                f"({_dates(other)}), {origin} for the same pair over the same time: "
                "both would count in path scores and coverage; close or remove one"
            )
    return warnings


def _sort_key(record: m.RelBase, draft_of: dict[str, Draft]) -> tuple[str, str, int, str]:
    draft = draft_of.get(record.id)
    if draft is None or not draft.rows:
        return ("", "", 0, record.id)
    row = draft.rows[0]
    return (row.file, row.sheet, row.number, record.id)


_NO_DRAFT = Draft(data={}, rows=[], policy="replace")
