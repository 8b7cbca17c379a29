"""An armed actor's profile: everything a negotiator reads before a meeting.

Pulls together, for one actor: the latest Capability / Opportunity /
Motivation assessment with its evidence; the command tree (units, posts,
commanders and current holders); allegiances now and before; who influences
it and who of us has access; incidents grouped by pattern of harm, next to
the commitments it made; past engagements; and a recommended approach from
its structure and its weakest COM dimension (ICRC criteria for influencing
behaviour).

The projection is filtered by the as-of date, so "before" needs the
unfiltered projection (``as_of=None``): pass it as `history_graph`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import networkx as nx

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.projection import tie_evidence_days
from graph.timeline import contact_on, ended_early, evidence_known_on, holds_window
from queries.command import (
    commanders,
    formation_tree,
    holders,
    in_by_type,
    kind_of,
    name_of,
    out_by_type,
    owning_actors,
    posts_in,
    subunits,
)
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import acting_for, resolve_engagers
from queries.influencers import influencers
from queries.leverage import check_target
from queries.reach import reach_on
from queries.traversal import influence_graph

COM_DIMENSIONS = ("capability", "opportunity", "motivation")

COM_ADVICE: dict[str, str] = {
    "capability": (
        "capability gap: IHL dissemination and training, and support to command and control "
        "(orders, codes of conduct, sanctions) so that restraint can be ordered and enforced"
    ),
    "opportunity": (
        "opportunity gap: reach the group through interlocutors and its community, and work on "
        "the environment (access, community ties, resources) that makes restraint possible"
    ),
    "motivation": (
        "motivation gap: incentives, reputation and legitimacy concerns, and the leaders, "
        "peers and community figures they listen to"
    ),
}


def _record(graph: nx.MultiDiGraph[str], node: str) -> Any:
    return graph.nodes[node].get("record")


def _day(value: str | None) -> str:
    return lower_bound(value).isoformat() if value else ""


def _evidence(graph: nx.MultiDiGraph[str], refs: Iterable[m.SourceRef]) -> list[dict[str, Any]]:
    """Evidence the viewer may see: a source above their clearance is left out,
    exactly as if it had never been cited."""
    out: list[dict[str, Any]] = []
    for ref in refs:
        source = _record(graph, ref.source_id) if ref.source_id in graph else None
        if not isinstance(source, m.Source):
            continue
        out.append(
            {
                "source": source.id,
                "name": source.name,
                "grade": f"{source.reliability.value}{source.credibility.value}",
                "locator": ref.locator,
            }
        )
    return out


def latest_com(graph: nx.MultiDiGraph[str], record: m.Profiled) -> dict[str, Any] | None:
    """The most recent COM assessment, its evidence, and its weakest dimension."""
    if not record.profiles:
        return None
    latest = max(
        record.profiles, key=lambda p: (lower_bound(p.assessed_on), upper_bound(p.assessed_on))
    )
    dims: dict[str, Any] = {}
    for dim in COM_DIMENSIONS:
        score: m.ComScore = getattr(latest, dim)
        dims[dim] = {
            "score": score.score,
            "indicators": list(score.indicators),
            "evidence": _evidence(graph, score.evidence),
        }
    weakest = min(COM_DIMENSIONS, key=lambda d: (dims[d]["score"], COM_DIMENSIONS.index(d)))
    return {
        "assessed_on": latest.assessed_on,
        "assessed_by": latest.assessed_by,
        **dims,
        "weakest": weakest,
        "earlier_assessments": len(record.profiles) - 1,
    }


def _person_ref(graph: nx.MultiDiGraph[str], node: str) -> dict[str, Any]:
    out: dict[str, Any] = {"node": node, "name": name_of(graph, node), "kind": kind_of(graph, node)}
    if kind_of(graph, node) == "Post":
        out["holders"] = [{"node": h, "name": name_of(graph, h)} for h in holders(graph, node)]
    if graph.nodes[node].get("at_risk", False):
        out["at_risk"] = True
    return out


def command_tree(
    graph: nx.MultiDiGraph[str], node: str, _seen: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A formation with its commanders, posts and nested units (cycle-safe).

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> tree = command_tree(tiny_graph(), "act_front")
    >>> [c["name"] for c in tree["commanders"]]
    ['Dorran Vell']
    >>> [(u["name"], [c["name"] for c in u["commanders"]]) for u in tree["units"]]
    [('Checkpoint Zeta', ['Commander, Checkpoint Zeta', 'Ilyo Varrant'])]
    """
    record = _record(graph, node)
    seen = _seen | {node}
    direct = in_by_type(graph, node, "COMMANDS")
    return {
        "node": node,
        "name": name_of(graph, node),
        "kind": kind_of(graph, node),
        "echelon": record.echelon.value if isinstance(record, m.Unit) else None,
        "commanders": [
            _person_ref(graph, c)
            for c in commanders(graph, node)
            if c in direct or kind_of(graph, c) == "Person"
        ],
        "posts": [_person_ref(graph, p) for p in posts_in(graph, node) if p not in direct],
        "units": [command_tree(graph, u, seen) for u in subunits(graph, node) if u not in seen],
    }


def _group_nodes(graph: nx.MultiDiGraph[str], actor: str) -> list[str]:
    """The actor, its formations, and the people and posts commanding them."""
    nodes: list[str] = []
    for formation in formation_tree(graph, actor):
        nodes.append(formation)
        for c in commanders(graph, formation):
            if c not in nodes:
                nodes.append(c)
    return nodes


def _actor_of(graph: nx.MultiDiGraph[str], node: str) -> str:
    if node not in graph:
        return node
    owners = owning_actors(graph, node)
    return owners[0] if owners else node


def allegiances(
    graph: nx.MultiDiGraph[str],
    actor: str,
    history_graph: nx.MultiDiGraph[str] | None = None,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Alliances and oppositions of the actor and its units, current and (with
    `history_graph`) past, each with the window it holds over
    (graph.timeline.holds_window: ``holds_from`` / ``holds_to``, ISO days, None
    open) and, for inferred ties, the evidence window it rests on; a past
    inferred tie that contrary evidence ended names that record (``ended_by``)
    and ends the day before it began.

    A tie that begins after `as_of` is not listed: as of that day it had not
    happened, and is neither current nor past.
    """
    current_ids = {key for _, _, key in graph.edges(keys=True)}
    source = history_graph if history_graph is not None else graph
    if actor not in source:
        return []
    mine = set(formation_tree(source, actor))
    ties = [
        (u, v, key, data)
        for u, v, key, data in source.edges(keys=True, data=True)
        if data.get("type") in ("ALLIED_WITH", "OPPOSES")
    ]
    rows: list[dict[str, Any]] = []
    for u, v, key, data in ties:
        if not ({u, v} & mine):
            continue
        record = data["record"]
        start, end = holds_window(record)
        if as_of is not None and start is not None and start > as_of:
            continue
        if as_of is not None:
            # As known on the question date: later events do not count yet.
            record = evidence_known_on(record, tie_evidence_days(source, record), as_of)
            start, end = holds_window(record)
        if start is not None and end is not None and end < start:
            continue  # closed before it began: superseded, it never held
        # A past inferred tie that contrary evidence ended shows its real end.
        ender = (
            None
            if key in current_ids
            else ended_early(record, (t[3]["record"] for t in ties), as_of)
        )
        if ender is not None:
            end = ender[0] - timedelta(days=1)
        other = v if u in mine else u
        other_actor = _actor_of(source, other)
        rows.append(
            {
                "relationship": key,
                "type": data["type"],
                "with": other_actor,
                "with_name": name_of(source, other_actor),
                "via": other if other != other_actor else None,
                "valid_from": data.get("valid_from"),
                "valid_to": data.get("valid_to"),
                "holds_from": start.isoformat() if start else None,
                "holds_to": end.isoformat() if end else None,
                "basis": record.basis.value,
                "first_cited": record.first_cited,
                "last_cited": record.last_cited,
                "ended_by": ender[1] if ender else None,
                "strength": record.__dict__.get("strength"),
                "confidence": record.confidence,
                "current": key in current_ids,
            }
        )
    rows.sort(key=lambda r: (not r["current"], r["holds_from"] or "", r["relationship"]))
    return rows


def _edges_into(
    graph: nx.MultiDiGraph[str],
    nodes: list[str],
    types: set[str],
) -> list[tuple[str, str, str, dict[str, Any]]]:
    out = []
    for node in nodes:
        for u, v, key, data in graph.in_edges(node, keys=True, data=True):
            if data.get("type") in types:
                out.append((u, v, str(key), data))
    return sorted(out, key=lambda t: t[2])


def _incidents(graph: nx.MultiDiGraph[str], group: list[str]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for node in group:
        for _, inc, data in graph.out_edges(node, data=True):
            record = _record(graph, inc)
            if data.get("type") != "PERPETRATED" or not isinstance(record, m.Incident):
                continue
            attribution = getattr(data.get("record"), "attribution", None)
            entry = found.setdefault(
                inc,
                {
                    "incident": inc,
                    "name": record.name,
                    "date": record.date,
                    "harm_pattern": record.harm_pattern.value,
                    "fatalities": record.fatalities,
                    "civilian_targeting": record.civilian_targeting,
                    "perpetrators": [],
                },
            )
            entry["perpetrators"].append(
                {
                    "node": node,
                    "name": name_of(graph, node),
                    "attribution": attribution.value if attribution else None,
                }
            )
    return sorted(found.values(), key=lambda e: (_day(e["date"]), e["incident"]), reverse=True)


def _by_pattern(incidents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for pattern in m.HarmPattern:
        these = [i for i in incidents if i["harm_pattern"] == pattern.value]
        if these:
            out[pattern.value] = {
                "count": len(these),
                "fatalities": sum(i["fatalities"] or 0 for i in these),
                "incidents": these,
            }
    return out


def _commitments(
    graph: nx.MultiDiGraph[str], group: list[str], incidents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    seen: set[str] = set()
    for node in group:
        for cmt in out_by_type(graph, node, "COMMITTED_TO"):
            record = _record(graph, cmt)
            if cmt in seen or not isinstance(record, m.Commitment):
                continue
            seen.add(cmt)
            since = lower_bound(record.date) if record.date else None
            after = [i for i in incidents if since is None or lower_bound(i["date"]) >= since]
            counts = {
                p.value: sum(1 for i in after if i["harm_pattern"] == p.value)
                for p in m.HarmPattern
            }
            rows.append(
                {
                    "commitment": cmt,
                    "name": record.name,
                    "kind": record.commitment_kind.value,
                    "date": record.date,
                    "subject": record.subject,
                    "incidents_since": counts,
                    "harm_since": sum(v for k, v in counts.items() if k != "restraint"),
                    "restraint_since": counts["restraint"],
                }
            )
    return sorted(rows, key=lambda r: (_day(r["date"]), r["commitment"]))


def _engagements(graph: nx.MultiDiGraph[str], group: list[str]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for node in group:
        for eng in out_by_type(graph, node, "PARTICIPATED_IN"):
            record = _record(graph, eng)
            if not isinstance(record, m.Engagement):
                continue
            row = rows.setdefault(
                eng,
                {
                    "engagement": eng,
                    "name": record.name,
                    "date": record.date,
                    "mode": record.mode.value,
                    "topic": record.topic,
                    "outcome": record.outcome,
                    "commitments_made": record.commitments_made,
                    "their_side": [],
                    "our_side": [],
                },
            )
            row["their_side"].append({"node": node, "name": name_of(graph, node)})
    for eng, row in rows.items():
        for p in in_by_type(graph, eng, "PARTICIPATED_IN"):
            if p in group:
                continue
            row["our_side"].append(
                {"node": p, "name": name_of(graph, p), "engagers": acting_for(graph, p)}
            )
    return sorted(rows.values(), key=lambda r: (_day(r["date"]), r["engagement"]), reverse=True)


@dataclass
class Profile:
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return self.data


def recommended_approach(
    structure: str | None, entry_point: str, com: dict[str, Any] | None
) -> list[str]:
    """Structure first (where to engage), then the weakest COM dimension (on what).

    An unknown structure (event data says nothing about command) gets no
    entry point: recommending the top of a group that may be decentralised
    would send the HC to the wrong door with confidence.

    Examples
    --------
    >>> recommended_approach("unknown", "ignored", None)[0]
    'structure unknown: assess it (how the group is commanded decides where to engage)'
    """
    if structure == m.Structure.UNKNOWN.value:
        advice = [
            "structure unknown: assess it (how the group is commanded decides where to engage)"
        ]
    else:
        advice = [f"engage {entry_point}"]
    if com is None:
        advice.append(
            "no COM assessment yet: assess capability, opportunity and motivation "
            "before choosing what to work on"
        )
    else:
        advice.append(COM_ADVICE[com["weakest"]])
    return advice


def profile(
    graph: nx.MultiDiGraph[str],
    actor_id: str,
    *,
    history_graph: nx.MultiDiGraph[str] | None = None,
    constraints: PathConstraints = ANY_PATH,
    engagers: Iterable[str] | None = None,
) -> Profile:
    """Everything about one armed actor, as a JSON-able dict (see module docstring).

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> p = profile(tiny_graph(), "act_front").as_dict()
    >>> p["structure"], [a["with_name"] for a in p["allegiances"]]
    ('decentralised', ['Kalmoran Armed Forces'])
    >>> print(p["recommended_approach"][0])  # doctest: +ELLIPSIS
    engage through the local commanders, where decisions are taken (land on ...)
    """
    max_hops = constraints.hops(5)
    check_target(graph, actor_id, {"ArmedActor"})
    record = _record(graph, actor_id)
    assert isinstance(record, m.ArmedActor)
    chosen = resolve_engagers(graph, engagers)
    ig = influence_graph(graph, constraints)
    group = _group_nodes(graph, actor_id)
    reached = reach_on(ig, actor_id, engagers=chosen, max_hops=max_hops)
    # The ranking keeps its own (shorter) hop limit, asked on the same day.
    ranked = influencers(
        graph,
        over=[actor_id],
        top=5,
        constraints=replace(constraints, as_of=ig.as_of, max_hops=None),
    )
    com = latest_com(graph, record)
    incidents = _incidents(graph, group)
    direct_influence = [
        {
            "from": u,
            "from_name": name_of(graph, u),
            "to": v,
            "to_name": name_of(graph, v),
            "type": data["type"],
            "relationship": key,
            "strength": data.get("strength"),
            "confidence": data.get("confidence"),
            "channel": getattr(getattr(data.get("record"), "channel", None), "value", None),
            "topic": getattr(data.get("record"), "topic", None),
        }
        for u, v, key, data in _edges_into(graph, group, {"INFLUENCES", "SUPPORTS"})
        if u not in group
    ]
    access = [
        {
            "from": u,
            "from_name": name_of(graph, u),
            "engagers": acting_for(graph, u),
            "to": v,
            "to_name": name_of(graph, v),
            "relationship": key,
            "quality": getattr(getattr(data.get("record"), "quality", None), "value", None),
            "last_contact": contact_on(data.get("record"), ig.as_of),
            "strength": data.get("strength"),
            "confidence": data.get("confidence"),
        }
        for u, v, key, data in _edges_into(graph, group, {"HAS_ACCESS_TO"})
    ]
    data: dict[str, Any] = {
        "actor": actor_id,
        "name": record.name,
        "aliases": list(record.aliases),
        "actor_kind": record.actor_kind.value,
        "structure": record.structure.value,
        "party_to_conflict": record.party_to_conflict,
        "threat_level": record.threat_level.value if record.threat_level else None,
        "rules_of_engagement": record.rules_of_engagement,
        "capabilities": record.capabilities,
        "sensitivity": record.sensitivity.value,
        "as_of": ig.as_of.isoformat(),
        "com": com,
        "command_tree": command_tree(graph, actor_id),
        "allegiances": allegiances(graph, actor_id, history_graph, ig.as_of),
        "influence": direct_influence,
        "influencers": [i.as_dict(graph) for i in ranked.ranked],
        "access": access,
        "reach": reached.as_dict(),
        "incidents": _by_pattern(incidents),
        "commitments": _commitments(graph, group, incidents),
        "engagements": _engagements(graph, group),
        "recommended_approach": recommended_approach(
            record.structure.value, reached.entry_point, com
        ),
    }
    return Profile(data)
