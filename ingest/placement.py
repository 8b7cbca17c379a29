"""Placing events in the gazetteer: by coordinates first, by admin names as a fallback.

ACLED and UCDP give each event a longitude/latitude and admin names, but no
P-codes. Once boundaries are loaded (`actorgraph import-boundaries`), an event
goes to the deepest area whose shape covers its point; an event without
usable coordinates, or outside every shape, goes to the area its admin names
lead to (country, then admin1 inside it, …). An event placed by neither is
reported, never filed under a made-up area. Without a gazetteer the importers
keep their old behaviour (placeholder `ZZ…` areas named as the source names them).

`place_stored_events` re-places incidents already in the store, for a
gazetteer that arrived after the events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from graph import model as m
from graph.schema import NodeKind, RelType
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch
from graph.timeline import withdrawn
from ingest.drafts import make_id
from ingest.resolve import match_key

if TYPE_CHECKING:
    from graph.geometry import Gazetteer

PLACEHOLDER_PREFIX = "ZZ"  # the importers' placeholder P-codes (ingest/acled.py)


def parse_point(lon: str | None, lat: str | None) -> tuple[float, float] | None:
    """(lon, lat) from two text cells, or None when either is missing or out of range."""
    try:
        x, y = float(str(lon).strip()), float(str(lat).strip())
    except (TypeError, ValueError):
        return None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return x, y


@dataclass(frozen=True)
class Placement:
    """Where an event went and how: "coordinates", "names", or None (not placed)."""

    area: str | None
    how: str | None


@dataclass
class Placer:
    """The gazetteer (areas with shapes) and its names, ready to place events."""

    gazetteer: Gazetteer
    by_name: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    parent_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, store: GraphStore, viewer: Viewer) -> Placer | None:
        """The store's gazetteer, or None when no area has a shape (no gazetteer loaded)."""
        shapes = store.geometries(viewer=viewer)
        areas = [
            a
            for a in store.iter_nodes(NodeKind.AREA, viewer=viewer)
            if isinstance(a, m.Area) and a.id in shapes
        ]
        if not areas:
            return None
        ids = {a.id for a in areas}
        by_name: dict[tuple[int, str], list[str]] = defaultdict(list)
        for a in areas:
            for name in dict.fromkeys(match_key(n) for n in (a.name, *a.aliases)):
                by_name[(a.admin_level, name)].append(a.id)
        parent_of = {
            r.source_id: r.target_id
            for r in store.iter_relationships(RelType.PART_OF, viewer=viewer)
            if r.source_id in ids and r.target_id in ids
        }
        # Loaded only when there is a gazetteer: shapely is for shapes.
        from graph.geometry import Gazetteer

        gazetteer = Gazetteer.of((a.id, a.admin_level, shapes[a.id]) for a in areas)
        return cls(gazetteer, dict(by_name), parent_of)

    def by_names(self, names: Iterable[tuple[str, int]]) -> str | None:
        """The deepest area the admin names lead to, each inside the one before.

        A level whose name is unknown before anything matched is skipped (ACLED's
        "Kalmora" against COD's "Republic of Kalmora"); after a match, an unknown
        or ambiguous name stops the walk at the area found so far.
        """
        found: str | None = None
        for name, level in names:
            candidates = self.by_name.get((level, match_key(name)), [])
            if found is not None:
                candidates = [c for c in candidates if self.parent_of.get(c) == found]
            if len(candidates) == 1:
                found = candidates[0]
            elif found is not None:
                break
        return found

    def gazetteer_ids(self) -> list[str]:
        return [a.id for a in self.gazetteer.areas]

    def place(
        self, point: tuple[float, float] | None, names: Iterable[tuple[str, int]]
    ) -> Placement:
        if point is not None:
            area = self.gazetteer.place(*point)
            if area is not None:
                return Placement(area, "coordinates")
        area = self.by_names(names)
        return Placement(area, "names" if area else None)


def unplaced_warning(where: str, point: tuple[float, float] | None, names: list[str]) -> str:
    """The report line for an event placed by neither coordinates nor names."""
    at = f"at {point[0]},{point[1]} (outside every area)" if point else "without coordinates"
    named = " / ".join(names) or "no admin names"
    return f"{where}: not placed: {at}, and admin names ({named}) match no area"


@dataclass
class ReplaceReport:
    """What `place_stored_events` did."""

    placed: int = 0
    already: int = 0
    by_coordinates: int = 0
    by_names: int = 0
    unplaced: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    withdrawn: list[str] = field(default_factory=list)  # placeholder links withdrawn

    def as_dict(self) -> dict[str, Any]:
        return {
            "placed": self.placed,
            "already_placed": self.already,
            "by_coordinates": self.by_coordinates,
            "by_names": self.by_names,
            "unplaced": self.unplaced,
            "written": self.written,
            "withdrawn": self.withdrawn,
        }


def _name_chain(area: str, nodes: dict[str, m.AnyNode], parent_of: dict[str, str]) -> list[str]:
    """The placeholder area and its parents, country first: the source's admin names."""
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = area
    while current is not None and current not in seen and current in nodes:
        seen.add(current)
        chain.append(current)
        current = parent_of.get(current)
    return list(reversed(chain))


def place_stored_events(
    store: GraphStore, *, actor: str, viewer: Viewer, dry_run: bool = False
) -> ReplaceReport:
    """Link every incident not yet in a gazetteer area to the area it belongs in.

    An incident's own coordinates decide first; else the names of the
    placeholder areas it was filed under. The new `OCCURRED_IN`, undated like
    the import's, puts the incident in its real district on every date, and
    the placeholder link is withdrawn (a new version marked `withdrawn_by`
    "place-events", graph.timeline.withdrawn): the incident is in one area,
    not counted twice by contacts or timelines by area, and the placeholder's
    history keeps what the source said. An incident placed by an earlier run
    that left its placeholder link beside the new one has it withdrawn too.
    One write, all or nothing; a second run finds everything placed and
    writes nothing.
    """

    placer = Placer.load(store, viewer)
    report = ReplaceReport()
    if placer is None:
        return report
    nodes = {n.id: n for n in store.iter_nodes(viewer=viewer)}
    occurred: dict[str, list[str]] = defaultdict(list)
    links: dict[str, list[m.AnyRelationship]] = defaultdict(list)
    parent_of: dict[str, str] = {}
    for rel in store.iter_relationships(viewer=viewer):
        if rel.type == RelType.OCCURRED_IN and not withdrawn(rel):
            occurred[rel.source_id].append(rel.target_id)
            links[rel.source_id].append(rel)
        elif rel.type == RelType.PART_OF:
            parent_of.setdefault(rel.source_id, rel.target_id)
    real = set(placer.gazetteer_ids())
    batch = WriteBatch()
    for incident in (n for n in nodes.values() if isinstance(n, m.Incident)):
        places = occurred.get(incident.id, [])
        if any(p in real for p in places):
            report.already += 1
            batch.relationships.extend(_placeholders_withdrawn(links[incident.id], nodes, None))
            continue
        point = (
            (incident.longitude, incident.latitude)
            if incident.longitude is not None and incident.latitude is not None
            else None
        )
        names: list[tuple[str, int]] = []
        for p in places:
            for a in _name_chain(p, nodes, parent_of):
                area = nodes[a]
                if isinstance(area, m.Area) and area.pcode.startswith(PLACEHOLDER_PREFIX):
                    names.append((area.name, area.admin_level))
        placed = placer.place(point, names)
        if placed.area is None:
            report.unplaced.append(
                unplaced_warning(f"incident {incident.id}", point, [n for n, _ in names])
            )
            continue
        report.placed += 1
        if placed.how == "coordinates":
            report.by_coordinates += 1
        else:
            report.by_names += 1
        batch.relationships.append(
            m.OccurredIn(
                id=make_id("rel", "placement", "OCCURRED_IN", incident.id, placed.area),
                source_id=incident.id,
                target_id=placed.area,
                sensitivity=incident.sensitivity,
                confidence=incident.confidence,
                notes=f"placed by {placed.how} on {date.today().isoformat()}",
            )
        )
        batch.relationships.extend(
            _placeholders_withdrawn(links[incident.id], nodes, nodes[placed.area])
        )
    report.withdrawn = [r.id for r in batch.relationships if withdrawn(r)]
    if batch.relationships and not dry_run:
        report.written = store.write(batch, actor=actor).as_dict()
    return report


def _placeholders_withdrawn(
    links: list[m.AnyRelationship], nodes: dict[str, m.AnyNode], area: m.AnyNode | None
) -> list[m.AnyRelationship]:
    """New versions, withdrawn, of an incident's links to placeholder areas
    (`ZZ…` P-codes, made by an import without a gazetteer). Links to any other
    area are an analyst's or a source's statement and stay."""
    into = f" into {area.name} ({area.id})" if area is not None else ""
    return [
        rel.model_copy(
            update={
                "withdrawn_by": "place-events",
                "notes": f"withdrawn: the incident was placed in the gazetteer{into}",
            }
        )
        for rel in links
        if isinstance(target := nodes.get(rel.target_id), m.Area)
        and target.pcode.startswith(PLACEHOLDER_PREFIX)
    ]
