"""Gaps in our reach: who no one of us can reach, who hangs on a single thread,
which access has gone stale, and where our engagers complement each other.

Relationships take years to build and are lost when one person rotates out.
An HCT that knows that only one focal point reaches a group, or that its
access to a commander was last confirmed eighteen months ago, can act before
a crisis instead of during it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.dates import upper_bound
from graph.schema import ARMED, COMMAND_HOLDERS
from graph.timeline import evidence_on, holds_on
from queries.command import kind_of, name_of, out_by_type
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import acting_for, resolve_engagers
from queries.errors import InvalidQuery
from queries.leverage import passable_for
from queries.memo import remembered
from queries.paths import Passable, best_paths, reachable, reached_within, within_hops_of
from queries.reach import influence_points, landing_points
from queries.scoring import ScoringParams, question_date, score_of
from queries.traversal import InfluenceGraph, influence_graph


@dataclass
class Unreachable:
    node: str
    name: str
    kind: str

    def as_dict(self) -> dict[str, Any]:
        return {"node": self.node, "name": self.name, "kind": self.kind}


@dataclass
class SinglePoint:
    """An actor reachable only through one intermediary (or by one engager)."""

    actor: str
    actor_name: str
    through: list[tuple[str, str]]  # (node, name) on every path within the hop limit
    sole_engager: tuple[str, str] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "actor_name": self.actor_name,
            "through": [{"node": n, "name": name} for n, name in self.through],
            "sole_engager": (
                {"node": self.sole_engager[0], "name": self.sole_engager[1]}
                if self.sole_engager
                else None
            ),
        }


@dataclass
class EngagerSinglePoint:
    """Intermediaries every route of one engager to one entry point passes through.

    The entry point is the group itself or a landing point its structure
    calls for (local commanders of a decentralised group, community leaders
    of a community-embedded one, the top of an integrated or centralised
    one): the focal point or elder without whom *this* engager loses the
    local commander, even when another engager reaches the group elsewhere.
    """

    engager: str
    engager_name: str
    actor: str
    actor_name: str
    entry: str
    entry_name: str
    role: str
    through: list[tuple[str, str]]  # (node, name), nearest the engager first

    def as_dict(self) -> dict[str, Any]:
        return {
            "engager": self.engager,
            "engager_name": self.engager_name,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "entry_point": self.entry,
            "entry_point_name": self.entry_name,
            "role": self.role,
            "through": [{"node": n, "name": name} for n, name in self.through],
        }


@dataclass
class StaleAccess:
    relationship: str
    source: str
    source_name: str
    target: str
    target_name: str
    quality: str
    last_contact: str | None
    age_days: int | None
    engagers: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "from": self.source,
            "from_name": self.source_name,
            "to": self.target,
            "to_name": self.target_name,
            "quality": self.quality,
            "last_contact": self.last_contact,
            "age_days": self.age_days,
            "engagers": list(self.engagers),
        }


@dataclass
class GapReport:
    as_of: date
    max_hops: int
    stale_after_days: int
    engagers: list[tuple[str, str]]
    actors: list[tuple[str, str]]
    unreachable_actors: list[Unreachable]
    unreachable_commanders: list[Unreachable]
    single_points: list[SinglePoint]
    stale_access: list[StaleAccess]
    undated_access: list[StaleAccess]
    matrix: dict[str, dict[str, float | None]]  # actor -> engager -> best score
    only_reached_by: dict[str, str] = field(default_factory=dict)  # actor -> engager
    # Computed on first use (one dominator tree per engager and side of the
    # conflict: about a minute at M), so pages that show only the summary
    # do not pay for it; the report is shared, and so is the answer.
    per_engager: Callable[[], list[EngagerSinglePoint]] | None = field(
        default=None, repr=False, compare=False
    )

    @functools.cached_property
    def engager_single_points(self) -> list[EngagerSinglePoint]:
        """Single points of failure per engager and entry point (`engager_single_points`)."""
        return self.per_engager() if self.per_engager is not None else []

    def as_dict(self) -> dict[str, Any]:
        def rounded(v: float | None) -> float | None:
            return round(v, 4) if v is not None else None

        return {
            "as_of": self.as_of.isoformat(),
            "max_hops": self.max_hops,
            "stale_after_days": self.stale_after_days,
            "engagers": [{"node": e, "name": n} for e, n in self.engagers],
            "unreachable_actors": [u.as_dict() for u in self.unreachable_actors],
            "unreachable_commanders": [u.as_dict() for u in self.unreachable_commanders],
            "single_points_of_failure": [s.as_dict() for s in self.single_points],
            "single_points_per_engager": [s.as_dict() for s in self.engager_single_points],
            "stale_access": [s.as_dict() for s in self.stale_access],
            "undated_access": [s.as_dict() for s in self.undated_access],
            "complementarity": {
                "engagers": [e for e, _ in self.engagers],
                "rows": [
                    {
                        "actor": a,
                        "name": n,
                        "scores": {e: rounded(s) for e, s in self.matrix[a].items()},
                        "engagers_reaching": sum(
                            1 for s in self.matrix[a].values() if s is not None
                        ),
                        "only_reached_by": self.only_reached_by.get(a),
                    }
                    for a, n in self.actors
                ],
            },
        }


def formation_commanders(graph: nx.MultiDiGraph[str]) -> list[str]:
    """People and posts that command an armed actor or unit: the commanders
    gaps reports on."""
    return sorted(
        n
        for n in graph.nodes
        if kind_of(graph, n) in COMMAND_HOLDERS
        and any(kind_of(graph, t) in ARMED for t in out_by_type(graph, n, "COMMANDS"))
    )


def _actor_scores(
    ig: InfluenceGraph, actors: list[str], engagers: list[str], max_hops: int
) -> dict[str, dict[str, float | None]]:
    """Best score from each engager to each armed actor: to the actor itself or
    to any of its structural entry points (its local commanders when it is
    decentralised, its top command when integrated), as `reach` scores them.

    One *backward* search per actor from all its entry points at once, on the
    reversed graph, ending at engagers (they may start a path, never pass one
    on): O(actors * max_hops * E) instead of one forward search per engager.
    The best over several entry points never passes through another one (the
    part up to that one is at least as good), so the searches may stop there.
    """
    engager_set = set(engagers)
    reverse = ig.digraph.reverse(copy=False)
    # Only nodes some engager reaches within the hop limit can be on a path.
    zone = within_hops_of(reverse, engagers, max_hops)
    out: dict[str, dict[str, float | None]] = {}
    for actor in actors:
        rule = passable_for(ig, actor)

        def back_rule(node: str, rule: Passable = rule) -> bool:
            return node not in engager_set and rule(node)

        # No one enters an engager, so an engager that is an entry point is no
        # one's way in (and is not scored on itself).
        points = [
            p for p in influence_points(ig.graph, actor) if p in ig.digraph and p not in engager_set
        ]
        found = best_paths(
            reverse, points, max_hops=max_hops, passable=back_rule, toward=engagers, relevant=zone
        )
        out[actor] = {e: score_of(found[e][0]) if e in found else None for e in engagers}
    return out


def _reached_commanders(
    ig: InfluenceGraph, commanders: list[str], engagers: list[str], max_hops: int
) -> set[str]:
    """The commanders some engager reaches (at them or an entry point of theirs).

    Whether, not how well: one breadth-first search from every engager at once
    per side of the conflict (the intermediary rule depends on the side).
    """
    groups: dict[frozenset[str], list[str]] = {}
    for c in commanders:
        groups.setdefault(ig.parties.of(c), []).append(c)
    found: set[str] = set()
    for members in groups.values():
        # The rule is a pure function of the node: remember its answers.
        rule = functools.cache(passable_for(ig, members[0]))
        reached = reached_within(ig.digraph, engagers, max_hops=max_hops, passable=rule)
        found.update(c for c in members if any(p in reached for p in influence_points(ig.graph, c)))
    return found


def single_points(
    ig: InfluenceGraph, actor: str, engagers: list[str], *, max_hops: int
) -> list[str]:
    """Intermediaries on *every* path of at most `max_hops` hops from any
    engager to `actor` (or to its entry points).

    A node on every path lies on any one path, so only the nodes of one
    fewest-hops path are candidates; each is tested by removing it and
    searching again. O(max_hops * (V + E)) per actor, exact within the hop limit.
    """
    rule = passable_for(ig, actor)
    goals = set(influence_points(ig.graph, actor))

    def search(sources: list[str], blocked: list[str]) -> list[str] | None:
        return reachable(
            ig.digraph,
            sources,
            goals,
            max_hops=max_hops,
            passable=rule,
            no_entry=engagers,
            blocked=blocked,
        )

    path = search(engagers, [])
    if path is None:
        return []
    return [node for node in path[1:-1] if search(engagers, [node]) is None]


def hops_to(digraph: nx.DiGraph[str], targets: set[str], hops: int) -> dict[str, int]:
    """Fewest hops from each node to the nearest of `targets`, up to `hops` (a
    level-by-level search backward, as `queries.paths.within_hops_of`)."""
    sources = [t for t in targets if t in digraph]
    found: dict[str, int] = {}
    if not sources:
        return found
    layers = nx.bfs_layers(digraph.reverse(copy=False), sources)
    for level, layer in zip(range(hops + 1), layers, strict=False):
        found.update(dict.fromkeys(layer, level))
    return found


def entry_points(graph: nx.MultiDiGraph[str], actor: str) -> list[tuple[str, str]]:
    """The group itself and the landing points its structure calls for, as (node, role)."""
    value = graph.nodes[actor].get("structure")
    structure = value if isinstance(value, str) else None
    found = [(actor, "the group itself")]
    found += [(n, r) for n, r in landing_points(graph, actor, actor, structure) if n != actor]
    return found


def engager_single_points(
    ig: InfluenceGraph,
    actors: list[str],
    engagers: list[str],
    *,
    max_hops: int,
    reached: dict[str, dict[str, float | None]] | None = None,
) -> list[EngagerSinglePoint]:
    """For each engager, each armed actor it reaches and each entry point of
    that actor (`entry_points`): the intermediaries on every route.

    Those are the entry point's dominators in the engager's flow graph
    (networkx `immediate_dominators`, Cooper-Harvey-Kennedy): the nodes
    whose hops from the engager plus hops to an entry point fit in
    `max_hops`, less those the neutrality rule refuses for that actor
    (another party's, another engager). One dominator tree per engager and
    side of the conflict, on that corner of the map; a node on every route
    there is on every hop-limited route too (the converse may miss a node
    that only the hop limit makes unavoidable: never a false alarm). Other
    entry points of the same actor on the way (the local commander before
    their post) and formations (units do not rotate out; people do) are not
    reported as failures.

    `reached` (actor -> engager -> best score, from the complementarity
    matrix) skips pairs where the engager reaches nothing of the actor.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> from queries.traversal import influence_graph
    >>> ig = influence_graph(tiny_graph())
    >>> rows = engager_single_points(ig, ["act_front"], ["org_ocha"], max_hops=5)
    >>> [(r.entry, [n for n, _ in r.through]) for r in rows]
    [('act_front', ['per_top'])]

    OCHA reaches the Front's local commander two ways (through its focal
    point and the elder, or down from the Front's chair), but the Front as a
    whole only through its chair.
    """
    graph = ig.graph
    engager_set = set(engagers)
    sides: dict[frozenset[str], list[str]] = {}
    for actor in actors:
        sides.setdefault(ig.parties.of(actor), []).append(actor)
    entries = {a: entry_points(graph, a) for a in actors}
    # The neutrality rule (`passable_for`) as sets: who sides with which party.
    sided = {n: p for n in ig.digraph if (p := ig.parties.of(n))}
    # Hops from each engager, ignoring who may be passed: a lower bound of the
    # hops of any allowed route, used only to narrow the search below.
    ahead = {
        e: nx.single_source_shortest_path_length(ig.digraph, e, cutoff=max_hops)
        for e in engagers
        if e in ig.digraph
    }
    found: list[EngagerSinglePoint] = []
    for side, members in sides.items():
        # Nodes of a party other than this side's (what `passable_for` refuses),
        # and every engager: routes start at one, never pass through one.
        hidden = {n for n, p in sided.items() if not (p & side)} | engager_set
        points = {n for a in members for n, _ in entries[a] if n in ig.digraph} - hidden
        behind = hops_to(ig.digraph, points, max_hops)
        for engager in engagers:
            wanted = [
                a for a in members if reached is None or reached.get(a, {}).get(engager) is not None
            ]
            if engager not in ahead or not wanted:
                continue
            # Only nodes on some route within the hop limit can be on every route:
            # the dominator search runs on that corner of the map, not on all of it.
            hops = ahead[engager]
            small, large = (hops, behind) if len(hops) <= len(behind) else (behind, hops)
            corner = {
                n
                for n in small
                if n in large and hops[n] + behind[n] <= max_hops and n not in hidden
            }
            corner.add(engager)
            succ = ig.digraph.succ
            flow: nx.DiGraph[str] = nx.DiGraph()
            flow.add_node(engager)
            flow.add_edges_from(
                (u, v) for u in corner for v in succ[u] if v in corner and v != engager
            )
            idom = nx.immediate_dominators(flow, engager)
            for actor in wanted:
                own = {n for n, _ in entries[actor]}
                for node, role in entries[actor]:
                    if node == engager or node not in idom:
                        continue
                    chain: list[str] = []
                    step = idom[node]
                    while step != engager:
                        chain.append(step)
                        step = idom[step]
                    through = [
                        n
                        for n in reversed(chain)
                        if n not in own and kind_of(graph, n) not in ARMED
                    ]
                    if through:
                        found.append(
                            EngagerSinglePoint(
                                engager,
                                name_of(graph, engager),
                                actor,
                                name_of(graph, actor),
                                node,
                                name_of(graph, node),
                                role,
                                [(n, name_of(graph, n)) for n in through],
                            )
                        )
    return found


def access_ages(
    graph: nx.MultiDiGraph[str], as_of: date, stale_after_days: int
) -> tuple[list[StaleAccess], list[StaleAccess]]:
    """Access older than the threshold, and access with no date of last contact."""
    stale: list[StaleAccess] = []
    undated: list[StaleAccess] = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        record = data.get("record")
        if not isinstance(record, m.HasAccessTo) or not holds_on(record, as_of):
            continue
        # A contact recorded after the question date was not known on it.
        contact, _ = evidence_on(record, as_of, ("last_contact",))
        age = (as_of - upper_bound(contact)).days if contact else None
        row = StaleAccess(
            relationship=str(key),
            source=u,
            source_name=name_of(graph, u),
            target=v,
            target_name=name_of(graph, v),
            quality=record.quality.value,
            last_contact=contact,
            age_days=age,
            engagers=acting_for(graph, u),
        )
        if age is None:
            undated.append(row)
        elif age > stale_after_days:
            stale.append(row)
    stale.sort(key=lambda r: (-(r.age_days or 0), r.relationship))
    undated.sort(key=lambda r: r.relationship)
    return stale, undated


def gaps(
    graph: nx.MultiDiGraph[str],
    constraints: PathConstraints = ANY_PATH,
    stale_after_days: int = 365,
    *,
    engagers: Iterable[str] | None = None,
) -> GapReport:
    """Where our reach fails or is fragile.

    Returns armed actors and commanders no engager reaches within `max_hops`;
    single points of failure (intermediaries on every path to an actor, and
    actors only one engager reaches); access not confirmed for
    `stale_after_days` (and access never dated); and the complementarity
    matrix engagers x armed actors (best score), the same neutrality rule
    applying as for leverage paths. On a frozen projection (the store's) the
    report is remembered for that projection and shared: treat it as read-only.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> report = gaps(tiny_graph())
    >>> [u.node for u in report.unreachable_actors]
    []
    >>> [(s.actor, s.sole_engager[0] if s.sole_engager else None) for s in report.single_points]
    [('act_army', 'org_ngo'), ('act_front', 'org_ocha')]
    >>> round(report.matrix["act_front"]["org_ocha"], 3), report.matrix["act_front"]["org_ngo"]
    (0.281, None)
    """
    max_hops = constraints.hops(5)
    if max_hops < 1:
        raise InvalidQuery(f"max_hops must be at least 1, not {max_hops}")
    if stale_after_days < 0:
        raise InvalidQuery(f"stale_after_days must not be negative, not {stale_after_days}")
    day = question_date(graph, constraints.as_of)
    chosen = resolve_engagers(graph, engagers)
    min_confidence, params = constraints.min_confidence, constraints.params
    # A page that reruns asks again: remembered per frozen projection (read-only).
    key = ("gaps", day, max_hops, stale_after_days, tuple(chosen), min_confidence, repr(params))
    return remembered(
        graph,
        key,
        lambda: _gaps(graph, day, max_hops, stale_after_days, chosen, min_confidence, params),
    )


def _gaps(
    graph: nx.MultiDiGraph[str],
    day: date,
    max_hops: int,
    stale_after_days: int,
    chosen: list[str],
    min_confidence: float,
    params: ScoringParams | None,
) -> GapReport:
    ig = influence_graph(graph, PathConstraints(day, min_confidence, params=params))
    actors = sorted(n for n in graph.nodes if kind_of(graph, n) == "ArmedActor")
    commanders = formation_commanders(graph)
    scores = _actor_scores(ig, actors, chosen, max_hops)
    reached = {a for a in actors if any(s is not None for s in scores[a].values())}
    reached |= _reached_commanders(ig, [c for c in commanders if c not in actors], chosen, max_hops)

    def unreached(nodes: list[str]) -> list[Unreachable]:
        return [
            Unreachable(n, name_of(graph, n), kind_of(graph, n)) for n in nodes if n not in reached
        ]

    spofs: list[SinglePoint] = []
    only: dict[str, str] = {}
    for actor in actors:
        if all(s is None for s in scores[actor].values()):
            continue
        through = single_points(ig, actor, chosen, max_hops=max_hops)
        goals = set(influence_points(graph, actor))
        able = [e for e in chosen if scores[actor][e] is not None or e in goals]
        sole = (able[0], name_of(graph, able[0])) if len(able) == 1 else None
        if sole:
            only[actor] = sole[0]
        if through or sole:
            spofs.append(
                SinglePoint(
                    actor, name_of(graph, actor), [(n, name_of(graph, n)) for n in through], sole
                )
            )
    stale, undated = access_ages(graph, day, stale_after_days)
    return GapReport(
        as_of=day,
        max_hops=max_hops,
        stale_after_days=stale_after_days,
        engagers=[(e, name_of(graph, e)) for e in chosen],
        actors=[(a, name_of(graph, a)) for a in actors],
        unreachable_actors=unreached(actors),
        unreachable_commanders=unreached(commanders),
        single_points=spofs,
        stale_access=stale,
        undated_access=undated,
        matrix={a: scores[a] for a in actors},
        only_reached_by=only,
        per_engager=lambda: engager_single_points(
            ig, actors, chosen, max_hops=max_hops, reached=scores
        ),
    )
