"""What only the Neo4j store has to prove: URIs a team uses, named constraints, idempotence."""

from __future__ import annotations

import pytest

from graph import model as m
from graph.errors import StoreUnavailable
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch

pytestmark = pytest.mark.neo4j


def test_routing_uri_works_against_a_single_server(
    neo4j_credentials: dict[str, str], neo4j_session_store
) -> None:  # type: ignore[no-untyped-def]
    from graph.stores.neo4j_store import Neo4jStore

    neo4j_session_store.wipe()
    uri = neo4j_credentials["uri"].replace("bolt://", "neo4j://")
    store = Neo4jStore(uri, user=neo4j_credentials["user"], password=neo4j_credentials["password"])
    try:
        store.write(WriteBatch.of([m.Person(id="per_r", name="Fictional Routed")]), actor="t")
        assert store.get("per_r", viewer=SYSTEM) is not None
    finally:
        store.close()


def test_schema_setup_is_idempotent_and_names_every_constraint(neo4j_session_store) -> None:  # type: ignore[no-untyped-def]
    store = neo4j_session_store
    store.ensure_schema()
    store.ensure_schema()
    records, _, _ = store._driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type", database_=store.database
    )
    names = {r["name"] for r in records}
    assert {"entity_id", "revision_key", "audit_seq", "user_name"} <= names
    assert {f"{t.value.lower()}_id" for t in RelType} <= names
    kinds = {r["type"] for r in records}
    assert {"UNIQUENESS", "RELATIONSHIP_UNIQUENESS"} <= kinds
    assert len(NodeKind) and len(records) == len(names)


def test_unreachable_server_and_bad_credentials_fail_cleanly(
    neo4j_credentials: dict[str, str],
) -> None:
    from graph.stores.neo4j_store import Neo4jStore

    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j") as caught:
        Neo4jStore(
            "bolt://127.0.0.1:1", user="neo4j", password="irrelevant-pw", connection_timeout=2.0
        )
    assert "irrelevant-pw" not in str(caught.value)
    with pytest.raises(StoreUnavailable, match="refused the credentials") as caught:
        Neo4jStore(neo4j_credentials["uri"], user="neo4j", password="wrong-password-xyz")
    assert "wrong-password-xyz" not in str(caught.value)
