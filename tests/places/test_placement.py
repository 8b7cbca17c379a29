"""Event placement: ACLED and UCDP events go to the gazetteer's areas by coordinates, by
admin names as a fallback, and are reported when neither places them (every store)."""

from __future__ import annotations

import csv
from pathlib import Path

from graph import model as m
from graph.schema import NodeKind, RelType
from graph.store import GraphStore
from ingest.boundaries import import_boundaries
from ingest.placement import place_stored_events
from tests.ingest.helpers import load
from tests.places.conftest import ADMIN

FICTION = "FICTIONAL test data: every name, place and event in this file is invented."
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "inter1",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "notes", "fatalities",
]  # fmt: skip

# (id, lon, lat, country, admin1, admin2): inside Brune, on the Astel|Brune border,
# outside every shape but named (Sudmark / Cordel), outside with only the country
# known, no coordinates, and outside in a country the gazetteer does not hold.
EVENTS = [
    ("VDA1", "31.5", "2.0", "Verdania", "Nordmark", "Brune"),
    ("VDA2", "31.0", "2.0", "Verdania", "Nordmark", ""),
    ("VDA3", "50.0", "10.0", "Verdania", "Marche du Sud", "Cordelle"),
    ("VDA4", "50.0", "10.0", "Verdania", "Westmark", "Nowhere"),
    ("VDA5", "", "", "Verdania", "Sudmark", ""),
    ("VDA6", "50.0", "10.0", "Ostland", "Westmark", ""),
]


def _acled(tmp_path: Path, events: list[tuple[str, ...]] = EVENTS) -> Path:
    path = tmp_path / "acled_verdania.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ACLED_COLUMNS)
        for key, lon, lat, country, adm1, adm2 in events:
            w.writerow(
                [key, "2025-04-02", "Battles", "Armed clash", "Verdanian Border Guard", "1",
                 country, adm1, adm2, f"Place {key}", lat, lon, FICTION, "1"]
            )  # fmt: skip
    return path


def _where(store: GraphStore) -> dict[str, list[str]]:
    """ACLED event id -> P-codes of the areas its incident occurred in."""
    nodes = {n.id: n for n in store.iter_nodes(viewer=ADMIN)}
    found: dict[str, list[str]] = {}
    for r in store.iter_relationships(RelType.OCCURRED_IN, viewer=ADMIN):
        incident, area = nodes[r.source_id], nodes[r.target_id]
        assert isinstance(incident, m.Incident) and isinstance(area, m.Area)
        key = (incident.notes or "").split(";")[0].removeprefix("ACLED event ")
        found.setdefault(key, []).append(area.pcode)
    return {k: sorted(v) for k, v in found.items()}


def _pcodes(store: GraphStore) -> set[str]:
    return {a.pcode for a in store.iter_nodes(NodeKind.AREA, viewer=ADMIN) if isinstance(a, m.Area)}


def test_events_go_to_the_deepest_area_by_point_then_by_names(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    report = load(store, _acled(tmp_path))
    where = _where(store)
    assert where["VDA1"] == ["VD0102"]
    # On the shared border: in one of the two districts, the same one every time.
    assert where["VDA2"] in (["VD0101"], ["VD0102"])
    assert where["VDA3"] == ["VD0201"]  # by its names (French aliases) under Sudmark
    assert where["VDA4"] == ["VD"] and where["VDA5"] == ["VD02"]
    assert "VDA6" not in where
    assert [w for w in report.warnings if "not placed" in w] == [
        "acled_verdania.csv, row 7: not placed: at 50.0,10.0 (outside every area), "
        "and admin names (Ostland / Westmark) match no area"
    ]
    # No placeholder area when a gazetteer is loaded.
    assert not any(p.startswith("ZZ") for p in _pcodes(store))
    incident = next(
        i for i in store.iter_nodes(NodeKind.INCIDENT, viewer=ADMIN) if "VDA1" in (i.notes or "")
    )
    assert isinstance(incident, m.Incident) and (incident.longitude, incident.latitude) == (31.5, 2)


def test_place_events_moves_earlier_imports_into_a_later_gazetteer(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    load(store, _acled(tmp_path))
    assert all(p.startswith("ZZ") for ps in _where(store).values() for p in ps)
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    report = place_stored_events(store, actor="t", viewer=ADMIN)
    assert (report.placed, report.by_coordinates, report.by_names) == (5, 2, 3)
    assert len(report.unplaced) == 1 and "outside every area" in report.unplaced[0]
    real = {k: [p for p in v if not p.startswith("ZZ")] for k, v in _where(store).items()}
    assert real["VDA1"] == ["VD0102"] and real["VDA3"] == ["VD0201"]
    assert real["VDA5"] == ["VD02"] and real["VDA4"] == ["VD"] and real["VDA6"] == []
    counter = store.change_counter()
    again = place_stored_events(store, actor="t", viewer=ADMIN)
    assert again.placed == 0 and again.already == 5 and store.change_counter() == counter


def test_without_a_gazetteer_events_keep_placeholder_areas(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, _acled(tmp_path))
    assert _where(store)["VDA1"] and all(p.startswith("ZZ") for p in _where(store)["VDA1"])


def test_ucdp_events_are_placed_by_their_coordinates(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    import_boundaries(store, boundary_files["geojson"], actor="t", viewer=ADMIN)
    path = tmp_path / "ged_verdania.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "type_of_violence", "side_a", "side_a_new_id", "side_b",
                    "side_b_new_id", "date_start", "date_end", "country", "adm_1",
                    "latitude", "longitude", "best", "source_headline"])  # fmt: skip
        w.writerow(["71", "1", "Government of Verdania", "801", "Brune Liberation Front",
                    "802", "2025-02-01", "2025-02-01", "Verdania", "Sudmark",
                    "2.5", "33.5", "2", FICTION])  # fmt: skip
    report = load(store, path)
    assert report.errors == []
    nodes = {n.id: n for n in store.iter_nodes(viewer=ADMIN)}
    placed = [
        nodes[r.target_id] for r in store.iter_relationships(RelType.OCCURRED_IN, viewer=ADMIN)
    ]
    assert [a.pcode for a in placed if isinstance(a, m.Area)] == ["VD0202"]
    assert not any(p.startswith("ZZ") for p in _pcodes(store))
