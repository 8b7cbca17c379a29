"""A relationship repeating one already stored is found before it is written, on every store."""

from __future__ import annotations

from graph import model as m
from graph.overlaps import duplicates_in_store, overlapping
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch

READER = Viewer(name="reader", clearance=Sensitivity.RESTRICTED)
TOP = Viewer(name="reader", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)

NGO = m.Organisation(id="org_a", name="Fictional Relief A", org_kind=m.OrgKind.INGO)
CMDR = m.Person(id="per_c", name="Fictional Commander C")
ELDER = m.Person(id="per_e", name="Fictional Elder E")
BAND_1 = m.ArmedActor(
    id="act_1",
    name="Fictional Band One",
    actor_kind=m.ActorKind.NON_STATE_ARMED_GROUP,
    structure=m.Structure.DECENTRALISED,
)
BAND_2 = BAND_1.model_copy(update={"id": "act_2", "name": "Fictional Band Two"})


def _access(rel_id: str, **dates: str) -> m.HasAccessTo:
    return m.HasAccessTo(id=rel_id, source_id=NGO.id, target_id=CMDR.id, **dates)


def _stored(store: GraphStore, *records: m.AnyRecord) -> None:
    store.write(WriteBatch.of([NGO, CMDR, ELDER, BAND_1, BAND_2, *records]), actor="tester")


def test_the_same_access_over_overlapping_months_is_found(store: GraphStore) -> None:
    _stored(store, _access("rel_old", valid_from="2021-01", valid_to="2023-06"))
    candidate = _access("rel_new", valid_from="2023-02")
    assert [r.id for r in duplicates_in_store(store, candidate, viewer=READER)] == ["rel_old"]


def test_a_handover_a_later_period_or_another_pair_is_no_duplicate(store: GraphStore) -> None:
    _stored(
        store,
        _access("rel_old", valid_from="2021-01", valid_to="2023-06"),
        m.Influences(id="rel_inf", source_id=NGO.id, target_id=CMDR.id),
    )
    for candidate in (
        _access("rel_next", valid_from="2023-06"),  # begins where the old one ends
        _access("rel_late", valid_from="2024"),
        m.HasAccessTo(id="rel_other", source_id=NGO.id, target_id=ELDER.id),
    ):
        assert duplicates_in_store(store, candidate, viewer=READER) == [], candidate.id


def test_editing_a_record_is_not_a_duplicate_of_itself(store: GraphStore) -> None:
    _stored(store, _access("rel_old", valid_from="2021-01"))
    edited = _access("rel_old", valid_from="2021-01", valid_to="2022")
    assert duplicates_in_store(store, edited, viewer=READER) == []


def test_a_symmetric_alliance_is_the_same_either_way_round(store: GraphStore) -> None:
    _stored(store, m.AlliedWith(id="rel_ally", source_id=BAND_1.id, target_id=BAND_2.id))
    reverse = m.AlliedWith(id="rel_rev", source_id=BAND_2.id, target_id=BAND_1.id)
    assert [r.id for r in duplicates_in_store(store, reverse, viewer=READER)] == ["rel_ally"]
    # Direction matters for a directed type: the commander's access to the NGO is another fact.
    assert (
        overlapping(
            m.HasAccessTo(id="x", source_id=CMDR.id, target_id=NGO.id), [_access("rel_old")]
        )
        == []
    )


def test_a_duplicate_above_the_readers_clearance_is_not_revealed(store: GraphStore) -> None:
    secret = _access("rel_secret").model_copy(update={"sensitivity": Sensitivity.CONFIDENTIAL})
    _stored(store, secret)
    candidate = _access("rel_new")
    assert duplicates_in_store(store, candidate, viewer=READER) == []
    assert [r.id for r in duplicates_in_store(store, candidate, viewer=TOP)] == ["rel_secret"]
