"""A relationship that would repeat one already recorded: same type, same two records, same time.

The Data page asks before writing such a record, and an import can warn about
it: two `HAS_ACCESS_TO` edges from one NGO to one commander over the same
months count that access twice in every path score and every coverage number,
and almost always mean one was entered by someone who did not find the other.
A record that only follows another in time (one ends in March 2024, the next
begins in March 2024) is a handover, not a duplicate; symmetric types
(`ALLIED_WITH`, `OPPOSES`, `ASSOCIATED_WITH`) join the same pair either way round.

Only what the reader may see is compared: a duplicate above their clearance is
not revealed (its existence would be a leak).

Examples
--------
>>> from graph import model as m
>>> old = m.Influences(id="r1", source_id="p1", target_id="a1", valid_from="2021")
>>> new = m.Influences(id="r2", source_id="p1", target_id="a1", valid_from="2022-05")
>>> [r.id for r in overlapping(new, [old])]
['r1']
>>> later = m.Influences(id="r3", source_id="p1", target_id="a1", valid_from="2021-06")
>>> closed = m.Influences(id="r4", source_id="p1", target_id="a1", valid_to="2021-06")
>>> overlapping(later, [closed])
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.schema import SCHEMA, RelType

if TYPE_CHECKING:
    from graph.sensitivity import Viewer
    from graph.store import GraphStore


def _span(record: m.RelBase) -> tuple[date, date]:
    """The widest days the validity interval can mean; an open end runs for ever."""
    start = lower_bound(record.valid_from) if record.valid_from else date.min
    end = upper_bound(record.valid_to) if record.valid_to else date.max
    return start, end


def periods_overlap(a: m.RelBase, b: m.RelBase) -> bool:
    """Whether two validity intervals share a day (one ending where the next begins does not)."""
    if (a.valid_to and a.valid_to == b.valid_from) or (b.valid_to and b.valid_to == a.valid_from):
        return False
    a_start, a_end = _span(a)
    b_start, b_end = _span(b)
    return a_start <= b_end and b_start <= a_end


def same_pair(a: m.RelBase, b: m.RelBase) -> bool:
    """Same type between the same two records (either way round for a symmetric type)."""
    rel_type = SCHEMA.rel_type_of(a)
    if rel_type != SCHEMA.rel_type_of(b):
        return False
    if (a.source_id, a.target_id) == (b.source_id, b.target_id):
        return True
    symmetric = SCHEMA.relationships[rel_type].symmetric
    return symmetric and (a.source_id, a.target_id) == (b.target_id, b.source_id)


def overlapping(candidate: m.RelBase, existing: Iterable[m.RelBase]) -> list[m.RelBase]:
    """The records `candidate` would repeat: same pair, overlapping validity, another id.

    The candidate's own earlier version (same id) is an edit, never a duplicate.
    """
    return [
        other
        for other in existing
        if other.id != candidate.id
        and same_pair(candidate, other)
        and periods_overlap(candidate, other)
    ]


def duplicates_in_store(
    store: GraphStore, candidate: m.RelBase, *, viewer: Viewer
) -> list[m.RelBase]:
    """`overlapping` against every stored relationship of the candidate's type the viewer may see.

    All dates (no `as_of`): a duplicate that ended last year still overlaps a
    candidate dated last year.
    """
    rel_type = RelType(SCHEMA.rel_type_of(candidate))
    return overlapping(candidate, store.iter_relationships(rel_type, viewer=viewer))
