"""The Leverage paths page: a target and engagers in, ranked explained paths out."""

from __future__ import annotations

from datetime import date

import networkx as nx
import streamlit as st

from queries.engagers import acting_for, default_engagers
from queries.leverage import TARGET_KINDS, LeverageResult, leverage_paths
from ui import state
from ui.components import briefing, network_panel
from ui.components.briefing import hop_evidence
from ui.components.entities import entity_picker, ids_of_kinds, label, md
from ui.components.network_view import Filters


def engager_options(graph: nx.MultiDiGraph[str]) -> list[str]:
    """Our engager organisations, then the people who act for them (focal points, staff)."""
    orgs = default_engagers(graph)
    people = [
        n for n in ids_of_kinds(graph, {"Person"}) if any(a in orgs for a in acting_for(graph, n))
    ]
    return orgs + people


def render() -> None:
    today = date.today()
    controls = st.container(border=True)
    with controls:
        top = st.columns([3, 4])
        with top[1]:
            as_of = st.date_input("Question date (as of)", value=today, key="paths.as_of")
        graph = state.graph(as_of)
        if graph.number_of_nodes() == 0:
            st.info("The map is empty: add entities on the **Data** page or import a snapshot.")
            return
        with top[0]:
            target = entity_picker(
                "Target (armed actor, unit, commander or post)",
                graph,
                key="paths.target",
                kinds=TARGET_KINDS,
            )
        options = engager_options(graph)
        engagers = st.multiselect(
            "Engagers (where paths may start)",
            options,
            default=default_engagers(graph),
            key="paths.engagers",
            format_func=lambda n: label(graph, n),
            help="Default: every organisation marked as one of our engagers.",
        )
        row = st.columns(4)
        k = row[0].slider("Paths", 1, 10, 5, key="paths.k")
        max_hops = row[1].slider("Maximum hops", 1, 8, 5, key="paths.max_hops")
        min_conf = row[2].slider("Minimum confidence", 0.0, 1.0, 0.3, 0.05, key="paths.min_conf")
        with row[3]:
            allow = st.toggle(
                "Allow paths through other parties",
                value=False,
                key="paths.allow_parties",
                help="Off (default): no path passes through another party to the conflict.",
            )
        exclude = st.multiselect(
            "Exclude intermediaries",
            ids_of_kinds(graph, None),
            default=[],
            key="paths.exclude",
            format_func=lambda n: label(graph, n),
        )
    if target is None:
        st.caption("Choose a target to see who of us can reach it, and through whom.")
        return
    if not engagers:
        st.warning("Choose at least one engager.")
        return
    result = leverage_paths(
        graph,
        target,
        engagers=engagers,
        k=int(k),
        max_hops=int(max_hops),
        min_confidence=float(min_conf),
        as_of=as_of,
        allow_through_parties=bool(allow),
        exclude=exclude,
    )
    show_result(graph, result, as_of=as_of)


def show_result(graph: nx.MultiDiGraph[str], result: LeverageResult, *, as_of: date) -> None:
    st.subheader(f"Paths to {md(result.target_name)}")
    for note in result.notes:
        st.info(md(note))
    if not result.paths:
        st.warning(
            "No path within these constraints. Allow more hops, lower the minimum "
            "confidence, add engagers, or (deliberately) allow paths through other parties."
        )
        return
    st.caption(
        f"{len(result.paths)} path(s), best first. A path's score is the product of its hops' "
        "scores (strength × confidence × recency × source grade × structure); one weak link "
        "weakens the chain."
    )
    titles = [
        f"{i}. {p.engager_name} — score {p.score:.3f}, {len(p)} hop(s)"
        + (" ⚠" if p.warnings else "")
        for i, p in enumerate(result.paths, start=1)
    ]
    left, right = st.columns([2, 5])
    with left:
        chosen = st.radio(
            "Ranked paths (choose one to highlight)",
            list(range(len(result.paths))),
            format_func=lambda i: titles[i],
            key="paths.choice",
        )
        index = int(chosen or 0)
        path = result.paths[index]
        for warning in path.warnings:
            st.warning(md(warning))
    with right:
        context = {n for p in result.paths for n in p.nodes}
        network_panel.show_drawing(
            graph,
            as_of=as_of,
            filters=Filters(only=frozenset(context)),
            heading=f"Path {index + 1} to {result.target_name}, highlighted among the others",
            highlight_nodes=path.nodes,
            highlight_edges=briefing.path_edges(path),
            height=460,
        )
    st.markdown("**Every hop, explained**")
    for i, each in enumerate(result.paths):
        with st.expander(md(titles[i]) + f" [{each.sensitivity}]", expanded=i == index):
            for warning in each.warnings:
                st.warning(md(warning))
            st.dataframe(
                [
                    {
                        "#": n,
                        "from": hop.source_name,
                        "relationship": hop.type + ("" if hop.direction == "forward" else " (←)"),
                        "to": hop.target_name,
                        "hop score": round(hop.score, 3),
                        "strength": hop.strength,
                        "confidence": hop.confidence,
                        "recency": round(hop.recency, 3),
                        "source grade": hop.source_grade or "",
                        "last verified": hop.last_verified or "",
                        "sensitivity": hop.sensitivity,
                        "evidence": hop_evidence(graph, hop).text(),
                        "note": hop.note or "",
                    }
                    for n, hop in enumerate(each.hops, start=1)
                ],
                hide_index=True,
                key=f"paths.hops.{i}",
            )
    made = date.today()
    slug = "".join(c if c.isalnum() else "-" for c in result.target)[:60]
    left, right = st.columns(2)
    left.download_button(
        "Download briefing (Markdown)",
        briefing.markdown(result, graph, made_on=made),
        file_name=f"leverage-{slug}-{result.as_of.isoformat()}.md",
        mime="text/markdown",
        key="paths.download_md",
        icon=":material/description:",
    )
    right.download_button(
        "Download briefing (HTML)",
        briefing.html_document(result, graph, made_on=made),
        file_name=f"leverage-{slug}-{result.as_of.isoformat()}.html",
        mime="text/html",
        key="paths.download_html",
        icon=":material/download:",
    )
    st.caption(
        f"The briefing is labelled **{briefing.label_of(result, graph)}**, the highest label "
        "of everything it shows, the sources it cites included."
    )
