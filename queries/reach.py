"""Reach: for one target, how well each of our engagers can get there, and
where engagement should land given how the target's group is commanded.

Structure decides the entry point (ICRC, *The Roots of Restraint in War*):
integrated hierarchies and centralised groups are reached through the top and
through doctrine and training; decentralised groups through their *local*
commanders; community-embedded groups through the community's own leaders and
norms; coalitions through the commanders of their member groups. `reach`
names those landing points in the data and says which engager gets closest
to each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.schema import ARMED, COMMAND_HOLDERS
from queries.command import (
    actors_of,
    affiliated_formations,
    commanders,
    formation_tree,
    group_members,
    in_by_type,
    kind_of,
    local_commanders,
    name_of,
    out_by_type,
    subunits,
)
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import resolve_engagers
from queries.errors import InvalidQuery
from queries.explain import LeveragePath, explain_path
from queries.leverage import check_target, passable_for
from queries.memo import remembered
from queries.paths import best_paths, hops_to
from queries.scoring import score_of
from queries.traversal import InfluenceGraph, influence_graph


@dataclass(frozen=True)
class EntryAdvice:
    """How a group of one structure is best engaged."""

    summary: str
    approaches: tuple[str, ...]
    landing: str


ENTRY_POINTS: dict[str, EntryAdvice] = {
    m.Structure.INTEGRATED.value: EntryAdvice(
        "through the top: the high command, and doctrine, training and rules of engagement",
        (
            "engage the high command and the staff who write orders and rules of engagement",
            "work through doctrine, training and IHL integration; orders carry down the hierarchy",
            "military-to-military channels and peer forces carry weight",
        ),
        "the top command post and its holder",
    ),
    m.Structure.CENTRALISED.value: EntryAdvice(
        "through the top leadership; commitments made there are passed down",
        (
            "engage the leadership, which decides and enforces",
            "support codes of conduct, unilateral declarations and training of cadres",
            "interlocutors the leadership listens to: political, religious, diaspora",
        ),
        "the leader and the posts that command the group",
    ),
    m.Structure.DECENTRALISED.value: EntryAdvice(
        "through the local commanders, where decisions are taken",
        (
            "engage local commanders directly and through local influencers",
            "commitments obtained at the top carry little weight at the checkpoints",
            "build on local restraint and local agreements (passage, evacuations)",
        ),
        "the local commanders of the target's units",
    ),
    m.Structure.COMMUNITY_EMBEDDED.value: EntryAdvice(
        "through the community's own leaders and norms",
        (
            "engage elders, religious and tribal leaders of the community the group belongs to",
            "anchor restraint in the community's own norms and customary law",
            "the group answers to its community more than to its nominal commander",
        ),
        "the community and its leaders",
    ),
    m.Structure.COALITION.value: EntryAdvice(
        "through the commanders of the member groups",
        (
            "engage each member group's command; the coalition binds its members loosely",
            "map which member group holds which area and checkpoint",
            "coalition-level commitments need each member's endorsement",
        ),
        "the commanders of the member groups",
    ),
}

# Event data says nothing about how a group is commanded: no entry point is
# recommended until an analyst assesses it (the approaches say what to look at).
UNKNOWN_STRUCTURE = EntryAdvice(
    "structure unknown: assess it before choosing an entry point",
    (
        "assess how the group is commanded: who decides, who enforces, how far orders carry",
        "ask those who engage it: does the top deliver, or do local commanders decide?",
        "record the structure (integrated, centralised, decentralised, community-embedded, "
        "coalition); the entry point follows from it",
    ),
    "the target and its recorded commanders, until the structure is assessed",
)
ENTRY_POINTS[m.Structure.UNKNOWN.value] = UNKNOWN_STRUCTURE

NO_ACTOR = EntryAdvice(
    "directly: the target is not linked to an armed actor in the data",
    ("record which armed actor the target belongs to, so the structure can guide the approach",),
    "the target itself",
)


@dataclass
class EngagerReach:
    engager: str
    engager_name: str
    score: float | None
    path: LeveragePath | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "engager": self.engager,
            "engager_name": self.engager_name,
            "score": round(self.score, 4) if self.score is not None else None,
            "path": self.path.as_dict() if self.path else None,
        }


@dataclass
class Landing:
    """A node where engagement should land, and who of us gets closest to it."""

    node: str
    name: str
    kind: str
    role: str
    score: float | None = None
    engager: str | None = None
    path: LeveragePath | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "name": self.name,
            "kind": self.kind,
            "role": self.role,
            "best_score": round(self.score, 4) if self.score is not None else None,
            "best_engager": self.engager,
            "path": self.path.as_dict() if self.path else None,
        }


@dataclass
class ReachResult:
    target: str
    target_name: str
    target_kind: str
    actor: str | None
    actor_name: str | None
    structure: str | None
    as_of: date
    engagers: list[EngagerReach]
    entry_point: str
    approaches: list[str]
    landings: list[Landing]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_name": self.target_name,
            "target_kind": self.target_kind,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "structure": self.structure,
            "as_of": self.as_of.isoformat(),
            "entry_point": self.entry_point,
            "approaches": list(self.approaches),
            "engagers": [e.as_dict() for e in self.engagers],
            "landings": [landing.as_dict() for landing in self.landings],
            "notes": list(self.notes),
        }


def _add(found: list[tuple[str, str]], node: str, role: str) -> None:
    if all(node != n for n, _ in found):
        found.append((node, role))


def _community_landings(
    graph: nx.MultiDiGraph[str], bodies: Iterable[str], actor: str
) -> list[tuple[str, str]]:
    """The communities a group belongs to, and their leaders: people who are
    the community's focal point or influence it, and members of the community
    who influence the group itself (the elder the militia answers to). The
    group's own commanders are not counted as community leaders."""
    found: list[tuple[str, str]] = []
    group = group_members(graph, actor)
    for body in bodies:
        for community in out_by_type(graph, body, "BELONGS_TO"):
            if kind_of(graph, community) != "Community":
                continue
            label = name_of(graph, community)
            _add(found, community, "community the group belongs to")
            leaders = {
                *in_by_type(graph, community, "FOCAL_POINT_FOR"),
                *in_by_type(graph, community, "INFLUENCES"),
            }
            members = {
                *in_by_type(graph, community, "BELONGS_TO"),
                *in_by_type(graph, community, "MEMBER_OF"),
            }
            leaders.update(
                p for p in members if any(v in group for v in out_by_type(graph, p, "INFLUENCES"))
            )
            for leader in sorted(leaders):
                if kind_of(graph, leader) == "Person" and leader not in group:
                    _add(found, leader, f"leader of {label}")
    return found


def landing_points(
    graph: nx.MultiDiGraph[str], target: str, actor: str | None, structure: str | None
) -> list[tuple[str, str]]:
    """Where engagement should land for `target`, as ``(node, role)`` pairs.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> landing_points(tiny_graph(), "act_front", "act_front", "decentralised")
    [('pst_cp', 'local commander of Checkpoint Zeta'), ('per_local', 'local commander of Checkpoint Zeta')]
    """  # noqa: E501
    found: list[tuple[str, str]] = []
    kind = kind_of(graph, target)
    if kind in COMMAND_HOLDERS:
        _add(found, target, "the target")
        if kind == "Post":
            for holder in in_by_type(graph, target, "HOLDS"):
                _add(found, holder, "holder of the post")
    if actor is None or structure in (None, m.Structure.UNKNOWN.value):
        # No structure to follow: the target and whoever commands it, nothing more.
        if kind in ARMED:
            for c in commanders(graph, target):
                _add(found, c, f"commander of {name_of(graph, target)}")
        return found or [(target, "the target")]
    if structure in (m.Structure.INTEGRATED.value, m.Structure.CENTRALISED.value):
        tops = commanders(graph, actor)
        if not tops:
            for unit in subunits(graph, actor):
                tops.extend(c for c in commanders(graph, unit) if c not in tops)
        for c in tops:
            _add(found, c, f"top command of {name_of(graph, actor)}")
        if kind == "Unit":
            # Orders come from the top, but the unit's own commander applies them.
            for c in local_commanders(graph, target):
                _add(found, c, f"commander of {name_of(graph, target)}")
    elif structure == m.Structure.DECENTRALISED.value:
        if kind == "Unit":
            units = [target]
        elif kind == "ArmedActor":
            units = [u for u in formation_tree(graph, target) if u != target]
        else:
            units = [f for f in affiliated_formations(graph, target) if f != actor]
        for unit in units:
            for c in local_commanders(graph, unit):
                _add(found, c, f"local commander of {name_of(graph, unit)}")
    elif structure == m.Structure.COMMUNITY_EMBEDDED.value:
        bodies = [target, actor, *affiliated_formations(graph, target)]
        for node, role in _community_landings(graph, dict.fromkeys(bodies), actor):
            _add(found, node, role)
    elif structure == m.Structure.COALITION.value:
        for member in subunits(graph, actor):
            if kind_of(graph, member) != "ArmedActor":
                continue
            _add(found, member, "member group")
            for c in commanders(graph, member):
                _add(found, c, f"commander of member group {name_of(graph, member)}")
    if not found:
        _add(found, target, "the target")
    return found


def influence_points(graph: nx.MultiDiGraph[str], target: str) -> list[str]:
    """Where influence over `target` counts: the target and, following its
    structure, the landing points that belong to its group (the top command of
    an integrated army, the local commanders of a decentralised group, the
    member groups of a coalition). Community leaders are *not* points: their
    influence reaches the group through the community, and is scored so."""
    actors = actors_of(graph, target)
    actor = actors[0] if actors else None
    value = graph.nodes[actor].get("structure") if actor else None
    structure = value if isinstance(value, str) else None
    points = [target]
    for node, _ in landing_points(graph, target, actor, structure):
        if node not in points and set(actors_of(graph, node)) & set(actors):
            points.append(node)
    return points


def reach_on(
    ig: InfluenceGraph,
    target: str,
    *,
    engagers: list[str],
    max_hops: int = 5,
    allow_through_parties: bool = False,
    exclude: Iterable[str] = (),
) -> ReachResult:
    """`reach` on an already collapsed graph (shared with profiles)."""
    graph = ig.graph
    excluded = set(exclude)
    passable = passable_for(
        ig, target, allow_through_parties=allow_through_parties, exclude=excluded
    )
    starts = [e for e in engagers if e not in excluded]
    actors = actors_of(graph, target)
    actor = actors[0] if actors else None
    structure_value = graph.nodes[actor].get("structure") if actor else None
    structure = structure_value if isinstance(structure_value, str) else None
    points = landing_points(graph, target, actor, structure)
    wanted = {target, *(node for node, _ in points)}
    # One backward search per wanted node (the target and its landing points)
    # instead of one forward search per engager: the same best paths, since a
    # path may not pass through another engager, so engagers end the walk back.
    engager_set = set(starts)

    def passable_back(node: str) -> bool:
        return node not in engager_set and passable(node)

    reverse = ig.digraph.reverse(copy=False)
    # How far each node is from the nearest engager (forward): the searches
    # back go only where an engager can still be met within the hop limit,
    # and only the engagers' paths are rebuilt. It does not depend on the
    # target, so it is remembered per collapsed graph.
    near = remembered(
        ig.digraph,
        ("hops_from_engagers", tuple(starts), max_hops),
        lambda: hops_to(reverse, starts, max_hops),
    )
    per_engager: dict[str, dict[str, tuple[float, list[str]]]] = {e: {} for e in starts}
    for node in sorted(wanted):
        back = best_paths(
            reverse,
            [node],
            max_hops=max_hops,
            passable=passable_back,
            toward=starts,
            hops_left=near,
        )
        for e in starts:
            if e in back and e != node:
                weight, walk = back[e]
                per_engager[e][node] = (weight, list(reversed(walk)))
    rows: list[EngagerReach] = []
    for e in starts:
        hit = per_engager[e].get(target)
        if hit is None or e == target:
            rows.append(EngagerReach(e, name_of(graph, e), None, None))
        else:
            rows.append(
                EngagerReach(
                    e, name_of(graph, e), score_of(hit[0]), explain_path(ig, hit[1], target=target)
                )
            )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0.0), r.engager))

    advice = ENTRY_POINTS.get(structure or "", NO_ACTOR) if actor else NO_ACTOR

    landings: list[Landing] = []
    for node, role in points:
        landing = Landing(node, name_of(graph, node), kind_of(graph, node), role)
        best: tuple[float, str, list[str]] | None = None
        for e in starts:
            hit = per_engager[e].get(node)
            if hit is not None and e != node and (best is None or hit[0] < best[0]):
                best = (hit[0], e, hit[1])
        if best is not None:
            landing.score = score_of(best[0])
            landing.engager = best[1]
            landing.path = explain_path(ig, best[2], target=node)
        landings.append(landing)

    notes: list[str] = []
    if not starts:
        notes.append("no engagers: mark our organisations with engager=true, or name some")
    elif all(r.score is None for r in rows):
        notes.append(f"no engager reaches {name_of(graph, target)} within {max_hops} hops")
    unreached = [landing.name for landing in landings if landing.score is None]
    if unreached:
        notes.append("no engager reaches: " + ", ".join(unreached))
    return ReachResult(
        target=target,
        target_name=name_of(graph, target),
        target_kind=kind_of(graph, target),
        actor=actor,
        actor_name=name_of(graph, actor) if actor else None,
        structure=structure,
        as_of=ig.as_of,
        engagers=rows,
        entry_point=f"{advice.summary} (land on {advice.landing})",
        approaches=list(advice.approaches),
        landings=landings,
        notes=notes,
    )


def reach(
    graph: nx.MultiDiGraph[str],
    target: str,
    *,
    engagers: Iterable[str] | None = None,
    constraints: PathConstraints = ANY_PATH,
    allow_through_parties: bool = False,
    exclude: Iterable[str] = (),
) -> ReachResult:
    """Each engager's best path to `target`, and the structure-aware entry point.

    One hop-limited best-path search back from the target and from each
    landing point, O(landings * max_hops * E) at worst, kept to nodes an
    engager can still reach in the hops left; the same neutrality and
    exclusion rules as `queries.leverage.leverage_paths`.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> result = reach(tiny_graph(), "act_front")
    >>> result.structure
    'decentralised'
    >>> result.entry_point
    "through the local commanders, where decisions are taken (land on the local commanders of the target's units)"
    >>> [(e.engager, round(e.score, 3) if e.score else None) for e in result.engagers]
    [('org_ocha', 0.204), ('org_ngo', None)]
    >>> [(landing.node, landing.engager) for landing in result.landings]
    [('pst_cp', 'org_ocha'), ('per_local', 'org_ocha')]
    """  # noqa: E501
    max_hops = constraints.hops(5)
    if max_hops < 1:
        raise InvalidQuery(f"max_hops must be at least 1, not {max_hops}")
    check_target(graph, target)
    chosen = resolve_engagers(graph, engagers)
    ig = influence_graph(graph, constraints)
    return reach_on(
        ig,
        target,
        engagers=chosen,
        max_hops=max_hops,
        allow_through_parties=allow_through_parties,
        exclude=exclude,
    )
