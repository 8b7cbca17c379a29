"""import-boundaries: COD-AB GeoJSON and zipped shapefiles into areas with shapes (every store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from graph import model as m
from graph.errors import ImportRejected
from graph.projection import projection
from graph.schema import NodeKind, RelType
from graph.sensitivity import Sensitivity
from graph.store import GraphStore, WriteBatch
from ingest.boundaries import area_id, import_boundaries
from tests.places.conftest import ADMIN, PUBLIC


def _areas(store: GraphStore) -> dict[str, m.Area]:
    return {
        a.pcode: a for a in store.iter_nodes(NodeKind.AREA, viewer=ADMIN) if isinstance(a, m.Area)
    }


def _parents(store: GraphStore) -> dict[str, str]:
    areas = {a.id: a.pcode for a in _areas(store).values()}
    return {
        areas[r.source_id]: areas[r.target_id]
        for r in store.iter_relationships(RelType.PART_OF, viewer=ADMIN)
    }


def test_shapefile_zip_gives_every_level_with_names_parents_and_shapes(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    report = import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    assert report.levels == {0: 1, 1: 2, 2: 4} and report.created == 7 + 6
    areas = _areas(store)
    assert areas["VD0202"].name == "Dunmere" and "Dunmère" in areas["VD0202"].aliases
    assert areas["VD01"].admin_level == 1 and areas["VD"].admin_level == 0
    assert _parents(store) == {
        "VD01": "VD",
        "VD02": "VD",
        "VD0101": "VD01",
        "VD0102": "VD01",
        "VD0201": "VD02",
        "VD0202": "VD02",
    }
    shapes = store.geometries([areas["VD0102"].id], viewer=ADMIN)
    assert shape(json.loads(shapes[areas["VD0102"].id])).contains(Point(31.5, 2))
    assert not shape(json.loads(shapes[areas["VD0102"].id])).contains(Point(30.5, 2))


def test_geojson_levels_link_to_a_country_imported_before(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    import_boundaries(store, boundary_files["adm0"], actor="t", viewer=ADMIN)
    report = import_boundaries(store, boundary_files["geojson"], actor="t", viewer=ADMIN)
    assert report.levels == {1: 2, 2: 4} and report.unlinked == []
    assert _parents(store)["VD02"] == "VD" and _parents(store)["VD0201"] == "VD02"


def test_level_option_imports_one_level_and_reports_unknown_parents(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    report = import_boundaries(store, boundary_files["geojson"], actor="t", viewer=ADMIN, level=1)
    assert report.levels == {1: 2}
    assert set(_areas(store)) == {"VD01", "VD02"}
    assert [u.split()[0] for u in report.unlinked] == ["VD01", "VD02"]


def test_reimport_is_idempotent_and_the_pcode_is_the_identity(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    # An analyst typed the district in before the boundaries arrived.
    store.write(
        WriteBatch.of([m.Area(id="are_typed", name="Brune district", pcode="VD0102")]),
        actor="analyst",
    )
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    counter = store.change_counter()
    again = import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    assert again.created == again.updated == 0 and store.change_counter() == counter
    areas = _areas(store)
    assert len(areas) == 7
    typed = areas["VD0102"]
    assert typed.id == "are_typed" and typed.name == "Brune district"
    assert {"Brune", "Brunes"} <= set(typed.aliases) and typed.geometry_digest
    assert areas["VD0101"].id == area_id("VD0101")


def test_broken_file_names_feature_and_field_and_writes_nothing(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    import_boundaries(store, boundary_files["adm0"], actor="t", viewer=ADMIN)
    counter = store.change_counter()
    with pytest.raises(ImportRejected) as caught:
        import_boundaries(store, boundary_files["broken"], actor="t", viewer=ADMIN)
    found = {(e.file, e.row, e.field) for e in caught.value.errors}
    assert found == {("broken.geojson", 2, "geometry"), ("broken.geojson", 3, "ADM1_PCODE")}
    assert "Self-intersection" in str(caught.value)
    assert store.change_counter() == counter and set(_areas(store)) == {"VD"}


def test_projected_coordinates_are_refused(store: GraphStore, tmp_path: Path) -> None:
    metres = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ADM1_PCODE": "VD01", "ADM1_EN": "Nordmark"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[500000, 100000], [600000, 100000], [600000, 200000], [500000, 100000]]
                    ],
                },
            }
        ],
    }
    path = tmp_path / "utm.geojson"
    path.write_text(json.dumps(metres))
    with pytest.raises(ImportRejected) as caught:
        import_boundaries(store, path, actor="t", viewer=ADMIN)
    assert caught.value.errors[0].field == "geometry" and "EPSG:4326" in str(caught.value)
    assert _areas(store) == {}


def test_shapes_stay_out_of_the_projection_and_follow_clearance(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN, level=1)
    import_boundaries(
        store,
        boundary_files["shapefile"],
        actor="t",
        viewer=ADMIN,
        level=2,
        sensitivity=Sensitivity.CONFIDENTIAL,
    )
    graph = projection(store, viewer=ADMIN)
    for _, data in graph.nodes(data=True):
        assert "coordinates" not in json.dumps(data["record"].model_dump(mode="json"))
    assert len(store.geometries(viewer=ADMIN)) == 6
    public = store.geometries(viewer=PUBLIC)
    assert set(public) == {_areas(store)["VD01"].id, _areas(store)["VD02"].id}
