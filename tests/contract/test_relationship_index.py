"""The projection's relationship-id index (`graph.projection.relationship_ends`):
what lets `queries.shown` find a relationship named by id without walking every
edge. It must follow the graph through incremental updates: a relationship
written after the projection was cached is found by id in the update, and one
that went out of sight is no longer named. On every store.
"""

from __future__ import annotations

import pytest

from graph import model as m
from graph import projection as proj
from graph.projection import build_projection, projection, relationship_ends
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from queries.shown import records_named
from tests.factories import full_batch

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def edge_index(graph: object) -> dict[str, tuple[str, str]]:
    return {k: (u, v) for u, v, k in graph.edges(keys=True)}  # type: ignore[attr-defined]


def test_a_relationship_named_by_id_is_found_after_an_incremental_update(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(full_batch(), actor="analyst-1")
    before = projection(store, viewer=RESTRICTED)
    assert "rel_fictional_new_access" not in relationship_ends(before)
    updates: list[bool] = []
    real_update = proj._update

    def counting_update(*args: object, **kwargs: object) -> object:
        result = real_update(*args, **kwargs)  # type: ignore[arg-type]
        updates.append(result is not None)
        return result

    monkeypatch.setattr(proj, "_update", counting_update)
    people = sorted(n for n, d in before.nodes(data=True) if d["kind"] == "Person")
    engager = next(n for n, d in before.nodes(data=True) if d.get("engager"))
    new = m.HasAccessTo(
        id="rel_fictional_new_access",
        source_id=engager,
        target_id=people[0],
        quality="regular",
        confidence=0.8,
    )
    # And one person raised out of this viewer's sight: their relationships go.
    hidden = before.nodes[people[-1]]["record"].model_copy(
        update={"sensitivity": Sensitivity.CONFIDENTIAL}
    )
    gone = sorted(k for _, _, k in before.edges(people[-1], keys=True))
    gone += sorted(k for _, _, k in before.in_edges(people[-1], keys=True))
    assert gone, "the fixture's last person has relationships"
    store.write(WriteBatch.of([new, hidden]), actor="analyst-1")

    after = projection(store, viewer=RESTRICTED)
    assert updates == [True], "the projection was updated, not rebuilt"
    answer = {"paths": [{"via": "rel_fictional_new_access", "name": "Fictional access"}]}
    assert [r.id for r in records_named(after, answer)] == ["rel_fictional_new_access"]
    assert records_named(after, {"shown": gone}) == []
    # The old projection, which other sessions may hold, still names what it showed.
    assert {r.id for r in records_named(before, gone)} == set(gone)
    # The index is exactly the updated graph's edges, as a rebuild has them.
    assert dict(relationship_ends(after)) == edge_index(after)
    assert dict(relationship_ends(after)) == edge_index(build_projection(store, viewer=RESTRICTED))
    # A copy to change starts without the index, so its own edges are found.
    mine = after.copy()
    mine.add_edge(engager, people[0], key="rel_fictional_local")
    assert "rel_fictional_local" in relationship_ends(mine)


def test_a_graph_built_by_hand_is_indexed_too() -> None:
    """Unfrozen graphs (hand-built in tests, or copies) are indexed on each
    call, so a later change is never missed."""
    import networkx as nx

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_node("per_a", record="a")
    graph.add_node("per_b", record="b")
    assert relationship_ends(graph) == {}
    graph.add_edge("per_a", "per_b", key="rel_1", record="r1")
    assert relationship_ends(graph) == {"rel_1": ("per_a", "per_b")}
    assert records_named(graph, ["rel_1", "not an id"]) == ["r1"]  # type: ignore[comparison-overlap]
