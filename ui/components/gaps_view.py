"""Gaps and coverage: who none of us reaches, single points of failure, stale access,
and the engagers × armed actors matrix. The analysis is `queries.gaps.gaps`."""

from __future__ import annotations

from datetime import date

import networkx as nx
import streamlit as st

from queries.gaps import GapReport, gaps
from ui import query_string, state
from ui.components import charts, partial, tables


def report(graph: nx.MultiDiGraph[str], *, max_hops: int = 5, stale_days: int = 365) -> GapReport:
    return gaps(graph, as_of=date.today(), max_hops=max_hops, stale_after_days=stale_days)


def render_summary(graph: nx.MultiDiGraph[str]) -> None:
    """Three numbers and the names behind them (Overview page)."""
    today_graph = state.graph(date.today())
    found = report(today_graph)
    a, b, c = st.columns(3)
    a.metric(
        "Armed actors none of us reaches",
        len(found.unreachable_actors),
        help=f"Within {found.max_hops} hops, without passing through another party.",
    )
    b.metric(
        "Single points of failure",
        len(found.single_points),
        help="Actors reached through one intermediary only, or by one engager only.",
    )
    c.metric(
        "Stale access",
        len(found.stale_access),
        help=f"Access last confirmed more than {found.stale_after_days} days ago.",
    )
    if found.unreachable_actors:
        st.caption("Not reached: " + ", ".join(u.name for u in found.unreachable_actors))
    if not found.engagers:
        st.info("No engagers: mark our organisations as engagers on the **Data** page.")


def render_coverage() -> None:
    """The Coverage page."""
    graph = state.graph(date.today())
    if graph.number_of_nodes() == 0:
        st.info(partial.empty_map("add entities on the **Data** page or import a snapshot there."))
        return
    qs = query_string
    qs.seed("coverage.max_hops", qs.whole("max_hops", 1, 8), 5)
    qs.seed("coverage.stale_days", qs.whole("stale_after", 30, 1095), 365)
    row = st.columns(2)
    max_hops = row[0].slider("Maximum hops", 1, 8, key="coverage.max_hops")
    stale_days = row[1].slider(
        "Access is stale after (days)", 30, 1095, step=15, key="coverage.stale_days"
    )
    qs.publish({"max_hops": max_hops, "stale_after": stale_days})
    found = report(graph, max_hops=int(max_hops), stale_days=int(stale_days))
    if not found.actors:
        st.info(partial.none("No armed actors in the map yet.", "No armed actors you may see."))
        return
    if not found.engagers:
        st.info("No engagers: mark our organisations as engagers on the **Data** page.")
        return
    st.subheader("Engagers × armed actors")
    st.caption(
        "Best leverage-path score from each engager to each armed actor (or its structural "
        "entry points: local commanders of a decentralised group, the top of an integrated one). "
        "Blank: no path within the hop limit without passing through another party."
    )
    engager_names = [name for _, name in found.engagers]
    actor_names = [name for _, name in found.actors]
    matrix = [
        [found.matrix[actor].get(engager) for engager, _ in found.engagers]
        for actor, _ in found.actors
    ]
    st.plotly_chart(
        charts.coverage_heatmap(actor_names, engager_names, matrix),
        key="coverage.heatmap",
        config={"displaylogo": False},
    )
    tables.show(
        [
            {
                "armed actor": name,
                "engagers reaching": sum(1 for s in found.matrix[actor].values() if s is not None),
                "best score": max(
                    (s for s in found.matrix[actor].values() if s is not None), default=None
                ),
                "only reached by": dict(found.engagers).get(
                    found.only_reached_by.get(actor, ""), ""
                ),
            }
            for actor, name in found.actors
        ],
        key="coverage.table",
    )

    st.subheader("Single points of failure")
    if found.single_points:
        tables.show(
            [
                {
                    "armed actor": s.actor_name,
                    "every path runs through": ", ".join(name for _, name in s.through),
                    "only engager": s.sole_engager[1] if s.sole_engager else "",
                }
                for s in found.single_points
            ],
            key="coverage.spof",
        )
    else:
        st.caption("None: every reachable actor is reached by several engagers and routes.")
    if found.unreachable_actors or found.unreachable_commanders:
        st.markdown("**Not reached at all**")
        tables.show(
            [
                {"name": u.name, "type": u.kind}
                for u in [*found.unreachable_actors, *found.unreachable_commanders]
            ],
            key="coverage.unreached",
        )

    st.subheader("Stale access")
    rows = [
        {
            "from": s.source_name,
            "to": s.target_name,
            "quality": s.quality,
            "last contact": s.last_contact or "never recorded",
            "days": s.age_days,
            "for": ", ".join(dict(found.engagers).get(e, e) for e in s.engagers),
        }
        for s in [*found.stale_access, *found.undated_access]
    ]
    if rows:
        tables.show(rows, key="coverage.stale")
    else:
        st.caption(f"All access was confirmed within {found.stale_after_days} days.")
