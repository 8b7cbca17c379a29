"""Neo4j plans each query shape on its first use: the first projection update
after a process started cost 17 % of a rebuild at M, later ones 1 %. The
store prepares those reads beside the first projection build
(`Neo4jStore.prepare_updates`); preparing must read only, change nothing, and
cover every shape an update runs."""

from __future__ import annotations

import math
import time
from datetime import date
from typing import Any

import pytest
from neo4j import RoutingControl

from graph.projection import build_projection, projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import WriteBatch
from graph.stores import neo4j_cypher as cy
from tests.contract.test_projection_updates import EDITS, as_comparable
from tests.factories import full_batch

pytestmark = pytest.mark.neo4j

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def _recording(
    store: Any, monkeypatch: pytest.MonkeyPatch, shapes: list[tuple[str, int]] | None = None
) -> list[tuple[str, Any]]:
    """Every query the store's driver runs from now on, with its routing (and
    in `shapes`, with the size class of its list of ids: see `_size_class`)."""
    seen: list[tuple[str, Any]] = []
    run = store._driver.execute_query

    def recorded(query: Any, parameters: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen.append((str(query), kwargs.get("routing_", RoutingControl.WRITE)))
        if shapes is not None:
            shapes.append((str(query), _size_class((parameters or {}).get("ids"))))
        return run(query, parameters, *args, **kwargs)

    monkeypatch.setattr(store._driver, "execute_query", recorded)
    return seen


def _size_class(ids: list[str] | None) -> int:
    """What the server caches a plan by besides the text: the size class of a
    list parameter, measured on 5.26 as 0, 1, 2-10, 11-100, 101-1000, ... items
    (a list in a new class is planned again, about 3 s of the server's CPU for
    the by-id query over every relationship type)."""
    if ids is None:
        return -2
    return math.ceil(math.log10(len(ids))) if ids else -1


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
    # Planned once: its lists of ids are padded to one size class.
    assert [q for q, _ in seen].count(cy.RELATIONSHIPS_BY_ID) == 1
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

    assert by_id_after_build == 1
    # + the update's own lookup
    assert [q for q, _ in seen].count(cy.RELATIONSHIPS_BY_ID) == 2
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


@pytest.mark.parametrize(
    "edit", ["new person and access", "rename a commander", "influence re-scored"]
)
def test_an_update_runs_only_the_shapes_the_first_build_prepared(
    store: Any, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """Each read of the first update after start has a plan in the server's
    cache: same text, same size class of its list of ids, whatever the
    numbers of changed nodes and relationships (none, one, several)."""
    shapes: list[tuple[str, int]] = []
    _recording(store, monkeypatch, shapes)
    projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))
    prepared = set(shapes)
    shapes.clear()
    store.write(WriteBatch.of(EDITS[edit]), actor="analyst-1")
    shapes.clear()

    updated = projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))

    by_id = {cy.NODES_BY_ID, cy.RELATIONSHIPS_BY_ID, cy.RELS_TOUCHING}
    assert {q for q, _ in shapes} & by_id
    assert [s for s in shapes if s not in prepared] == []
    rebuilt = build_projection(store, viewer=SYSTEM, as_of=date(2024, 1, 1))
    assert as_comparable(updated) == as_comparable(rebuilt)
