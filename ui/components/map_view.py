"""The map: areas shaded by who controls them on a date, sites, routes and incidents.

Plotly, not pydeck: Streamlit bundles plotly.js, so the figure draws with no
request to any host, while pydeck's deck.gl and its basemaps load from CDNs.
By default the map is the boundaries themselves, on plain longitude/latitude
axes (no `geo` projection either: plotly's `geo` fetches its world outline
from a CDN). A team hosting its own raster tile server may set
`ACTORGRAPH_MAP_TILE_URL` (`…/{z}/{x}/{y}.png`): the same layers are then
drawn over those tiles with MapLibre, and nothing else is fetched.

Every name passes through `plotly_text` (Plotly reads hover text as HTML).
Clicking a label point, site, route or incident selects it; the page lists
its contacts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go

from ui.components.charts import HARM_COLOURS, plotly_text

NOBODY = "#d5d8dc"
SITE_SYMBOLS = {
    "checkpoint": "x",
    "screening_site": "square",
    "crossing_point": "diamond",
    "other": "circle",
}
_PALETTE = (
    "#c0392b",
    "#2e86c1",
    "#27ae60",
    "#8e44ad",
    "#d68910",
    "#17a589",
    "#a04000",
    "#5b2c6f",
    "#1f618d",
    "#7d6608",
)


def colour_of(key: str) -> str:
    """A stable colour per controller id, so a group keeps its colour across dates."""
    return _PALETTE[int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(_PALETTE)]


def _rings(geojson: str) -> Iterator[list[list[float]]]:
    geom = json.loads(geojson)
    if geom["type"] == "Polygon":
        yield geom["coordinates"][0]
    elif geom["type"] == "MultiPolygon":
        for polygon in geom["coordinates"]:
            yield polygon[0]
    elif geom["type"] == "LineString":
        yield geom["coordinates"]
    elif geom["type"] == "MultiLineString":
        yield from geom["coordinates"]


def _xy(geojson: str) -> tuple[list[float | None], list[float | None]]:
    """Coordinates of every ring or line, separated by None (Plotly's break)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in _rings(geojson):
        xs.extend([p[0] for p in ring] + [None])
        ys.extend([p[1] for p in ring] + [None])
    return xs, ys


def _names(people: list[dict[str, Any]]) -> str:
    return ", ".join(plotly_text(p["name"]) for p in people) or "nobody recorded"


def _trace(tiles: bool, **kw: Any) -> go.Scatter | go.Scattermap:
    """A cartesian trace (offline) or a MapLibre one (over the team's tiles)."""
    if tiles:
        kw["lon"], kw["lat"] = kw.pop("x"), kw.pop("y")
        kw.pop("fillpattern", None)
        return go.Scattermap(**kw)
    return go.Scatter(**kw)


def figure(layers: dict[str, Any], *, tile_url: str | None = None) -> go.Figure:
    """The map figure for `queries.places.map_layers` output."""
    tiles = bool(tile_url)
    fig = go.Figure()
    legend_done: set[str] = set()
    for area in layers["areas"]:
        held = area["controllers"]
        key = held[0]["id"] if len(held) == 1 else ""
        colour = colour_of(key) if key else NOBODY
        group = "contested" if area["contested"] else (held[0]["name"] if held else "no control")
        xs, ys = _xy(area["geojson"])
        fig.add_trace(
            _trace(
                tiles,
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour if not area["contested"] else "#f5b7b1",
                fillpattern={"shape": "x"} if area["contested"] else None,
                line={"color": "#566573", "width": 1},
                name=plotly_text(group),
                legendgroup=plotly_text(group),
                showlegend=group not in legend_done,
                hoverinfo="skip",
                opacity=0.45 if tiles else 1.0,
            )
        )
        legend_done.add(group)
    if layers["areas"]:
        fig.add_trace(
            _trace(
                tiles,
                x=[a["label_at"][0] for a in layers["areas"]],
                y=[a["label_at"][1] for a in layers["areas"]],
                mode="markers+text",
                text=[plotly_text(a["name"]) for a in layers["areas"]],
                textposition="middle center",
                marker={"size": 14, "color": "rgba(0,0,0,0.05)"},
                customdata=[a["id"] for a in layers["areas"]],
                hovertext=[
                    f"{plotly_text(a['name'])} ({plotly_text(a['pcode'])})<br>"
                    f"{'CONTESTED: ' if a['contested'] else ''}"
                    f"held by {_names(a['controllers'])}"
                    + (f" (via {plotly_text(a['inherited_from'])})" if a["inherited_from"] else "")
                    for a in layers["areas"]
                ],
                hoverinfo="text",
                name="areas",
                showlegend=False,
            )
        )
    for route in layers["routes"]:
        xs, ys = _xy(route["geojson"])
        fig.add_trace(
            _trace(
                tiles,
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#1b2631", "width": 3, "dash": "dash"},
                name=plotly_text(route["name"]),
                hoverinfo="skip",
            )
        )
    clickable = [*layers["routes"], *layers["sites"]]
    if clickable:
        fig.add_trace(
            _trace(
                tiles,
                x=[s["label_at"][0] for s in clickable],
                y=[s["label_at"][1] for s in clickable],
                mode="markers",
                marker={
                    "size": 13,
                    "color": "#1b2631",
                    "symbol": [SITE_SYMBOLS.get(s["site_kind"], "circle") for s in clickable]
                    if not tiles
                    else None,
                },
                customdata=[s["id"] for s in clickable],
                hovertext=[
                    f"{plotly_text(s['name'])} ({s['site_kind'].replace('_', ' ')})<br>"
                    f"controlled by {_names(s['controllers'])}<br>"
                    f"operated by {_names(s['operators'])}"
                    for s in clickable
                ],
                hoverinfo="text",
                name="sites and routes",
            )
        )
    for pattern, colour in {**HARM_COLOURS, "unassessed": "#7f8c8d"}.items():
        points = [i for i in layers["incidents"] if i["harm_pattern"] == pattern]
        if not points:
            continue
        fig.add_trace(
            _trace(
                tiles,
                x=[i["at"][0] for i in points],
                y=[i["at"][1] for i in points],
                mode="markers",
                marker={"size": 8, "color": colour},
                customdata=[i["id"] for i in points],
                hovertext=[f"{plotly_text(i['name'])}<br>{i['date']}" for i in points],
                hoverinfo="text",
                name=f"incidents: {pattern}",
            )
        )
    fig.update_layout(
        height=620,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.05},
        clickmode="event+select",
    )
    if tiles:
        style = {
            "version": 8,
            "sources": {"team": {"type": "raster", "tiles": [tile_url], "tileSize": 256}},
            "layers": [{"id": "team", "type": "raster", "source": "team"}],
        }
        centre = _centre(layers)
        fig.update_layout(map={"style": style, "center": centre, "zoom": 6})
    else:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
        fig.update_layout(plot_bgcolor="white")
    return fig


def _centre(layers: dict[str, Any]) -> dict[str, float]:
    points = [a["label_at"] for a in layers["areas"]] or [[0.0, 0.0]]
    return {
        "lon": sum(p[0] for p in points) / len(points),
        "lat": sum(p[1] for p in points) / len(points),
    }
