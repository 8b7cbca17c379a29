"""Records as read-only detail views: what a viewer sees on the Data page instead of forms.

An account that may not write is shown each record as it is stored (fields,
sources, sensitivity, validity) with no form widgets at all: a greyed-out form
reads as "something is broken", and its empty "add" boxes invite typing that
cannot be saved. The same relationship rows show the existing record a new
relationship would repeat (`data_view.confirm_duplicate`).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import streamlit as st

from graph import model as m
from queries.command import name_of
from queries.explain import relationship_sentence
from ui.components import node_details, tables
from ui.components.entities import entity_picker, label, md


def sentence(graph: nx.MultiDiGraph[str], record: m.RelBase) -> str:
    """The relationship read aloud by name ("Fernwell Relief has regular access to the Elder")."""

    def name(node: str) -> str:
        return name_of(graph, node) if node in graph else node

    quality = getattr(record, "quality", None)
    return relationship_sentence(
        name(record.source_id),
        name(record.target_id),
        str(getattr(record, "type", "")),
        quality=str(quality.value) if quality is not None else None,
    )


def _source_names(graph: nx.MultiDiGraph[str], record: m.Envelope) -> list[str]:
    return [
        str(graph.nodes[r.source_id].get("name", r.source_id))
        if r.source_id in graph
        else r.source_id
        for r in record.sources
    ]


def relationship_row(graph: nx.MultiDiGraph[str], record: m.RelBase) -> dict[str, Any]:
    """One relationship as a table row: the sentence, its period, label, confidence, sources."""
    return {
        "relationship": sentence(graph, record),
        "valid": node_details.validity(record),
        "sensitivity": record.sensitivity.value,
        "confidence": round(record.confidence, 2),
        "sources": _source_names(graph, record) or "none cited",
        "id": record.id,
    }


def relationships_of(graph: nx.MultiDiGraph[str], node: str) -> list[dict[str, Any]]:
    """Every relationship touching `node` that the reader may see, as rows."""
    records = [
        data["record"]
        for u, v, data in graph.edges(data=True)
        if node in (u, v) and isinstance(data.get("record"), m.RelBase)
    ]
    return [relationship_row(graph, r) for r in sorted(records, key=lambda r: r.id)]


def entity_details(graph: nx.MultiDiGraph[str]) -> None:
    """Pick an entity; read its fields, sources, sensitivity and validity."""
    picked = entity_picker("Entity", graph, key="data.view.entity")
    if picked is None:
        st.caption("Choose an entity to read its record.")
        return
    record = graph.nodes[picked].get("record")
    if not isinstance(record, m.NodeBase):
        st.caption(f"{md(picked)}: no record you may see.")
        return
    with st.container(border=True, key="data-view-record"):
        st.markdown(f"#### {md(label(graph, picked))}")
        st.markdown(
            f"**Sensitivity:** {md(record.sensitivity.value)} · "
            f"**Valid:** {md(node_details.validity(record))} · "
            f"**Confidence:** {record.confidence:.2f} · id `{md(record.id)}`"
        )
        rows = node_details.field_rows(record)
        if rows:
            tables.show(rows, key="data.view.fields")
        sources = node_details.source_rows(graph, record)
        if sources:
            st.markdown("**Sources**")
            tables.show(sources, key="data.view.sources")
        else:
            st.caption("No source cited.")


def relationship_details(graph: nx.MultiDiGraph[str]) -> None:
    """Pick an entity; read every relationship of it the reader may see."""
    picked = entity_picker("Relationships of", graph, key="data.view.rel_entity")
    if picked is None:
        st.caption("Choose an entity to read its relationships.")
        return
    rows = relationships_of(graph, picked)
    if not rows:
        st.caption("This entity has no relationships you may see.")
        return
    tables.show(rows, key="data.view.relationships")
