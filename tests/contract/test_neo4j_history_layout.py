"""History as superseded versions only in Neo4j (issue 13, history layout 2).

A record's current version lives only on its node or relationship; Revision
nodes hold the versions it replaced. These tests look at the database behind
the store, tamper with what only this layout has, and migrate a database
written in the old layout (every version copied into a Revision). All records
are FICTIONAL.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from tests.contract.test_audit_integrity import _people, _problems

pytestmark = pytest.mark.neo4j


def _cypher(store: Any, query: str, **params: Any) -> list[Any]:
    records, _, _ = store._driver.execute_query(query, params, database_=store.database)
    return [tuple(r.values()) for r in records]


def _revisions(store: Any) -> list[tuple[str, int, str]]:
    return _cypher(
        store,
        "MATCH (v:Revision) RETURN v.record_id, v.version, v.operation "
        "ORDER BY v.record_id, v.version",
    )


def _history(store: Any, record_id: str) -> list[tuple[Any, ...]]:
    return [
        (r.version, r.recorded_at, r.recorded_by, r.operation, r.record.model_dump_json())
        for r in store.history(record_id, viewer=SYSTEM)
    ]


def _write_two_versions(store: Any) -> None:
    person = m.Person(id="per_1", name="Fictional One")
    actor = m.ArmedActor(
        id="act_1",
        name="Fictional Front",
        actor_kind="non_state_armed_group",
        structure="decentralised",
    )
    member = m.MemberOf(id="rel_m", source_id="per_1", target_id="act_1", valid_from="2021")
    store.write(WriteBatch.of([person, actor, member]), actor="editor-1")
    store.write(
        WriteBatch.of(
            [
                person.model_copy(update={"name": "Fictional Uno"}),
                member.model_copy(update={"valid_to": "2024-06"}),
            ]
        ),
        actor="editor-2",
    )


def test_a_create_writes_no_revision_and_an_update_moves_the_replaced_version(
    neo4j_session_store: Any,
) -> None:
    store = neo4j_session_store
    store.wipe()
    store.write(WriteBatch.of([m.Person(id="per_0", name="Fictional Zero")]), actor="editor-1")
    assert _revisions(store) == []
    _write_two_versions(store)
    assert _revisions(store) == [("per_1", 1, "create"), ("rel_m", 1, "create")]
    assert _cypher(
        store,
        "MATCH (:Entity)-[r:MEMBER_OF]->(:Entity) RETURN r.version, r.recorded_by, r.operation",
    ) == [(2, "editor-2", "close")]
    assert [(v, by, op) for v, _, by, op, _ in _history(store, "rel_m")] == [
        (1, "editor-1", "create"),
        (2, "editor-2", "close"),
    ]
    assert [r.record.name for r in store.history("per_1", viewer=SYSTEM)] == [  # type: ignore[union-attr]
        "Fictional One",
        "Fictional Uno",
    ]
    assert [
        (r.record_id, r.version)
        for r in store.versions([("rel_m", 2), ("per_1", 1)], viewer=SYSTEM)
    ] == [
        ("per_1", 1),
        ("rel_m", 2),
    ]
    assert store.check_audit().problems == []


def test_a_current_records_stamps_or_its_deletion_are_caught(neo4j_session_store: Any) -> None:
    store = neo4j_session_store
    store.wipe()
    _people(store)
    _cypher(
        store,
        "MATCH (n:Entity {id: 'per_2'}) "
        "SET n.recorded_at = '2001-01-01T00:00:00+00:00', n.recorded_by = 'x'",
    )
    (problem,) = _problems(store)
    assert problem.startswith("record 'per_2' version 1: history says 2001-01-01")
    _cypher(store, "MATCH (n:Entity {id: 'per_1'}) DETACH DELETE n")
    assert (
        "record 'per_1' version 2: committed by entry 2 but missing from history (deleted?)"
        in _problems(store)
    )


def _to_old_layout(store: Any) -> None:
    """What the store held before history layout 2: every version in a Revision
    (the current one copied), no stamps on records, no mark on Meta."""
    for match, alias, category in (
        ("MATCH (n:Entity)", "n", "node"),
        ("MATCH (:Entity)-[r]->(:Entity)", "r", "rel"),
    ):
        a = alias
        _cypher(
            store,
            f"{match} CREATE (v:Revision) SET v.key = {a}.id + '@' + toString({a}.version), "
            f"v.record_id = {a}.id, v.version = {a}.version, v.category = '{category}', "
            f"v.kind = {a}.kind, v.recorded_at = {a}.recorded_at, "
            f"v.recorded_by = {a}.recorded_by, v.operation = {a}.operation, "
            f"v.sensitivity_rank = {a}.sensitivity_rank, v.data = {a}.data "
            f"REMOVE {a}.recorded_at, {a}.recorded_by, {a}.operation",
        )
    _cypher(store, "MATCH (m:Meta {key: 'store'}) REMOVE m.history_layout")


def test_opening_an_old_layout_database_keeps_superseded_versions_only(
    neo4j_session_store: Any,
) -> None:
    from graph.stores.neo4j_store import Neo4jStore

    store = neo4j_session_store
    store.wipe()
    _write_two_versions(store)
    ids = ["per_1", "act_1", "rel_m"]
    shown = {i: _history(store, i) for i in ids}
    _to_old_layout(store)
    assert len(_revisions(store)) == 5  # every version, the three current ones copied
    # A copy edited behind the store's back is evidence: it stays.
    _cypher(
        store,
        "MATCH (v:Revision {key: 'act_1@1'}) SET v.data = replace(v.data, 'Front', 'Back')",
    )
    store.ensure_schema()  # what opening the store does
    assert _revisions(store) == [
        ("act_1", 1, "create"),
        ("per_1", 1, "create"),
        ("rel_m", 1, "create"),
    ]
    assert {i: _history(store, i) for i in ["per_1", "rel_m"]} == {
        i: shown[i] for i in ["per_1", "rel_m"]
    }
    assert [str(p) for p in store.check_audit().problems] == [
        "record 'act_1' version 1: history does not match the hash entry 1 committed to "
        "(edited in the file)"
    ]
    # Opened again: nothing more to do; a new write follows the new layout.
    assert isinstance(store, Neo4jStore)
    store.ensure_schema()
    assert len(_revisions(store)) == 3
    store.write(WriteBatch.of([m.Person(id="per_1", name="Fictional Ein")]), actor="editor-3")
    assert [v for v, *_ in _history(store, "per_1")] == [1, 2, 3]
    assert len(_revisions(store)) == 4
