"""The network view: a projection → pyvis → one safe, self-contained HTML page.

pyvis 0.3.2 gives us the vis-network node and edge records and their options,
but its own template is unsafe and not self-contained: it inserts the heading
as raw HTML, switches every tooltip to raw HTML as soon as one contains the
text ``href``, and loads vis-network and Bootstrap from CDNs even "in line". So we use pyvis only to
build the data, and render our own template (`ui/assets/network.html.j2`):

- Jinja autoescape is on; node and edge data go through ``tojson``, which
  turns ``< > & '`` into ``\\u`` escapes, so no name can close the script;
- labels are drawn on a canvas by vis-network: they are text whatever they
  contain;
- tooltips are built here from ``html.escape``-d parts joined with ``<br>``
  and turned into DOM elements by the template; the word ``href`` never
  survives into a tooltip;
- the heading and legend are escaped;
- vis-network's JS and CSS are inlined from `ui/assets` (npm package
  ``vis-network``), and a Content-Security-Policy forbids any fetch.

Positions are computed here (a vectorised Fruchterman-Reingold in numpy) and
physics is off, so the browser draws at once: about 0.4 s of layout for 1,000
nodes on the server instead of tens of seconds of physics in the browser.
Above `NODE_LIMIT` nodes we refuse and say so (`TooManyNodes`), so the page can
offer filters instead of freezing the browser.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity
from queries.memo import remembered

ASSETS = Path(__file__).resolve().parent.parent / "assets"
NODE_LIMIT = 1500
"""The most nodes the view draws; above it the page asks the user to filter."""

LABEL_MAX = 40


class TooManyNodes(Exception):
    """The filtered graph is larger than the view can draw responsively."""

    def __init__(self, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(f"{count} entities match; the network view draws at most {limit}")


@dataclass(frozen=True)
class KindStyle:
    colour: str
    shape: str


# Colour and shape by node kind; shapes whose label sits outside the shape, so
# size does not depend on the name's length. Armed actors and our organisations
# are drawn larger, so their names stay legible when the whole map is shown.
KIND_STYLE: dict[str, KindStyle] = {
    NodeKind.ARMED_ACTOR: KindStyle("#c0392b", "diamond"),
    NodeKind.UNIT: KindStyle("#e67e22", "triangle"),
    NodeKind.PERSON: KindStyle("#2e86c1", "dot"),
    NodeKind.POST: KindStyle("#85929e", "square"),
    NodeKind.ORGANISATION: KindStyle("#1e8449", "hexagon"),
    NodeKind.COMMUNITY: KindStyle("#8e44ad", "star"),
    NodeKind.AREA: KindStyle("#17a589", "triangleDown"),
    NodeKind.INCIDENT: KindStyle("#7b241c", "star"),
    NodeKind.ENGAGEMENT: KindStyle("#5dade2", "square"),
    NodeKind.COMMITMENT: KindStyle("#b7950b", "triangle"),
    NodeKind.SOURCE: KindStyle("#566573", "dot"),
}

SHAPE_NAMES = {
    "diamond": "diamond",
    "triangle": "triangle",
    "dot": "circle",
    "square": "square",
    "hexagon": "hexagon",
    "star": "star",
    "triangleDown": "inverted triangle",
}


@dataclass(frozen=True)
class EdgeStyle:
    colour: str
    dashes: bool = False


EDGE_STYLE: dict[str, EdgeStyle] = {
    RelType.COMMANDS: EdgeStyle("#1b2631"),
    RelType.PART_OF: EdgeStyle("#aab7b8"),
    RelType.HOLDS: EdgeStyle("#aab7b8", dashes=True),
    RelType.ALLIED_WITH: EdgeStyle("#f39c12"),
    RelType.OPPOSES: EdgeStyle("#e74c3c", dashes=True),
    RelType.SPLINTER_OF: EdgeStyle("#e74c3c"),
    RelType.SUPPORTS: EdgeStyle("#a569bd"),
    RelType.INFLUENCES: EdgeStyle("#8e44ad"),
    RelType.HAS_ACCESS_TO: EdgeStyle("#27ae60"),
    RelType.ASSOCIATED_WITH: EdgeStyle("#5d6d7e"),
}
DEFAULT_EDGE = EdgeStyle("#c8ccd0")


def _symmetric(rel_type: str) -> bool:
    return (
        rel_type in RelType._value2member_map_ and SCHEMA.relationships[RelType(rel_type)].symmetric
    )


# Sensitivity is drawn as the node's border, heavier and more broken as the label
# rises, so a reader sees at a glance what must not leave the room.
SENSITIVITY_BORDER: dict[str, tuple[int, list[int] | bool]] = {
    Sensitivity.PUBLIC: (1, False),
    Sensitivity.RESTRICTED: (2, False),
    Sensitivity.CONFIDENTIAL: (3, [7, 4]),
    Sensitivity.STRICTLY_CONFIDENTIAL: (4, [2, 3]),
}
BORDER_NAMES: dict[str, str] = {
    Sensitivity.PUBLIC: "thin line",
    Sensitivity.RESTRICTED: "line",
    Sensitivity.CONFIDENTIAL: "dashed",
    Sensitivity.STRICTLY_CONFIDENTIAL: "dotted",
}
# Above this many nodes, only the important ones carry a label (the rest on hover).
LABEL_ALL_UP_TO = 60
LABELLED_KINDS = frozenset({NodeKind.ARMED_ACTOR.value, NodeKind.ORGANISATION.value})

HIGHLIGHT = "#f1c40f"
EMPHASIS: dict[str, tuple[int, int]] = {  # kind -> (node size, label size)
    NodeKind.ARMED_ACTOR: (20, 22),
    NodeKind.ORGANISATION: (14, 15),
}


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the user chose to see. Empty collections mean "all"."""

    node_kinds: frozenset[str] = frozenset()
    rel_types: frozenset[str] = frozenset()
    structures: frozenset[str] = frozenset()
    area_id: str | None = None
    min_confidence: float = 0.0
    center: str | None = None
    depth: int = 2
    only: frozenset[str] = frozenset()
    # Entities whose neighbours are shown in place, whatever the other filters keep.
    expanded: frozenset[str] = frozenset()


def filter_graph(graph: nx.MultiDiGraph[str], filters: Filters) -> nx.MultiDiGraph[str]:
    """A new graph with what the filters keep (the projection itself is frozen and shared).

    - node kinds apply to entities; relationship types and the minimum
      confidence to relationships (an entity stays, even if none of its
      relationships is sure enough);
    - structures keep armed actors of those structures (other kinds are kept);
    - an area keeps the area, its sub-areas and everything linked to one of them;
    - a centre keeps its ego network up to `depth` hops, ignoring direction;
    - `only`, when given, keeps those nodes and no others (a path and its context);
    - `expanded` entities bring their neighbours in, with the relationships that
      pass the relationship filters (the reader asked to see them).

    The view is built from its own nodes' adjacency, never by walking every
    relationship of the projection: at M a view of a few hundred entities cost
    a pass over 95,000 relationships, three times per page run.
    """
    chosen = select(graph, filters)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id in chosen.nodes:
        out.add_node(node_id, **graph.nodes[node_id])
    core = chosen.core
    for u in core:
        for v, keys in graph.succ[u].items():
            if v in core:
                for key, data in keys.items():
                    if passes(data, filters):
                        out.add_edge(u, v, key=key, **data)
    for node in chosen.expanded:
        for u, v, key, data in _incident(graph, node):
            if passes(data, filters) and not out.has_edge(u, v, key):
                out.add_edge(u, v, key=key, **data)
    return out


@dataclass(frozen=True)
class Selection:
    """The nodes a view keeps: `core` (what the node filters, the area and the
    ego network keep, joined by every relationship that passes), plus the
    neighbours `expanded` entities bring in (joined to them only)."""

    core: frozenset[str]
    nodes: frozenset[str]
    expanded: tuple[str, ...]


def select(graph: nx.MultiDiGraph[str], filters: Filters) -> Selection:
    """The nodes `filter_graph` keeps, without building the view: a page
    told that too many entities match needs their number, not their graph."""
    keep: set[str] = set()
    for node_id, data in graph.nodes(data=True):
        if filters.node_kinds and data.get("kind") not in filters.node_kinds:
            continue
        if (
            filters.structures
            and data.get("kind") == NodeKind.ARMED_ACTOR
            and data.get("structure") not in filters.structures
        ):
            continue
        keep.add(node_id)
    if filters.area_id and filters.area_id in graph:
        keep &= _area_scope(graph, filters.area_id)
    if filters.only:
        keep &= filters.only
    if filters.center and filters.center in keep:
        keep = _ego(graph, keep, filters)
    nodes = set(keep)
    expanded = []
    for node in sorted(filters.expanded):
        if node in nodes:
            expanded.append(node)
            for u, v, _, data in _incident(graph, node):
                if passes(data, filters):
                    nodes.update((u, v))
    return Selection(frozenset(keep), frozenset(nodes), tuple(expanded))


def passes(data: Mapping[str, Any], filters: Filters) -> bool:
    """Whether a relationship (its edge data) passes the relationship filters."""
    if filters.rel_types and data.get("type") not in filters.rel_types:
        return False
    return float(data.get("confidence", 1.0)) >= filters.min_confidence


def _incident(graph: nx.MultiDiGraph[str], node: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        *graph.out_edges(node, keys=True, data=True),
        *graph.in_edges(node, keys=True, data=True),
    ]


def _ego(graph: nx.MultiDiGraph[str], keep: set[str], filters: Filters) -> set[str]:
    """The kept nodes within `filters.depth` hops of the centre, ignoring
    direction, over relationships that pass the filters (breadth first from
    the centre: only the neighbourhood is read)."""
    assert filters.center is not None
    seen = {filters.center}
    frontier = [filters.center]
    for _ in range(filters.depth):
        reached: list[str] = []
        for node in frontier:
            for neighbours in (graph.succ[node], graph.pred[node]):
                for other, keys in neighbours.items():
                    if other in seen or other not in keep:
                        continue
                    if any(passes(data, filters) for data in keys.values()):
                        seen.add(other)
                        reached.append(other)
        frontier = reached
    return seen


def _area_scope(graph: nx.MultiDiGraph[str], area_id: str) -> set[str]:
    """The area, the areas nested in it, and every node linked to any of them."""
    areas = {area_id}
    frontier = [area_id]
    while frontier:
        current = frontier.pop()
        for child, _, data in graph.in_edges(current, data=True):
            is_area = graph.nodes[child].get("kind") == NodeKind.AREA
            if data.get("type") == RelType.PART_OF and is_area and child not in areas:
                areas.add(child)
                frontier.append(child)
    scope = set(areas)
    for area in areas:
        scope.update(graph.predecessors(area))
        scope.update(graph.successors(area))
    return scope


def date_bounds(graph: nx.MultiDiGraph[str]) -> tuple[date, date] | None:
    """Earliest and latest date any interval in the graph mentions (for the as-of slider)."""
    days: list[date] = []
    for _, data in graph.nodes(data=True):
        record = data.get("record")
        if isinstance(record, m.Envelope):
            days.extend(_record_days(record))
    for _, _, data in graph.edges(data=True):
        record = data.get("record")
        if isinstance(record, m.Envelope):
            days.extend(_record_days(record))
    if not days:
        return None
    return min(days), max(days)


def date_bounds_of(graph: nx.MultiDiGraph[str]) -> tuple[date, date] | None:
    """`date_bounds`, remembered on a frozen projection: a walk over every record
    (0.7 s at M) that the Network page's every first load asked for; the app's
    warm-up computes it (`ui.warmup`)."""
    return remembered(graph, "network_view.date_bounds", lambda: date_bounds(graph))


def _record_days(record: m.Envelope) -> Iterable[date]:
    if record.valid_from:
        yield lower_bound(record.valid_from)
    if record.valid_to:
        yield upper_bound(record.valid_to)


# --------------------------------------------------------------------------- layout


def layout(
    graph: nx.MultiDiGraph[str], *, iterations: int = 60, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in pixels, computed with dense numpy arrays.

    networkx's own spring layout needs scipy above 500 nodes and takes over 2 s
    for 1,000; this float32 version takes about 0.4 s, and the view never
    draws more than `NODE_LIMIT` nodes.
    """
    nodes = sorted(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v in graph.edges():
        if u != v:
            adjacency[index[u], index[v]] = 1.0
            adjacency[index[v], index[u]] = 1.0
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    k = np.float32(np.sqrt(1.0 / n))
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-6, out=d2)
        # Repulsion k²/d and attraction d²/k along each unit vector (dx/d, dy/d).
        force = k * k / d2 - adjacency * np.sqrt(d2) / k
        # A weak pull to the centre keeps isolated nodes from drifting off-screen.
        disp = np.stack(((dx * force).sum(axis=1), (dy * force).sum(axis=1)), axis=1)
        disp -= (pos - 0.5) * np.float32(0.05)
        length = np.sqrt((disp * disp).sum(axis=1))
        np.maximum(length, 1e-2, out=length)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    pos -= np.median(pos, axis=0)
    # Scale by the bulk of the graph, not its outliers (isolated nodes end up far
    # away), and pull those outliers in to the edge of the picture.
    extent = float(np.percentile(np.abs(pos), 95)) or 1.0
    np.clip(pos, -1.25 * extent, 1.25 * extent, out=pos)
    scale = 120.0 + 45.0 * float(np.sqrt(n))
    return {
        node: (round(float(x) / extent * scale, 1), round(float(y) / extent * scale, 1))
        for node, (x, y) in zip(nodes, pos, strict=True)
    }


# --------------------------------------------------------------------------- text


def escape(text: object) -> str:
    """HTML-escape data for a tooltip or heading; the word `href` never survives raw.

    pyvis switches every tooltip to raw HTML when one contains ``href``; we do
    not use its template, but keep the guarantee anyway.
    """
    escaped = html.escape(str(text), quote=True)
    return re.sub(
        "href", lambda mt: mt.group(0)[:2] + "&#101;" + mt.group(0)[3:], escaped, flags=re.I
    )


def short_label(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1] + "…"


def _tooltip(lines: Iterable[tuple[str, object]]) -> str:
    parts = []
    for label, value in lines:
        if value in (None, "", ()):
            continue
        parts.append(f"<b>{escape(label)}</b> {escape(value)}" if label else escape(value))
    return "<br>".join(parts)


def node_tooltip(node_id: str, data: Mapping[str, Any]) -> str:
    record = data.get("record")
    lines: list[tuple[str, object]] = [("", data.get("name", node_id)), ("type", data.get("kind"))]
    if isinstance(record, m.NodeBase):
        if record.aliases:
            lines.append(("aliases", ", ".join(record.aliases)))
        if isinstance(record, m.ArmedActor):
            lines.append(("structure", record.structure.value))
            lines.append(("kind", record.actor_kind.value))
        lines.append(("valid", _interval(record.valid_from, record.valid_to)))
        lines.append(("confidence", f"{record.confidence:.2f}"))
        lines.append(("sensitivity", record.sensitivity.value))
        if record.at_risk:
            lines.append(("", "marked at risk"))
    lines.append(("id", node_id))
    return _tooltip(lines)


def edge_tooltip(
    key: str, data: Mapping[str, Any], source_names: Mapping[str, str] | None = None
) -> str:
    record = data.get("record")
    lines: list[tuple[str, object]] = [("", data.get("type"))]
    strength = data.get("strength")
    if strength is not None:
        lines.append(("strength", f"{float(strength):.2f}"))
    if isinstance(record, m.RelBase):
        if isinstance(record, m.InfluenceLike):
            lines.append(("channel", record.channel.value))
            lines.append(("topic", record.topic))
        if isinstance(record, m.HasAccessTo):
            lines.append(("quality", record.quality.value))
            lines.append(("last contact", record.last_contact))
        lines.append(("valid", _interval(record.valid_from, record.valid_to)))
        lines.append(("confidence", f"{record.confidence:.2f}"))
        lines.append(("sensitivity", record.sensitivity.value))
        lines.append(("evidence", evidence_text(record, source_names or {})))
        lines.append(("note", record.notes))
    lines.append(("id", key))
    return _tooltip(lines)


def evidence_text(record: m.Envelope, source_names: Mapping[str, str]) -> str:
    """What a claim rests on: its sources by name (with locator), or its event count."""
    cited = [
        source_names.get(ref.source_id, ref.source_id) + (f", {ref.locator}" if ref.locator else "")
        for ref in record.sources
    ]
    if record.basis == m.Basis.INFERRED:
        cited.append(f"inferred from {record.evidence_count} event(s)")
    return "; ".join(cited) if cited else "no source cited"


def _interval(start: str | None, end: str | None) -> str:
    if not start and not end:
        return ""
    return f"{start or '…'} – {end or 'now'}"


# --------------------------------------------------------------------------- html


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    shape: str = ""
    dashes: bool = False


def legend(graph: nx.MultiDiGraph[str]) -> tuple[list[LegendItem], list[LegendItem]]:
    """Legend entries for the node kinds and relationship types present."""
    kinds = Counter(str(d.get("kind")) for _, d in graph.nodes(data=True))
    types = Counter(str(d.get("type")) for _, _, d in graph.edges(data=True))
    node_items = [
        LegendItem(
            f"{kind} {kinds[kind]}",
            KIND_STYLE[kind].colour,
            SHAPE_NAMES.get(KIND_STYLE[kind].shape, ""),
        )
        for kind in KIND_STYLE
        if kind in kinds
    ]
    edge_items = []
    for rel_type in RelType:
        if rel_type in types:
            style = EDGE_STYLE.get(rel_type, DEFAULT_EDGE)
            edge_items.append(LegendItem(rel_type.value, style.colour, dashes=style.dashes))
    return node_items, edge_items


def border_legend(graph: nx.MultiDiGraph[str]) -> list[LegendItem]:
    """The sensitivity borders present, lowest label first."""
    present = {
        d["record"].sensitivity
        for _, d in graph.nodes(data=True)
        if isinstance(d.get("record"), m.Envelope)
    }
    return [
        LegendItem(
            f"{label.value} ({BORDER_NAMES[label]} border)",
            "#555555",
            shape="dotted" if label == Sensitivity.STRICTLY_CONFIDENTIAL else "",
            dashes=label == Sensitivity.CONFIDENTIAL,
        )
        for label in Sensitivity
        if label in present
    ]


def build_network(
    graph: nx.MultiDiGraph[str],
    *,
    highlight_nodes: Collection[str] = (),
    highlight_edges: Collection[str] = (),
    positions: Mapping[str, tuple[float, float]] | None = None,
    height: int = 640,
) -> Network:
    """The pyvis network for `graph`: colour and shape by kind, tooltips escaped."""
    positions = positions if positions is not None else layout(graph)
    dim = bool(highlight_nodes or highlight_edges)
    labelled = labelled_nodes(graph, highlight_nodes)
    source_names = {
        n: str(d.get("name", n)) for n, d in graph.nodes(data=True) if d.get("kind") == "Source"
    }
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    for node_id in sorted(graph.nodes):
        data = graph.nodes[node_id]
        style = KIND_STYLE.get(str(data.get("kind")), KindStyle("#7f8c8d", "dot"))
        lit = node_id in highlight_nodes
        x, y = positions.get(node_id, (0.0, 0.0))
        colour: Any = style.colour
        if lit:
            colour = {"background": style.colour, "border": HIGHLIGHT}
        elif dim:
            colour = {"background": _faded(style.colour), "border": _faded(style.colour)}
        size, font = EMPHASIS.get(str(data.get("kind")), (11, 11))
        # Well-connected entities are drawn larger: the map's hubs stand out at any zoom.
        size += min(12, int(2 * graph.degree(node_id) ** 0.5))
        record = data.get("record")
        label_rank = record.sensitivity if isinstance(record, m.Envelope) else "restricted"
        border, dashes = SENSITIVITY_BORDER.get(label_rank, (2, False))
        net.add_node(
            node_id,
            label=short_label(str(data.get("name", node_id))) if node_id in labelled else " ",
            title=node_tooltip(node_id, data),
            shape=style.shape,
            color=colour,
            size=max(size, 22) if lit else size,
            borderWidth=5 if lit else border,
            shapeProperties={"borderDashes": dashes},
            x=x,
            y=y,
            font={
                "size": max(font, 16) if lit else font,
                "color": "#1c1c1c" if lit or not dim else "#a0a0a0",
            },
        )
    pair_count: Counter[tuple[str, str]] = Counter()
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: str(e[2])):
        edge_style = EDGE_STYLE.get(str(data.get("type")), DEFAULT_EDGE)
        lit = key in highlight_edges
        pair = (min(u, v), max(u, v))
        pair_count[pair] += 1
        options: dict[str, Any] = {
            "id": str(key),
            "title": edge_tooltip(str(key), data, source_names),
            "color": HIGHLIGHT
            if lit
            else (_faded(edge_style.colour) if dim else edge_style.colour),
            "width": 5 if lit else 1 + 2 * float(data.get("strength") or 0),
            "dashes": edge_style.dashes,
        }
        if _symmetric(str(data.get("type"))):
            # An alliance or an association reads the same both ways: no arrowhead.
            options["arrows"] = {"to": {"enabled": False}}
        # Several relationships may join one pair: curve all but the first.
        if pair_count[pair] > 1:
            options["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": 0.15 * (pair_count[pair] - 1),
            }
        net.add_edge(u, v, **options)
    big = graph.number_of_nodes() > 300
    # A dict, not `set_options`: pyvis parses option strings by deleting spaces.
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "selectionWidth": 2,
        },
        "nodes": {"font": {"size": 11, "face": "Arial"}},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
        },
    }
    return net


def labelled_nodes(graph: nx.MultiDiGraph[str], highlight: Collection[str] = ()) -> set[str]:
    """The nodes whose names are drawn: all on a small map; on a large one the armed
    actors, our organisations, the highlighted and the best-connected tenth (at least 20),
    so the whole map stays readable. Every node keeps its name in its tooltip."""
    if graph.number_of_nodes() <= LABEL_ALL_UP_TO:
        return set(graph.nodes)
    keep = {n for n, d in graph.nodes(data=True) if d.get("kind") in LABELLED_KINDS}
    keep.update(n for n in highlight if n in graph)
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))
    keep.update(ranked[: max(20, graph.number_of_nodes() // 10)])
    return keep


def _faded(colour: str) -> str:
    """The colour mixed 75 % towards white (dims what is not on a highlighted path)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c + (255 - c) * 0.75) for c in (r, g, b)))


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(ASSETS)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str, closing_tag: str) -> Markup:
    """An asset inlined verbatim, minus source-map comments; refuse one that would end its tag."""
    text = (ASSETS / name).read_text(encoding="utf-8")
    text = re.sub(r"^\s*(//|/\*)# sourceMappingURL=.*$", "", text, flags=re.M)
    if closing_tag in text.lower():
        raise RuntimeError(f"{name} contains {closing_tag!r}; it cannot be inlined")
    return Markup(text)  # our vendored file, checked above


def network_html(
    graph: nx.MultiDiGraph[str],
    *,
    heading: str = "",
    highlight_nodes: Collection[str] = (),
    highlight_edges: Collection[str] = (),
    height: int = 640,
    limit: int = NODE_LIMIT,
) -> str:
    """Self-contained HTML for `graph`; raises TooManyNodes above `limit` nodes."""
    count = graph.number_of_nodes()
    if count > limit:
        raise TooManyNodes(count, limit)
    net = build_network(
        graph, highlight_nodes=highlight_nodes, highlight_edges=highlight_edges, height=height
    )
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    node_items, edge_items = legend(graph)
    template = _environment().get_template("network.html.j2")
    return template.render(
        heading=Markup(escape(heading)),  # escaped just here
        height=int(height),
        nodes=nodes,
        edges=edges,
        options=json.loads(options),
        legend_nodes=node_items,
        legend_edges=edge_items,
        legend_borders=border_legend(graph),
        vis_js=_asset("vis-network.min.js", "</script"),
        vis_css=_asset("vis-network.min.css", "</style"),
    )
