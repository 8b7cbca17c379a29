"""Overview: what is in the map, what changed lately, where the gaps are, how fresh it is."""

from __future__ import annotations

import streamlit as st

from graph.schema import NodeKind
from ui import state
from ui.components import overview as view
from ui.components import partial, tables

st.title("Overview")

with state.friendly_errors():
    partial.note_if_partial()
    graph = state.graph()
    if graph.number_of_nodes() == 0:
        st.info(
            partial.empty_map(
                "add entities on the **Data** page, import a snapshot there, "
                "or start the fictional demo with `actorgraph demo`."
            )
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
        tables.show(view.count_rows(counts), key="overview.counts")
    with right:
        st.subheader("Recent changes")
        recent = view.recent_changes(graph, limit=15)
        if recent:
            tables.show(recent, key="overview.recent")
        else:
            st.caption(partial.none("No recorded changes yet.", "No changes you may see."))

    st.subheader("Gaps")
    view.render_gaps(graph)

    st.subheader("Data freshness")
    view.render_freshness(graph)
