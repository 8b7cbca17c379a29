"""Editing an Area by template or form keeps its shape's digest (FICTIONAL Verdania).

The shape is stored beside the record and the record carries its digest
(graph.geometry): an edit that does not touch the shape must not leave a
record whose digest is gone while its shape stays stored.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graph import model as m
from graph.schema import NodeKind
from graph.store import GraphStore, WriteBatch
from ingest.boundaries import import_boundaries
from ingest.pipeline import ImportOptions, run_import
from tests.places.conftest import ADMIN
from ui.components import forms


def _area(store: GraphStore, pcode: str) -> m.Area:
    (area,) = [
        a
        for a in store.iter_nodes(NodeKind.AREA, viewer=ADMIN)
        if isinstance(a, m.Area) and a.pcode == pcode
    ]
    return area


def _template(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    columns = sorted({c for r in rows for c in r})
    with (folder / "Area.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_template_edit_of_an_area_keeps_its_geometry_digest(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    before = _area(store, "VD0102")
    assert before.geometry_digest
    edit = {"id": before.id, "name": before.name, "pcode": "VD0102", "admin_level": "2"}
    # Without the column, left blank, or stale (from an export taken before the
    # boundaries were updated): none of them replaces the shape.
    rows = [edit, {**edit, "geometry_digest": ""}, {**edit, "geometry_digest": "0" * 64}]
    for n, row in enumerate(rows):
        described = {**row, "description": f"FICTIONAL district, edit {n}"}
        run_import(store, _template(tmp_path / f"edit{n}", [described]), ImportOptions())
        after = _area(store, "VD0102")
        assert after.description == f"FICTIONAL district, edit {n}"
        assert after.geometry_digest == before.geometry_digest
    assert before.id in store.geometries([before.id], viewer=ADMIN)
    # The history shows the description changing, never the digest.
    versions = store.history(before.id, viewer=ADMIN)
    assert {getattr(v.record, "geometry_digest", None) for v in versions} == {
        before.geometry_digest
    }


def test_a_form_edit_of_an_area_keeps_its_geometry_digest(
    store: GraphStore, boundary_files: dict[str, Path]
) -> None:
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    before = _area(store, "VD0101")
    current = before.model_dump(mode="json")
    # What the Data page's form submits: every field it shows, the description edited.
    shown = {s.name for s in forms.field_specs("Area")}
    values = {k: v for k, v in current.items() if k in shown}
    values["description"] = "FICTIONAL district, edited in the form"
    if "geometry_digest" in shown:  # a field on the form: the analyst cleared it
        values["geometry_digest"] = ""
    values["sources"] = [r["source_id"] for r in current["sources"]]
    record = forms.build_record("Area", values, current=current)
    store.write(WriteBatch.of([record]), actor="analyst")
    after = _area(store, "VD0101")
    assert after.description == "FICTIONAL district, edited in the form"
    assert after.geometry_digest == before.geometry_digest
