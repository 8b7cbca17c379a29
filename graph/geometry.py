"""Place geometry: GeoJSON text checked with shapely, and the gazetteer that places points.

Shapes are stored as GeoJSON text beside their record (both stores, see
`GraphStore.geometries`), never inside it: a district boundary weighs more than
the rest of the graph, and the NetworkX projection that every analysis reads
must stay small. The record carries only the shape's SHA-256
(`geometry_digest`), so a changed boundary is a new version with history and
an unchanged re-import writes nothing.

shapely does the geometry (validity, point in polygon, spatial index); nothing
here is hand-written geometry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

AREA_TYPES = frozenset({"Polygon", "MultiPolygon"})
POINT_TYPES = frozenset({"Point", "MultiPoint"})
LINE_TYPES = frozenset({"LineString", "MultiLineString"})


class GeometryProblem(ValueError):
    """A geometry that cannot be used, with the reason in words a user can act on."""


def parse_geometry(data: Mapping[str, Any], *, allowed: frozenset[str]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object, or GeometryProblem.

    Refuses empty and invalid shapes (a self-crossing ring would place points
    in the wrong district) instead of "repairing" them silently: the user fixes
    the file, as with any other bad row.
    """
    kind = data.get("type") if isinstance(data, Mapping) else None
    if kind not in allowed:
        raise GeometryProblem(f"geometry type {kind!r} is not one of {', '.join(sorted(allowed))}")
    try:
        geom = shape(dict(data))
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as e:
        raise GeometryProblem(f"unreadable {kind} coordinates ({e})") from None
    if geom.is_empty:
        raise GeometryProblem(f"empty {kind}")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise GeometryProblem(f"invalid {kind}: {reason}")
    return geom


def to_geojson(geom: BaseGeometry) -> str:
    """Canonical GeoJSON text: the same shape always gives the same text and digest."""
    return json.dumps(mapping(geom), separators=(",", ":"), sort_keys=True)


def digest(geojson: str) -> str:
    """The SHA-256 a record keeps of its stored shape (`geometry_digest`)."""
    return hashlib.sha256(geojson.encode()).hexdigest()


def from_geojson(text: str) -> BaseGeometry:
    """A stored shape back as a shapely geometry (stored shapes were checked on import)."""
    return shape(json.loads(text))


@dataclass(frozen=True)
class PlacedArea:
    """An area of the gazetteer: id, admin level and shape."""

    id: str
    level: int
    geom: BaseGeometry


@dataclass
class Gazetteer:
    """The areas with shapes, indexed for point-in-polygon placement.

    `place` answers the deepest area containing a point, so an event is filed
    under its village tract rather than its country. A point on a shared
    border belongs to both areas (shapely's `covers`); the lower id wins so the
    answer never depends on read order.
    """

    areas: list[PlacedArea] = field(default_factory=list)
    _tree: STRtree | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, shapes: Iterable[tuple[str, int, str]]) -> Gazetteer:
        """From (area id, admin level, GeoJSON text) triples."""
        return cls([PlacedArea(i, level, from_geojson(text)) for i, level, text in shapes])

    def __len__(self) -> int:
        return len(self.areas)

    def place(self, lon: float, lat: float) -> str | None:
        """The id of the deepest area covering (lon, lat), or None outside every area."""
        if not self.areas:
            return None
        if self._tree is None:
            self._tree = STRtree([a.geom for a in self.areas])
        point = Point(lon, lat)
        hits = [self.areas[int(i)] for i in self._tree.query(point, predicate="intersects")]
        hits = [a for a in hits if a.geom.covers(point)]
        if not hits:
            return None
        return min(hits, key=lambda a: (-a.level, a.id)).id


def parse_lon_lat(text: str) -> tuple[float, float]:
    """`LON,LAT` from the command line, checked for range (lat first is a common slip)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise GeometryProblem(f"{text!r} is not LON,LAT (two numbers separated by a comma)")
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        raise GeometryProblem(f"{text!r} is not LON,LAT (two numbers)") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryProblem(f"{text!r} is out of range (longitude first, then latitude)")
    return lon, lat
