"""The stored form of a record (graph.row_codec): its JSON and its window columns."""

from __future__ import annotations

import inspect
import json
import random
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import pytest
from pydantic import TypeAdapter

from bench.generate import records
from graph import model as m
from graph import row_codec, timeline
from graph.errors import InvalidRecords
from graph.row_codec import WINDOW_FIELDS, content_of, decode, to_row
from graph.schema import SCHEMA
from graph.sensitivity import Sensitivity

AT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
STAMPS = ',"recorded_at":"2026-01-02T03:04:05.678901Z","recorded_by":"analyst-1"}'


def _row(record: m.AnyRecord) -> row_codec.StoredRow:
    return to_row(record, version=1, actor="analyst-1", at=AT, operation="create")


def _expected_json(record: m.AnyRecord) -> str:
    """The stored JSON as pydantic writes the record without its stamps, stamps last."""
    body = record.__pydantic_serializer__.to_json(record, exclude={"recorded_at", "recorded_by"})
    return body[:-1].decode() + STAMPS


def test_stored_json_is_the_record_without_its_old_stamps_then_the_writes_stamps() -> None:
    sample = list(records("XS", seed=3))
    stamped = [
        r.model_copy(update={"recorded_at": datetime(2020, 1, 1, tzinfo=UTC), "recorded_by": "x"})
        for r in sample[::50]
    ]
    for record in [*sample, *stamped]:
        row = _row(record)
        assert row.data == _expected_json(record), record.id
        assert row.data.count('"recorded_at"') == 1


def test_notes_quoting_the_empty_stamps_are_stored_unchanged() -> None:
    text = ',"recorded_at":null,"recorded_by":null'
    person = m.Person(id="per_q", name="Quoted", notes=text, aliases=(text,))
    row = _row(person)
    assert row.data == _expected_json(person)
    assert content_of(decode(row.data)) == content_of(person)


def _varied(record: m.AnyRecord, rng: random.Random) -> m.AnyRecord:
    """`record` with random dates and basis, through validation (so always valid)."""
    data = record.model_dump()
    days = ["2019", "2020-02", "2020-02-29", "2021-06-15", "2023-11"]
    for name in ("valid_from", "valid_to", "first_cited", "last_cited"):
        data[name] = rng.choice([None, None, *days])
    if data["valid_from"] and data["valid_to"] and data["valid_from"] > data["valid_to"]:
        data["valid_from"], data["valid_to"] = data["valid_to"], data["valid_from"]
    if data["first_cited"] and data["last_cited"] and data["first_cited"] > data["last_cited"]:
        data["first_cited"], data["last_cited"] = data["last_cited"], data["first_cited"]
    data["basis"] = rng.choice(list(m.Basis))
    if "withdrawn_by" in data:
        data["withdrawn_by"] = rng.choice([None, "rev_1"])
    try:
        return type(record).model_validate(data)
    except ValueError:
        return record


def test_window_columns_are_the_time_rules_window_for_every_record() -> None:
    rng = random.Random(7)
    sample = [_varied(r, rng) for r in records("XS", seed=5) for _ in range(2)]
    for record in sample:
        start, end = timeline.holds_window(record)
        row = _row(record)
        assert (row.from_day, row.to_day) == (
            start.isoformat() if start else None,
            end.isoformat() if end else None,
        ), record.id


@pytest.mark.parametrize("rule", [timeline.holds_window, timeline.evidence_end, timeline.withdrawn])
def test_stored_windows_are_remembered_by_every_field_the_time_rule_reads(rule: object) -> None:
    """Windows are remembered by `WINDOW_FIELDS`: a rule reading another field
    would be given another record's window."""
    source = inspect.getsource(rule)  # type: ignore[arg-type]
    read = set(re.findall(r"""(?:\.get\(|\[)["'](\w+)["']""", source))
    read |= set(re.findall(r"record\.(\w+)", source)) - {"__dict__"}
    assert read, "the rule reads no field: this test no longer sees how it reads them"
    assert read <= set(WINDOW_FIELDS)


def _same_record(a: m.AnyRecord, b: m.AnyRecord) -> bool:
    return (
        type(a) is type(b)
        and a.__dict__ == b.__dict__
        and [type(v) for v in a.__dict__.values()] == [type(v) for v in b.__dict__.values()]
        and a.__pydantic_fields_set__ == b.__pydantic_fields_set__
    )


def test_stored_rows_decode_to_the_records_full_validation_gives() -> None:
    # decode_node / decode_relationship skip the checks stored text already
    # passed (SCHEMA.parse_stored_node_json); the record must not change.
    rng = random.Random(5)
    sample = [_varied(r, rng) for r in records("XS", seed=7)]
    sample += [m.Person(id="per_sp", name="  Padded  ", valid_from=" 2021-03 ", notes=" n ")]
    for record in sample:
        data = _row(record).data
        if hasattr(record, "kind"):
            ours, full = row_codec.decode_node(data), SCHEMA.parse_node_json(data)
        else:
            ours, full = row_codec.decode_relationship(data), SCHEMA.parse_relationship_json(data)
        assert _same_record(ours, full), record.id
        assert ours == decode(data)
    # Text a person edited into the store, padded: still the same record.
    padded = _row(m.Person(id="per_p", name="P", valid_from="2021")).data.replace(
        '"valid_from":"2021"', '"valid_from":" 2021 "'
    )
    assert _same_record(row_codec.decode_node(padded), SCHEMA.parse_node_json(padded))


@pytest.mark.parametrize(
    ("field", "bad"),
    [("sensitivity", "top_secret"), ("confidence", "high"), ("name", None), ("kind", "Person2")],
)
def test_stored_text_of_the_wrong_shape_is_refused_with_the_full_validations_error(
    field: str, bad: object
) -> None:
    # The rechecks skipped are the date rule, the interval order and the id
    # patterns; a record edited in the store past those is the audit's to
    # find (`actorgraph audit verify` compares each record with its hash).
    record = m.Person(id="per_b", name="B", valid_from="2010", valid_to="2020")
    data = json.loads(_row(record).data)
    data[field] = bad
    text = json.dumps(data)
    with pytest.raises(InvalidRecords) as ours:
        row_codec.decode_node(text)
    with pytest.raises(InvalidRecords) as full:
        SCHEMA.parse_node_json(text)
    assert str(ours.value) == str(full.value)


def _schema_enums() -> list[type[StrEnum]]:
    found = [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, m.TextEnum)]
    return [e for e in found if e is not m.TextEnum and list(e)] + [Sensitivity]


def test_every_enum_member_is_stored_as_its_value_in_json() -> None:
    """Enum fields are written by pydantic-core from the member's text, not its
    `.value` (graph.model.AsText): the same JSON, as long as the two agree."""
    enums = _schema_enums()
    assert len(enums) > 15
    for enum in enums:
        adapter: TypeAdapter[object] = TypeAdapter(tuple[Annotated[enum, m.AsText], ...])
        members = tuple(enum)
        assert (
            adapter.dump_json(members)
            == json.dumps([e.value for e in members], separators=(",", ":")).encode()
        )
        assert adapter.validate_json(adapter.dump_json(members)) == members


def test_records_dump_their_enums_as_members_in_python_and_as_text_in_json() -> None:
    actor = m.ArmedActor(
        id="act_e", name="Enum Front", actor_kind=m.ActorKind.NON_STATE_ARMED_GROUP,
        structure=m.Structure.DECENTRALISED, sensitivity=Sensitivity.CONFIDENTIAL,
    )  # fmt: skip
    python = actor.model_dump()
    assert python["structure"] is m.Structure.DECENTRALISED
    assert python["sensitivity"] is Sensitivity.CONFIDENTIAL
    as_json = actor.model_dump(mode="json")
    assert type(as_json["structure"]) is str and as_json["structure"] == "decentralised"
    assert json.loads(_row(actor).data)["sensitivity"] == "confidential"
    assert json.loads(actor.model_dump_json()) == as_json
