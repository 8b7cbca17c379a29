"""Neo4j plans each query shape on its first use: the first projection update
after a process started cost 17 % of a rebuild at M, later ones 1 %. The
store prepares those reads beside the first projection build
(`Neo4jStore.prepare_updates`); preparing must read only, change nothing, and
cover every shape an update runs."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from neo4j import RoutingControl

from graph.projection import build_projection, projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import WriteBatch
from graph.stores import neo4j_cypher as cy
from graph.stores.neo4j_store import PREPARED_LIST_SIZES
from tests.contract.test_projection_updates import EDITS, as_comparable
from tests.factories import full_batch

pytestmark = pytest.mark.neo4j

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def _recording(store: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every query the store's driver runs from now on, with its routing."""
    seen: list[tuple[str, Any]] = []
    run = store._driver.execute_query

    def recorded(query: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((str(query), kwargs.get("routing_", RoutingControl.WRITE)))
        return run(query, *args, **kwargs)

    monkeypatch.setattr(store._driver, "execute_query", recorded)
    return seen


@pytest.fixture
def store(neo4j_session_store: Any) -> Any:
    """The session's Neo4j store, holding the full fictional batch, not yet prepared."""
    neo4j_session_store.wipe()
    neo4j_session_store.write(full_batch(), actor="analyst-1")
    neo4j_session_store._updates_prepared = False  # an earlier test may have prepared it
    return neo4j_session_store


def test_preparing_updates_only_reads_and_changes_nothing(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter, audit = store.change_counter(), store.audit_log()
    before = as_comparable(build_projection(store, viewer=SYSTEM))
    store._updates_prepared = False  # that build prepared it
    seen = _recording(store, monkeypatch)

    store.prepare_updates(viewer=RESTRICTED, as_of=date(2024, 1, 1))

    assert seen and all(routing == RoutingControl.READ for _, routing in seen)
    # Planned once per size class of its list of ids (the server plans each anew).
    assert [q for q, _ in seen].count(cy.RELATIONSHIPS_BY_ID) == len(PREPARED_LIST_SIZES)
    monkeypatch.undo()
    assert store.change_counter() == counter
    assert store.audit_log() == audit
    assert as_comparable(build_projection(store, viewer=SYSTEM)) == before


def test_the_first_build_prepares_updates_once_and_the_update_still_equals_a_rebuild(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _recording(store, monkeypatch)

    first = projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))
    by_id_after_build = [q for q, _ in seen].count(cy.RELATIONSHIPS_BY_ID)
    build_projection(store, viewer=SYSTEM)  # a second build prepares nothing again
    store.write(WriteBatch.of(EDITS["new person and access"]), actor="analyst-1")
    updated = projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))

    assert by_id_after_build == len(PREPARED_LIST_SIZES)
    # + the update's own lookup
    assert [q for q, _ in seen].count(cy.RELATIONSHIPS_BY_ID) == len(PREPARED_LIST_SIZES) + 1
    assert updated is not first and updated.has_edge("org_1", "per_9", "rel_acc9")
    rebuilt = build_projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))
    assert as_comparable(updated) == as_comparable(rebuilt)


def test_the_first_build_prepares_only_once_the_listings_have_arrived(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Preparing beside the listing queries had the server plan while it also
    served them, on the same cores: it starts once both listings are in."""
    seen = _recording(store, monkeypatch)
    listings = [cy.iter_nodes(None), cy.iter_relationships(None)]
    run = store._driver.execute_query

    def slow_listings(query: Any, *args: Any, **kwargs: Any) -> Any:
        if str(query) in listings:
            time.sleep(0.5)  # a big listing: a preparation started early runs meanwhile
        return run(query, *args, **kwargs)

    monkeypatch.setattr(store._driver, "execute_query", slow_listings)

    projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))

    queries = [q for q, _ in seen]
    assert all(q in queries for q in listings)
    prepared = [i for i, q in enumerate(queries) if q in (cy.CHANGES_SINCE, cy.RELS_TOUCHING)]
    assert prepared and max(queries.index(q) for q in listings) < min(prepared)
