"""The Neo4j store's own schema: what it creates, and what it drops from a
database an older version created (the per-label `<kind>_id` node indexes,
which no query used and which cost every new node an index entry)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.projection import build_projection
from graph.schema import SCHEMA, NodeKind
from graph.sensitivity import SYSTEM
from graph.stores import neo4j_cypher as cy
from graph.stores.neo4j_store import Neo4jStore
from tests.contract.test_projection_updates import as_comparable
from tests.factories import full_batch

pytestmark = pytest.mark.neo4j


def _indexes(store: Any) -> set[str]:
    return {r["name"] for r in store._read("SHOW INDEXES YIELD name RETURN name")}


def test_opening_a_store_drops_the_unused_label_indexes_and_keeps_the_data(
    neo4j_session_store: Any, neo4j_credentials: dict[str, str]
) -> None:
    store = neo4j_session_store
    store.wipe()
    store.write(full_batch(), actor="analyst-1")
    before = as_comparable(build_projection(store, viewer=SYSTEM))
    # What an older version created on open: one id index per node label.
    old = [
        (name, SCHEMA.label(kind)) for name, kind in zip(cy.UNUSED_INDEXES, NodeKind, strict=True)
    ]
    for name, label in old[:3]:
        store._driver.execute_query(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.id)")
    assert {name for name, _ in old[:3]} <= _indexes(store)

    reopened = Neo4jStore(
        neo4j_credentials["uri"],
        user=neo4j_credentials["user"],
        password=neo4j_credentials["password"],
    )
    try:
        assert not set(cy.UNUSED_INDEXES) & _indexes(reopened)
        assert "entity_id" in _indexes(reopened)
        assert as_comparable(build_projection(reopened, viewer=SYSTEM)) == before
    finally:
        reopened.close()
