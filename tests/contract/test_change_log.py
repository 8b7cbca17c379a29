"""The change-log contract (`graph.store.ChangeLogStore`): the change counter,
what changed since a counter, and every version of a record; on the embedded
(plain and SQLCipher) AND the Neo4j store.

History is appended, never overwritten: an update and a close are new versions,
and the caches keyed on the counter (the projection) follow every write.
"""

from __future__ import annotations

from graph import model as m
from graph.projection import projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import ChangedRecord, GraphStore, WriteBatch
from tests.factories import full_batch, one_of_each_node, one_of_each_relationship

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def node(node_id: str) -> m.AnyNode:
    return next(n for n in one_of_each_node() if n.id == node_id)


def test_update_keeps_history_and_closing_is_a_new_version(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    ally = next(r for r in one_of_each_relationship() if r.id == "rel_acc")
    weaker = ally.model_copy(update={"strength": 0.4})
    report = store.write(WriteBatch.of([weaker]), actor="analyst-2")
    assert (report.updated, report.closed) == (1, 0)
    closed = weaker.model_copy(update={"valid_to": "2026-11"})
    report = store.write(WriteBatch.of([closed]), actor="analyst-3")
    assert (report.updated, report.closed) == (0, 1)

    revisions = store.history("rel_acc", viewer=SYSTEM)
    assert [r.version for r in revisions] == [1, 2, 3]
    assert [r.operation for r in revisions] == ["create", "update", "close"]
    assert [r.recorded_by for r in revisions] == ["analyst-1", "analyst-2", "analyst-3"]
    assert [getattr(r.record, "strength", None) for r in revisions] == [0.8, 0.4, 0.4]
    assert revisions[-1].record.valid_to == "2026-11"
    current = store.get("rel_acc", viewer=SYSTEM)
    assert current is not None and current.valid_to == "2026-11"


def test_change_counter_moves_on_change_only(store: GraphStore) -> None:
    start = store.change_counter()
    report = store.write(full_batch(), actor="a")
    assert store.change_counter() == start + 1 == report.change_counter
    store.write(full_batch(), actor="a")
    assert store.change_counter() == start + 1
    renamed = one_of_each_node()[3].model_copy(update={"name": "Checkpoint Zeta North"})
    store.write(WriteBatch.of([renamed]), actor="a")
    assert store.change_counter() == start + 2


def test_projection_cache_is_rebuilt_after_a_write(store: GraphStore) -> None:
    store.write(full_batch(), actor="a")
    first = projection(store, viewer=SYSTEM)
    assert projection(store, viewer=SYSTEM) is first
    store.write(WriteBatch.of([m.Person(id="per_9", name="Fictional Newcomer")]), actor="a")
    second = projection(store, viewer=SYSTEM)
    assert second is not first and "per_9" in second and "per_9" not in first
    # A lower clearance never receives the cached graph of a higher one.
    assert projection(store, viewer=RESTRICTED) is not second


def test_the_change_log_names_what_each_write_touched_to_those_who_could_see_it(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="analyst-1")
    start = store.change_counter()
    renamed = node("per_1").model_copy(update={"name": "Ilyo Varrant-Osk"})
    raised = node("per_2").model_copy(update={"sensitivity": Sensitivity.CONFIDENTIAL})
    store.write(WriteBatch.of([renamed, raised]), actor="analyst-1")
    secret = m.Person(
        id="per_secret", name="Fictional Protected Person", sensitivity=Sensitivity.CONFIDENTIAL
    )
    store.write(WriteBatch.of([secret]), actor="analyst-1")

    everything = store.changes_since(start, viewer=SYSTEM)
    restricted = store.changes_since(start, viewer=RESTRICTED)

    assert everything is not None and restricted is not None
    assert {c.id for c in everything} == {"per_1", "per_2", "per_secret"}
    assert {(c.category, c.kind) for c in everything} == {("node", "Person")}
    # per_2 was visible before it was raised: the restricted viewer must learn
    # it changed (to drop it); per_secret they never could see, not even its id.
    assert {c.id for c in restricted} == {"per_1", "per_2"}
    informant = m.Source(
        id="src_9", name="Fictional informant 9", sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL
    )
    before_source = store.change_counter()
    store.write(WriteBatch.of([informant]), actor="analyst-1")
    # A source above clearance is shown masked, so its change is news, its id not.
    assert store.changes_since(before_source, viewer=RESTRICTED) == [
        ChangedRecord("", "node", "Source")
    ]
    assert store.changes_since(store.change_counter(), viewer=SYSTEM) == []
    assert store.changes_since(-1, viewer=SYSTEM) is None  # before the log began


def _write_lowered_and_hidden(store: GraphStore) -> None:
    """`per_lowered`: version 1 strictly confidential (a codename), version 2
    public under an open name; `per_hidden`: confidential throughout."""
    codename = m.Person(
        id="per_lowered",
        name="Fictional Codename Rowan",
        sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL,
    )
    store.write(WriteBatch.of([codename]), actor="admin")
    lowered = codename.model_copy(
        update={"name": "Fictional Open Name", "sensitivity": Sensitivity.PUBLIC}
    )
    store.write(WriteBatch.of([lowered]), actor="admin")
    hidden = m.Person(
        id="per_hidden", name="Fictional Hidden Name", sensitivity=Sensitivity.CONFIDENTIAL
    )
    store.write(WriteBatch.of([hidden]), actor="admin")


def test_versions_are_read_by_key_within_the_readers_clearance(store: GraphStore) -> None:
    _write_lowered_and_hidden(store)
    keys = [("per_lowered", 2), ("per_lowered", 1), ("per_lowered", 3), ("per_hidden", 1)]

    everything = store.versions([*keys, ("per_nobody", 1)], viewer=SYSTEM)
    assert [(r.record_id, r.version) for r in everything] == [
        ("per_hidden", 1),
        ("per_lowered", 1),
        ("per_lowered", 2),
    ]
    assert [r.record.name for r in everything if r.record_id == "per_lowered"] == [  # type: ignore[union-attr]
        "Fictional Codename Rowan",
        "Fictional Open Name",
    ]
    # Below a version's label, that version (and a record above clearance) stays out.
    seen = store.versions(keys, viewer=RESTRICTED)
    assert [(r.record_id, r.version, r.operation) for r in seen] == [("per_lowered", 2, "update")]
    assert "Rowan" not in repr(seen) and "Hidden" not in repr(seen)
    assert store.versions([], viewer=SYSTEM) == []


def test_histories_read_many_records_at_once_as_history_reads_each(store: GraphStore) -> None:
    """A history snapshot reads every record's versions in one call: the same
    versions, in the same order, as `history` one record at a time, within the
    reader's clearance (a record above it, or a version above it, stays out)."""
    store.write(full_batch(), actor="analyst-1")
    ally = next(r for r in one_of_each_relationship() if r.id == "rel_acc")
    store.write(WriteBatch.of([ally.model_copy(update={"strength": 0.4})]), actor="analyst-2")
    _write_lowered_and_hidden(store)
    ids = [
        *(r.id for r in store.iter_nodes(viewer=SYSTEM)),
        *(r.id for r in store.iter_relationships(viewer=SYSTEM)),
        "per_nobody",
    ]
    for viewer in (SYSTEM, RESTRICTED):
        one_by_one = [rev for rid in sorted(ids) for rev in store.history(rid, viewer=viewer)]
        at_once = store.histories(list(reversed(ids)), viewer=viewer)
        assert [(r.record_id, r.version, r.operation) for r in at_once] == [
            (r.record_id, r.version, r.operation) for r in one_by_one
        ]
        assert [r.record for r in at_once] == [r.record for r in one_by_one]
    seen = store.histories(["per_lowered", "per_hidden"], viewer=RESTRICTED)
    assert [(r.record_id, r.version) for r in seen] == [("per_lowered", 2)]
    assert "Rowan" not in repr(seen) and "Hidden" not in repr(seen)
    assert store.histories([], viewer=SYSTEM) == []
