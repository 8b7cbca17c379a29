"""Hop-limited best paths on the collapsed influence graph.

Two searches, both exact within the hop limit and both bounded:

- `best_paths` (one source set, every destination): a Bellman-Ford run for
  `max_hops` rounds, O(max_hops * E). Edge weights are ``-log(hop score) >= 0``,
  so a walk that repeats a node is never better than the simple path left when
  the loop is cut out; the best walk of at most `max_hops` hops therefore has
  the score of the best simple path, and we return that simple path.
- `k_best_paths` (one destination, the k best): Yen's algorithm
  (`queries.yen`, NetworkX's `shortest_simple_paths` over plain lists) on a
  *hop-layered* copy of the graph, whose state ``(v, h)`` means "at v after
  h hops". Every path in it has at most `max_hops` hops by construction, so
  the hop limit never makes us skip past good paths, and the first path found
  is the true best. Layer states that cannot lie on a short enough path are
  pruned while it is grown from the sources (layer plus hop distance to the
  target). Walks that revisit a node are dropped; at most `max_candidates` candidates are examined.

Constraints are node predicates: `passable(node)` says whether a node may be
an *intermediate* (endpoints are exempt), and nodes in `no_entry` may only be
start points (other engagers: a path through a second engager is that
engager's own path, listed on its own).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Collection, Mapping
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from queries.memo import remembered
from queries.yen import shortest_simple_paths

Passable = Callable[[str], bool]


def _always(_: str) -> bool:
    return True


def path_weight(digraph: nx.DiGraph[str], path: list[str]) -> float:
    # NetworkX's own adjacency mapping, not `edges[u, v]` nor `succ[u][v]`: the
    # same data dict without a view object per lookup (on the reversed view an
    # influence matrix searches, a third of its time at M).
    succ: Mapping[str, Mapping[str, Mapping[str, Any]]] = vars(digraph)["_succ"]
    return float(sum(succ[u][v]["weight"] for u, v in pairwise(path)))


def _cut_loops(walk: list[str]) -> list[str]:
    """Cut every loop out of a walk, leaving a simple path with the same ends."""
    out: list[str] = []
    position: dict[str, int] = {}
    for node in walk:
        if node in position:
            keep = position[node] + 1
            for dropped in out[keep:]:
                del position[dropped]
            del out[keep:]
        else:
            position[node] = len(out)
            out.append(node)
    return out


def within_hops_of(digraph: nx.DiGraph[str], targets: Collection[str], hops: int) -> set[str]:
    """Nodes with a path of at most `hops` hops to one of `targets` (targets included).

    >>> import networkx as nx
    >>> sorted(within_hops_of(nx.DiGraph([("a", "b"), ("b", "c"), ("x", "a")]), ["c"], 2))
    ['a', 'b', 'c']
    """
    start = [t for t in targets if t in digraph]
    if not start:
        return set()
    layers = nx.bfs_layers(digraph.reverse(copy=False), start)
    return {node for layer in islice(layers, hops + 1) for node in layer}


def hops_to(digraph: nx.DiGraph[str], targets: Collection[str], hops: int) -> dict[str, int]:
    """`within_hops_of`, each node with its hop distance to the nearest of `targets`.

    >>> import networkx as nx
    >>> hops_to(nx.DiGraph([("a", "b"), ("b", "c"), ("x", "a")]), ["c"], 2)
    {'c': 0, 'b': 1, 'a': 2}
    """
    into: Mapping[str, Mapping[str, Any]] = vars(digraph)["_pred"]
    dist = {t: 0 for t in targets if t in digraph}
    ring = list(dist)
    for d in range(1, hops + 1):
        nxt: list[str] = []
        for u in ring:
            for v in into[u]:
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        ring = nxt
    return dist


def best_paths(
    digraph: nx.DiGraph[str],
    sources: Collection[str],
    *,
    max_hops: int,
    passable: Passable = _always,
    no_entry: Collection[str] = (),
    toward: Collection[str] | None = None,
    relevant: set[str] | None = None,
    hops_left: Mapping[str, int] | None = None,
) -> dict[str, tuple[float, list[str]]]:
    """The best path of at most `max_hops` hops from any source to every node reached.

    Returns ``{node: (weight, path)}``; sources map to ``(0.0, [source])``.
    O(max_hops * E) time, O(max_hops * V) memory. With `toward`, only the
    answers for those nodes are wanted (and returned): the search is confined
    to nodes that can reach one of them within the hop limit (exact for those
    nodes, and much less work when they sit in one corner of a large map).
    `relevant` passes that confinement precomputed (`within_hops_of`), for
    callers that ask the same question from many sources. `hops_left` (from
    `hops_to(digraph, toward, max_hops)`) confines it further, round by round:
    a node is entered at round r only if it is at most ``max_hops - r`` hops
    from one of `toward` (the same answers for them, less work still).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_weighted_edges_from([("a", "b", 0.1), ("b", "c", 0.1), ("a", "c", 0.5)])
    >>> best_paths(g, ["a"], max_hops=2)["c"][1]
    ['a', 'b', 'c']
    >>> best_paths(g, ["a"], max_hops=1)["c"][1]  # one hop allowed: the direct edge
    ['a', 'c']
    """
    blocked = set(no_entry) | set(sources)
    if relevant is None and toward is not None and hops_left is None:
        relevant = within_hops_of(digraph, toward, max_hops)
    best: dict[str, float] = {s: 0.0 for s in sources if s in digraph}
    # updated_at[v] lists the rounds at which v's best improved, with the
    # predecessor used, so the path can be rebuilt round by round.
    updated_at: dict[str, list[tuple[int, str | None]]] = {s: [(0, None)] for s in best}
    frontier = set(best)
    succ: Mapping[str, Mapping[str, Mapping[str, Any]]] = vars(digraph)["_succ"]
    for round_ in range(1, max_hops + 1):
        improved: dict[str, tuple[float, str]] = {}
        room = max_hops - round_  # hops left after entering a node this round
        for u in sorted(frontier):
            if round_ > 1 and not passable(u):
                continue  # u would be an intermediate
            base = best[u]
            for v, data in succ[u].items():
                if v in blocked or (relevant is not None and v not in relevant):
                    continue
                if hops_left is not None and hops_left.get(v, max_hops + 1) > room:
                    continue
                weight = base + float(data["weight"])
                if weight < best.get(v, math.inf) and weight < improved.get(v, (math.inf, ""))[0]:
                    improved[v] = (weight, u)
        if not improved:
            break
        for v, (weight, u) in improved.items():
            best[v] = weight
            updated_at.setdefault(v, []).append((round_, u))
        frontier = set(improved)

    def rebuild(node: str) -> list[str]:
        walk = [node]
        limit = max_hops
        current = node
        while True:
            round_, pred = max(r for r in updated_at[current] if r[0] <= limit)
            if pred is None:
                break
            walk.append(pred)
            current, limit = pred, round_ - 1
        walk.reverse()
        return _cut_loops(walk)

    out: dict[str, tuple[float, list[str]]] = {}
    wanted = set(toward) if toward is not None else None
    answer = best if wanted is None else [n for n in best if n in wanted]
    for node in answer:
        path = rebuild(node)
        out[node] = (path_weight(digraph, path), path)
    return out


def reachable(
    digraph: nx.DiGraph[str],
    sources: Collection[str],
    targets: Collection[str],
    *,
    max_hops: int,
    passable: Passable = _always,
    no_entry: Collection[str] = (),
    blocked: Collection[str] = (),
) -> list[str] | None:
    """A fewest-hops path from any source to any of `targets` within `max_hops`, or None.

    Breadth-first, O(V + E): used where only *whether* a target can be reached
    matters (single points of failure), not how well. Written out rather than
    NetworkX's BFS: an intermediate must be passable and the hop limit cuts the
    search, which `nx.bfs_edges` cannot express for many sources at once.
    """
    goals = set(targets)
    stop = set(no_entry) | set(sources) | set(blocked)
    parent: dict[str, str | None] = {s: None for s in sources if s in digraph and s not in blocked}
    queue = deque((s, 0) for s in parent)
    while queue:
        u, hops = queue.popleft()
        if u in goals:
            path = [u]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        if hops >= max_hops or (hops > 0 and not passable(u)):
            continue
        for v in digraph.succ[u]:
            if v not in parent and v not in stop:
                parent[v] = u
                queue.append((v, hops + 1))
    return None


def reached_within(
    digraph: nx.DiGraph[str],
    sources: Collection[str],
    *,
    max_hops: int,
    passable: Passable = _always,
) -> set[str]:
    """Every node some source reaches in 1 to `max_hops` hops through passable
    intermediates, never entering another source (engagers only start paths).

    Breadth-first from all sources at once, O(V + E): whether anyone reaches a
    node, for many nodes in one pass. Agrees with `reachable` node by node.
    Written out for the same reason as `reachable` (passable intermediates).
    """
    start = {s for s in sources if s in digraph}
    seen = set(start)
    reached: set[str] = set()
    frontier = sorted(start)
    for hops in range(max_hops):
        nxt: list[str] = []
        for u in frontier:
            if hops > 0 and not passable(u):
                continue
            for v in digraph.succ[u]:
                if v not in seen:
                    seen.add(v)
                    reached.add(v)
                    nxt.append(v)
        if not nxt:
            break
        frontier = nxt
    return reached


#: Successors from which a node's usable ones are found by set intersection.
_MANY = 48


def _positions(digraph: nx.DiGraph[str], node: str) -> dict[str, int]:
    """Each successor of `node` with its place in `node`'s adjacency, remembered
    per frozen graph (a collapsed influence graph lives as long as its projection)."""
    known: dict[str, dict[str, int]] = remembered(digraph, "successor_positions", dict)
    found = known.get(node)
    if found is None:
        found = known[node] = {v: i for i, v in enumerate(vars(digraph)["_succ"][node])}
    return found


def _toward(
    digraph: nx.DiGraph[str],
    goals: set[str],
    max_hops: int,
    starts: set[str],
    entry_stop: set[str],
    passable: Passable,
    ahead: Mapping[str, int] | None = None,
) -> tuple[set[str], dict[str, int]]:
    """Which starts are near enough, and the nodes a path may step into, by a
    backward breadth-first search from `goals`.

    Returns ``(near, steps)``. `near` holds the starts with a path of at most
    `max_hops` hops to a goal. `steps` has the nodes a path may step *into*
    (a goal, or a passable node that is neither a goal nor in `entry_stop`)
    with their hop distance to a goal, if below `max_hops`. These are the
    nodes the search goes on from, so the rule is asked once per node here,
    never again per edge when the layered graph is built.

    The widest ring, ``max_hops - 1`` hops out, is not gone on from: a node
    one hop beyond it matters only if it is a start, and the starts' own
    successors are far fewer to look at than that ring's predecessors.

    `ahead`, if given, is each node's hop distance from the nearest start
    (no rule asked: a lower bound, `hops_to` on the reversed graph). A node
    `d` hops from a goal and more than ``max_hops - d`` from every start can
    lie on no path, nor can any node whose way to a goal passes through it:
    it is neither kept nor gone on from, and its rule is not asked. The
    nodes kept, and their distances, are the same.
    """
    backward: dict[str, int] = dict.fromkeys(goals, 0)
    steps: dict[str, int] = {g: 0 for g in goals if g not in entry_stop}
    last = max_hops - 1
    rim: set[str] = set()
    queue = deque(goals)
    # NetworkX's own adjacency mapping: no view object per node visited.
    into: Mapping[str, Mapping[str, Any]] = vars(digraph)["_pred"]
    while queue:
        u = queue.popleft()
        d = backward[u]
        if d:
            if u in entry_stop or not passable(u):
                continue
            steps[u] = d
        if d == last:
            rim.add(u)
            continue
        if ahead is None:
            for v in into[u]:
                if v not in backward:
                    backward[v] = d + 1
                    if v not in starts:
                        queue.append(v)
            continue
        room = max_hops - d - 1  # hops a start may be from a node entered here
        for v in into[u]:
            if v not in backward:
                backward[v] = d + 1
                if v not in starts and ahead.get(v, max_hops) <= room:
                    queue.append(v)
    near = {s for s in starts if s in backward}
    out_of: Mapping[str, Mapping[str, Any]] = vars(digraph)["_succ"]
    near.update(s for s in starts if s not in near and not out_of[s].keys().isdisjoint(rim))
    return near, steps


def k_best_paths(
    digraph: nx.DiGraph[str],
    sources: Collection[str],
    target: str | Collection[str],
    *,
    k: int,
    max_hops: int,
    passable: Passable = _always,
    no_entry: Collection[str] = (),
    max_candidates: int | None = None,
) -> list[tuple[float, list[str]]]:
    """The `k` best simple paths of at most `max_hops` hops from any source to `target`.

    `target` may be several nodes (an armed actor's entry points): a path then
    ends at the first of them it meets, as Coverage scores it.

    Returns ``[(weight, path)]`` in non-decreasing weight (non-increasing
    score). Examines at most `max_candidates` candidate walks (default
    ``max(100, 20 * k)``), so it never enumerates forever.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_weighted_edges_from([("a", "b", 0.1), ("b", "c", 0.1), ("a", "c", 0.5),
    ...                            ("x", "c", 0.05)])
    >>> [p for _, p in k_best_paths(g, ["a", "x"], "c", k=3, max_hops=2)]
    [['x', 'c'], ['a', 'b', 'c'], ['a', 'c']]
    >>> [p for _, p in k_best_paths(g, ["a"], "c", k=3, max_hops=2, passable=lambda n: n != "b")]
    [['a', 'c']]
    """
    goals = {n for n in ([target] if isinstance(target, str) else target) if n in digraph}
    if k <= 0 or max_hops <= 0 or not goals:
        return []
    starts = [s for s in sources if s in digraph and s not in goals]
    if not starts:
        return []
    start_set = set(starts)
    entry_stop = set(no_entry) | start_set

    # Only the hop distance *to* the target prunes: the layers are grown from
    # the sources, so a node in layer h is already h hops from one of them.
    # Each node's hop distance from the starts, whatever the target: remembered
    # per frozen graph, it keeps the backward search near the starts.
    ahead_of = remembered(
        digraph,
        ("hops_from", frozenset(start_set), max_hops),
        lambda: hops_to(digraph.reverse(copy=False), start_set, max_hops),
    )
    near, steps = _toward(digraph, goals, max_hops, start_set, entry_stop, passable, ahead_of)

    # The hop-layered graph: state 0 is the source, 1 the sink, and every
    # other state a node at one hop count, numbered as it is first met. Each
    # state's successors and predecessors are listed in the order networkx's
    # adjacency had them when this graph was an `nx.DiGraph` of ``(node, hop)``
    # built edge by edge in this order: `queries.yen` searches it exactly as
    # `nx.shortest_simple_paths` did, ties included.
    current = list(dict.fromkeys(s for s in starts if s in near))
    names = ["", ""]
    ahead: list[dict[int, float]] = [{}, {}]
    behind: list[dict[int, float]] = [{}, {}]
    at: dict[str, int] = {}
    for s in current:
        at[s] = len(names)
        names.append(s)
        ahead[0][at[s]] = 0.0
        ahead.append({})
        behind.append({0: 0.0})
    states: list[dict[str, int]] = [at]
    # networkx's own adjacency dicts (as its algorithms use them): iterating
    # `digraph.succ[u]` builds a view per neighbour, most of the cost at 1M edges.
    succ: dict[str, dict[str, dict[str, Any]]] = vars(digraph)["_succ"]
    # Where each node may step (successor, weight, its distance to a goal),
    # in its successors' order: worked out once per node, not once per layer
    # it appears in (most successors of a well-connected node lead away).
    onward: dict[str, list[tuple[str, float, int]]] = {}
    for layer in range(max_hops):
        room = max_hops - layer - 1  # hops left after stepping into layer + 1
        following: list[str] = []
        entered: dict[str, int] = {}
        for u in current:
            if u in goals:
                continue
            at_u = at[u]
            from_u = ahead[at_u]
            moves = onward.get(u)
            if moves is None:
                out = succ[u]
                if len(out) < _MANY:
                    moves = [(v, float(out[v]["weight"]), steps[v]) for v in out if v in steps]
                else:
                    # A well-connected node (an engager: every question starts
                    # there): the set intersection runs in C, and its few
                    # members are put back in the successors' order.
                    kept = sorted(out.keys() & steps.keys(), key=_positions(digraph, u).__getitem__)
                    moves = [(v, float(out[v]["weight"]), steps[v]) for v in kept]
                onward[u] = moves
            for v, weight, hops in moves:
                if hops > room:
                    continue
                at_v = entered.get(v)
                if at_v is None:
                    at_v = entered[v] = len(names)
                    following.append(v)
                    names.append(v)
                    ahead.append({})
                    behind.append({})
                from_u[at_v] = weight
                behind[at_v][at_u] = weight
        states.append(entered)
        current = following
        at = entered
    for layer in range(1, max_hops + 1):
        for goal in sorted(goals):
            at_goal = states[layer].get(goal)
            if at_goal is not None:
                ahead[at_goal][1] = 0.0
                behind[1][at_goal] = 0.0

    budget = max_candidates if max_candidates is not None else max(100, 20 * k)
    found: list[tuple[float, list[str]]] = []
    # Yen's first search finds the best path or none: no separate `has_path`
    # search beforehand.
    for candidate in islice(shortest_simple_paths(ahead, behind, 0, 1), budget):
        path = [names[state] for state in candidate[1:-1]]
        if len(set(path)) != len(path):
            continue  # revisits a node: its loop-free version is listed already
        found.append((path_weight(digraph, path), path))
        if len(found) >= k:
            break
    found.sort(key=lambda item: item[0])
    return found
