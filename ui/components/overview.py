"""Overview page parts: counts, recent changes, gaps summary, data freshness."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import networkx as nx
import streamlit as st

from graph import model as m
from graph.dates import upper_bound
from graph.schema import NodeKind, RelType
from queries.memo import remembered
from ui.components import gaps_view, tables

KIND_TITLES: dict[str, str] = {
    NodeKind.ARMED_ACTOR: "Armed actors",
    NodeKind.UNIT: "Units",
    NodeKind.PERSON: "People",
    NodeKind.POST: "Posts",
    NodeKind.ORGANISATION: "Organisations",
    NodeKind.COMMUNITY: "Communities",
    NodeKind.AREA: "Areas",
    NodeKind.INCIDENT: "Incidents",
    NodeKind.ENGAGEMENT: "Engagements",
    NodeKind.COMMITMENT: "Commitments",
    NodeKind.SOURCE: "Sources",
}

STALE_DAYS = 365


def counts_by_type(graph: nx.MultiDiGraph[str]) -> dict[str, Counter[str]]:
    """Node kinds and relationship types the viewer can see (every interval);
    remembered per projection, read-only."""
    return remembered(
        graph,
        "overview.counts",
        lambda: {
            "nodes": Counter(str(d.get("kind")) for _, d in graph.nodes(data=True)),
            "relationships": Counter(str(d.get("type")) for _, _, d in graph.edges(data=True)),
        },
    )


def count_rows(counts: dict[str, Counter[str]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"type": kind.value, "records": counts["nodes"].get(kind.value, 0)} for kind in NodeKind
    ]
    rows.extend(
        {"type": rel.value, "records": counts["relationships"].get(rel.value, 0)}
        for rel in RelType
        if counts["relationships"].get(rel.value, 0)
    )
    return rows


def _records(graph: nx.MultiDiGraph[str]) -> list[m.AnyRecord]:
    out: list[m.AnyRecord] = []
    for _, data in graph.nodes(data=True):
        if isinstance(data.get("record"), m.Envelope):
            out.append(data["record"])
    for _, _, data in graph.edges(data=True):
        if isinstance(data.get("record"), m.Envelope):
            out.append(data["record"])
    return out


def describe(graph: nx.MultiDiGraph[str], record: m.AnyRecord) -> tuple[str, str]:
    """(what it is, by name; its kind or type): a relationship reads "from → to"."""
    if isinstance(record, m.NodeBase):
        return record.name, str(record.kind)
    source = graph.nodes[record.source_id].get("name", record.source_id)
    target = graph.nodes[record.target_id].get("name", record.target_id)
    return f"{source} → {target}", str(record.type)


def recent_changes(graph: nx.MultiDiGraph[str], *, limit: int = 15) -> list[dict[str, Any]]:
    """The most recently recorded versions, newest first (what changed, when, by whom).

    Remembered per projection (a sort of every record); read-only."""
    return remembered(graph, ("overview.recent", limit), lambda: _recent(graph, limit))


def _recent(graph: nx.MultiDiGraph[str], limit: int) -> list[dict[str, Any]]:
    records = [r for r in _records(graph) if r.recorded_at is not None]
    records.sort(key=lambda r: r.recorded_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    rows = []
    for record in records[:limit]:
        what, kind = describe(graph, record)
        rows.append(
            {
                "when": record.recorded_at.strftime("%Y-%m-%d %H:%M") if record.recorded_at else "",
                "by": record.recorded_by or "",
                "type": kind,
                "record": what,
                "id": record.id,
            }
        )
    return rows


def freshness(graph: nx.MultiDiGraph[str], *, today: date | None = None) -> dict[str, Any]:
    """How current the map is: last change, uncited and stale records, access last confirmed."""
    today = today or date.today()
    records = _records(graph)
    stamps = [r.recorded_at for r in records if r.recorded_at is not None]
    # A record is cited by its `sources`, or (nodes) by a CITES relationship to a Source.
    citing = {u for u, _, d in graph.edges(data=True) if d.get("type") == RelType.CITES}
    claims = [r for r in records if not isinstance(r, m.Cites | m.Source)]
    uncited = [r for r in claims if not r.sources and r.last_cited is None and r.id not in citing]
    stale_cited = [
        r for r in records if r.last_cited and (today - upper_bound(r.last_cited)).days > STALE_DAYS
    ]
    access = [r for r in records if isinstance(r, m.HasAccessTo) and r.valid_to is None]
    buckets: Counter[str] = Counter()
    for rel in access:
        if not rel.last_contact:
            buckets["never recorded"] += 1
            continue
        age = (today - upper_bound(rel.last_contact)).days
        if age <= 180:
            buckets["within 6 months"] += 1
        elif age <= STALE_DAYS:
            buckets["6-12 months"] += 1
        else:
            buckets["over a year"] += 1
    return {
        "records": len(records),
        "last_change": max(stamps) if stamps else None,
        # Claims are what may cite a source: every record but sources and CITES edges.
        "claims": len(claims),
        "uncited": len(uncited),
        "uncited_records": uncited,
        "stale_cited": len(stale_cited),
        "stale_cited_records": stale_cited,
        "access": buckets,
        "access_total": len(access),
    }


def freshness_lists(
    graph: nx.MultiDiGraph[str], today: date
) -> tuple[dict[str, Any], dict[str, tables.Prepared]]:
    """`freshness` and the rows of its two lists, remembered per projection and
    day: each walks every record (tens of thousands at M), and the page is run
    again on every click; the app's warm-up computes them (`ui.warmup`)."""

    def compute() -> tuple[dict[str, Any], dict[str, tables.Prepared]]:
        info = freshness(graph, today=today)
        rows = {
            name: tables.prepare(record_rows(graph, info[f"{name}_records"]))
            for name in ("uncited", "stale_cited")
        }
        return info, rows

    return remembered(graph, ("overview.freshness", today), compute)


def render_freshness(graph: nx.MultiDiGraph[str]) -> None:
    info, rows = freshness_lists(graph, date.today())
    a, b, c, d = st.columns(4)
    last = info["last_change"]
    a.metric("Last change", last.strftime("%Y-%m-%d") if last else "never")
    b.metric(
        "Records without a source",
        f"{info['uncited']} of {info['claims']}",
        help="No source cited and no citation date, of every record that could cite one "
        "(sources and their CITES links aside).",
    )
    c.metric(
        "Last cited over a year ago",
        info["stale_cited"],
        help="Records whose most recent source mention is more than a year old.",
    )
    d.metric("Open access relationships", info["access_total"])
    if info["access_total"]:
        order = ["within 6 months", "6-12 months", "over a year", "never recorded"]
        st.caption(
            "Access last confirmed: "
            + ", ".join(f"{label} {info['access'].get(label, 0)}" for label in order)
        )
    # Every number leads to its list.
    for title, name in (
        ("without a source", "uncited"),
        ("last cited over a year ago", "stale_cited"),
    ):
        if rows[name].rows:
            with st.expander(f"The {len(rows[name].rows)} record(s) {title}"):
                tables.show(rows[name], key=f"overview.{name}")


def record_rows(graph: nx.MultiDiGraph[str], records: list[m.AnyRecord]) -> list[dict[str, Any]]:
    """One readable row per record: what it is (by name), its type, id and last citation."""
    rows = []
    for record in records:
        what, kind = describe(graph, record)
        rows.append(
            {
                "record": what,
                "type": kind,
                "last cited": record.last_cited or "",
                "recorded by": record.recorded_by or "",
                "id": record.id,
            }
        )
    return sorted(rows, key=lambda r: (r["type"], r["record"].casefold()))


def render_gaps(graph: nx.MultiDiGraph[str]) -> None:
    gaps_view.render_summary(graph)
