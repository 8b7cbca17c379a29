"""The record contract (`graph.store.RecordStore`): writes are all or nothing,
reads keep to the viewer's clearance; every behaviour here holds on the embedded
(plain and SQLCipher) AND the Neo4j store.

The other parts of `GraphStore` have their own modules: `test_change_log.py`,
`test_audit_store.py`, `test_account_store.py`. Run only the Neo4j half with
`pytest -k neo4j`.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import model as m
from graph.errors import InvalidRecords
from graph.projection import build_projection
from graph.row_codec import content_of
from graph.schema import NodeKind
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from ingest.snapshot import export_records
from tests.factories import full_batch, one_of_each_node, one_of_each_relationship

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def snapshot_of(store: GraphStore) -> list[dict[str, object]]:
    """Everything in the store, including the store's stamps, in a comparable form."""
    return [r.model_dump(mode="json") for r in export_records(store, viewer=SYSTEM)]


def test_every_node_and_relationship_type_round_trips(store: GraphStore) -> None:
    batch = full_batch()
    report = store.write(batch, actor="analyst-1")
    assert report.created == len(batch)
    for record in [*batch.nodes, *batch.relationships]:
        stored = store.get(record.id, viewer=SYSTEM)
        assert stored is not None, record.id
        assert type(stored) is type(record)
        assert content_of(stored) == content_of(record)
        assert stored.recorded_by == "analyst-1"
        assert stored.recorded_at is not None


def test_reimporting_the_same_batch_changes_nothing(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    before, counter = snapshot_of(store), store.change_counter()
    report = store.write(full_batch(), actor="analyst-2")
    assert (report.created, report.updated, report.closed) == (0, 0, 0)
    assert report.unchanged == len(full_batch())
    assert snapshot_of(store) == before
    assert store.change_counter() == counter


def test_batch_with_one_invalid_item_leaves_store_exactly_as_before(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    before, counter = snapshot_of(store), store.change_counter()
    changed_actor = one_of_each_node()[1].model_copy(update={"name": "Renamed front"})
    new_person = m.Person(id="per_new", name="Nobody Fictional")
    # HOLDS must join Person -> Post; Person -> ArmedActor is not allowed.
    bad = m.Holds(id="rel_bad", source_id="per_new", target_id="act_1")
    with pytest.raises(InvalidRecords) as caught:
        store.write(
            WriteBatch(nodes=[changed_actor, new_person], relationships=[bad]), actor="analyst-1"
        )
    (problem,) = caught.value.errors
    assert problem.record == "rel_bad"
    assert problem.field == "type"
    assert "Person -> ArmedActor" in problem.message
    assert snapshot_of(store) == before
    assert store.change_counter() == counter
    assert store.get("per_new", viewer=SYSTEM) is None


def test_every_problem_in_a_batch_is_reported_at_once(store: GraphStore) -> None:
    bad = [
        m.Influences(id="rel_x", source_id="per_missing", target_id="act_missing"),
        m.Person(id="per_y", name="Fictional Y", sources=(m.SourceRef(source_id="src_nope"),)),
    ]
    with pytest.raises(InvalidRecords) as caught:
        store.write(WriteBatch.of(bad), actor="analyst-1")
    fields = sorted((e.record, e.field) for e in caught.value.errors)
    assert fields == [("per_y", "sources"), ("rel_x", "source_id"), ("rel_x", "target_id")]
    assert store.counts(viewer=SYSTEM) == {}


def test_an_id_twice_in_a_batch_is_one_record_unless_the_two_differ(store: GraphStore) -> None:
    first = m.Person(id="per_twice", name="Fictional Twice")
    report = store.write(WriteBatch.of([first, first.model_copy()]), actor="a")
    assert (report.created, len(store.history("per_twice", viewer=SYSTEM))) == (1, 1)
    before, counter = snapshot_of(store), store.change_counter()
    other = first.model_copy(update={"name": "Fictional Other"})
    with pytest.raises(InvalidRecords) as caught:
        store.write(WriteBatch.of([m.Person(id="per_new", name="New"), first, other]), actor="a")
    assert [(e.record, e.field) for e in caught.value.errors] == [("per_twice", "id")]
    assert "twice in the batch" in caught.value.errors[0].message
    assert snapshot_of(store) == before and store.change_counter() == counter


def test_an_id_cannot_change_kind_and_endpoints_cannot_move(store: GraphStore) -> None:
    store.write(full_batch(), actor="a")
    as_unit = m.Unit(id="per_1", name="Now a unit?")
    moved = m.Commands(id="rel_cmd", source_id="pst_1", target_id="act_1", valid_from="2022")
    with pytest.raises(InvalidRecords) as caught:
        store.write(WriteBatch.of([as_unit, moved]), actor="a")
    assert {(e.record, e.field) for e in caught.value.errors} == {
        ("per_1", "id"),
        ("rel_cmd", "target_id"),
    }


def test_closing_an_alliance_changes_the_as_of_projection(store: GraphStore) -> None:
    store.write(full_batch(), actor="a")
    # rel_ally runs 2019 .. 2023-06; rel_opp starts 2023-07.
    before = build_projection(store, viewer=SYSTEM, as_of=date(2022, 1, 1))
    after = build_projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))
    types_before = {
        d["type"] for u, v, d in before.edges(data=True) if {u, v} == {"act_1", "act_2"}
    }
    types_after = {d["type"] for u, v, d in after.edges(data=True) if {u, v} == {"act_1", "act_2"}}
    assert "ALLIED_WITH" in types_before and "OPPOSES" not in types_before
    assert "OPPOSES" in types_after and "ALLIED_WITH" not in types_after
    # The last day of the interval still counts: intervals are closed.
    on_last_day = build_projection(store, viewer=SYSTEM, as_of=date(2023, 6, 30))
    assert on_last_day.has_edge("act_1", "act_2", key="rel_ally")


def test_sensitivity_ceiling_removes_nodes_and_their_edges(store: GraphStore) -> None:
    nodes = one_of_each_node()
    secret = next(n for n in nodes if n.id == "per_2").model_copy(
        update={"sensitivity": Sensitivity.CONFIDENTIAL}
    )
    nodes = [secret if n.id == "per_2" else n for n in nodes]
    store.write(WriteBatch(nodes=nodes, relationships=one_of_each_relationship()), actor="a")

    full = build_projection(store, viewer=SYSTEM)
    low = build_projection(store, viewer=RESTRICTED)
    assert "per_2" in full and "per_2" not in low
    assert full.has_edge("org_1", "per_2") and not low.has_edge("org_1", "per_2")
    # Sources are strictly confidential by default: their identity is hidden (the
    # evidence shows up masked, see test_source_protection).
    assert "src_1" not in low
    assert all(v != "src_1" for _, v, _ in low.edges(data=True))
    # The same ceiling holds for every read, not only the projection.
    assert store.get("per_2", viewer=RESTRICTED) is None
    assert store.get("rel_inf", viewer=RESTRICTED) is None
    assert store.search("Morwen", viewer=RESTRICTED) == []
    assert store.history("per_2", viewer=RESTRICTED) == []
    assert all(o.id != "per_2" for _, o in store.neighbours("per_1", viewer=RESTRICTED))
    counts = store.counts(viewer=RESTRICTED)
    assert counts["Person"] == 1
    assert "INFLUENCES" not in counts and "FOCAL_POINT_FOR" not in counts


def _listed(store: GraphStore, viewer: Viewer) -> dict[str, int]:
    """Per kind and type, what the store lists for `viewer`: what `counts` must say."""
    listed: dict[str, int] = {}
    for record in [*store.iter_nodes(viewer=viewer), *store.iter_relationships(viewer=viewer)]:
        key = record.kind if isinstance(record, m.NodeBase) else record.type
        listed[key] = listed.get(key, 0) + 1
    return listed


def test_counts_agree_with_what_the_store_lists_to_a_reader_cleared_for_everything(
    store: GraphStore,
) -> None:
    """`actorgraph stats` for a reader cleared for every record: the embedded
    store then counts by kind alone, without checking each relationship's ends."""
    store.write(full_batch(), actor="analyst-1")
    assert store.counts(viewer=SYSTEM) == _listed(store, SYSTEM)
    assert sum(store.counts(viewer=SYSTEM).values()) == len(full_batch())


def test_counts_agree_with_what_the_store_lists_when_nothing_is_above_the_reader(
    store: GraphStore,
) -> None:
    batch = full_batch()
    cleared = Sensitivity.RESTRICTED.rank
    # Within the reader's clearance, and citing no (strictly confidential) source.
    nodes = [n for n in batch.nodes if n.sensitivity.rank <= cleared and not n.sources]
    ids = {n.id for n in nodes}
    rels = [
        r
        for r in batch.relationships
        if r.sensitivity.rank <= cleared and not r.sources and {r.source_id, r.target_id} <= ids
    ]
    assert nodes and rels and len(nodes) + len(rels) < len(batch)
    store.write(WriteBatch(nodes, rels), actor="analyst-1")
    counted = store.counts(viewer=RESTRICTED)
    assert counted == _listed(store, RESTRICTED)
    assert counted == store.counts(viewer=SYSTEM)


def test_search_ignores_case_diacritics_punctuation_and_finds_aliases(store: GraphStore) -> None:
    store.write(full_batch(), actor="a")
    assert [n.id for n in store.search("ilyo varrant", viewer=SYSTEM)] == ["per_1"]
    assert [n.id for n in store.search("ILYÔ", viewer=SYSTEM)] == ["per_1"]
    assert [n.id for n in store.search("jabhat saba", viewer=SYSTEM)] == ["act_1"]
    assert [n.id for n in store.search("f7h", viewer=SYSTEM)] == ["act_1"]
    assert [n.id for n in store.search("KL0101", viewer=SYSTEM)] == ["are_1"]
    assert store.search("100%", viewer=SYSTEM) == []
    areas = store.search("orrin", viewer=SYSTEM, kinds=[NodeKind.AREA])
    assert sorted(n.id for n in areas) == ["are_0", "are_1"]


def test_neighbours_in_both_directions(store: GraphStore) -> None:
    store.write(full_batch(), actor="a")
    pairs = {(r.type, o.id) for r, o in store.neighbours("per_1", viewer=SYSTEM)}
    assert pairs == {
        ("HOLDS", "pst_1"),
        ("INFLUENCES", "per_2"),
        ("ASSOCIATED_WITH", "per_2"),
        ("MEMBER_OF", "act_1"),
    }
    assert store.neighbours("nobody", viewer=SYSTEM) == []


def test_relationships_touching_nodes_are_listed_within_clearance(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    touching = store.relationships_touching(["per_1"], viewer=SYSTEM)
    assert {"rel_holds", "rel_inf", "rel_mem"} <= set(touching)
    assert all(t.startswith("rel_") for t in touching)
    assert store.relationships_touching([], viewer=SYSTEM) == []


def test_two_writers_at_once_lose_no_update(store: GraphStore) -> None:
    store.write(WriteBatch.of([m.Person(id="per_shared", name="Shared v0")]), actor="setup")
    start = store.change_counter()
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            for i in range(8):
                store.write(
                    WriteBatch.of(
                        [
                            m.Person(id=f"per_{tag}_{i}", name=f"Fictional {tag} {i}"),
                            m.Person(id="per_shared", name=f"Shared {tag} {i}"),
                        ]
                    ),
                    actor=tag,
                )
        except BaseException as e:  # pragma: no cover - surfaced by the assert below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts(viewer=SYSTEM)["Person"] == 17
    assert store.change_counter() == start + 16
    versions = [r.version for r in store.history("per_shared", viewer=SYSTEM)]
    assert versions == list(range(1, 18))


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=names,
    aliases=st.lists(names, max_size=3),
    description=st.text(max_size=200),
    confidence=st.floats(0, 1),
    sensitivity=st.sampled_from(list(Sensitivity)),
)
def test_any_unicode_text_round_trips(
    store: GraphStore,
    name: str,
    aliases: list[str],
    description: str,
    confidence: float,
    sensitivity: Sensitivity,
) -> None:
    person = m.Person(
        id=f"per_{abs(hash((name, tuple(aliases), description)))}",
        name=name,
        aliases=tuple(aliases),
        description=description or None,
        confidence=confidence,
        sensitivity=sensitivity,
    )
    store.write(WriteBatch.of([person]), actor="hypothesis")
    stored = store.get(person.id, viewer=SYSTEM)
    assert stored is not None and content_of(stored) == content_of(person)
