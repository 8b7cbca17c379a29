"""Schema self-checks and model validation: pure code, no database."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.errors import InvalidRecords, SchemaError
from graph.names import normalise
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer


def test_registry_covers_every_kind_and_type_and_checks_itself() -> None:
    SCHEMA.check_self()
    assert set(SCHEMA.nodes) == set(NodeKind)
    assert set(SCHEMA.relationships) == set(RelType)


def test_a_pattern_naming_an_unknown_kind_fails_the_self_check() -> None:
    spec = SCHEMA.relationships[RelType.HOLDS]
    broken = dataclasses.replace(spec, patterns=frozenset({(NodeKind.PERSON, "Planet")}))
    bad = dataclasses.replace(SCHEMA, relationships={**SCHEMA.relationships, RelType.HOLDS: broken})
    with pytest.raises(SchemaError, match="unknown kind"):
        bad.check_self()


def test_a_missing_caption_field_fails_the_self_check() -> None:
    spec = dataclasses.replace(SCHEMA.nodes[NodeKind.AREA], caption="title")
    bad = dataclasses.replace(SCHEMA, nodes={**SCHEMA.nodes, NodeKind.AREA: spec})
    with pytest.raises(SchemaError, match="caption"):
        bad.check_self()


def test_a_registered_model_missing_from_the_node_union_fails_the_self_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Checkpoint(m.Site):
        """A fictional site model that the registry names and `m.AnyNode` does not."""

    # The registry finds a kind's model by the kind's name in graph.model.
    monkeypatch.setattr(m, "Site", Checkpoint)
    with pytest.raises(SchemaError, match="Checkpoint"):
        SCHEMA.check_self()


def test_a_spec_finds_the_model_tagged_with_its_kind_and_type() -> None:
    assert all(
        spec.model.model_fields["kind"].default == spec.kind for spec in SCHEMA.nodes.values()
    )
    assert all(
        spec.model.model_fields["type"].default == spec.rel_type
        for spec in SCHEMA.relationships.values()
    )
    assert SCHEMA.relationships[RelType.HAS_ACCESS_TO].model is m.HasAccessTo


def test_a_model_tagged_with_another_kind_fails_the_self_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(m, "Post", m.Person)
    with pytest.raises(SchemaError, match="Post: model Person has another kind"):
        SCHEMA.check_self()


def test_unknown_enum_value_is_named_with_a_suggestion() -> None:
    with pytest.raises(InvalidRecords) as caught:
        SCHEMA.parse_node(
            {
                "kind": "ArmedActor",
                "id": "act_x",
                "name": "Fictional",
                "actor_kind": "state_force",
                "structure": "decentralized",
            }
        )
    (error,) = caught.value.errors
    assert (error.record, error.field) == ("act_x", "structure")
    assert "did you mean 'decentralised'" in error.suggestion


def test_interval_out_of_order_and_malformed_dates_are_rejected() -> None:
    with pytest.raises(ValueError, match="after valid_to"):
        m.Person(id="per_x", name="Fictional", valid_from="2022", valid_to="2021-12")
    for bad in ("2021-13", "21-03-01", "2021-02-30", "March 2021"):
        with pytest.raises(ValueError, match="malformed date"):
            m.Person(id="per_x", name="Fictional", valid_from=bad)
    same_month = m.Person(id="per_x", name="Fictional", valid_from="2021-03", valid_to="2021-03")
    assert same_month.valid_to == "2021-03"


def test_partial_dates_cover_their_whole_period() -> None:
    assert lower_bound("2021") == date(2021, 1, 1)
    assert upper_bound("2021") == date(2021, 12, 31)
    assert upper_bound("2024-02") == date(2024, 2, 29)
    assert lower_bound("2024-02-10") == upper_bound("2024-02-10") == date(2024, 2, 10)


def test_models_are_frozen_and_reject_unknown_fields() -> None:
    person = m.Person(id="per_x", name="  Fictional Name  ")
    assert person.name == "Fictional Name"
    with pytest.raises(ValueError):
        person.name = "changed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="Extra inputs"):
        m.Person(id="per_x", name="Fictional", nickname="x")  # type: ignore[call-arg]


def test_defaults_protect_people() -> None:
    assert m.Person(id="per_x", name="Fictional").sensitivity is Sensitivity.RESTRICTED
    assert m.Source(id="src_x", name="Fictional informant").sensitivity is (
        Sensitivity.STRICTLY_CONFIDENTIAL
    )


def test_viewer_clearance_is_ordered() -> None:
    viewer = Viewer(name="v", clearance=Sensitivity.CONFIDENTIAL)
    assert viewer.may_see(Sensitivity.PUBLIC) and viewer.may_see(Sensitivity.CONFIDENTIAL)
    assert not viewer.may_see(Sensitivity.STRICTLY_CONFIDENTIAL)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jabhat al-Nūr", "jabhat al nur"),
        ("Sabʿa", "saba"),
        ("FRONT–DU–NORD", "front du nord"),
        ("Ilyô  Várrant", "ilyo varrant"),
    ],
)
def test_name_normalisation(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_schema_dict_lists_choices_for_every_enum_field() -> None:
    fields = SCHEMA.to_dict()["relationships"]["INFLUENCES"]["fields"]
    assert "religious" in fields["channel"]["choices"]
    assert fields["sensitivity"]["default"] == "restricted"
    assert ["Person", "Person"] in SCHEMA.to_dict()["relationships"]["INFLUENCES"]["patterns"]


def test_parsing_by_the_records_own_kind_gives_what_the_union_gives() -> None:
    # parse_node/parse_relationship validate with the one model the tag names
    # (issue 13: building the unions built every kind); answers and errors
    # must be the discriminated unions' own.
    from pydantic import TypeAdapter

    from tests.factories import full_batch

    records = [*full_batch().nodes, *full_batch().relationships]
    assert {type(r) for r in records} >= {m.ArmedActor, m.Person}
    for record in records:
        data = record.model_dump(mode="json")
        union = TypeAdapter(m.Node if "kind" in data else m.Relationship)
        parsed = SCHEMA.parse_record(data)
        assert type(parsed) is type(record)
        assert parsed == union.validate_python(data) == record
    bad = {"kind": "Person", "id": "per_x", "name": "Fictional", "valid_from": "2021-13"}
    with pytest.raises(InvalidRecords) as caught:
        SCHEMA.parse_node(bad)
    (error,) = caught.value.errors
    assert (error.record, error.field) == ("per_x", "valid_from")
