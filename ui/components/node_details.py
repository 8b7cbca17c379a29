"""The Network page's details panel: what a clicked entity is, and what to do next.

It shows the record as the reader may see it (fields, sources with their
grades, sensitivity, validity) and four actions: expand its neighbours in the
drawing, centre the drawing on it, open its profile, find leverage paths to it.
Every value is data: it goes through `md` (Markdown) or a table, never HTML.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import streamlit as st

from graph import model as m
from graph.schema import SCHEMA, TARGET_KINDS, NodeKind
from ui import state
from ui.components import tables
from ui.components.entities import label, md
from ui.components.network_click import SELECTED

EXPANDED = "net.expanded"
CENTRE = "net.center"  # the "Centre on" picker's key
# Shown elsewhere in the panel, or too long for a table cell.
_NOT_FIELDS = frozenset(
    {"id", "kind", "name", "sources", "sensitivity", "valid_from", "valid_to", "profiles"}
    | {"positions", "recorded_at", "recorded_by"}
)


def expanded() -> frozenset[str]:
    """The entities whose neighbours the reader asked to see in place."""
    return frozenset(st.session_state.get(EXPANDED, ()))


def _expand(node: str) -> None:
    st.session_state[EXPANDED] = sorted(expanded() | {node})


def _centre(node: str) -> None:
    st.session_state[CENTRE] = node
    state.select_entity(node)


def _close() -> None:
    st.session_state[SELECTED] = None


def field_rows(record: m.NodeBase) -> list[dict[str, Any]]:
    """The record's own fields with a value, as (field, value) rows."""
    rows = []
    for name, value in record.model_dump(mode="json").items():
        if name in _NOT_FIELDS or value in (None, "", [], ()):
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        # One column of text: numbers and words side by side must not break the table.
        rows.append({"field": SCHEMA.field_title(name), "value": str(value)})
    return rows


def source_rows(graph: nx.MultiDiGraph[str], record: m.NodeBase) -> list[dict[str, Any]]:
    """Each cited source by name with its grade; a source the reader may not see is its mask."""
    rows = []
    for ref in record.sources:
        data = graph.nodes[ref.source_id] if ref.source_id in graph else {}
        source = data.get("record")
        grade = (
            f"{source.reliability.value}{source.credibility.value}"
            if isinstance(source, m.Source)
            else ""
        )
        rows.append(
            {
                "source": data.get("name", ref.source_id),
                "grade": grade,
                "locator": ref.locator or "",
            }
        )
    return rows


def validity(record: m.Envelope) -> str:
    if not record.valid_from and not record.valid_to:
        return "no dates recorded"
    return f"{record.valid_from or 'unknown start'} – {record.valid_to or 'now'}"


def render(graph: nx.MultiDiGraph[str], node: str) -> None:
    """The panel for `node` (a node in `graph`, the view's projection)."""
    data = graph.nodes[node]
    record = data.get("record")
    with st.container(border=True, key="ag-node-details"):
        head, shut = st.columns([6, 1])
        head.markdown(f"#### {md(label(graph, node))}")
        shut.button("Close", key="net.details.close", on_click=_close, icon=":material/close:")
        if not isinstance(record, m.NodeBase):
            st.caption(md(node))
            return
        st.markdown(
            f"**Sensitivity:** {md(record.sensitivity.value)} · "
            f"**Valid:** {md(validity(record))} · **Confidence:** {record.confidence:.2f} · "
            f"**Connections:** {graph.degree(node)} · id `{md(node)}`"
        )
        if record.aliases:
            st.caption("Also known as: " + md(", ".join(record.aliases)))
        rows = field_rows(record)
        if rows:
            tables.show(rows, key="net.details.fields")
        sources = source_rows(graph, record)
        if sources:
            st.markdown("**Sources**")
            tables.show(sources, key="net.details.sources")
        else:
            st.caption("No source cited.")
        actions = st.columns(4)
        actions[0].button(
            "Expand neighbours",
            key="net.details.expand",
            on_click=_expand,
            args=(node,),
            disabled=node in expanded(),
            icon=":material/open_in_full:",
        )
        actions[1].button(
            "Centre on it",
            key="net.details.centre",
            on_click=_centre,
            args=(node,),
            icon=":material/center_focus_strong:",
        )
        if actions[2].button(
            "Open profile", key="net.details.profile", icon=":material/person_search:"
        ):
            state.select_entity(node)
            query: dict[str, str] = {"actor": node}
            if data.get("kind") != NodeKind.ARMED_ACTOR:
                query["q"] = str(data.get("name", node))
            st.switch_page("views/profile.py", query_params=query)
        if actions[3].button(
            "Find leverage paths to it",
            key="net.details.paths",
            disabled=data.get("kind") not in TARGET_KINDS,
            help="For an armed actor, unit, person or post.",
            icon=":material/route:",
        ):
            st.switch_page("views/paths.py", query_params={"target": node})
