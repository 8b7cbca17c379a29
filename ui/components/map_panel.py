"""The Map page: a date, an admin level, the map, and the contacts of what is clicked.

Thin: the layers come from `queries.places.map_layers` on the viewer's
projection and the shapes the store lets the viewer see; the contacts of an
area or site from `queries.contacts.place_contacts`. Names are escaped for
Markdown (`md`) and for Plotly (`map_view`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from queries.constraints import PathConstraints
from queries.contacts import place_contacts
from queries.places import map_layers
from ui import state
from ui.components import map_view, partial, shown
from ui.components.entities import md


def _shapes() -> dict[str, str]:
    """The shapes this viewer may see; read per run (the store filters by clearance)."""
    return state.store().geometries(viewer=state.viewer())


def picked_id(event: Any) -> str | None:
    """The record id of the first clicked point (label, site, route or incident)."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, list):
            custom = custom[0] if custom else None
        if custom:
            return str(custom)
    return None


def render_contacts(found: dict[str, Any]) -> None:
    """Who controls or operates there, commanders, and the engagers who reach them."""
    st.subheader(f"{md(found['name'])}: contacts as of {found['as_of']}")
    if not found["armed"] and not found["others"]:
        st.caption("Nobody is recorded controlling or operating here on this date.")
    for entry in found["armed"]:
        st.markdown(f"**{md(entry['relation'])}**: {md(entry['name'])}")
        heads = ", ".join(md(c["name"]) for c in entry["commanders"]) or "commander unknown"
        st.markdown(f"- commanders: {heads}")
        reach = [f"{md(e['engager_name'])} ({e['score']:.2f})" for e in entry["engagers"]]
        st.markdown(f"- reached by: {', '.join(reach) or 'none of our engagers'}")
    for entry in found["others"]:
        st.markdown(f"**{md(entry['relation'])}**: {md(entry['name'])} ({md(entry['kind'])})")


def render() -> None:
    """The Map page."""
    day = st.date_input("Map as of", value=date.today(), key="map.as_of")
    graph = state.graph(day)
    shapes = _shapes()
    layers = map_layers(graph, shapes)
    if not layers["areas"] and not layers["sites"] and not layers["routes"]:
        st.info(
            partial.empty_map(
                "import boundaries (`actorgraph import-boundaries`) or shapes for sites "
                "(`actorgraph import-shapes`) to draw the map."
            )
        )
        return
    if len(layers["levels"]) > 1:
        level = st.select_slider(
            "Admin level", options=layers["levels"], value=layers["level"], key="map.level"
        )
        layers = map_layers(graph, shapes, level=level)
    contested = [a["name"] for a in layers["areas"] if a["contested"]]
    if contested:
        st.warning("Contested on this date: " + ", ".join(md(n) for n in contested))
    shown.audit_page(graph, layers, "map")
    tile_url = state.settings().map_tile_url
    event = st.plotly_chart(
        map_view.figure(layers, tile_url=tile_url),
        key="map.figure",
        on_select="rerun",
        selection_mode="points",
        use_container_width=True,
        config={"displaylogo": False},
    )
    places = {a["id"]: f"{a['name']} ({a['pcode']})" for a in layers["areas"]}
    places.update({s["id"]: s["name"] for s in [*layers["sites"], *layers["routes"]]})
    clicked = picked_id(event)
    if clicked in places:
        st.session_state["map.place"] = clicked
    choice = st.selectbox(
        "Area, site or route",
        options=[None, *sorted(places, key=lambda p: places[p])],
        format_func=lambda p: "(click the map or choose)" if p is None else places[p],
        key="map.place",
    )
    if clicked and clicked not in places and clicked in graph:
        record = graph.nodes[clicked]["record"]
        st.markdown(f"**Incident**: {md(record.name)}, {md(record.date)}")
    if choice:
        found = place_contacts(graph, choice, constraints=PathConstraints(as_of=day))
        shown.audit_page(graph, found, "map contacts")
        render_contacts(found)
