"""The Network page's measures panel: the figures of `queries.measures` for the view shown.

Thin by design: it picks the actors and ties the user is looking at, hands
them to `queries.measures`, and shows the answer with the way each figure was
computed. Betweenness costs O(n m), so the figures are computed only when the
user turns the panel on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import networkx as nx
import streamlit as st

from queries.measures import DEFAULT_KINDS, DEFAULT_TYPES, measures
from ui.components.entities import md

TOP = 15


def render(
    view: Callable[[], nx.MultiDiGraph[str]], *, kinds: Collection[str], types: Collection[str]
) -> None:
    """Measures of the filtered view over the chosen actor kinds and tie types.

    `view` builds the view: only when the panel is on (the page's every run
    used to filter the whole map for a panel most readers leave off).
    """
    if not st.toggle(
        "Network measures for this view",
        value=False,
        key="net.measures",
        help="Degree, betweenness, closeness and eigenvector centrality; density, "
        "transitivity, components and communities (docs/measures.md).",
    ):
        return
    # Only actors and ties between actors are measured (a district or a report
    # would otherwise become everyone's hub); posts count for their holders.
    actor_kinds = [k for k in DEFAULT_KINDS if k in kinds]
    tie_types = [t for t in DEFAULT_TYPES if t in types]
    if not actor_kinds or not tie_types:
        st.info("Measures need at least one kind of actor and one type of tie in the view.")
        return
    result = measures(view(), kinds=actor_kinds, types=tie_types)
    if result.nodes == 0:
        st.info("No actors in this view to measure.")
        return
    cols = st.columns(5)
    cols[0].metric("Actors", result.nodes)
    cols[1].metric("Ties", result.ties)
    cols[2].metric("Density", f"{result.density:.3f}")
    cols[3].metric("Transitivity", f"{result.transitivity:.3f}")
    cols[4].metric("Components", len(result.components))
    broker = result.top_broker
    shape = (
        f"diameter {result.diameter}"
        if result.connected
        else f"disconnected: diameter per component, largest {result.components[0].diameter}"
    )
    st.caption(
        f"Top broker: **{md(broker.name) if broker else 'none'}**. "
        f"{len(result.communities)} communities (greedy modularity, Q = {result.modularity:.3f}); "
        f"{shape}. Undirected and unweighted, one tie per pair; posts count for their "
        f"holders. Kinds: {', '.join(result.kinds)}."
    )
    st.dataframe(
        [
            {
                "name": n.name,
                "kind": n.kind,
                "degree": n.degree,
                "betweenness": round(n.betweenness, 4),
                "closeness": round(n.closeness, 4),
                "eigenvector": round(n.eigenvector, 4),
                "community": n.community,
            }
            for n in result.ranked[:TOP]
        ],
        hide_index=True,
        key="net.measures.table",
    )
    with st.expander("How each figure is computed"):
        for name, text in result.as_dict()["normalisation"].items():
            st.markdown(f"- **{name}**: {text}")
        for note in result.notes:
            st.markdown(f"- {note}")
