"""Overview: what is in the map, what changed lately, where the gaps are, how fresh it is."""

from __future__ import annotations

import streamlit as st

from graph.schema import NodeKind
from ui import state
from ui.components import overview as view

st.title("Overview")

with state.friendly_errors():
    graph = state.graph()
    if graph.number_of_nodes() == 0:
        st.info(
            "The map is empty. Add entities on the **Data** page, import a snapshot there, "
            "or start the fictional demo with `actorgraph demo`."
        )
        st.stop()

    counts = view.counts_by_type(graph)
    main = [
        NodeKind.ARMED_ACTOR,
        NodeKind.UNIT,
        NodeKind.PERSON,
        NodeKind.ORGANISATION,
        NodeKind.COMMUNITY,
        NodeKind.INCIDENT,
    ]
    columns = st.columns(len(main))
    for column, kind in zip(columns, main, strict=True):
        column.metric(view.KIND_TITLES[kind], counts["nodes"].get(kind, 0))

    left, right = st.columns([1, 2])
    with left:
        st.subheader("Counts by type")
        st.dataframe(view.count_rows(counts), hide_index=True, key="overview.counts")
    with right:
        st.subheader("Recent changes")
        recent = view.recent_changes(graph, limit=15)
        if recent:
            st.dataframe(recent, hide_index=True, key="overview.recent")
        else:
            st.caption("No recorded changes yet.")

    st.subheader("Gaps")
    view.render_gaps(graph)

    st.subheader("Data freshness")
    view.render_freshness(graph)
