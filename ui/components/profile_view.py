"""The Actor profile page: search, then everything `queries.profiles.profile` says."""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx
import streamlit as st

from graph import model as m
from graph.schema import NodeKind
from queries.command import actors_of
from queries.profiles import latest_com, profile
from ui import query_string, state
from ui.components import charts, partial, shown, tables
from ui.components.entities import entity_picker, label, md

SEARCH_KINDS = (NodeKind.ARMED_ACTOR, NodeKind.UNIT, NodeKind.PERSON, NodeKind.POST)


def search_box(graph: nx.MultiDiGraph[str]) -> str | None:
    """Search by name or alias (the store's search); pick an armed actor from the hits.

    The search text and the chosen entity are in the URL (`q`, `actor`)."""
    query_string.seed("profile.search", query_string.text("q"), "")
    text = st.text_input(
        "Search by name or alias",
        key="profile.search",
        placeholder="e.g. a group, a unit or a commander; spelling variants are fine",
    )
    chosen = _search_or_pick(graph, text.strip())
    query_string.publish({"q": text.strip() or None, "actor": chosen})
    return chosen


def _search_or_pick(graph: nx.MultiDiGraph[str], text: str) -> str | None:
    if text:
        hits = state.store().search(text, viewer=state.viewer(), kinds=list(SEARCH_KINDS), limit=25)
        found = [n.id for n in hits if n.id in graph]
        if not found:
            st.info(f"Nothing matches “{md(text)}” among what you may see.")
            return None
        st.caption(f"{len(found)} match(es).")
        return entity_picker(
            "Matches", graph, key="profile.pick", options=found, first_by_default=True, url="actor"
        )
    return entity_picker(
        "Armed actor", graph, key="profile.actor", kinds={NodeKind.ARMED_ACTOR.value}, url="actor"
    )


def render() -> None:
    graph = state.graph(date.today())
    history = state.graph(None)
    actors = [n for n, d in graph.nodes(data=True) if d.get("kind") == NodeKind.ARMED_ACTOR]
    if not actors:
        st.info(
            partial.none(
                "No armed actors yet: add one on the **Data** page or import a snapshot there.",
                "No armed actors you may see.",
            )
        )
        return
    chosen = search_box(graph)
    if chosen is None:
        st.caption("Choose an armed actor, or search for a unit, commander or alias.")
        return
    actor = chosen
    record = graph.nodes[chosen].get("record")
    if graph.nodes[chosen].get("kind") != NodeKind.ARMED_ACTOR:
        owners = actors_of(graph, chosen)
        if not owners:
            st.info(f"{md(label(graph, chosen))} is not linked to an armed actor in the data.")
            _own_com(graph, record)
            return
        actor = owners[0]
        st.caption(f"{md(label(graph, chosen))} belongs to {md(label(graph, actor))}.")
        _own_com(graph, record)
    data = profile(graph, actor, history_graph=history).as_dict()
    shown.audit_page(history, data, "profile")
    _header(data)
    left, right = st.columns([1, 1])
    with left:
        _com(data.get("com"))
    with right:
        _approach(data)
    _command_tree(data["command_tree"])
    _allegiances(data["allegiances"])
    _influence(data)
    _incidents(data)
    _engagements(data["engagements"])


def _own_com(graph: nx.MultiDiGraph[str], record: Any) -> None:
    if isinstance(record, m.Profiled) and record.profiles:
        com = latest_com(graph, record)
        if com:
            st.subheader(f"COM assessment of {md(record.name)}")
            _com(com)


def _header(data: dict[str, Any]) -> None:
    st.header(md(data["name"]))
    facts = [
        data["actor_kind"].replace("_", " "),
        f"structure: {data['structure'].replace('_', ' ')}",
        "party to the conflict" if data["party_to_conflict"] else "not a party to the conflict",
    ]
    if data.get("threat_level"):
        facts.append(f"threat to civilians: {data['threat_level']}")
    facts.append(f"label: {data['sensitivity']}")
    st.caption(" · ".join(md(f) for f in facts))
    if data.get("aliases"):
        st.caption("Also known as: " + ", ".join(md(a) for a in data["aliases"]))
    for title, key in (
        ("Rules of engagement", "rules_of_engagement"),
        ("Capabilities", "capabilities"),
    ):
        if data.get(key):
            st.markdown(f"**{title}:** {md(data[key])}")


def _com(com: dict[str, Any] | None) -> None:
    st.subheader("Capability · Opportunity · Motivation")
    if not com:
        st.info(
            "No COM assessment recorded yet (import one: the `profiles` column of a "
            "template, or a snapshot)."
        )
        return
    scores = {d: float(com[d]["score"]) for d in ("capability", "opportunity", "motivation")}
    by = f" by {com['assessed_by']}" if com.get("assessed_by") else ""
    st.plotly_chart(
        charts.com_radar(scores, title=f"assessed {com['assessed_on']}{by}"),
        key="profile.radar",
        config={"displaylogo": False},
    )
    st.caption(f"Weakest dimension: **{com['weakest']}**.")
    for dim in ("capability", "opportunity", "motivation"):
        part = com[dim]
        with st.expander(f"{dim.title()} {part['score']:.2f}: indicators and evidence"):
            if part["indicators"]:
                st.markdown("\n".join(f"- {md(i)}" for i in part["indicators"]))
            else:
                st.caption("No indicators recorded.")
            if part["evidence"]:
                tables.show(part["evidence"])
            else:
                st.caption("No evidence cited.")


def _approach(data: dict[str, Any]) -> None:
    st.subheader("Recommended approach")
    for line in data["recommended_approach"]:
        st.markdown(f"- {md(line)}")
    reach = data.get("reach") or {}
    if reach.get("approaches"):
        with st.expander("Why: how a group with this structure is engaged"):
            st.markdown("\n".join(f"- {md(a)}" for a in reach["approaches"]))
    rows = [
        {
            "engager": e["engager_name"],
            "best path score": e["score"],
            "via": " → ".join(h["to_name"] for h in (e["path"] or {}).get("hops", [])[:-1]),
        }
        for e in reach.get("engagers", [])
    ]
    if rows:
        st.markdown("**Who of us reaches it**")
        tables.show(rows, key="profile.reach")
    for note in reach.get("notes", []):
        st.caption(md(note))


def _tree_lines(node: dict[str, Any], depth: int = 0) -> list[str]:
    pad = "    " * depth
    echelon = f" ({node['echelon']})" if node.get("echelon") else ""
    lines = [f"{pad}- **{md(node['name'])}**{md(echelon)}"]
    for c in node.get("commanders", []):
        holders = c.get("holders") or []
        held = f" held by {', '.join(md(h['name']) for h in holders)}" if holders else ""
        risk = " ⚠ at risk" if c.get("at_risk") else ""
        lines.append(f"{pad}    - commander: {md(c['name'])}{held}{risk}")
    for p in node.get("posts", []):
        holders = p.get("holders") or []
        held = f": {', '.join(md(h['name']) for h in holders)}" if holders else ": vacant"
        lines.append(f"{pad}    - post {md(p['name'])}{held}")
    for unit in node.get("units", []):
        lines.extend(_tree_lines(unit, depth + 1))
    return lines


def _command_tree(tree: dict[str, Any]) -> None:
    st.subheader("Command tree")
    st.markdown("\n".join(_tree_lines(tree)))


def _allegiances(rows: list[dict[str, Any]]) -> None:
    st.subheader("Allegiances over time")
    if not rows:
        st.caption(
            partial.none(
                "No alliances or oppositions recorded.", "No alliances or oppositions you may see."
            )
        )
        return
    st.caption("Green: allied with; red: opposes. A change of colour on one row is a shift.")
    st.plotly_chart(
        charts.allegiance_timeline(rows, today=date.today()),
        key="profile.allegiances",
        config={"displaylogo": False},
    )
    tables.show(
        [
            {
                "relationship": r["type"],
                "with": r["with_name"],
                "from": r["holds_from"],
                "to": r["holds_to"],
                "current": r["current"],
                "confidence": r["confidence"],
            }
            for r in rows
        ],
        key="profile.allegiance_table",
    )


def _influence(data: dict[str, Any]) -> None:
    st.subheader("Influencers and access")
    left, right = st.columns(2)
    with left:
        st.markdown("**Who influences it** (ranked)")
        rows = [
            {
                "influencer": i["name"],
                "kind": i["kind"],
                "reach": i["reach"],
                "our access": ", ".join(e["engager_name"] for e in i["engagers_with_access"]),
                "at risk": i["at_risk"],
            }
            for i in data["influencers"]
        ]
        if rows:
            tables.show(rows, key="profile.influencers")
        else:
            st.caption(partial.none("No influencers recorded.", "No influencers you may see."))
    with right:
        st.markdown("**Our direct access**")
        rows = [
            {
                "from": a["from_name"],
                "to": a["to_name"],
                "quality": a["quality"],
                "last contact": a["last_contact"],
            }
            for a in data["access"]
        ]
        if rows:
            tables.show(rows, key="profile.access")
        else:
            st.caption(
                partial.none(
                    "None of us has direct access to the group or its people.",
                    "No direct access you may see.",
                )
            )


def _incidents(data: dict[str, Any]) -> None:
    st.subheader("Incidents by pattern of harm")
    patterns = data["incidents"]
    if not patterns:
        st.caption(partial.none("No incidents attributed.", "No attributed incidents you may see."))
    else:
        left, right = st.columns([1, 2])
        with left:
            st.plotly_chart(
                charts.harm_bars(patterns), key="profile.harm", config={"displaylogo": False}
            )
        with right:
            rows = [
                {
                    "date": i["date"],
                    "incident": i["name"],
                    "pattern": pattern,
                    "fatalities": i["fatalities"],
                    "by": ", ".join(f"{p['name']} ({p['attribution']})" for p in i["perpetrators"]),
                }
                for pattern, group in patterns.items()
                for i in group["incidents"]
            ]
            rows.sort(key=lambda r: str(r["date"]), reverse=True)
            tables.show(rows, key="profile.incident_table")
    if data["commitments"]:
        st.markdown("**Commitments, and incidents since**")
        tables.show(
            [
                {
                    "commitment": c["name"],
                    "kind": c["kind"],
                    "date": c["date"],
                    "harm since": c["harm_since"],
                    "restraint since": c["restraint_since"],
                }
                for c in data["commitments"]
            ],
            key="profile.commitments",
        )


def _engagements(rows: list[dict[str, Any]]) -> None:
    st.subheader("Engagement log")
    if not rows:
        st.caption(partial.none("No engagements recorded.", "No engagements you may see."))
        return
    tables.show(
        [
            {
                "date": r["date"],
                "engagement": r["name"],
                "mode": r["mode"],
                "topic": r["topic"],
                "outcome": r["outcome"],
                "commitments": r["commitments_made"],
                "their side": ", ".join(p["name"] for p in r["their_side"]),
                "our side": ", ".join(p["name"] for p in r["our_side"]),
            }
            for r in rows
        ],
        key="profile.engagements",
    )
