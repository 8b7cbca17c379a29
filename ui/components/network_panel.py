"""The Network page: filters, as-of slider, ego network, and the drawing.

The drawing is cached with `st.cache_data`, which is shared by every user, so
its key names everything the picture depends on: the store, the viewer's
clearance, the store's change counter, the date and the filters.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection
from datetime import date, timedelta

import networkx as nx
import streamlit as st

from graph.model import Structure
from graph.schema import NodeKind, RelType
from ui import query_string, state
from ui.components import (
    entities,
    measures_view,
    network_click,
    network_view,
    node_details,
    partial,
    shown,
    tables,
)
from ui.components.network_view import (
    Filters,
    date_bounds_of,
    filter_graph,
    network_html,
    select,
)

HEIGHT = 620
DEFAULT_HIDDEN = {NodeKind.SOURCE.value}


@dataclasses.dataclass(frozen=True)
class Drawing:
    """One filtered view, drawn: the HTML (None when over the limit), what it
    shows (node and relationship ids, which the page audits), and, over the
    limit, how many entities of each kind matched (the page lists them)."""

    html: str | None
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    matched: int = 0
    by_kind: tuple[tuple[str, int], ...] = ()


@st.cache_data(max_entries=24, show_spinner=False)
def drawing(
    _graph: nx.MultiDiGraph[str],
    *,
    # The cache key: which store, whose clearance, which write, which date.
    store_url: str,  # noqa: ARG001
    clearance: str,  # noqa: ARG001
    change_counter: int,  # noqa: ARG001
    as_of: str | None,  # noqa: ARG001
    filters: Filters,
    heading: str,
    highlight_nodes: tuple[str, ...] = (),
    highlight_edges: tuple[str, ...] = (),
    limit: int,
    height: int = HEIGHT,
) -> Drawing:
    """The drawing of one filtered view, or why not (over the limit).

    `_graph` is not hashed: the projection is fully named by the store URL,
    clearance, change counter and date, which are. Over the limit the view is
    counted, not built (`select`): at M the whole map is 20,000 entities.
    """
    chosen = select(_graph, filters)
    if len(chosen.nodes) > limit:
        by_kind = Counter(str(_graph.nodes[n].get("kind")) for n in chosen.nodes)
        return Drawing(None, matched=len(chosen.nodes), by_kind=tuple(by_kind.most_common()))
    view = filter_graph(_graph, filters)
    html = network_html(
        view,
        heading=heading,
        # The centre of an ego network stands out; a path's nodes when one is chosen.
        highlight_nodes=highlight_nodes or ((filters.center,) if filters.center else ()),
        highlight_edges=highlight_edges,
        height=height,
        limit=limit,
    )
    return Drawing(
        html,
        nodes=tuple(sorted(view.nodes)),
        edges=tuple(sorted(k for _, _, k in view.edges(keys=True))),
        matched=view.number_of_nodes(),
    )


def show_drawing(
    graph: nx.MultiDiGraph[str],
    *,
    as_of: date | None,
    filters: Filters,
    heading: str,
    highlight_nodes: Collection[str] = (),
    highlight_edges: Collection[str] = (),
    height: int = HEIGHT,
    clickable: bool = False,
) -> str | None:
    """Draw (or explain why not) one filtered view of `graph`.

    `clickable` draws through the two-way component (`network_click`) and
    returns the node the reader just clicked, if any.
    """
    viewer = state.viewer()
    drawn = drawing(
        graph,
        store_url=state.store_url(),
        clearance=viewer.clearance.value,
        change_counter=state.change_counter(),
        as_of=as_of.isoformat() if as_of else None,
        filters=filters,
        heading=heading,
        highlight_nodes=tuple(sorted(highlight_nodes)),
        highlight_edges=tuple(sorted(highlight_edges)),
        limit=network_view.NODE_LIMIT,
        height=height,
    )
    if drawn.html is None:
        st.warning(
            f"{drawn.matched:,} entities match these filters; the network view draws at most "
            f"{network_view.NODE_LIMIT:,} at once so that your browser stays responsive. "
            "Narrow the view: choose fewer node types, an area or a higher minimum "
            "confidence, or centre it on one entity with a small depth."
        )
        tables.show(
            [{"type": k, "entities": n} for k, n in drawn.by_kind],
            key="net.too_many",
        )
        return None
    if not drawn.nodes:
        st.info(
            partial.none(
                "Nothing matches these filters.", "Nothing you may see matches these filters."
            )
            + " Widen them, or pick another date."
        )
        return None
    # What was drawn, as the cached drawing recorded it (not the view filtered again).
    shown.audit_page(graph, [list(drawn.nodes), list(drawn.edges)], "network")
    st.caption(
        f"Showing {len(drawn.nodes)} entities and {len(drawn.edges)} relationships. Hover for "
        "details; "
        + ("click an entity for its details and actions; " if clickable else "")
        + "drag to move, scroll to zoom."
    )
    # The HTML is ours and every piece of data in it is escaped (network_view).
    if clickable:
        return network_click.draw(drawn.html, height=height + 110)
    st.iframe(drawn.html, height=height + 110)
    return None


def render() -> None:
    full = state.graph()
    if full.number_of_nodes() == 0:
        st.info(partial.empty_map("add entities on the **Data** page or import a snapshot there."))
        return

    bounds = date_bounds_of(full)
    today = date.today()
    low = bounds[0] if bounds else today - timedelta(days=3650)
    high = max(bounds[1], today) if bounds else today
    all_kinds = [k.value for k in NodeKind]
    all_rels = [t.value for t in RelType]
    all_structures = [s.value for s in Structure]
    default_kinds = [k for k in all_kinds if k not in DEFAULT_HIDDEN]
    qs = query_string
    qs.seed("net.kinds", qs.texts("types", all_kinds), default_kinds)
    qs.seed("net.rels", qs.texts("rels", all_rels), all_rels)
    qs.seed("net.structures", qs.texts("structure", all_structures), [])
    qs.seed("net.all_dates", qs.flag("all_dates"), False)
    held = st.session_state.get("net.as_of")
    if isinstance(held, date) and not low <= held <= high:  # the data's dates moved
        del st.session_state["net.as_of"]
    qs.seed("net.as_of", qs.day("as_of", low, high), min(max(today, low), high))
    qs.seed("net.min_conf", qs.number("min_confidence", 0.0, 1.0), 0.0)
    qs.seed("net.depth", qs.whole("depth", 1, 4), 2)
    qs.seed(network_click.SELECTED, qs.text("node"), None)
    with st.container(border=True):
        top = st.columns([3, 3, 2])
        with top[0]:
            kinds = st.multiselect("Node types", all_kinds, key="net.kinds")
        with top[1]:
            rels = st.multiselect("Relationship types", all_rels, key="net.rels")
        with top[2]:
            structures = st.multiselect(
                "Group structure",
                all_structures,
                key="net.structures",
                help="Keep armed actors of these structures only (empty: all).",
            )
        middle = st.columns([3, 3, 2])
        with middle[0]:
            area = entities.entity_picker(
                "Area",
                full,
                key="net.area",
                kinds={NodeKind.AREA.value},
                follow_selection=False,
                placeholder="all areas",
                url="area",
            )
        with middle[1]:
            every_date = st.toggle(
                "All periods (ignore dates)",
                key="net.all_dates",
                help="Off: only what was valid on the chosen date.",
            )
            as_of: date | None = None
            if not every_date:
                as_of = st.slider(
                    "As of",
                    min_value=low,
                    max_value=high,
                    key="net.as_of",
                    format="YYYY-MM-DD",
                )
        with middle[2]:
            min_conf = st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="net.min_conf")
        bottom = st.columns([3, 3, 2])
        with bottom[0]:
            center = entities.entity_picker(
                "Centre on (ego network)",
                full,
                key="net.center",
                placeholder="whole map",
                url="centre",
            )
        with bottom[1]:
            depth = st.slider("Depth", 1, 4, key="net.depth", disabled=center is None)
    view: dict[str, query_string.Value] = {
        # Defaults are left out, so a shared link stays short.
        "types": None if kinds == default_kinds else kinds,
        "rels": None if rels == all_rels else rels,
        "structure": structures or None,
        "area": area,
        "all_dates": every_date or None,
        "as_of": as_of,
        "min_confidence": min_conf or None,
        "centre": center,
        "depth": depth if center is not None else None,
    }

    graph = state.graph(as_of)
    filters = Filters(
        node_kinds=frozenset(kinds),
        rel_types=frozenset(rels),
        structures=frozenset(structures),
        area_id=area,
        min_confidence=float(min_conf),
        center=center,
        depth=int(depth),
    )
    if center is not None and center not in graph:
        st.info("The chosen entity is not valid on that date; showing the filtered map instead.")
        filters = dataclasses.replace(filters, center=None)
    heading = f"Ego network of {entities.label(graph, filters.center)}" if filters.center else ""
    filters = dataclasses.replace(filters, expanded=node_details.expanded())
    clicked = show_drawing(graph, as_of=as_of, filters=filters, heading=heading, clickable=True)
    if clicked is not None:
        st.session_state[network_click.SELECTED] = clicked
    selected = st.session_state.get(network_click.SELECTED)
    if isinstance(selected, str) and selected in graph:
        node_details.render(graph, selected)
        record = graph.nodes[selected]["record"]
        cited = [ref.source_id for ref in getattr(record, "sources", ())]
        shown.audit_page(graph, [selected, *cited], "network details")
    else:
        selected = None
    qs.publish({**view, "node": selected})
    measures_view.render(lambda: filter_graph(graph, filters), kinds=kinds, types=rels)
