"""Yen's k shortest simple paths on a small integer-numbered graph, answer for answer NetworkX's.

`queries.paths.k_best_paths` searches a hop-layered copy of the influence
graph. It used to build that copy as a `networkx.DiGraph` of ``(node, hop)``
tuples and run `nx.shortest_simple_paths` on it; at M most of a slow
question's time was spent in NetworkX's generic machinery (a view, a
generator and a weight function per edge looked at, a dict per edge stored).
Here the layered graph is two lists of dicts indexed by small integers (the
successors and the predecessors of each state, each in the order NetworkX's
adjacency would list them, with the weight as value), and the search is
NetworkX 3's algorithm written out over them:

- `shortest_simple_paths`: the same candidate buffer (a heap ordered by
  length, then by push order; a path popped may be pushed again), the same
  spur searches (edges of listed paths sharing the root, and the root's
  nodes, ignored), root lengths summed the same way;
- `_bidirectional_dijkstra`: the same alternation between the two searches
  (one pop each, forward first), the same push counter shared by both heaps,
  the same rule for keeping the best meeting point (strictly better only),
  and the same stop (a node settled from both sides).

So equal-length paths come out in the same order as before, ties included:
`tests/queries/test_layered_paths.py` compares whole answers with
NetworkX's on random graphs with tied weights.
"""

from __future__ import annotations

from collections.abc import Iterator
from heapq import heappop, heappush
from itertools import pairwise

#: Successors (or predecessors) of each state, in NetworkX's order, with the edge weight.
Adjacency = list[dict[int, float]]


def _bidirectional(
    succ: Adjacency,
    pred: Adjacency,
    source: int,
    target: int,
    ignore_nodes: set[int] | None,
    ignore_edges: set[tuple[int, int]] | None,
) -> tuple[float, list[int]] | None:
    """`networkx.algorithms.simple_paths._bidirectional_dijkstra`, or None for no path.

    `source` != `target` (Yen's spur node is never the target). Paths are
    kept as predecessor links (a settled node's path never changes), and the
    best meeting point as the two links it had when it was found, which is
    the path NetworkX copies at that moment.
    """
    if ignore_nodes and (source in ignore_nodes or target in ignore_nodes):
        return None
    skip_nodes = ignore_nodes or ()
    skip_edges = ignore_edges or ()
    done0: dict[int, float] = {}
    done1: dict[int, float] = {}
    seen0: dict[int, float] = {source: 0}
    seen1: dict[int, float] = {target: 0}
    pred0: dict[int, int] = {source: -1}
    pred1: dict[int, int] = {target: -1}
    fringe0: list[tuple[float, int, int]] = [(0, 0, source)]
    fringe1: list[tuple[float, int, int]] = [(0, 1, target)]
    counter = 2
    best = 0.0
    meet: tuple[int, int, int] | None = None  # (node, its forward link, its backward link)
    forward = False
    # The two directions written out (not one loop indexed by direction, as
    # NetworkX has it): a list index and a branch fewer per edge looked at.
    while fringe0 and fringe1:
        forward = not forward
        if forward:
            dist, _, v = heappop(fringe0)
            if v in done0:
                continue
            done0[v] = dist
            if v in done1:
                break
            for w, weight in succ[v].items():
                if w in skip_nodes or (v, w) in skip_edges:
                    continue
                length = dist + weight
                if w in done0:
                    continue  # weights are never negative: not shorter
                if w not in seen0 or length < seen0[w]:
                    seen0[w] = length
                    heappush(fringe0, (length, counter, w))
                    counter += 1
                    pred0[w] = v
                    if w in seen1:
                        total = length + seen1[w]
                        if meet is None or best > total:
                            best = total
                            meet = (w, v, pred1[w])
        else:
            dist, _, v = heappop(fringe1)
            if v in done1:
                continue
            done1[v] = dist
            if v in done0:
                break
            for w, weight in pred[v].items():
                if w in skip_nodes or (w, v) in skip_edges:
                    continue
                length = dist + weight
                if w in done1:
                    continue
                if w not in seen1 or length < seen1[w]:
                    seen1[w] = length
                    heappush(fringe1, (length, counter, w))
                    counter += 1
                    pred1[w] = v
                    if w in seen0:
                        total = seen0[w] + length
                        if meet is None or best > total:
                            best = total
                            meet = (w, pred0[w], v)
    else:
        return None
    assert meet is not None  # a node settled from both sides was seen from both
    node, back, ahead = meet
    path = [node]
    while back != -1:
        path.append(back)
        back = pred0[back]
    path.reverse()
    while ahead != -1:
        path.append(ahead)
        ahead = pred1[ahead]
    return best, path


def shortest_simple_paths(
    succ: Adjacency, pred: Adjacency, source: int, target: int
) -> Iterator[list[int]]:
    """`nx.shortest_simple_paths(G, source, target, weight=...)` on the graph `succ` / `pred`.

    Yields nothing when `target` cannot be reached (NetworkX raises
    `NetworkXNoPath` instead). Weights must be non-negative.

    >>> succ = [{1: 1.0, 2: 1.0}, {3: 1.0}, {3: 1.0}, {}]
    >>> pred = [{}, {0: 1.0}, {0: 1.0}, {1: 1.0, 2: 1.0}]
    >>> list(shortest_simple_paths(succ, pred, 0, 3))
    [[0, 1, 3], [0, 2, 3]]
    """

    def length_of(path: list[int]) -> float:
        return sum(succ[u][v] for u, v in pairwise(path))

    listed: list[list[int]] = []
    buffered: set[tuple[int, ...]] = set()
    heap: list[tuple[float, int, list[int]]] = []
    pushes = 0
    previous: list[int] | None = None
    while True:
        if previous is None:
            found = _bidirectional(succ, pred, source, target, None, None)
            if found is None:
                return
            heappush(heap, (found[0], pushes, found[1]))
            buffered.add(tuple(found[1]))
            pushes += 1
        else:
            ignore_nodes: set[int] = set()
            ignore_edges: set[tuple[int, int]] = set()
            for i in range(1, len(previous)):
                root = previous[:i]
                root_length = length_of(root)
                for path in listed:
                    if path[:i] == root:
                        ignore_edges.add((path[i - 1], path[i]))
                spur = _bidirectional(succ, pred, root[-1], target, ignore_nodes, ignore_edges)
                if spur is not None:
                    whole = root[:-1] + spur[1]
                    key = tuple(whole)
                    if key not in buffered:
                        heappush(heap, (root_length + spur[0], pushes, whole))
                        buffered.add(key)
                        pushes += 1
                ignore_nodes.add(root[-1])
        if not heap:
            return
        path = heappop(heap)[2]
        buffered.remove(tuple(path))
        yield path
        listed.append(path)
        previous = path
