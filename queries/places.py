"""Contacts by location: who holds the ground at a point, and the sites and routes near it.

A convoy planner has a grid reference, not a P-code: "who do I call before we
cross here on Tuesday?" The answer is the deepest area whose shape covers the
point (with the areas above it, since a province-wide force holds a district
too), and every site or route within a radius: for each, who controls or
operates it on the date, their commanders, and which of our engagers reach
them (`queries.contacts.place_contacts`).

Shapes come from the store (`GraphStore.geometries`, read through `graph/` for
the viewer); this module only reads the projection and those shapes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import networkx as nx
from shapely.geometry import Point
from shapely.ops import nearest_points

from graph import model as m
from graph.geometry import Gazetteer, from_geojson
from graph.schema import ARMED
from queries.command import kind_of, name_of, out_by_type
from queries.constraints import PathConstraints
from queries.contacts import place_contacts

KM_PER_DEGREE = 111.32  # along a meridian; longitude degrees shrink with cos(latitude)


def distance_km(a: Point, b_lon: float, b_lat: float) -> float:
    """Equirectangular distance: within a few km of error at radii a planner uses."""
    mean = math.radians((a.y + b_lat) / 2)
    dx = (a.x - b_lon) * math.cos(mean)
    return math.hypot(dx, a.y - b_lat) * KM_PER_DEGREE


def areas_at(
    graph: nx.MultiDiGraph[str], shapes: Mapping[str, str], lon: float, lat: float
) -> list[str]:
    """Areas in the projection covering the point, deepest first (then its parents)."""
    gaz = Gazetteer.of(
        (node, int(graph.nodes[node]["record"].admin_level), text)
        for node, text in shapes.items()
        if node in graph and kind_of(graph, node) == "Area"
    )
    deepest = gaz.place(lon, lat)
    if deepest is None:
        return []
    chain = [deepest]
    while True:
        parents = [
            p for p in out_by_type(graph, chain[-1], "PART_OF") if kind_of(graph, p) == "Area"
        ]
        if not parents or parents[0] in chain:
            return chain
        chain.append(parents[0])


def sites_near(
    graph: nx.MultiDiGraph[str],
    shapes: Mapping[str, str],
    lon: float,
    lat: float,
    radius_km: float,
) -> list[tuple[str, float]]:
    """(site, km) for sites and routes within `radius_km` of the point, nearest first."""
    found: list[tuple[str, float]] = []
    for node, text in shapes.items():
        if node not in graph or kind_of(graph, node) != "Site":
            continue
        geom = from_geojson(text)
        nearest = nearest_points(geom, Point(lon, lat))[0]  # on a route: its closest stretch
        km = distance_km(nearest, lon, lat)
        if km <= radius_km:
            found.append((node, round(km, 2)))
    return sorted(found, key=lambda x: (x[1], x[0]))


def contacts_at(
    graph: nx.MultiDiGraph[str],
    shapes: Mapping[str, str],
    lon: float,
    lat: float,
    *,
    as_of: date | None = None,
    radius_km: float = 10.0,
    engagers: list[str] | None = None,
) -> dict[str, Any]:
    """Who controls or operates at (lon, lat) and near it on `as_of`, and who reaches them.

    Returns ``areas`` (deepest first, each with its contacts: the deepest one
    with the areas inside it, those above only their own holders) and
    ``sites`` (within ``radius_km``, nearest first, with distance and contacts).
    """
    chain = areas_at(graph, shapes, lon, lat)
    areas = []
    for i, area in enumerate(chain):
        found = place_contacts(
            graph, area, engagers=engagers, constraints=PathConstraints(as_of=as_of)
        )
        record = graph.nodes[area]["record"]
        found["pcode"] = record.pcode if isinstance(record, m.Area) else None
        if i > 0:  # the enclosing areas: only what is held at their own level
            for bucket in ("armed", "others"):
                found[bucket] = [
                    e for e in found[bucket] if any(a["area"] == area for a in e["areas"])
                ]
        areas.append(found)
    sites = []
    for site, km in sites_near(graph, shapes, lon, lat, radius_km):
        found = place_contacts(
            graph, site, engagers=engagers, constraints=PathConstraints(as_of=as_of)
        )
        record = graph.nodes[site]["record"]
        found["site_kind"] = record.site_kind.value if isinstance(record, m.Site) else None
        found["distance_km"] = km
        sites.append(found)
    return {
        "at": [lon, lat],
        "as_of": (as_of or date.today()).isoformat(),
        "radius_km": radius_km,
        "inside": [{"area": a, "name": name_of(graph, a)} for a in chain],
        "areas": areas,
        "sites": sites,
    }


# --------------------------------------------------------------------------- map layers


def _controllers(graph: nx.MultiDiGraph[str], place: str) -> list[str]:
    """Armed actors (or units) with a `CONTROLS` edge into `place` in this projection."""
    return sorted(
        u
        for u, _, data in graph.in_edges(place, data=True)
        if data.get("type") == "CONTROLS" and kind_of(graph, u) in ARMED
    )


def _control_of(graph: nx.MultiDiGraph[str], area: str) -> tuple[list[str], str | None]:
    """Who controls an area on the projection's date: its own controllers, else the
    nearest enclosing area's (a province-wide hold covers its districts), and where
    that came from (None: its own, or nobody)."""
    seen = {area}
    current = area
    while True:
        found = _controllers(graph, current)
        if found:
            return found, None if current == area else current
        parents = [p for p in out_by_type(graph, current, "PART_OF") if kind_of(graph, p) == "Area"]
        if not parents or parents[0] in seen:
            return [], None
        current = parents[0]
        seen.add(current)


def map_layers(
    graph: nx.MultiDiGraph[str], shapes: Mapping[str, str], *, level: int | None = None
) -> dict[str, Any]:
    """What the map draws on the projection's date, for one viewer.

    ``areas`` at ``level`` (default: the deepest level with shapes), each with
    its controllers (own or inherited), whether it is contested (more than one
    controller on the date), its GeoJSON and a label point; ``sites`` and
    ``routes`` with who controls or operates them; ``incidents`` with their
    coordinates and pattern of harm. Only what the viewer may see: `graph`
    and `shapes` are both read for them.
    """
    area_ids = [n for n in shapes if n in graph and kind_of(graph, n) == "Area"]
    levels = sorted({int(graph.nodes[a]["record"].admin_level) for a in area_ids})
    chosen = level if level is not None else (levels[-1] if levels else None)
    areas = []
    for area in sorted(area_ids):
        record = graph.nodes[area]["record"]
        if record.admin_level != chosen:
            continue
        geom = from_geojson(shapes[area])
        held, inherited = _control_of(graph, area)
        label = geom.representative_point()
        areas.append(
            {
                "id": area,
                "name": record.name,
                "pcode": record.pcode,
                "geojson": shapes[area],
                "label_at": [label.x, label.y],
                "controllers": [{"id": c, "name": name_of(graph, c)} for c in held],
                "inherited_from": name_of(graph, inherited) if inherited else None,
                "contested": len(held) > 1,
            }
        )
    sites: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    for site in sorted(n for n in shapes if n in graph and kind_of(graph, n) == "Site"):
        record = graph.nodes[site]["record"]
        geom = from_geojson(shapes[site])
        entry = {
            "id": site,
            "name": record.name,
            "site_kind": record.site_kind.value,
            "geojson": shapes[site],
            "label_at": [geom.representative_point().x, geom.representative_point().y],
            "controllers": [
                {"id": c, "name": name_of(graph, c)} for c in _controllers(graph, site)
            ],
            "operators": [
                {"id": u, "name": name_of(graph, u)}
                for u, _, d in graph.in_edges(site, data=True)
                if d.get("type") == "OPERATES_IN"
            ],
        }
        (routes if geom.geom_type in ("LineString", "MultiLineString") else sites).append(entry)
    incidents: list[dict[str, Any]] = []
    for node in sorted(graph.nodes):
        event = graph.nodes[node].get("record")
        if (
            isinstance(event, m.Incident)
            and event.longitude is not None
            and event.latitude is not None
        ):
            incidents.append(
                {
                    "id": node,
                    "name": event.name,
                    "date": event.date,
                    "harm_pattern": event.harm_pattern.value,
                    "at": [event.longitude, event.latitude],
                }
            )
    return {
        "levels": levels,
        "level": chosen,
        "areas": areas,
        "sites": sites,
        "routes": routes,
        "incidents": incidents,
    }
