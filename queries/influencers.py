"""Influence the influencers: who has weight with the armed actors, who brokers
between networks, and which of us already has access to them.

Negotiators map a network of influence before they pick interlocutors: the
elder the commander listens to, the embassy with a military-to-military
channel, the businessman who pays the checkpoint. `influencers` ranks people
and organisations by their weighted reach over a set of armed actors (the sum
of their best path scores to each), adds their brokerage (betweenness on the
influence graph around those actors, *without* our own engagers and their
staff: how many best routes toward them run through them, so that adding one
of us never changes anyone's brokerage) and lists the engagers that already
have access. When no one is listed the report says why (members of the actor
left out, our own people left out, no one within the hop limit).
`key_interlocutors` picks the few who, together, cover the most.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.schema import TARGET_KINDS
from queries.brokerage import compiled, loaded, started_betweenness
from queries.command import formations_of, kind_of, name_of, owning_actors
from queries.constraints import ANY_PATH, PathConstraints
from queries.engagers import acting_for, acting_for_us, default_engagers
from queries.errors import InvalidQuery
from queries.leverage import check_target, passable_for
from queries.memo import remembered
from queries.paths import best_paths
from queries.reach import influence_points
from queries.scoring import score_of
from queries.traversal import InfluenceGraph, influence_graph

CANDIDATE_KINDS = frozenset({"Person", "Organisation"})
BROKERAGE_SAMPLE = 400  # betweenness is sampled above this many nodes (seeded: reproducible)
# Actors x edges from which the influence matrix's searches are compiled even
# before numba is loaded (about 0.5 s to load it, against about 35 ms a
# search in Python on a map of 70,000 influence edges).
MATRIX_WORK = 1_500_000


@dataclass
class Influencer:
    node: str
    name: str
    kind: str
    reach: float
    actors: list[tuple[str, float]]
    brokerage: float
    access: list[tuple[str, str, float]]  # (engager, via, hop score)
    sides: list[str] = field(default_factory=list)
    at_risk: bool = False
    # Armed actors ranked over that the candidate belongs to (listed only with
    # include_members): their own commander "influences" them from inside.
    member_of: list[str] = field(default_factory=list)

    def as_dict(self, graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
        return {
            "node": self.node,
            "name": self.name,
            "kind": self.kind,
            "member": bool(self.member_of),
            "member_of": [{"actor": a, "name": name_of(graph, a)} for a in self.member_of],
            "reach": round(self.reach, 4),
            "brokerage": round(self.brokerage, 4),
            "at_risk": self.at_risk,
            "sides": [{"actor": a, "name": name_of(graph, a)} for a in self.sides],
            "actors": [
                {"actor": a, "name": name_of(graph, a), "score": round(s, 4)}
                for a, s in self.actors
            ],
            "engagers_with_access": [
                {
                    "engager": e,
                    "engager_name": name_of(graph, e),
                    "via": via,
                    "via_name": name_of(graph, via),
                    "score": round(s, 4),
                }
                for e, via, s in self.access
            ],
        }


@dataclass
class InfluencerReport:
    graph: nx.MultiDiGraph[str]
    over: list[str]
    as_of: date
    max_hops: int
    ranked: list[Influencer]
    members_excluded: int = 0  # candidates with influence only as members of the actor
    engagers_excluded: int = 0  # our own staff with influence, left out
    reason: str | None = None  # why the list is empty (None when it is not)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "over": [{"actor": a, "name": name_of(self.graph, a)} for a in self.over],
            "max_hops": self.max_hops,
            "influencers": [i.as_dict(self.graph) for i in self.ranked],
            "members_excluded": self.members_excluded,
            "engagers_excluded": self.engagers_excluded,
            "reason": self.reason,
        }


class _Affiliations:
    """Each node's armed actors as a set (``set(actors_of(graph, node))``) and
    its side (``Parties(graph).of(node)``: those of them party to the
    conflict), remembered per frozen projection.

    A ranking over every actor asks both about thousands of nodes (the
    neutrality rule, the members rule): each node's formations are read once
    for both questions (`queries.command.formations_of`, off NetworkX's
    adjacency), not through the per-type neighbour lists `queries.command`
    sorts for callers that need an order (a third of the ranking's Python at
    M). The same sets:
    `tests/queries/test_influencers.py` compares them on generated worlds.
    """

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self.graph = graph
        self.nodes: Mapping[str, Mapping[str, Any]] = vars(graph)["_node"]
        self.known: dict[str, frozenset[str]] = remembered(graph, "actor_sets", dict)
        self.known_sides: dict[str, frozenset[str]] = remembered(graph, "actor_sides", dict)

    def groups(self, node: str) -> frozenset[str]:
        """The armed actors `node` belongs to (`actors_of`, as a set)."""
        hit = self.known.get(node)
        if hit is None:
            found: set[str] = set()
            for formation in formations_of(self.graph, node):
                found.update(owning_actors(self.graph, formation))
            hit = self.known[node] = frozenset(found)
        return hit

    def sides(self, node: str) -> frozenset[str]:
        """The parties to the conflict `node` sides with (`Parties.of`)."""
        hit = self.known_sides.get(node)
        if hit is None:
            nodes = self.nodes
            hit = frozenset(
                a for a in self.groups(node) if nodes[a].get("party_to_conflict", False)
            )
            self.known_sides[node] = hit
        return hit


def _over(graph: nx.MultiDiGraph[str], over: Iterable[str] | None) -> list[str]:
    if over is None:
        return sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "ArmedActor")
    chosen: list[str] = []
    for node in over:
        check_target(graph, node, TARGET_KINDS)
        if node not in chosen:
            chosen.append(node)
    return chosen


def influence_matrix(
    ig: InfluenceGraph,
    over: list[str],
    *,
    max_hops: int,
    candidates: Iterable[str],
    exclude: Iterable[str] = (),
    include_members: bool = False,
) -> dict[str, dict[str, float]]:
    """``{candidate: {actor: best path score}}`` over `over`, within `max_hops`.

    A candidate's score on an actor is its best path to the actor or to one of
    its `influence_points`. One backward best-path search per actor
    (O(actors * max_hops * E)), with the neutrality rule relative to that
    actor: a candidate on another party's side gets no credit, and no path
    runs through another party or through one of our engagers. A candidate
    who belongs to the actor itself (its own commanders) gets credit only with
    `include_members`: the point is to find who influences them from outside.

    Over many actors on a large map the searches run compiled
    (`_CompiledSearches`, the same answers to the last bit); otherwise, or
    until numba is loaded for less work than `MATRIX_WORK`, `best_paths` runs
    them.
    """
    wanted = set(candidates)
    engagers = set(default_engagers(ig.graph))
    excluded = set(exclude)
    reverse = ig.digraph.reverse(copy=False)
    matrix: dict[str, dict[str, float]] = {c: {} for c in wanted}
    # Only candidates' answers are read: the searches are confined to what can
    # reach one of them (the same answers for them, see `best_paths`), and no
    # other node's path is rebuilt. The confinement is the same for every actor.
    toward = wanted & ig.digraph.nodes.keys()
    # What reaches them within the hop limit: `within_hops_of(reverse, toward, max_hops)`.
    relevant = _within_hops(vars(ig.digraph)["_succ"], toward, max_hops)
    affiliations = _Affiliations(ig.graph)
    compiled = None
    if over and (loaded() or len(over) * ig.digraph.number_of_edges() >= MATRIX_WORK):
        compiled = _CompiledSearches(
            ig, affiliations, relevant, toward, excluded | engagers, max_hops
        )
    for actor in over:
        points = [p for p in _influence_points(ig.graph, actor) if p in ig.digraph]
        own = affiliations.groups(actor)
        if compiled is not None:
            found, other_party = compiled.search(actor, points)
        else:
            rule = passable_for(ig, actor, exclude=excluded | engagers)
            paths = best_paths(
                reverse, points, max_hops=max_hops, passable=rule, toward=toward, relevant=relevant
            )
            found = {node: weight for node, (weight, _) in paths.items()}
            other_party = None
        for node, weight in found.items():
            if node == actor or node not in wanted:
                continue
            if other_party is not None:
                if other_party(node):
                    continue
            elif ig.parties.is_other_party(node, relative_to=actor):
                continue
            if not include_members and own & affiliations.groups(node):
                continue
            matrix[node][actor] = score_of(weight)
    return matrix


class _CompiledSearches:
    """`best_paths` backward from each actor's influence points, compiled, for
    `influence_matrix`: the same path weights, bit for bit.

    The reversed influence graph is numbered in name order (the order in which
    `best_paths` walks each round's frontier, so every tie goes the same
    way), its edges kept only toward the `relevant` nodes, as `best_paths`
    confines them. Each found candidate's path is rebuilt round by round, its
    loops cut out and its weight summed hop by hop from the actor's end, as
    `best_paths` and `path_weight` do. The neutrality rule is one array per
    actor, from one party set per node (a few distinct sets on a whole map).
    """

    def __init__(
        self,
        ig: InfluenceGraph,
        affiliations: _Affiliations,
        relevant: set[str],
        toward: set[str],
        blocked: set[str],
        max_hops: int,
    ) -> None:
        self.ig = ig
        self.affiliations = affiliations
        self.max_hops = max_hops
        nodes = sorted(ig.digraph)
        self.nodes = nodes
        index = {node: i for i, node in enumerate(nodes)}
        self.index = index
        n = len(nodes)
        indptr = np.zeros(n + 1, dtype=np.int64)
        targets: list[int] = []
        weights: list[float] = []
        # The reversed graph's adjacency is the graph's own predecessors mapping.
        pred: Mapping[str, Mapping[str, Mapping[str, Any]]] = vars(ig.digraph)["_pred"]
        for i, node in enumerate(nodes):
            for other, data in pred[node].items():
                if other in relevant:
                    targets.append(index[other])
                    weights.append(data["weight"])
            indptr[i + 1] = len(targets)
        self.indptr = indptr
        self.targets = np.asarray(targets, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.wanted = np.zeros(n, dtype=np.bool_)
        self.wanted[[index[t] for t in toward]] = True
        # Party sets, numbered, of the nodes a search has asked about so far:
        # only those it passes through or credits, as `best_paths` asks
        # (finding every node's is most of the work on a large map).
        self.sets: dict[frozenset[str], int] = {}
        self.set_of = np.full(n, -1, dtype=np.int64)
        self.closed = np.zeros(n, dtype=np.bool_)
        self.closed[[index[b] for b in blocked if b in index]] = True
        self.kernel = _matrix_kernel()

    def search(
        self, actor: str, points: list[str]
    ) -> tuple[dict[str, float], Callable[[str], bool]]:
        """The weights of the candidates' best paths to `points` (`best_paths`'s,
        read through `path_weight`), and who is on another party's side
        relative to `actor`."""
        theirs = self.affiliations.sides(actor)
        sources = np.asarray(sorted({self.index[p] for p in points}), dtype=np.int64)
        while True:
            known = self.set_of >= 0
            other_set = np.asarray(
                [bool(s) and not (s & theirs) for s in self.sets] + [False], dtype=np.bool_
            )
            other = other_set[self.set_of]  # -1, the last: not asked about yet
            passable = ~(other | self.closed)
            found, weights, unknown = self.kernel(
                self.indptr,
                self.targets,
                self.weights,
                sources,
                passable,
                known,
                self.wanted,
                self.max_hops,
            )
            if not len(unknown):
                break
            # The search stopped at nodes whose side it needs: find them, search again.
            for i in unknown.tolist():
                side = self.affiliations.sides(self.nodes[i])
                self.set_of[i] = self.sets.setdefault(side, len(self.sets))
        nodes = self.nodes
        index = self.index
        return (
            dict(zip([nodes[i] for i in found.tolist()], weights.tolist(), strict=True)),
            lambda node: bool(other[index[node]]),
        )


_MATRIX_KERNEL: Callable[..., Any] | None = None


def _matrix_kernel() -> Callable[..., Any]:
    global _MATRIX_KERNEL
    if _MATRIX_KERNEL is None:
        _MATRIX_KERNEL = compiled(_best_path_weights)
    return _MATRIX_KERNEL


def _best_path_weights(
    indptr: NDArray[np.int64],
    targets: NDArray[np.int64],
    weights: NDArray[np.float64],
    sources: NDArray[np.int64],
    passable: NDArray[np.bool_],
    known: NDArray[np.bool_],
    wanted: NDArray[np.bool_],
    max_hops: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:  # pragma: no cover
    """`best_paths(..., toward=wanted)` on arrays, then `path_weight` of each
    wanted node's path: (nodes, weights, []). `sources` sorted, without repeats.

    `passable` is read only where `known`: a search that meets an intermediate
    or a wanted node not `known` stops and returns ([], [], those nodes), to
    be called again when they are (runs compiled: tested against `best_paths`).
    """
    n = indptr.shape[0] - 1
    best = np.full(n, np.inf)
    # by[v, r] / via[v, r]: the predecessor and edge with which v's best
    # improved at round r (-1: not at that round; a source has itself at 0).
    by = np.full((n, max_hops + 1), -1, dtype=np.int64)
    via = np.full((n, max_hops + 1), -1, dtype=np.int64)
    is_source = np.zeros(n, dtype=np.bool_)
    out_nodes = np.zeros(n, dtype=np.int64)
    out_weights = np.zeros(n, dtype=np.float64)
    pending = np.full(n, np.inf)
    pending_by = np.zeros(n, dtype=np.int64)
    pending_via = np.zeros(n, dtype=np.int64)
    improved = np.zeros(n, dtype=np.int64)
    reached = np.zeros(n, dtype=np.int64)
    unknown = np.zeros(n, dtype=np.int64)
    count_unknown = 0
    count_reached = 0
    for s in sources:
        best[s] = 0.0
        by[s, 0] = s
        is_source[s] = True
        reached[count_reached] = s
        count_reached += 1
    frontier = sources.copy()
    for round_ in range(1, max_hops + 1):
        count = 0
        for u in frontier:  # in name order, as `sorted(frontier)`
            if round_ > 1:
                if not known[u]:
                    unknown[count_unknown] = u
                    count_unknown += 1
                    continue
                if not passable[u]:
                    continue
            base = best[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = targets[e]
                if is_source[v]:
                    continue
                weight = base + weights[e]
                if weight < best[v] and weight < pending[v]:
                    if pending[v] == np.inf:
                        improved[count] = v
                        count += 1
                    pending[v] = weight
                    pending_by[v] = u
                    pending_via[v] = e
        if count_unknown > 0:
            return out_nodes[:0], out_weights[:0], unknown[:count_unknown]
        if count == 0:
            break
        for j in range(count):
            v = improved[j]
            if best[v] == np.inf:
                reached[count_reached] = v
                count_reached += 1
            best[v] = pending[v]
            by[v, round_] = pending_by[v]
            via[v, round_] = pending_via[v]
            pending[v] = np.inf
        frontier = np.sort(improved[:count])
    for j in range(count_reached):
        node = reached[j]
        if wanted[node] and not known[node]:
            unknown[count_unknown] = node
            count_unknown += 1
    if count_unknown > 0:
        return out_nodes[:0], out_weights[:0], unknown[:count_unknown]
    found = 0
    walk = np.zeros(max_hops + 1, dtype=np.int64)
    steps = np.zeros(max_hops + 1, dtype=np.int64)
    path = np.zeros(max_hops + 1, dtype=np.int64)
    hops = np.zeros(max_hops + 1, dtype=np.int64)
    for j in range(count_reached):
        node = reached[j]
        if not wanted[node]:
            continue
        # Back round by round: walk[0] = node, ..., walk[k] = a source;
        # steps[i] is the edge from walk[i + 1] to walk[i].
        k = 0
        walk[0] = node
        current = node
        limit = max_hops
        while True:
            r = limit
            while by[current, r] < 0:
                r -= 1
            if r == 0:
                break
            steps[k] = via[current, r]
            current = by[current, r]
            k += 1
            walk[k] = current
            limit = r - 1
        # Forward from the source, cutting loops (`_cut_loops`): path[i] to
        # path[i + 1] by edge hops[i].
        size = 1
        path[0] = walk[k]
        for i in range(k - 1, -1, -1):
            at = walk[i]
            position = -1
            for q in range(size):
                if path[q] == at:
                    position = q
                    break
            if position >= 0:
                size = position + 1
            else:
                hops[size - 1] = steps[i]
                path[size] = at
                size += 1
        total = 0.0
        for q in range(size - 1):
            total += weights[hops[q]]
        out_nodes[found] = node
        out_weights[found] = total
        found += 1
    return out_nodes[:found], out_weights[:found], unknown[:0]


def _full_matrix(
    ig: InfluenceGraph, actors: list[str], max_hops: int, exclude: Iterable[str]
) -> dict[str, dict[str, float]]:
    """`influence_matrix` for every candidate, our own people and members included,
    remembered per collapsed graph.

    `influencers` and `key_interlocutors` ask for the same searches (the CLI's
    `influencers --key` asks for both in one call): each takes its rows from
    this one matrix instead of searching again (`_matrix_for`). Read-only.
    """
    excluded = frozenset(exclude)

    def compute() -> dict[str, dict[str, float]]:
        return influence_matrix(
            ig,
            actors,
            max_hops=max_hops,
            candidates=_candidates(ig.graph, True, excluded),
            exclude=excluded,
            include_members=True,
        )

    key = ("influence_matrix", tuple(actors), max_hops, excluded)
    return remembered(ig.digraph, key, compute)


def _matrix_for(
    ig: InfluenceGraph,
    actors: list[str],
    max_hops: int,
    exclude: Iterable[str],
    candidates: list[str],
    include_members: bool,
) -> dict[str, dict[str, float]]:
    """`influence_matrix` for `candidates`, taken from `_full_matrix`: the same rows,
    less a member's credit on its own actor unless `include_members`."""
    full = _full_matrix(ig, actors, max_hops, exclude)
    affiliations = _Affiliations(ig.graph)
    own = {a: affiliations.groups(a) for a in actors}
    matrix: dict[str, dict[str, float]] = {}
    for c in candidates:
        row = full.get(c, {})
        if not include_members and row:
            mine = affiliations.groups(c)
            row = {a: s for a, s in row.items() if not own[a] & mine}
        matrix[c] = dict(row)
    return matrix


def _candidates(
    graph: nx.MultiDiGraph[str], include_engagers: bool, exclude: Iterable[str]
) -> list[str]:
    excluded = set(exclude)
    ours = frozenset() if include_engagers else acting_for_us(graph)
    return sorted(
        n
        for n, d in graph.nodes(data=True)
        if d.get("kind") in CANDIDATE_KINDS
        and n not in excluded
        # Our own organisations and the people who act for them are "us".
        and (include_engagers or n not in ours)
    )


def _influence_points(graph: nx.MultiDiGraph[str], actor: str) -> list[str]:
    """`influence_points` of `actor`, remembered per frozen projection: the
    matrix and brokerage both ask for every actor's (a fresh list each call)."""
    return list(
        remembered(graph, ("influence_points", actor), lambda: influence_points(graph, actor))
    )


def _within_hops(
    adjacency: Mapping[str, Iterable[str]],
    start: Iterable[str],
    hops: int,
    skip: Container[str] = frozenset(),
) -> set[str]:
    """`start` and the nodes `hops` steps or fewer from it along `adjacency`
    (NetworkX's own ``_succ`` or ``_pred``), never entering `skip`: what
    `within_hops_of` finds on a graph view, without a view's filter and
    reversal on every neighbour (a tenth of a ranking over every actor)."""
    found = set(start)
    frontier = list(found)
    for _ in range(hops):
        following: list[str] = []
        for node in frontier:
            for other in adjacency[node]:
                if other not in found and other not in skip:
                    found.add(other)
                    following.append(other)
        if not following:
            break
        frontier = following
    return found


def _brokerage(ig: InfluenceGraph, over: list[str], max_hops: int) -> dict[str, float]:
    """Betweenness within the part of the influence graph that can reach the
    actors ranked over (see `_started_brokerage`)."""
    return _started_brokerage(ig, over, max_hops)()


def _started_brokerage(
    ig: InfluenceGraph, over: list[str], max_hops: int
) -> Callable[[], dict[str, float]]:
    """Betweenness within the part of the influence graph that can reach the
    actors ranked over, within the hop limit: how many best routes toward
    them run through a node.

    Our own engagers and the people acting for them are left out of that
    graph: brokerage measures a go-between's place in *their* networks, and
    counting routes that start at one of us would make every person's
    brokerage move when an engager (or a new focal point) is recorded.

    Confining it to that neighbourhood keeps a ranking over one actor (the
    profile page) to its corner of the map instead of a whole-map betweenness
    (about a minute at 20,000 nodes); over every actor the neighbourhood is
    most of the map. Sampled above `BROKERAGE_SAMPLE` nodes (seeded),
    computed by a compiled transcription of NetworkX's betweenness
    (`queries.brokerage`), and remembered per collapsed graph and
    neighbourhood.

    Started, not finished: the compiled loop runs on threads of its own and
    the function returned waits for it, so a ranking builds its influence
    matrix meanwhile.
    """
    ours = acting_for_us(ig.graph)
    points = {
        p for a in over for p in _influence_points(ig.graph, a) if p in ig.digraph and p not in ours
    }
    # `within_hops_of` on the graph without our people, read off its own
    # predecessors mapping instead of a filtered, reversed view.
    zone = _within_hops(vars(ig.digraph)["_pred"], points, max_hops, skip=ours)

    def start() -> Callable[[], dict[str, float]]:
        n = len(zone)
        if n < 3:
            none = dict.fromkeys(zone, 0.0)
            return lambda: none
        # The zone in the graph's own order, not a copy nor `subgraph(zone)`:
        # the copy costs every edge's data (a fifth of the brokerage at M),
        # and a node set under half the graph would be walked in the set's
        # order, which string hashing changes from one process to the next,
        # and the sampled sources with it. Read without a view's filter on
        # every neighbour (`within`: the same nodes and neighbours, in order).
        sample = None if n <= BROKERAGE_SAMPLE else BROKERAGE_SAMPLE
        # nx.betweenness_centrality(sub, k=sample, weight="weight", seed=0) on
        # sub = nx.subgraph_view(ig.digraph, filter_node=zone.__contains__),
        # compiled: the same numbers, bit for bit (see queries.brokerage).
        return started_betweenness(ig.digraph, sample, weight="weight", seed=0, within=zone)

    return remembered(ig.digraph, ("brokerage", max_hops, frozenset(points)), start)


def _access(ig: InfluenceGraph, node: str) -> list[tuple[str, str, float]]:
    out: list[tuple[str, str, float]] = []
    # NetworkX's own mapping: no edge view built per candidate and predecessor.
    for u, data in vars(ig.digraph)["_pred"][node].items():
        if data["type"] != "HAS_ACCESS_TO":
            continue
        for engager in acting_for(ig.graph, u):
            out.append((engager, u, float(data["score"])))
    out.sort(key=lambda t: (-t[2], t[0], t[1]))
    return out


def influencers(
    graph: nx.MultiDiGraph[str],
    over: Iterable[str] | None = None,
    top: int = 10,
    *,
    constraints: PathConstraints = ANY_PATH,
    weights: Mapping[str, float] | None = None,
    include_engagers: bool = False,
    include_members: bool = False,
    exclude: Iterable[str] = (),
) -> InfluencerReport:
    """Rank people and organisations by weighted reach over armed actors.

    Parameters
    ----------
    over
        Armed actors (or units, commanders) to rank influence over; default every armed actor.
    top
        How many to return.
    max_hops
        How far influence may travel (3 by default: influence fades along a chain).
    weights
        Optional weight per actor in `over` (default 1 each), e.g. by threat to civilians.
    include_engagers
        Rank our own engager organisations and their focal points and members too
        (left out by default: they are "us").
    include_members
        Credit an actor's own commanders and members with influence over it
        (left out by default: the question is who influences them from outside).

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> report = influencers(tiny_graph(), over=["unt_cp"], top=3)
    >>> [(i.node, round(i.reach, 3)) for i in report.ranked]
    [('per_elder', 0.543)]
    >>> report.ranked[0].access  # doctest: +ELLIPSIS
    [('org_ocha', 'per_fp', 0.639...)]

    General Sask is on the other side, and the Front's own commanders are
    not "influencers" of it unless `include_members` is set.
    """
    max_hops = constraints.hops(3)
    if top < 1:
        raise InvalidQuery(f"top must be at least 1, not {top}")
    if max_hops < 1:
        raise InvalidQuery(f"max_hops must be at least 1, not {max_hops}")
    actors = _over(graph, over)
    ig = influence_graph(graph, constraints)
    everyone = _candidates(graph, True, exclude)
    candidates = everyone if include_engagers else _candidates(graph, False, exclude)
    # Brokerage first: its compiled loop runs on other threads while the
    # matrix, scored with members and our own people (so an empty list can
    # say who was left out), is built here.
    brokerage_done = _started_brokerage(ig, actors, max_hops)
    matrix = _full_matrix(ig, actors, max_hops, exclude)
    ours = set(everyone) - set(candidates)
    # Each actor's own groups, once: not again for every candidate that reaches it.
    affiliations = _Affiliations(ig.graph)
    groups = {a: affiliations.groups(a) for a in actors}
    # (reach, node, the actors it reaches, the actors it belongs to): the whole
    # entry (its access, sides, sorted scores) is built only for those listed,
    # once the list is sorted, not for the thousands with some reach.
    found: list[tuple[float, str, dict[str, float], list[str]]] = []
    members_left_out = 0
    for node in candidates:
        reached = matrix.get(node, {})
        member_of = _member_of(affiliations, node, list(reached), groups) if reached else []
        if not include_members and member_of:
            reached = {a: s for a, s in reached.items() if a not in member_of}
            if not reached:
                members_left_out += 1
        total = sum(score * (weights or {}).get(actor, 1.0) for actor, score in reached.items())
        if total <= 0.0:
            continue
        found.append((total, node, reached, member_of))
    brokerage = brokerage_done()
    found.sort(
        key=lambda f: (-round(f[0], 12), -brokerage.get(f[1], 0.0), name_of(graph, f[1]), f[1])
    )
    ranked = [
        Influencer(
            node=node,
            name=name_of(graph, node),
            kind=kind_of(graph, node),
            reach=total,
            actors=sorted(reached.items(), key=lambda t: (-t[1], t[0])),
            brokerage=brokerage.get(node, 0.0),
            access=_access(ig, node),
            sides=sorted(affiliations.sides(node)),
            at_risk=bool(graph.nodes[node].get("at_risk", False)),
            member_of=[a for a in member_of if a in reached],
        )
        for total, node, reached, member_of in found[:top]
    ]
    # Our staff (focal points, members of our organisations) with influence; the
    # engager organisations themselves are what `reach` is about, not "influencers".
    ours_left_out = sum(1 for n in ours if matrix.get(n) and acting_for(graph, n) != [n])
    return InfluencerReport(
        graph=graph,
        over=actors,
        as_of=ig.as_of,
        max_hops=max_hops,
        ranked=ranked,
        members_excluded=members_left_out,
        engagers_excluded=ours_left_out,
        reason=None if found else _why_empty(actors, max_hops, members_left_out, ours_left_out),
    )


def _member_of(
    affiliations: _Affiliations,
    node: str,
    actors: list[str],
    groups: Mapping[str, frozenset[str]],
) -> list[str]:
    """The actors among `actors` that `node` belongs to (commands, sits in, is a member of);
    `groups` holds each actor's own `actors_of`, as a set."""
    mine = affiliations.groups(node)
    return [a for a in actors if mine & groups[a]]


def _why_empty(actors: list[str], max_hops: int, members: int, ours: int) -> str:
    """Why no one is listed: an empty list without a reason reads as "no one has influence"."""
    if not actors:
        return "no armed actor you may see to rank influence over"
    parts = [f"no one you may see outside the actor has influence within {max_hops} hops"]
    if members:
        parts.append(
            f"{members} member{'s' if members != 1 else ''} of the actor excluded: "
            "use --include-members"
        )
    if ours:
        parts.append(f"{ours} of our own staff excluded: use --include-engagers")
    if not members and not ours:
        parts.append("try more --max-hops or a lower --min-confidence")
    return "; ".join(parts)


@dataclass
class Pick:
    node: str
    name: str
    gain: float
    coverage: float
    best_for: list[str]


@dataclass
class InterlocutorSet:
    """A greedy set of interlocutors and how much of the reachable influence they cover."""

    graph: nx.MultiDiGraph[str]
    over: list[str]
    picks: list[Pick]
    coverage: float
    uncovered: list[str]
    as_of: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "over": [{"actor": a, "name": name_of(self.graph, a)} for a in self.over],
            "coverage": round(self.coverage, 4),
            "uncovered": [{"actor": a, "name": name_of(self.graph, a)} for a in self.uncovered],
            "interlocutors": [
                {
                    "node": p.node,
                    "name": p.name,
                    "gain": round(p.gain, 4),
                    "coverage": round(p.coverage, 4),
                    "best_for": [{"actor": a, "name": name_of(self.graph, a)} for a in p.best_for],
                }
                for p in self.picks
            ],
        }


def key_interlocutors(
    graph: nx.MultiDiGraph[str],
    n: int,
    over: Iterable[str] | None = None,
    *,
    constraints: PathConstraints = ANY_PATH,
    weights: Mapping[str, float] | None = None,
    include_engagers: bool = False,
    include_members: bool = False,
    exclude: Iterable[str] = (),
) -> InterlocutorSet:
    """The `n` interlocutors who together cover most influence over `over`.

    Weighted maximum coverage, greedy: coverage of a set is the sum, over
    actors, of the best score any member of the set has on that actor. The
    greedy choice is within 1 - 1/e of the best possible set (the objective
    is submodular) and costs O(n * candidates * actors). ``coverage`` is the
    share of what *all* candidates together could cover.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> chosen = key_interlocutors(tiny_graph(), 1, over=["act_front", "act_army"])
    >>> [(p.node, p.best_for) for p in chosen.picks]
    [('per_elder', ['act_front'])]
    >>> chosen.uncovered  # only the army's own general has a say over it here
    ['act_army']
    """
    max_hops = constraints.hops(3)
    if n < 1:
        raise InvalidQuery(f"n must be at least 1, not {n}")
    actors = _over(graph, over)
    ig = influence_graph(graph, constraints)
    candidates = _candidates(graph, include_engagers, exclude)
    matrix = _matrix_for(ig, actors, max_hops, exclude, candidates, include_members)
    w = {a: (weights or {}).get(a, 1.0) for a in actors}
    possible = {a: max((row.get(a, 0.0) for row in matrix.values()), default=0.0) for a in actors}
    total = sum(w[a] * possible[a] for a in actors)
    held = dict.fromkeys(actors, 0.0)
    picks: list[Pick] = []
    chosen: set[str] = set()
    covered = 0.0
    for _ in range(n):
        best: tuple[float, str] | None = None
        for c in candidates:
            if c in chosen:
                continue
            row = matrix.get(c, {})
            gain = sum(w[a] * max(0.0, row.get(a, 0.0) - held[a]) for a in actors)
            if gain > 1e-12 and (best is None or gain > best[0] + 1e-12):
                best = (gain, c)
        if best is None:
            break
        gain, c = best
        row = matrix[c]
        improved = [a for a in actors if row.get(a, 0.0) > held[a]]
        for a in improved:
            held[a] = row[a]
        covered += gain
        chosen.add(c)
        picks.append(Pick(c, name_of(graph, c), gain, covered / total if total else 0.0, improved))
    return InterlocutorSet(
        graph=graph,
        over=actors,
        picks=picks,
        coverage=covered / total if total else 0.0,
        uncovered=[a for a in actors if possible[a] == 0.0],
        as_of=ig.as_of,
    )
