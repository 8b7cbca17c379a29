"""Shapes for records that exist: sites, routes and areas drawn in a GIS, by record id.

Checkpoints, screening sites and crossing points are points; evacuation and
supply routes are lines; areas are polygons. An analyst enters the site in the
template or a form (its kind, who controls or operates it, as of when) and
draws it in QGIS or on paper; this attaches the drawing: a GeoJSON
FeatureCollection whose features carry the record's `id` in their properties.

Like every import: every feature is checked first (the record exists and is
a place, the geometry fits its kind and is valid); any problem rejects the
file, naming the feature and field, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from graph import model as m
from graph.errors import ImportRejected, RowError
from graph.geometry import (
    AREA_TYPES,
    LINE_TYPES,
    POINT_TYPES,
    GeometryProblem,
    digest,
    parse_geometry,
    to_geojson,
)
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch, WriteReport
from ingest.boundaries import feature_problem, read_features

_ROUTES = {m.SiteKind.EVACUATION_ROUTE, m.SiteKind.SUPPLY_ROUTE}


def allowed_shapes(record: m.Area | m.Site) -> frozenset[str]:
    """The geometry types a place may have: areas polygons, routes lines, sites points."""
    if isinstance(record, m.Area):
        return AREA_TYPES
    if record.site_kind in _ROUTES:
        return LINE_TYPES
    if record.site_kind == m.SiteKind.OTHER:
        return POINT_TYPES | LINE_TYPES | AREA_TYPES
    return POINT_TYPES


def attach_shapes(
    store: GraphStore, path: Path, *, actor: str, viewer: Viewer, dry_run: bool = False
) -> WriteReport:
    """Check every feature of `path`, then write all shapes in one write (or none)."""
    errors: list[RowError] = []
    batch = WriteBatch()
    for f in read_features(path):
        rid = str(f.properties.get("id") or "").strip()
        if not rid:
            errors.append(
                feature_problem(
                    f,
                    "id",
                    "no record id in its properties",
                    suggestion="give each feature the id of its Site or Area record",
                )
            )
            continue
        record = store.get(rid, viewer=viewer)
        if not isinstance(record, m.Area | m.Site):
            what = "no such record (or above your clearance)" if record is None else "not a place"
            errors.append(feature_problem(f, "id", what, record=rid))
            continue
        try:
            if f.geometry is None:
                raise GeometryProblem("no geometry")
            geojson = to_geojson(parse_geometry(f.geometry, allowed=allowed_shapes(record)))
        except GeometryProblem as e:
            errors.append(feature_problem(f, "geometry", str(e), record=rid))
            continue
        batch.nodes.append(
            record.model_copy(
                update={
                    "geometry_digest": digest(geojson),
                    "recorded_at": None,
                    "recorded_by": None,
                }
            )
        )
        batch.geometries[rid] = geojson
    if errors:
        raise ImportRejected(errors)
    if dry_run:
        return WriteReport(unchanged=len(batch.nodes))
    return store.write(batch, actor=actor)
