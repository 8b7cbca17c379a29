"""After a small write the cached projection is updated, not rebuilt, and the
update is exactly the graph a full rebuild gives: on both stores, for every
viewer clearance and question date.
"""

from __future__ import annotations

import gc
import weakref
from datetime import date
from typing import Any

import networkx as nx
import pytest

from graph import model as m
from graph import projection as proj
from graph.projection import build_projection, projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from queries.constraints import PathConstraints
from queries.gaps import gaps
from queries.leverage import influence_graph
from tests.factories import full_batch, one_of_each_node, one_of_each_relationship

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def as_comparable(graph: nx.MultiDiGraph[str]) -> tuple[Any, ...]:
    nodes = {n: dict(d) for n, d in graph.nodes(data=True)}
    edges = {(u, v, k): dict(d) for u, v, k, d in graph.edges(keys=True, data=True)}
    return nodes, edges, dict(graph.graph)


def node(node_id: str) -> m.AnyNode:
    return next(n for n in one_of_each_node() if n.id == node_id)


def rel(rel_id: str) -> m.AnyRelationship:
    return next(r for r in one_of_each_relationship() if r.id == rel_id)


# Each is a small write a field officer makes after a mission.
EDITS: dict[str, list[m.AnyRecord]] = {
    "rename a commander": [node("per_1").model_copy(update={"name": "Ilyo Varrant-Osk"})],
    "new person and access": [
        m.Person(id="per_9", name="Fictional Newcomer"),
        m.HasAccessTo(
            id="rel_acc9", source_id="org_1", target_id="per_9", quality="regular", confidence=0.8
        ),
    ],
    "alliance closed": [rel("rel_ally").model_copy(update={"valid_to": "2023-06"})],
    "person raised to confidential": [
        node("per_2").model_copy(update={"sensitivity": Sensitivity.CONFIDENTIAL})
    ],
    "influence re-scored": [rel("rel_inf").model_copy(update={"strength": 0.2})],
}


@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("viewer", [SYSTEM, RESTRICTED], ids=["full", "restricted"])
@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1)], ids=["all-time", "2024"])
def test_updated_projection_equals_a_full_rebuild(
    store: GraphStore, edit: str, viewer: Viewer, as_of: date | None
) -> None:
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=viewer, as_of=as_of)
    before_content = as_comparable(before)
    store.write(WriteBatch.of(EDITS[edit]), actor="analyst-1")

    updated = proj.update_projection(before, store, viewer=viewer, as_of=as_of)

    assert updated is not None, "a small write should update, not rebuild"
    assert as_comparable(updated) == as_comparable(
        build_projection(store, viewer=viewer, as_of=as_of)
    )
    # The cached graph other callers may hold is untouched.
    assert as_comparable(before) == before_content


def test_projection_after_a_write_uses_the_update(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(full_batch(), actor="analyst-1")
    first = projection(store, viewer=SYSTEM)
    frozen_before = as_comparable(first)

    def no_rebuild(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rebuilt the whole projection after a one-record write")

    monkeypatch.setattr(proj, "_build", no_rebuild)
    store.write(WriteBatch.of(EDITS["new person and access"]), actor="analyst-1")
    second = projection(store, viewer=SYSTEM)

    assert "per_9" in second and second.has_edge("org_1", "per_9", "rel_acc9")
    assert "per_9" not in first and as_comparable(first) == frozen_before
    assert nx.is_frozen(second)


def test_a_reader_of_an_old_projection_sees_it_and_its_index_unchanged_after_updates(
    store: GraphStore,
) -> None:
    """Updates share the relationship-id index (and most of the graph) with
    the projection they start from: a session still holding that projection
    must keep reading it as it was, through every later update."""
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=SYSTEM)
    content, index = as_comparable(before), dict(proj.relationship_ends(before))
    for edit in sorted(EDITS):  # each update starts from the one before
        store.write(WriteBatch.of(EDITS[edit]), actor="analyst-1")
        after = projection(store, viewer=SYSTEM)
        edges = {k: (u, v) for u, v, k in after.edges(keys=True)}
        assert dict(proj.relationship_ends(after)) == edges
        assert len(proj.relationship_ends(after)) == len(edges)
    assert as_comparable(after) == as_comparable(build_projection(store, viewer=SYSTEM))
    assert as_comparable(before) == content
    assert dict(proj.relationship_ends(before)) == index


def test_a_superseded_projection_and_its_analyses_are_freed(store: GraphStore) -> None:
    """A server that keeps every projection a page once analysed grows after
    each write until it is killed: after the next write's projection replaces
    it, the old one must go, and without waiting for a full garbage collection
    (a pause of seconds at country scale). What it remembered (its collapsed
    influence graph) is freed a piece at a time off the caller's thread, which
    `wait_released` waits for; the cyclic collector stays off throughout."""
    store.write(full_batch(), actor="analyst-1")
    first = projection(store, viewer=SYSTEM)
    collapsed = influence_graph(first)  # remembered on the projection, and refers to it
    gaps(first)
    list(first.edges), list(collapsed.digraph.edges)  # networkx caches views that refer back
    gone, collapsed_gone = weakref.ref(first), weakref.ref(collapsed.digraph)
    del first, collapsed

    gc.disable()
    try:
        store.write(WriteBatch.of(EDITS["new person and access"]), actor="analyst-1")
        second = projection(store, viewer=SYSTEM)
        assert proj.wait_released(timeout=60)
        assert gone() is None and collapsed_gone() is None, "freed as soon as superseded"
    finally:
        gc.enable()
    assert "per_9" in second


def test_an_analysis_a_session_still_holds_survives_its_projection_being_superseded(
    store: GraphStore,
) -> None:
    """The release of a superseded projection's analyses never takes apart one
    that a caller still holds: a page holding the old collapsed graph (or only
    its digraph, or a table of it) keeps reading it whole."""
    store.write(full_batch(), actor="analyst-1")
    first = projection(store, viewer=SYSTEM)
    collapsed = influence_graph(first)
    digraph = influence_graph(first, PathConstraints(min_confidence=0.0)).digraph
    succ = vars(influence_graph(first, PathConstraints(min_confidence=0.1)).digraph)["_succ"]
    expected = (
        sorted(collapsed.digraph.edges(data="rel")),
        sorted(nx.DiGraph(digraph).edges(data="rel")),
        sorted((u, v) for u, nbrs in succ.items() for v in nbrs),
    )
    assert expected[0] and expected[1] and expected[2]
    del first

    store.write(WriteBatch.of(EDITS["new person and access"]), actor="analyst-1")
    projection(store, viewer=SYSTEM)
    assert proj.wait_released(timeout=60)

    assert sorted(collapsed.digraph.edges(data="rel")) == expected[0]
    assert collapsed.graph.number_of_nodes() > 0
    assert sorted(nx.DiGraph(digraph).edges(data="rel")) == expected[1]
    assert sorted((u, v) for u, nbrs in succ.items() for v in nbrs) == expected[2]


def test_a_changed_source_rebuilds_so_its_masking_reaches_every_citation(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=RESTRICTED)
    source = node("src_1").model_copy(update={"sensitivity": Sensitivity.PUBLIC})
    store.write(WriteBatch.of([source]), actor="analyst-1")

    assert proj.update_projection(before, store, viewer=RESTRICTED) is None
    after = projection(store, viewer=RESTRICTED)
    assert as_comparable(after) == as_comparable(build_projection(store, viewer=RESTRICTED))


def test_a_new_masked_source_and_its_citation_appear_as_after_a_rebuild(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=RESTRICTED)
    informant = m.Source(
        id="src_9", name="Fictional informant 9", sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL
    )
    citation = m.Cites(id="rel_cites9", source_id="inc_1", target_id="src_9")
    store.write(WriteBatch.of([informant, citation]), actor="analyst-1")

    after = projection(store, viewer=RESTRICTED)
    assert after is not before
    assert as_comparable(after) == as_comparable(build_projection(store, viewer=RESTRICTED))
    assert "src_9" not in after  # known only by its pseudonym
    assert not any("Fictional informant" in str(d.get("name")) for _, d in after.nodes(data=True))


def test_a_large_write_rebuilds(store: GraphStore) -> None:
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=SYSTEM)
    people = [m.Person(id=f"per_{i:03d}", name=f"Fictional Person {i}") for i in range(150)]
    store.write(WriteBatch.of(people), actor="analyst-1")

    assert proj.update_projection(before, store, viewer=SYSTEM) is None
    assert len(projection(store, viewer=SYSTEM)) == len(before) + 150


# The pair rule (graph.timeline): an inferred alliance seen in early 2023 is
# ended by the opposition recorded from 2023-07 (rel_opp). Each case: what is
# stored first, the edit, and whether the alliance holds on 2024-01-01 after it.
INFERRED_ALLY = rel("rel_ally").model_copy(
    update={
        "basis": m.Basis.INFERRED,
        "valid_from": None,
        "valid_to": None,
        "first_cited": "2023-01",
        "last_cited": "2023-05",
    }
)
PAIR_CASES: dict[str, tuple[list[m.AnyRecord], list[m.AnyRecord], bool]] = {
    "opposition after the alliance's evidence ends it": ([], [INFERRED_ALLY], False),
    "opposition re-dated after the question day gives the alliance back": (
        [INFERRED_ALLY],
        [rel("rel_opp").model_copy(update={"valid_from": "2024-02"})],
        True,
    ),
    "fresh alliance evidence overlaps the opposition: contested": (
        [INFERRED_ALLY],
        [INFERRED_ALLY.model_copy(update={"last_cited": "2023-09"})],
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(PAIR_CASES))
def test_contrary_evidence_is_applied_alike_on_update_and_rebuild(
    store: GraphStore, case: str
) -> None:
    first, edit, holds = PAIR_CASES[case]
    day = date(2024, 1, 1)
    replaced = {r.id for r in first}
    batch = full_batch()
    batch.relationships = [r for r in batch.relationships if r.id not in replaced]
    store.write(WriteBatch.of([*batch.nodes, *batch.relationships, *first]), actor="analyst-1")
    before = projection(store, viewer=SYSTEM, as_of=day)
    store.write(WriteBatch.of(edit), actor="analyst-1")

    updated = proj.update_projection(before, store, viewer=SYSTEM, as_of=day)
    rebuilt = build_projection(store, viewer=SYSTEM, as_of=day)

    assert updated is not None
    assert as_comparable(updated) == as_comparable(rebuilt)
    assert rebuilt.has_edge("act_1", "act_2", "rel_ally") is holds
    assert rebuilt.has_edge("act_2", "act_1", "rel_opp") is ("re-dated" not in case)
    # Without a date (the whole history) no tie is ever ended.
    assert build_projection(store, viewer=SYSTEM).has_edge("act_1", "act_2", "rel_ally")
