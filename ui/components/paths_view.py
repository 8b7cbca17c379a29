"""The Leverage paths page: a target and engagers in, ranked explained paths out."""

from __future__ import annotations

from datetime import date

import networkx as nx
import streamlit as st

from graph.schema import TARGET_KINDS
from queries.command import name_of
from queries.constraints import MIN_CONFIDENCE, PathConstraints
from queries.engagers import acting_for, default_engagers
from queries.explain import LeveragePath, path_sentence
from queries.leverage import LeverageResult, leverage_paths
from ui import query_string, state
from ui.components import briefing, network_panel, partial, shown, tables
from ui.components.briefing import hop_evidence
from ui.components.entities import entity_picker, ids_of_kinds, md, search_label
from ui.components.network_view import Filters


def _folded_count(count: int) -> str:
    if not count:
        return ""
    return f" (+{count} similar, varying the last hop)"


def folded_variants(graph: nx.MultiDiGraph[str], variants: list[LeveragePath], *, key: str) -> None:
    """The worse paths folded under one path: same approach, another last intermediary."""
    if not variants:
        return
    st.markdown(
        f"**{len(variants)} similar path(s)** take the same approach and differ only in the "
        "last hop:"
    )
    tables.show(
        [
            {
                "score": round(v.score, 3),
                "last intermediary": name_of(graph, v.nodes[-2]),
                "path": path_sentence(graph, v),
                "sensitivity": v.sensitivity,
            }
            for v in variants
        ],
        key=key,
    )


def engager_options(graph: nx.MultiDiGraph[str]) -> list[str]:
    """Our engager organisations, then the people who act for them (focal points, staff)."""
    orgs = default_engagers(graph)
    people = [
        n for n in ids_of_kinds(graph, {"Person"}) if any(a in orgs for a in acting_for(graph, n))
    ]
    return orgs + people


def _keep_visible(key: str, options: list[str]) -> None:
    """Drop from a multiselect's held value what is not an option now (another date)."""
    held = st.session_state.get(key)
    if isinstance(held, list) and any(x not in options for x in held):
        st.session_state[key] = [x for x in held if x in options]


def render() -> None:
    today = date.today()
    qs = query_string
    qs.seed("paths.as_of", qs.day("as_of"), today)
    controls = st.container(border=True)
    with controls:
        top = st.columns([3, 4])
        with top[1]:
            picked = st.date_input("Question date (as of)", key="paths.as_of")
        as_of = picked if isinstance(picked, date) else today
        graph = state.graph(as_of)
        if graph.number_of_nodes() == 0:
            st.info(partial.empty_map("add entities on the **Data** page or import a snapshot."))
            return
        with top[0]:
            target = entity_picker(
                "Target (armed actor, unit, commander or post)",
                graph,
                key="paths.target",
                kinds=TARGET_KINDS,
                url="target",
            )
        options = engager_options(graph)
        everyone = ids_of_kinds(graph, None)
        qs.seed("paths.engagers", qs.texts("engagers", options), default_engagers(graph))
        qs.seed("paths.k", qs.whole("paths", 1, 10), 5)
        qs.seed("paths.max_hops", qs.whole("max_hops", 1, 8), 5)
        qs.seed("paths.min_conf", qs.number("min_confidence", 0.0, 1.0), MIN_CONFIDENCE)
        qs.seed("paths.allow_parties", qs.flag("through_parties"), False)
        qs.seed("paths.exclude", qs.texts("exclude", everyone), [])
        _keep_visible("paths.engagers", options)
        _keep_visible("paths.exclude", everyone)
        engagers = st.multiselect(
            "Engagers (where paths may start)",
            options,
            key="paths.engagers",
            format_func=lambda n: search_label(graph, n),
            help="Default: every organisation marked as one of our engagers.",
        )
        row = st.columns(4)
        k = row[0].slider("Paths", 1, 10, key="paths.k")
        max_hops = row[1].slider("Maximum hops", 1, 8, key="paths.max_hops")
        min_conf = row[2].slider("Minimum confidence", 0.0, 1.0, step=0.05, key="paths.min_conf")
        with row[3]:
            allow = st.toggle(
                "Allow paths through other parties",
                key="paths.allow_parties",
                help="Off (default): no path passes through another party to the conflict.",
            )
        exclude = st.multiselect(
            "Exclude intermediaries",
            everyone,
            key="paths.exclude",
            format_func=lambda n: search_label(graph, n),
        )
    qs.publish(
        {
            "as_of": as_of,
            "target": target,
            "engagers": engagers,
            "paths": k,
            "max_hops": max_hops,
            "min_confidence": min_conf,
            "through_parties": allow or None,
            "exclude": exclude or None,
        }
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
        constraints=PathConstraints(
            as_of=as_of, min_confidence=float(min_conf), max_hops=int(max_hops)
        ),
        allow_through_parties=bool(allow),
        exclude=exclude,
    )
    show_result(graph, result, as_of=as_of)


def show_result(graph: nx.MultiDiGraph[str], result: LeverageResult, *, as_of: date) -> None:
    shown.audit_page(graph, briefing.shown_ids(result, graph), "paths")
    st.subheader(f"Paths to {md(result.target_name)}")
    for note in result.notes:
        st.info(md(note))
    if not result.paths:
        st.warning(
            partial.none("No path", "No path you may see")
            + " within these constraints. Allow more hops, lower the minimum "
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
        + _folded_count(len(result.variants_of(i - 1)))
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
        st.markdown(md(path_sentence(graph, path)))
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
            st.markdown(md(path_sentence(graph, each)))
            for warning in each.warnings:
                st.warning(md(warning))
            tables.show(
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
                key=f"paths.hops.{i}",
            )
            folded_variants(graph, result.variants_of(i), key=f"paths.variants.{i}")
    made = date.today()
    head = state.store().audit_head()
    who = {"author": state.viewer().name, "store": state.store_label()}
    slug = "".join(c if c.isalnum() else "-" for c in result.target)[:60]
    left, right = st.columns(2)
    left.download_button(
        "Download briefing (Markdown)",
        briefing.markdown(result, graph, made_on=made, head=head, **who),
        file_name=f"leverage-{slug}-{result.as_of.isoformat()}.md",
        mime="text/markdown",
        key="paths.download_md",
        on_click=shown.audit_download,
        args=(briefing.shown_records(result, graph), "briefing download"),
        icon=":material/description:",
    )
    right.download_button(
        "Download briefing (HTML)",
        briefing.html_document(result, graph, made_on=made, head=head, **who),
        file_name=f"leverage-{slug}-{result.as_of.isoformat()}.html",
        mime="text/html",
        key="paths.download_html",
        on_click=shown.audit_download,
        args=(briefing.shown_records(result, graph), "briefing download"),
        icon=":material/download:",
    )
    st.caption(
        f"The briefing is labelled **{briefing.label_of(result, graph)}**, the highest label "
        "of everything it shows, the sources it cites included."
    )
