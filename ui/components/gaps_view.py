"""Gaps and coverage: who none of us reaches, single points of failure, stale access,
and the engagers × armed actors matrix. The analysis is `queries.gaps.gaps`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import networkx as nx
import streamlit as st

from queries.gaps import GapReport, gaps
from ui import query_string, state
from ui.components import charts, partial, tables


def report(graph: nx.MultiDiGraph[str], *, max_hops: int = 5, stale_days: int = 365) -> GapReport:
    return gaps(graph, as_of=date.today(), max_hops=max_hops, stale_after_days=stale_days)


def selected_cell(event: Any, ids: Sequence[Sequence[tuple[str, str]]]) -> tuple[str, str] | None:
    """The (engager, actor) of the heatmap cell the user clicked, or None.

    The cell's custom data names the pair; older front ends send only the
    point's [row, column] index, which `ids` (rows: actors, columns: engagers)
    turns into the same pair. Anything else (no click, a box drag) is None.
    """
    selection = event.get("selection") if isinstance(event, Mapping) else None
    points = selection.get("points") if isinstance(selection, Mapping) else None
    if not points:
        return None
    point = points[0]
    data = point.get("customdata")
    if isinstance(data, Sequence) and not isinstance(data, str) and len(data) == 2:
        pair = (str(data[0]), str(data[1]))
        if any(pair in row for row in ids):
            return pair
    index = point.get("point_index")
    if isinstance(index, Sequence) and len(index) == 2:
        row, column = int(index[0]), int(index[1])
        if 0 <= row < len(ids) and 0 <= column < len(ids[row]):
            return ids[row][column]
    return None


def single_point_rows(found: GapReport) -> list[dict[str, str]]:
    """The actors whose reach hangs on one intermediary or one engager, and on whom."""
    return [
        {
            "armed actor": s.actor_name,
            "every path runs through": ", ".join(name for _, name in s.through),
            "only engager": s.sole_engager[1] if s.sole_engager else "",
        }
        for s in found.single_points
    ]


def stale_rows(found: GapReport) -> list[dict[str, Any]]:
    """Stale access first (oldest contact), then access with no contact date at all."""
    return [
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
    # Every number leads to its list: the names behind it, one click away.
    if found.unreachable_actors:
        st.caption("Not reached: " + ", ".join(u.name for u in found.unreachable_actors))
    if found.single_points:
        with st.expander(f"The {len(found.single_points)} single point(s) of failure"):
            tables.show(single_point_rows(found), key="overview.spof")
    stale = stale_rows(found)
    if found.stale_access:
        with st.expander(f"The {len(found.stale_access)} stale access relationship(s)"):
            tables.show(stale[: len(found.stale_access)], key="overview.stale")
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
    ids = [[(engager, actor) for engager, _ in found.engagers] for actor, _ in found.actors]
    event = st.plotly_chart(
        charts.coverage_heatmap(actor_names, engager_names, matrix, ids=ids),
        key="coverage.heatmap",
        config={"displaylogo": False},
        on_select="rerun",
        selection_mode="points",
    )
    st.caption("Click a cell to open the leverage paths from that engager to that actor.")
    cell = selected_cell(event, ids)
    if cell is not None:
        engager, actor = cell
        st.switch_page("views/paths.py", query_params={"target": actor, "engagers": engager})
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
        tables.show(single_point_rows(found), key="coverage.spof")
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
    rows = stale_rows(found)
    if rows:
        tables.show(rows, key="coverage.stale")
    else:
        st.caption(f"All access was confirmed within {found.stale_after_days} days.")
