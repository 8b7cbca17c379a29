"""How a record is kept in a store, and read back: the row codec both stores share.

A record is stored as its full JSON plus the scalar columns the stores filter
on (kind, name forms, sensitivity rank, the day window it holds over, its
endpoints). Both stores build those columns here, from one rule each (the
window from `graph.timeline`, the name forms from `graph.name_search`), so
SQL and Cypher only compare what this module wrote.

>>> from datetime import UTC, datetime
>>> from graph import model as m
>>> row = to_row(m.Person(id="per_x", name="Fictional X", valid_from="2021-03"),
...              version=1, actor="analyst-1", at=datetime(2026, 1, 2, tzinfo=UTC),
...              operation="create")
>>> (row.category, row.kind, row.from_day, row.to_day, row.recorded_by)
('node', 'Person', '2021-03-01', None, 'analyst-1')
>>> content_of(decode(row.data)) == content_of(m.Person(id="per_x", name="Fictional X",
...                                                     valid_from="2021-03"))
True
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, TypeAlias

from pydantic import TypeAdapter

from graph import model as m
from graph.name_search import search_names
from graph.schema import SCHEMA
from graph.sensitivity import RANK, Sensitivity, Viewer
from graph.store import Category, ChangedRecord
from graph.timeline import holds_window

# Fields the store sets itself; they never make a record "changed".
_STAMP_FIELDS = {"recorded_at", "recorded_by"}
# Those fields, unset, as pydantic-core writes them (after `notes`). Only the
# record's own object can hold this text: inside a JSON string every quote is
# escaped, and no nested model has fields of these names.
_EMPTY_STAMPS = b',"recorded_at":null,"recorded_by":null'


@dataclass(slots=True)
class StoredRow:
    """One record in storage form: scalar columns for filtering, plus the full JSON.

    Not frozen: a frozen dataclass sets each of its 16 fields through
    `object.__setattr__`, three times the cost of a plain slotted one, and an
    import builds one per record. Nothing changes a row once built."""

    id: str
    category: Category
    kind: str
    version: int
    name: str | None
    search_names: tuple[str, ...]
    sensitivity_rank: int
    from_day: str | None
    to_day: str | None
    source_id: str | None
    target_id: str | None
    data: str
    recorded_at: str
    recorded_by: str
    operation: str
    before_rank: int | None = None  # its sensitivity rank, for the change log

    def change_entry(self) -> list[Any]:
        """This write in the change log: id, category, kind, and the lower of its
        sensitivity ranks before and after (who could ever have seen it)."""
        low = self.sensitivity_rank
        if self.before_rank is not None:
            low = min(low, self.before_rank)
        return [self.id, self.category, self.kind, low]

    def revision_row(self) -> dict[str, Any]:
        return {
            "key": f"{self.id}@{self.version}",
            "record_id": self.id,
            "version": self.version,
            "category": self.category,
            "kind": self.kind,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "operation": self.operation,
            "sensitivity_rank": self.sensitivity_rank,
            "data": self.data,
        }


def content_of(record: m.AnyRecord) -> dict[str, Any]:
    """The record's JSON content without the store's stamps: what 'changed' compares."""
    return record.model_dump(mode="json", exclude=_STAMP_FIELDS)


def decode(data: str) -> m.AnyRecord:
    """Rebuild a model from stored JSON (trusted: it was validated on the way in)."""
    return SCHEMA.parse_record(json.loads(data))


def decode_node(data: str) -> m.AnyNode:
    """`decode` for a row known to hold a node: parsed and validated in one pass
    inside pydantic-core, which is what keeps projection builds fast, without
    repeating the checks its text passed before it was stored
    (`Schema.parse_stored_node_json`)."""
    return SCHEMA.parse_stored_node_json(data)


def decode_relationship(data: str) -> m.AnyRelationship:
    """`decode` for a row known to hold a relationship (see `decode_node`)."""
    return SCHEMA.parse_stored_relationship_json(data)


# Every field `graph.timeline.holds_window` reads (with the kind or type, which
# also says node or relationship): records alike in these hold over the same
# days. tests/unit/test_row_codec.py fails if the rule starts reading another.
WINDOW_FIELDS = (
    "kind", "type", "withdrawn_by", "valid_from", "valid_to", "date", "first_cited",
    "last_cited", "basis",
)  # fmt: skip
_windows: dict[tuple[Any, ...], tuple[str | None, str | None]] = {}
# Per model class, a C getter of the window fields it has (the others are
# always absent from it): one call where `dict.get` per field was nine.
_window_getters: dict[type, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


def _window_getter(cls: type) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    fields = [f for f in WINDOW_FIELDS if f in cls.model_fields]  # type: ignore[attr-defined]
    getter = _window_getters[cls] = itemgetter(*fields)
    return getter


def _day_bounds(record: m.AnyRecord) -> tuple[str | None, str | None]:
    """The stored window columns: `graph.timeline.holds_window` as ISO days,
    remembered by the record's class and the fields it reads (two records in
    three of an M import repeat a combination, and the rule costs more than
    the look-up)."""
    cls = type(record)
    key = (cls, (_window_getters.get(cls) or _window_getter(cls))(record.__dict__))
    found = _windows.get(key)
    if found is None:
        found = _window_of(record, key)
    return found


def _window_of(record: m.AnyRecord, key: tuple[Any, ...]) -> tuple[str | None, str | None]:
    """`_day_bounds` for a combination not seen yet: the rule, remembered."""
    start, end = holds_window(record)
    found = (start.isoformat() if start else None, end.isoformat() if end else None)
    if len(_windows) >= 65_536:
        _windows.clear()
    _windows[key] = found
    return found


def recomputed_windows(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str | None, str | None]]:
    """``(id, from_day, to_day)`` for stored ``(id, data)`` rows, under the current
    rule: how a store opened on windows an older `graph.timeline.RULE_VERSION`
    computed brings them up to date (the rule stays here, not in SQL or Cypher)."""
    return [(rid, *_day_bounds(decode(data))) for rid, data in rows]


def json_string(text: str) -> str:
    """`text` as a JSON string, as `json.dumps(text, ensure_ascii=False)` writes it."""
    return encode_basestring(text)


_DATETIME: TypeAdapter[datetime] = TypeAdapter(datetime)


@functools.lru_cache(maxsize=8)
def _stamps(at: datetime, actor: str) -> tuple[str, str]:
    """The store's stamps as the closing members of a record's JSON object, in
    the form pydantic gives those fields, and `at` for the scalar column (a
    batch shares both)."""
    when = _DATETIME.dump_json(at).decode()
    return f',"recorded_at":{when},"recorded_by":{json_string(actor)}}}', at.isoformat()


def to_row(
    record: m.AnyRecord,
    *,
    version: int,
    actor: str,
    at: datetime,
    operation: str,
    before_rank: int | None = None,
) -> StoredRow:
    """`record` as version `version` in storage form, stamped with `actor` and `at`."""
    return to_rows([(record, version, operation, before_rank)], actor=actor, at=at)[0]


# What a write stores of one record: (record, version, operation, its
# sensitivity rank before the write or None). A plain tuple: a write makes one
# per record, and a named tuple costs several times more to build. Quoted:
# `m.AnyRecord` evaluated here would create every model class when the store
# module loads, which `stats` and `--help` never need
# (tests/cli/test_startup_imports.py).
NewVersion: TypeAlias = "tuple[m.AnyRecord, int, str, int | None]"


def to_rows(versions: Iterable[NewVersion], *, actor: str, at: datetime) -> list[StoredRow]:
    """`to_row` for many versions, in one loop: an import makes one row per
    record, and a call per record with its keywords cost a tenth of the row."""
    stamps, recorded_at = _stamps(at, actor)
    windows, getters, rank_of = _windows, _window_getters, RANK
    out: list[StoredRow] = []
    append = out.append
    for record, version, operation, before_rank in versions:
        # pydantic-core writes the JSON without the stamps, and the stamps close
        # the object: a third of the cost of `model_dump` + `json.dumps`, no
        # model copy. The stamps move to the end of the key order; readers
        # never depend on it.
        fields = record.__dict__  # not attribute access: pydantic's is slower
        if fields["recorded_at"] is None and fields["recorded_by"] is None:
            # The usual case (a record not yet stored): leaving the two empty
            # stamps out of the text is cheaper than asking pydantic to skip them.
            body = record.__pydantic_serializer__.to_json(record).replace(_EMPTY_STAMPS, b"", 1)
        else:
            body = record.__pydantic_serializer__.to_json(record, exclude=_STAMP_FIELDS)
        data = body[:-1].decode() + stamps
        # `_day_bounds`, inline.
        cls = type(record)
        key = (cls, (getters.get(cls) or _window_getter(cls))(fields))
        start, end = windows.get(key) or _window_of(record, key)
        rank = rank_of[fields["sensitivity"]]
        kind = fields.get("kind")
        # Positional: a slotted dataclass is built faster without keywords.
        if kind is not None:
            append(StoredRow(
                fields["id"], "node", kind, version, fields["name"], search_names(record), rank,
                start, end, None, None, data, recorded_at, actor, operation, before_rank,
            ))  # fmt: skip
        else:
            append(StoredRow(
                fields["id"], "rel", fields["type"], version, None, (), rank, start, end,
                fields["source_id"], fields["target_id"], data, recorded_at, actor, operation,
                before_rank,
            ))  # fmt: skip
    return out


def day_param(as_of: date | None) -> str | None:
    """A question's day as the stores' window columns hold days (ISO text)."""
    return as_of.isoformat() if as_of else None


def viewer_rank(viewer: Viewer) -> int:
    """A viewer's clearance as the stores' `sensitivity_rank` column counts it."""
    return Sensitivity(viewer.clearance).rank


def changed_records(entries: Iterable[Sequence[Any]], viewer: Viewer) -> list[ChangedRecord]:
    """Change-log entries ``[id, category, kind, lowest rank]`` (`StoredRow.change_entry`)
    a viewer may hear of: those whose label before or after the write is within
    their clearance (a record they never could see is not news to them, not even
    its id). Sources above it are shown to everyone under a pseudonym, so their
    change is news too, but without the id (``""``): who told us stays hidden."""
    rank = viewer_rank(viewer)
    out: list[ChangedRecord] = []
    for record_id, category, kind, lowest in entries:
        if int(lowest) <= rank:
            out.append(ChangedRecord(record_id, category, kind))
        elif kind == "Source":
            out.append(ChangedRecord("", category, kind))
    return out
