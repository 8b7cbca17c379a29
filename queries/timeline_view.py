"""One time axis for an actor, a place or the whole map: allegiances, command, control,
incidents, engagements and commitments, each with the window `graph.timeline` gives it.

An officer preparing a negotiation asks "what has this group done, with whom,
where, since the last ceasefire?"; a convoy planner asks the same of a district.
Every item's start and end come from `graph.timeline.holds_window`, the one
rule of time, so the axis agrees with every as-of answer.

A window ending on day D shows the axis as it stood on D: items starting after
D, and records first cited after D, are left out, and an interval still open
on D is shown open even if it closed later. So the axis up to a past day never
moves when newer records arrive.

Examples
--------
>>> from queries.examples import graph_from_records, tiny_records
>>> from graph import model as m
>>> g = graph_from_records([*tiny_records(),
...     m.Area(id="are_orrin", name="Orrin District", pcode="KL0101"),
...     m.Controls(id="r_ctl", source_id="unt_cp", target_id="are_orrin", valid_from="2023-02")])
>>> [(i["lane"], i["start"], i["label"]) for i in timeline(g, "are_orrin")]
[('control', '2023-02-01', 'Checkpoint Zeta controls Orrin District')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.dates import lower_bound
from graph.schema import ARMED, PLACES
from graph.timeline import holds_window
from queries.command import formation_tree, in_by_type, kind_of, name_of
from queries.contacts import sub_areas

ALLEGIANCE = {"ALLIED_WITH", "OPPOSES", "SPLINTER_OF", "SUPPORTS"}
CONTROL = {"CONTROLS", "OPERATES_IN"}
LANES = ("allegiance", "command", "control", "incident", "engagement", "commitment")
_VERB = {
    "ALLIED_WITH": "allied with",
    "OPPOSES": "opposes",
    "SPLINTER_OF": "split from",
    "SUPPORTS": "supports",
    "CONTROLS": "controls",
    "OPERATES_IN": "operates in",
    "COMMANDS": "commands",
    "HOLDS": "holds",
    "COMMITTED_TO": "committed to",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _item(
    graph: nx.MultiDiGraph[str],
    lane: str,
    record: m.Envelope,
    label: str,
    *,
    source: str,
    target: str,
    point: bool = False,
) -> dict[str, Any]:
    start, end = holds_window(record)
    if isinstance(record, m.Commitment | m.Incident | m.Engagement) and start is None:
        start = lower_bound(record.date) if record.date else None
    return {
        "lane": lane,
        "start": start,
        "end": start if point else end,
        "point": point,
        "label": label,
        "record": record.id,
        "type": m.label_of(record),
        "source": source,
        "source_name": name_of(graph, source),
        "target": target,
        "target_name": name_of(graph, target),
        "first_cited": record.first_cited,
    }


def _rel_items(
    graph: nx.MultiDiGraph[str], edges: Iterable[tuple[str, str, Any]]
) -> Iterator[dict[str, Any]]:
    """Items for relationships (u, v, record), by type; events become point items."""
    for u, v, rec in edges:
        rel_type = m.label_of(rec)
        if rel_type in ALLEGIANCE:
            lane = "allegiance"
        elif rel_type in CONTROL:
            lane = "control"
        elif rel_type in ("COMMANDS", "HOLDS"):
            lane = "command"
        elif rel_type == "COMMITTED_TO":
            commitment = graph.nodes[v].get("record")
            if commitment is not None:
                label = f"{name_of(graph, u)} committed to {name_of(graph, v)}"
                yield _item(graph, "commitment", commitment, label, source=u, target=v, point=True)
            continue
        elif rel_type in ("PERPETRATED", "PARTICIPATED_IN", "OCCURRED_IN"):
            event_node = v if rel_type != "OCCURRED_IN" else u
            event = graph.nodes[event_node].get("record")
            if isinstance(event, m.Incident | m.Engagement):
                lane = "incident" if isinstance(event, m.Incident) else "engagement"
                label = event.name
                if isinstance(event, m.Incident):
                    label += f" ({event.harm_pattern.value})"
                yield _item(graph, lane, event, label, source=u, target=v, point=True)
            continue
        else:
            continue
        label = f"{name_of(graph, u)} {_VERB.get(rel_type, rel_type.lower())} {name_of(graph, v)}"
        yield _item(graph, lane, rec, label, source=u, target=v)


def _edges_touching(graph: nx.MultiDiGraph[str], nodes: set[str]) -> list[tuple[str, str, Any]]:
    seen: set[str] = set()
    out: list[tuple[str, str, Any]] = []
    for node in sorted(nodes):
        for u, v, key, data in [
            *graph.out_edges(node, keys=True, data=True),
            *graph.in_edges(node, keys=True, data=True),
        ]:
            if key not in seen and data.get("record") is not None:
                seen.add(key)
                out.append((u, v, data["record"]))
    return out


def subject_nodes(graph: nx.MultiDiGraph[str], subject: str | None) -> tuple[set[str], set[str]]:
    """(nodes whose relationships count, event-link nodes) for the subject.

    An armed actor: its formations, the posts commanding them (rotations) and
    their relationships. A place: it, the areas inside it and the sites in
    them, and what happened or is held there.
    """
    if subject is None:
        return set(graph.nodes), set(graph.nodes)
    if kind_of(graph, subject) in PLACES:
        places = set(sub_areas(graph, subject)) if kind_of(graph, subject) == "Area" else {subject}
        for place in list(places):
            places.update(
                s for s in in_by_type(graph, place, "PART_OF") if kind_of(graph, s) == "Site"
            )
        return places, places
    group = set(formation_tree(graph, subject)) if kind_of(graph, subject) in ARMED else {subject}
    posts = {
        c for f in group for c in in_by_type(graph, f, "COMMANDS") if kind_of(graph, c) == "Post"
    }
    return group | posts, group


def timeline(
    graph: nx.MultiDiGraph[str],
    subject: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    lanes: Iterable[str] = LANES,
) -> list[dict[str, Any]]:
    """The dated items about `subject` (None: the whole map) within [start, end].

    Parameters
    ----------
    graph : the projection of every date (``as_of=None``), as the viewer may see it.
    subject : an armed actor, unit, person, area or site id; None for everything.
    start, end : the window; items overlapping it are kept (see the module's
        note on `end`: the axis as it stood on that day).
    lanes : which of allegiance, command, control, incident, engagement, commitment.

    Returns items sorted by start (undated first), each with lane, start, end
    (None: still open), point (an event), label, record id and type, and both ends.
    """
    wanted = set(lanes)
    nodes, event_nodes = subject_nodes(graph, subject)
    edges = _edges_touching(graph, nodes)
    if subject is not None and kind_of(graph, subject) in PLACES:
        # A place's own record: who holds it and what happened there, not its nesting.
        edges = [e for e in edges if m.label_of(e[2]) in CONTROL | {"OCCURRED_IN"}]
    items: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for item in _rel_items(graph, edges):
        if item["lane"] not in wanted or (item["lane"], item["record"]) in seen:
            continue
        if (
            item["point"]
            and item["source"] not in event_nodes
            and item["target"] not in event_nodes
        ):
            continue
        if not _in_window(item, start, end):
            continue
        seen.add((item["lane"], item["record"]))
        items.append(item)
    items.sort(key=lambda i: (i["start"] or date.min, LANES.index(i["lane"]), i["label"]))
    for item in items:
        item["ongoing"] = item["end"] is None or (end is not None and item["end"] > end)
        if item["ongoing"] and not item["point"]:
            item["end"] = None
        item["start"], item["end"] = _iso(item["start"]), _iso(item["end"])
    return items


def _in_window(item: dict[str, Any], start: date | None, end: date | None) -> bool:
    first, last = item["start"], item["end"]
    if end is not None:
        if first is not None and first > end:
            return False
        cited = item["first_cited"]
        if cited and lower_bound(cited) > end:
            return False  # not known yet on the window's last day
    return start is None or last is None or last >= start
