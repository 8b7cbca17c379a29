"""Leverage paths: who of us can reach a target, through whom, and how well.

A leverage path runs from one of our engagers (an engager organisation or
its focal point) to a target (armed actor, unit, commander or post) over
access, influence, membership and command (see `queries.traversal`). Paths
are ranked by the product of their hop scores (`queries.scoring`) and every
hop is explained (`queries.explain`).

Constraints, as the field needs them:

- the hop limit: long chains of favours do not deliver;
- a minimum confidence per relationship;
- engagers allowed, and intermediaries excluded by the user;
- **neutrality**: by default no path passes *through* a party to the conflict
  other than the target's own side (its units, commanders, members). A
  shorter route through the other side is still a route the HCT should not
  take without deciding to; `allow_through_parties` lets the user decide, and
  such paths then carry a warning;
- **do no harm**: intermediaries marked at risk are allowed, but every path
  through one carries a warning.

The store has already filtered the projection by the viewer's clearance and
the as-of date: a hidden record is simply absent, so no path can pass through
it and nothing in the answer hints at it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph.errors import NotFound
from graph.schema import TARGET_KINDS
from queries.command import kind_of, name_of
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import default_engagers, resolve_engagers
from queries.errors import InvalidQuery
from queries.explain import LeveragePath, explain_path
from queries.paths import k_best_paths, reachable
from queries.traversal import InfluenceGraph, influence_graph


@dataclass
class LeverageResult:
    """The k best leverage paths to one target, best first."""

    target: str
    target_name: str
    target_kind: str
    as_of: date
    paths: list[LeveragePath]
    engagers: list[str]
    constraints: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Per path (same order): the worse paths that only vary its last hop, folded under it.
    variants: list[list[LeveragePath]] = field(default_factory=list)

    @property
    def best(self) -> LeveragePath | None:
        return self.paths[0] if self.paths else None

    def variants_of(self, index: int) -> list[LeveragePath]:
        return self.variants[index] if index < len(self.variants) else []

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_name": self.target_name,
            "target_kind": self.target_kind,
            "as_of": self.as_of.isoformat(),
            "engagers": list(self.engagers),
            "constraints": dict(self.constraints),
            "notes": list(self.notes),
            "paths": [
                {**p.as_dict(), "variants": [v.as_dict() for v in self.variants_of(i)]}
                for i, p in enumerate(self.paths)
            ],
        }


def fold_last_hop(
    paths: list[LeveragePath],
) -> list[tuple[LeveragePath, list[LeveragePath]]]:
    """Group ranked paths so that a path varying only the last hop of a better one sits under it.

    Two paths from the same engager through the same people, which differ only
    in how they end, are one approach for the advocacy group: ask the same
    intermediary to work on the target. A worse path is folded under a better
    one when it

    - takes the same route to the better path's last intermediary but one
      (`ocha -> fp -> elder2 -> target` under `ocha -> fp -> elder1 -> target`), or
    - takes the better path's whole route up to its last intermediary, then a
      longer way in (`ocha -> fp -> elder1 -> deputy -> target`).

    The shared part must be more than the engager alone: `ocha -> a -> target`
    and `ocha -> b -> target` are two interlocutors, two approaches, never folded.
    `paths` must be best first; the result keeps that order.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> from queries.explain import explain_path
    >>> from queries.traversal import influence_graph
    >>> ig = influence_graph(tiny_graph())
    >>> a = explain_path(ig, ["org_ocha", "per_fp", "per_elder", "per_local"], target="per_local")
    >>> [(lead.nodes, len(more)) for lead, more in fold_last_hop([a])]
    [(['org_ocha', 'per_fp', 'per_elder', 'per_local'], 0)]
    """
    groups: list[tuple[LeveragePath, list[LeveragePath]]] = []
    for path in paths:
        lead = next((g for g in groups if _varies_last_hop(path.nodes, g[0].nodes)), None)
        if lead is None:
            groups.append((path, []))
        else:
            lead[1].append(path)
    return groups


def _varies_last_hop(nodes: list[str], better: list[str]) -> bool:
    """Whether `nodes` only changes how `better` ends (see `fold_last_hop`)."""
    if len(nodes) == len(better):
        shared = better[:-2]
        return len(shared) >= 2 and nodes[:-2] == shared
    if len(nodes) > len(better):
        shared = better[:-1]
        return len(shared) >= 2 and nodes[: len(shared)] == shared
    return False


def check_target(
    graph: nx.MultiDiGraph[str],
    target: str,
    kinds: Collection[str] = TARGET_KINDS,
) -> None:
    """Raise NotFound for an absent (or hidden) target, InvalidQuery for the wrong kind."""
    if target not in graph:
        raise NotFound(f"no node {target!r} (or it is above your clearance, or not valid then)")
    kind = kind_of(graph, target)
    if kind not in kinds:
        raise InvalidQuery(
            f"{target!r} is a {kind}; a leverage target must be one of {', '.join(sorted(kinds))}"
        )


def passable_for(
    ig: InfluenceGraph,
    target: str,
    *,
    allow_through_parties: bool = False,
    exclude: Iterable[str] = (),
) -> Callable[[str], bool]:
    """The intermediary rule for one target: not excluded, and (unless allowed)
    not on the side of another party to the conflict."""
    excluded = frozenset(exclude)
    if allow_through_parties:
        return lambda node: node not in excluded
    parties = ig.parties
    theirs: list[frozenset[str]] = []  # the target's parties, once asked

    def passable(node: str) -> bool:
        # `not parties.is_other_party(node, relative_to=target)`, with the
        # target's parties looked up once per rule, not once per node asked.
        if node in excluded:
            return False
        mine = parties.of(node)
        if not mine:
            return True
        if not theirs:
            theirs.append(parties.of(target))
        return not mine.isdisjoint(theirs[0])

    return passable


def _check_limits(k: int, max_hops: int) -> None:
    if k < 1:
        raise InvalidQuery(f"k must be at least 1, not {k}")
    if max_hops < 1:
        raise InvalidQuery(f"max_hops must be at least 1, not {max_hops}")


def landings(graph: nx.MultiDiGraph[str], target: str, engagers: Iterable[str]) -> list[str]:
    """Where a leverage path to `target` ends: one rule with Coverage.

    An armed actor is reached where its structure says engagement lands
    (`queries.reach.influence_points`: the group itself, its top command when
    integrated, its local commanders when decentralised, its member groups in
    a coalition), so a path ends at the first of those it meets, exactly as
    Coverage (`queries.gaps`) scores the engager against the actor: the best
    path here has the score of the Coverage cell. An engager is never a
    landing point (no one enters an engager). Any other target is its own
    and only landing point.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> landings(tiny_graph(), "act_front", ["org_ocha", "org_ngo"])
    ['act_front', 'pst_cp', 'per_local']
    >>> landings(tiny_graph(), "per_local", ["org_ocha"])
    ['per_local']
    """
    if kind_of(graph, target) != "ArmedActor":
        return [target]
    # Imported here: queries.reach builds on this module (check_target, passable_for).
    from queries.reach import influence_points

    skip = set(engagers)
    return [p for p in influence_points(graph, target) if p not in skip]


def paths_on(
    ig: InfluenceGraph,
    target: str,
    *,
    engagers: list[str],
    k: int = 5,
    max_hops: int = 5,
    allow_through_parties: bool = False,
    exclude: Iterable[str] = (),
    max_candidates: int | None = None,
    others: Iterable[str] = (),
) -> list[LeveragePath]:
    """`leverage_paths` on an already collapsed graph (shared by reach and profiles).

    `others` are engagers not asked about: like the asked ones, a path never
    enters them (each has paths of its own, as Coverage counts them).
    """
    excluded = set(exclude)
    ours = [*engagers, *others]
    goals = landings(ig.graph, target, ours)
    starts = [e for e in engagers if e not in excluded and e not in goals]
    # Asked once per node the search goes on from (`queries.paths._toward`).
    passable = passable_for(
        ig, target, allow_through_parties=allow_through_parties, exclude=excluded
    )
    found = k_best_paths(
        ig.digraph,
        starts,
        goals,
        k=k,
        max_hops=max_hops,
        passable=passable,
        no_entry=[*starts, *others],
        max_candidates=max_candidates,
    )
    paths = [explain_path(ig, nodes, target=target) for _, nodes in found]
    # Stable: by score, then fewer hops, then ids, so equal scores always list alike.
    paths.sort(key=lambda p: (-round(p.score, 12), len(p), p.nodes))
    return paths


def leverage_paths(
    graph: nx.MultiDiGraph[str],
    target: str,
    *,
    engagers: Iterable[str] | None = None,
    k: int = 5,
    constraints: PathConstraints = ANY_PATH,
    allow_through_parties: bool = False,
    exclude: Iterable[str] = (),
    max_candidates: int | None = None,
) -> LeverageResult:
    """The `k` best leverage paths from our engagers to `target`, best first.

    Parameters
    ----------
    graph
        The projection (already filtered by clearance and date).
    target
        Id of an armed actor, unit, person or post.
    engagers
        Where paths may start (ids); default every organisation marked engager.
    k, max_hops
        How many paths, and how long each may be.
    min_confidence
        Relationships less certain than this are not used.
    as_of
        The question date, for recency (default: the projection's date, else today).
    allow_through_parties
        Let paths pass through another party to the conflict (with a warning).
    exclude
        Intermediaries the user does not want used.
    params
        Scoring tunables (`queries.scoring.ScoringParams`).
    max_candidates
        Cap on candidate paths examined (default ``max(100, 20 * k)``).

    Returns
    -------
    LeverageResult
        Paths sorted by score, non-increasing; each hop explained.

    Notes
    -----
    Exact within the hop limit: the search runs on a hop-layered graph
    (`queries.paths.k_best_paths`), O(k * L * (H * E) log(H * V)) for paths of
    length L, hop limit H; never more than `max_candidates` candidates.

    Examples
    --------
    The Front is decentralised: our regular access to its top leader loses to
    the focal point's elder, who has tribal influence over the local commander.

    >>> from queries.examples import tiny_graph
    >>> result = leverage_paths(tiny_graph(), "per_local", k=2)
    >>> [p.nodes for p in result.paths]  # doctest: +NORMALIZE_WHITESPACE
    [['org_ocha', 'per_fp', 'per_elder', 'per_local'],
     ['org_ocha', 'per_top', 'act_front', 'unt_cp', 'pst_cp', 'per_local']]
    >>> [round(p.score, 3) for p in result.paths]
    [0.281, 0.049]

    General Sask's kinship is a shorter route, but he is on the other side:
    only when the user allows it does it appear, with a warning.

    >>> allowed = leverage_paths(tiny_graph(), "per_local", allow_through_parties=True)
    >>> allowed.paths[0].nodes
    ['org_ngo', 'per_gen', 'per_local']
    >>> "another party" in allowed.paths[0].warnings[0]
    True
    """
    max_hops = constraints.hops(5)
    min_confidence = constraints.min_confidence
    _check_limits(k, max_hops)
    check_target(graph, target)
    chosen = resolve_engagers(graph, engagers)
    ig = influence_graph(graph, constraints)
    # Our other engagers are never passed through, asked about or not: a path
    # through one is that engager's approach (and Coverage counts it so).
    others = [e for e in default_engagers(graph) if e not in chosen]
    groups = _diverse_paths(
        ig,
        target,
        engagers=chosen,
        others=others,
        k=k,
        max_hops=max_hops,
        allow_through_parties=allow_through_parties,
        exclude=exclude,
        max_candidates=max_candidates,
    )
    paths = [lead for lead, _ in groups]
    notes: list[str] = []
    landed = list(dict.fromkeys(p.nodes[-1] for p in paths if p.nodes[-1] != target))
    if landed:
        structure = str(graph.nodes[target].get("structure") or "of unknown structure")
        structure = structure.replace("_", "-")
        notes.append(
            f"{name_of(graph, target)} is {structure}: paths end where engagement lands "
            f"on it ({', '.join(name_of(graph, n) for n in landed)}), as Coverage scores it"
        )
    if not chosen:
        notes.append("no engagers: mark our organisations with engager=true, or name some")
    elif not paths:
        notes.append(
            f"none of the engagers can reach {name_of(graph, target)} within {max_hops} hops"
        )
        if not allow_through_parties:
            detour = reachable(
                ig.digraph,
                [e for e in chosen if e not in set(exclude)],
                set(landings(graph, target, [*chosen, *others])),
                max_hops=max_hops,
                passable=lambda n: n not in set(exclude),
                no_entry=[*chosen, *others],
            )
            if detour is not None:
                notes.append(
                    "a path exists through another party to the conflict; it is "
                    "left out for neutrality (allow_through_parties to see it)"
                )
        if others:
            passable = passable_for(
                ig, target, allow_through_parties=allow_through_parties, exclude=exclude
            )
            via = reachable(
                ig.digraph,
                [e for e in chosen if e not in set(exclude)],
                set(landings(graph, target, chosen)),
                max_hops=max_hops,
                passable=passable,
                no_entry=chosen,
            )
            if via is not None and any(n in others for n in via):
                engager = next(n for n in via if n in others)
                notes.append(
                    f"a path exists through {name_of(graph, engager)}, another of our "
                    "engagers; it is theirs to take (add them to the engagers to see it)"
                )
    return LeverageResult(
        target=target,
        target_name=name_of(graph, target),
        target_kind=kind_of(graph, target),
        as_of=ig.as_of,
        paths=paths,
        engagers=chosen,
        constraints={
            "k": k,
            "max_hops": max_hops,
            "min_confidence": min_confidence,
            "allow_through_parties": allow_through_parties,
            "exclude": sorted(set(exclude)),
        },
        notes=notes,
        variants=[more for _, more in groups],
    )


#: When the k best paths fold, this many times k candidates are ranked to refill the list.
REFILL_FACTOR = 4


def _diverse_paths(
    ig: InfluenceGraph, target: str, *, k: int, **options: Any
) -> list[tuple[LeveragePath, list[LeveragePath]]]:
    """The k best *approaches*, each with the paths folded under it (`fold_last_hop`).

    Most answers do not fold, and cost one search for k paths. When some do, the
    search runs once more for `REFILL_FACTOR * k` paths, so that folding does not
    leave the user with fewer approaches than asked for where more exist.
    """
    found = paths_on(ig, target, k=k, **options)
    groups = fold_last_hop(found)
    if len(groups) < len(found):
        groups = fold_last_hop(paths_on(ig, target, k=REFILL_FACTOR * k, **options))
    return groups[:k]
