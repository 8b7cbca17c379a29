"""place-events moves an incident into its gazetteer area: one area, not two (FICTIONAL Verdania).

Events imported before the boundaries sit in placeholder (`ZZ…`) areas; once
`place-events` puts each in its real district, the placeholder link is
withdrawn with history, so what happened in an area is counted once.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from graph import model as m
from graph.projection import build_projection
from graph.schema import NodeKind
from graph.store import GraphStore
from ingest.boundaries import import_boundaries
from ingest.placement import place_stored_events
from queries.timeline_view import timeline
from tests.ingest.helpers import load
from tests.places.conftest import ADMIN
from tests.places.test_placement import ACLED_COLUMNS, FICTION, _acled

BEFORE = date(2025, 1, 1)  # the events are dated 2025-04-02
BETWEEN = date(2025, 6, 1)


def _areas_of(graph: nx.MultiDiGraph[str]) -> dict[str, list[str]]:
    """ACLED event key ("VDA1") -> P-codes of the areas the projection puts it in."""
    out: dict[str, list[str]] = {}
    for incident, attrs in graph.nodes(data=True):
        if attrs["kind"] != "Incident":
            continue
        key = attrs["name"].split("Place ", 1)[1].split(" ", 1)[0]
        out[key] = sorted(
            graph.nodes[a]["record"].pcode
            for _, a, d in graph.out_edges(incident, data=True)
            if d["type"] == "OCCURRED_IN"
        )
    return out


def _area(store: GraphStore, pcode: str) -> str:
    (area,) = [
        a.id
        for a in store.iter_nodes(NodeKind.AREA, viewer=ADMIN)
        if isinstance(a, m.Area) and a.pcode == pcode
    ]
    return area


def _incidents(items: list[dict[str, Any]]) -> list[str]:
    return sorted(i["label"] for i in items if i["lane"] == "incident")


def _edges(graph: nx.MultiDiGraph[str]) -> list[tuple[str, str, str]]:
    return sorted(graph.edges(keys=True))


def test_place_events_withdraws_the_placeholder_link_so_each_event_is_in_one_area(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    load(store, _acled(tmp_path))
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    early = _edges(build_projection(store, viewer=ADMIN, as_of=BEFORE))
    before = build_projection(store, viewer=ADMIN)
    (old_area,) = [
        a
        for i, d in before.nodes(data=True)
        if "Place VDA1 " in d["name"]
        for _, a, t in before.out_edges(i, data="type")
        if t == "OCCURRED_IN"
    ]

    report = place_stored_events(store, actor="t", viewer=ADMIN)

    for view in (
        build_projection(store, viewer=ADMIN),
        build_projection(store, viewer=ADMIN, as_of=BETWEEN),
    ):
        where = _areas_of(view)
        assert where["VDA1"] == ["VD0102"] and where["VDA3"] == ["VD0201"]
        assert all(len(p) == 1 for p in where.values())
        # The one event no area holds keeps the placeholder the source gave it.
        assert where["VDA6"][0].startswith("ZZ")
    assert report.placed == 5 and len(report.withdrawn) == 5
    graph = build_projection(store, viewer=ADMIN)
    assert before.nodes[old_area]["record"].pcode.startswith("ZZ")
    assert "Place VDA1" not in " ".join(_incidents(timeline(graph, old_area)))
    assert len(_incidents(timeline(graph, _area(store, "VD0102")))) == 1
    # Withdrawn, not deleted: the placeholder link's history says by what.
    versions = store.history(report.withdrawn[0], viewer=ADMIN)
    assert [v.version for v in versions] == [1, 2]
    assert versions[-1].record.__dict__["withdrawn_by"] == "place-events"
    # A day before the events: the answer has not moved.
    assert _edges(build_projection(store, viewer=ADMIN, as_of=BEFORE)) == early
    # A second run has nothing left to do.
    counter = store.change_counter()
    again = place_stored_events(store, actor="t", viewer=ADMIN)
    assert again.withdrawn == [] and store.change_counter() == counter


def test_an_area_timeline_at_a_past_date_does_not_move_when_later_events_arrive(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    load(store, _acled(tmp_path))
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    place_stored_events(store, actor="t", viewer=ADMIN)
    nordmark = _area(store, "VD01")
    then = timeline(build_projection(store, viewer=ADMIN, as_of=BETWEEN), nordmark)
    assert _incidents(then) and len(_incidents(then)) == len(set(_incidents(then)))
    later = tmp_path / "later.csv"
    with later.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ACLED_COLUMNS)
        w.writerow(
            ["VDA9", "2025-09-01", "Battles", "Armed clash", "Verdanian Border Guard", "1",
             "Verdania", "Nordmark", "Brune", "Place VDA9", "2.0", "31.5", FICTION, "1"]
        )  # fmt: skip
    load(store, later)
    place_stored_events(store, actor="t", viewer=ADMIN)
    assert timeline(build_projection(store, viewer=ADMIN, as_of=BETWEEN), nordmark) == then
    now = _incidents(timeline(build_projection(store, viewer=ADMIN), nordmark))
    assert any("Place VDA9" in label for label in now)
