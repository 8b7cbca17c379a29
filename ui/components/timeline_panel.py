"""The Timeline page: an actor, an area, a site or the whole map on one time axis.

Items come from `queries.timeline_view.timeline` on the viewer's projection of
every date; a click on an item (or the list under the chart) opens its record,
read through the store for the same viewer. Plotly text is escaped
(`plotly_text`), Markdown text with `md`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from graph.schema import ARMED, PLACES, NodeKind
from queries.timeline_view import LANES, timeline
from ui import state
from ui.components import partial, shown
from ui.components.charts import plotly_text
from ui.components.entities import md
from ui.components.map_panel import picked_id

# The kinds a timeline is drawn for: armed formations, people and places.
SUBJECT_KINDS = ARMED | PLACES | {NodeKind.PERSON.value}
LANE_COLOURS = {
    "allegiance": "#8e44ad",
    "command": "#2e86c1",
    "control": "#c0392b",
    "incident": "#922b21",
    "engagement": "#27ae60",
    "commitment": "#b7950b",
}


def figure(items: list[dict[str, Any]], *, until: date) -> go.Figure:
    """Intervals as bars from start to end (open ones run to `until`), events as points."""
    fig = go.Figure()
    for lane in LANES:
        rows = [i for i in items if i["lane"] == lane]
        if not rows:
            continue
        xs: list[Any] = []
        ys: list[Any] = []
        for i in rows:
            if i["point"] or not i["start"]:
                continue
            xs += [i["start"], i["end"] or until.isoformat(), None]
            ys += [lane, lane, None]
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"width": 10, "color": LANE_COLOURS[lane]},
                    opacity=0.5,
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        dated = [i for i in rows if i["start"]]
        fig.add_trace(
            go.Scatter(
                x=[i["start"] for i in dated],
                y=[lane] * len(dated),
                mode="markers",
                marker={"size": 11, "color": LANE_COLOURS[lane]},
                customdata=[i["record"] for i in dated],
                hovertext=[
                    f"{plotly_text(i['label'])}<br>{i['start']}"
                    + ("" if i["point"] else f" .. {i['end'] or 'open'}")
                    for i in dated
                ],
                hoverinfo="text",
                name=lane,
            )
        )
    fig.update_layout(
        height=380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(LANES))},
        clickmode="event+select",
    )
    return fig


def render() -> None:
    """The Timeline page."""
    graph = state.graph(None)
    subjects = {
        n: f"{d['record'].name} ({d['kind']})"
        for n, d in graph.nodes(data=True)
        if d.get("kind") in SUBJECT_KINDS and d.get("record") is not None
    }
    if not subjects:
        st.info(partial.empty_map("add armed actors or areas on the **Data** page."))
        return
    row = st.columns([2, 1, 1])
    subject = row[0].selectbox(
        "Actor, area or site",
        options=[None, *sorted(subjects, key=lambda n: subjects[n])],
        format_func=lambda n: "Whole map" if n is None else subjects[n],
        key="timeline.subject",
    )
    today = date.today()
    start = row[1].date_input("From", value=today - timedelta(days=365 * 5), key="timeline.from")
    end = row[2].date_input("To", value=today, key="timeline.to")
    items = timeline(graph, subject, start=start, end=end)
    if not items:
        st.caption("Nothing dated in this window.")
        return
    shown.audit_page(graph, items, "timeline")
    event = st.plotly_chart(
        figure(items, until=end),
        key="timeline.figure",
        on_select="rerun",
        selection_mode="points",
        use_container_width=True,
        config={"displaylogo": False},
    )
    labels = {i["record"]: f"{i['start'] or 'undated'} · {i['lane']} · {i['label']}" for i in items}
    clicked = picked_id(event)
    if clicked in labels:
        st.session_state["timeline.item"] = clicked
    picked = st.selectbox(
        "Item",
        options=[None, *labels],
        format_func=lambda r: "(click the chart or choose)" if r is None else labels[r],
        key="timeline.item",
    )
    if picked:
        record = state.store().get(picked, viewer=state.viewer())
        if record is not None:
            st.markdown(f"**{md(labels[picked])}**")
            st.json(record.model_dump(mode="json", exclude_none=True))
