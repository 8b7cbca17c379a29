"""Gaps and coverage: who none of us reaches, single points of failure, stale access,
and the engagers × armed actors matrix. The analysis is `queries.gaps.gaps`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import networkx as nx
import streamlit as st

from queries.constraints import PathConstraints
from queries.gaps import GapReport, gaps
from queries.memo import remembered
from queries.shown import records_named
from ui import query_string, state
from ui.components import charts, partial, shown, tables


def report(graph: nx.MultiDiGraph[str], *, max_hops: int = 5, stale_days: int = 365) -> GapReport:
    return gaps(
        graph,
        constraints=PathConstraints(as_of=date.today(), max_hops=max_hops),
        stale_after_days=stale_days,
    )


def paths_question(found: GapReport, engager: str, actor: str) -> dict[str, str]:
    """The Leverage paths query string behind one Coverage cell: that engager, that
    actor, and the date, hop limit and minimum confidence the matrix was scored
    with, so the paths page shows the paths behind that very number."""
    return {
        "target": actor,
        "engagers": engager,
        "as_of": found.as_of.isoformat(),
        "max_hops": str(found.max_hops),
        "min_confidence": str(PathConstraints().min_confidence),
    }


def matrix_table(found: GapReport) -> tuple[Any, list[str]]:
    """The engagers × actors matrix as a coloured table, and its columns' engager ids.

    One row per armed actor, one column per engager (labelled by name, made
    unique), each cell the best path score, shaded like the heatmap; then how
    many engagers reach the actor and, when only one does, which.
    """
    # pandas ships no type stubs here; only its DataFrame.style is used, for the shading.
    import pandas as pd  # type: ignore[import-untyped]

    labels: list[str] = []
    for engager, name in found.engagers:
        labels.append(name if name not in labels else f"{name} ({engager})")
    rows = []
    for actor, name in found.actors:
        scores = found.matrix[actor]
        row: dict[str, Any] = {"armed actor": name}
        for (engager, _), column in zip(found.engagers, labels, strict=True):
            score = scores.get(engager)
            # Text, not a number: a missing score in a number column shows as a grey
            # "None" in the grid whatever the Styler says; blank means "no path".
            row[column] = f"{score:.3f}" if score is not None else ""
        reached = [s for s in scores.values() if s is not None]
        row["engagers reaching"] = len(reached)
        row["only reached by"] = dict(found.engagers).get(found.only_reached_by.get(actor, ""), "")
        rows.append(row)
    frame = pd.DataFrame(rows)
    best = max((s for r in found.matrix.values() for s in r.values() if s is not None), default=1)

    def shade(value: Any) -> str:
        if not value:  # blank: no reach
            return ""
        alpha = 0.15 + 0.7 * min(1.0, float(value) / max(best, 0.05))
        return f"background-color: rgba(39, 174, 96, {alpha:.2f})"

    styled = frame.style.map(shade, subset=labels)
    return styled, labels


def selected_cell(
    event: Any, ids: Sequence[Sequence[tuple[str, str]]], columns: Sequence[str]
) -> tuple[str, str] | None:
    """The (engager, actor) of the matrix cell the user clicked, or None.

    `ids` holds each cell's pair (rows: actors, columns: engagers); `columns`
    the engager columns' labels in the same order. A click on another column
    (the actor's name, the counts) or outside the matrix opens nothing.
    """
    selection = event.get("selection") if isinstance(event, Mapping) else None
    cells = selection.get("cells") if isinstance(selection, Mapping) else None
    if not cells:
        return None
    row, column = cells[0][0], cells[0][1]
    if column not in columns or not isinstance(row, int) or not 0 <= row < len(ids):
        return None
    return ids[row][list(columns).index(column)]


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


def shown_in(found: GapReport, *, matrix: bool) -> dict[str, Any]:
    """What a gaps view shows, as data whose ids can be audited (`shown.audit_page`);
    never `as_dict()`, which would compute the per-engager breakdown."""
    return {
        "unreachable": [asdict(u) for u in found.unreachable_actors],
        "single_points": [asdict(p) for p in found.single_points],
        "stale": [asdict(a) for a in found.stale_access],
        "grid": [found.actors, found.engagers] if matrix else [],
    }


def summary_shown(today_graph: nx.MultiDiGraph[str]) -> list[Any]:
    """The records the Overview summary names, found once per projection (its
    lists are 14,000 gap rows at M); the app's warm-up computes them."""
    return remembered(
        today_graph,
        "gaps_view.summary_shown",
        lambda: records_named(today_graph, shown_in(report(today_graph), matrix=False)),
    )


def summary_stale(today_graph: nx.MultiDiGraph[str]) -> tables.Prepared:
    """The Overview's stale-access table (dated access only), remembered per
    projection: 14,000 rows at M; the app's warm-up computes it."""

    def compute() -> tables.Prepared:
        found = report(today_graph)
        return tables.prepare(stale_rows(found)[: len(found.stale_access)])

    return remembered(today_graph, "gaps_view.summary_stale", compute)


def render_summary(graph: nx.MultiDiGraph[str]) -> None:  # noqa: ARG001 (page interface)
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
    shown.audit_records(summary_shown(today_graph), "overview")
    # Every number leads to its list: the names behind it, one click away.
    if found.unreachable_actors:
        st.caption("Not reached: " + ", ".join(u.name for u in found.unreachable_actors))
    if found.single_points:
        with st.expander(f"The {len(found.single_points)} single point(s) of failure"):
            tables.show(single_point_rows(found), key="overview.spof")
    if found.stale_access:
        with st.expander(f"The {len(found.stale_access)} stale access relationship(s)"):
            tables.show(summary_stale(today_graph), key="overview.stale")
    if not found.engagers:
        st.info("No engagers: mark our organisations as engagers on the **Data** page.")


def coverage_lists(
    graph: nx.MultiDiGraph[str], max_hops: int = 5, stale_days: int = 365
) -> tuple[list[Any], tables.Prepared]:
    """What the Coverage page names (for its audit) and its stale-access table,
    remembered per projection and question, like the Overview's lists: at M
    they run to 17,000 access rows, 1.7 CPU s on every rerun otherwise. The
    app's warm-up computes them for the page's default question."""
    found = report(graph, max_hops=max_hops, stale_days=stale_days)
    return remembered(
        graph,
        ("gaps_view.coverage_lists", max_hops, stale_days),
        lambda: (
            records_named(graph, shown_in(found, matrix=True)),
            tables.prepare(stale_rows(found)),
        ),
    )


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
    named, stale = coverage_lists(graph, int(max_hops), int(stale_days))
    shown.audit_records(named, "coverage")
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
    st.plotly_chart(
        charts.coverage_heatmap(actor_names, engager_names, matrix),
        key="coverage.heatmap",
        config={"displaylogo": False},
    )
    # Plotly heatmaps cannot be selected in Streamlit (a click on a cell sends
    # nothing back), so the same matrix is also a table whose cells can be
    # clicked: one opens the paths from that engager to that actor.
    st.markdown("**Click a score to open the leverage paths from that engager to that actor.**")
    table, columns = matrix_table(found)
    event = st.dataframe(
        table,
        hide_index=True,
        key="coverage.table",
        on_select="rerun",
        selection_mode="single-cell",
    )
    cell = selected_cell(event, ids, columns)
    if cell is not None:
        engager, actor = cell
        st.switch_page("views/paths.py", query_params=paths_question(found, engager, actor))

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
    if stale.rows:
        tables.show(stale, key="coverage.stale")
    else:
        st.caption(f"All access was confirmed within {found.stale_after_days} days.")
