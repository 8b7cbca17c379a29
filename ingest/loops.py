"""Loops in nesting and command: which relationships would close one.

A unit cannot sit inside itself (a `PART_OF` cycle), and command cannot run
in a circle among formations (a unit whose post commands the unit's own
parent; two units each commanding the other). A post that commands the very
formation it sits in (``Post PART_OF Unit`` and ``Post COMMANDS Unit``) is
*not* a loop: that is local command, the pattern docs/scoring.md describes
for decentralised groups, and the demo records every unit's command that way.

The check is linear in the number of relationships: one pass of Tarjan's
strongly connected components (iterative, so a chain thousands of levels
deep does not exhaust the stack; written here rather than taken from
networkx, whose import alone cost an event file's import 0.4 s of CPU).
A relationship lies on some cycle exactly when both its ends fall in the
same component (every edge inside a strongly connected component closes a
cycle), so every offending relationship is found without enumerating
cycles, whose number can grow exponentially.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SHOWN_STEPS = 8  # nodes of a loop shown in a message; the rest is elided


@dataclass(frozen=True)
class Link:
    """An open relationship that can take part in a loop."""

    id: str
    type: str  # "PART_OF" or "COMMANDS"
    source: str
    target: str


@dataclass(frozen=True)
class Loop:
    """A relationship that closes a loop, the kind of loop and one loop through it.

    The loop runs from the relationship's source back to it: ``head``, then
    ``hidden`` nodes left out (a chain thousands of levels deep must not make
    every message thousands of names long), then ``tail``.
    """

    id: str
    label: str
    head: tuple[str, ...]
    tail: tuple[str, ...] = ()
    hidden: int = 0

    def describe(self) -> str:
        """The loop as ``a -> b -> a``, elided in the middle when long."""
        middle = [f"… ({self.hidden} more)"] if self.hidden else []
        return " -> ".join([*self.head, *middle, *self.tail])


Tree = tuple[dict[str, str], dict[str, int], dict[str, str], dict[str, int], str]
Adjacency = dict[str, list[str]]


def strongly_connected(successors: Adjacency) -> list[set[str]]:
    """The strongly connected components of a directed graph given as each node's
    successors (every node a key): Tarjan's algorithm, iterative.

    >>> sorted(sorted(c) for c in strongly_connected({"a": ["b"], "b": ["a", "c"], "c": []}))
    [['a', 'b'], ['c']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    for start in successors:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(successors[start]))]
        while work:
            node, nexts = work[-1]
            for nxt in nexts:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors[nxt])))
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            else:
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    component: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    out.append(component)
    return out


def _trees(successors: Adjacency, predecessors: Adjacency, members: set[str]) -> Tree:
    """Breadth-first trees of one component around a root: ``down[v]`` is v's
    parent on a path root ~> v, ``up[v]`` the next node on a path v ~> root,
    each with the number of steps to the root."""
    root = min(members)

    def search(step: Callable[[str], Iterable[str]]) -> tuple[dict[str, str], dict[str, int]]:
        link: dict[str, str] = {root: root}
        steps = {root: 0}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for nxt in step(node):
                if nxt in members and nxt not in link:
                    link[nxt] = node
                    steps[nxt] = steps[node] + 1
                    queue.append(nxt)
        return link, steps

    down, down_steps = search(successors.__getitem__)
    up, up_steps = search(predecessors.__getitem__)
    return down, down_steps, up, up_steps, root


def _walk(link: dict[str, str], start: str, root: str, limit: int) -> list[str]:
    """Up to `limit` nodes from `start` toward the root along `link` (start included)."""
    out = [start]
    while out[-1] != root and len(out) < limit:
        out.append(link[out[-1]])
    return out


def _ring(source: str, target: str, tree: Tree) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """A closed walk through the edge source -> target (target ~> root ~> source),
    as shown head, shown tail and how many nodes are hidden between. Costs
    O(SHOWN_STEPS), not the length of the loop, so reporting every link of a
    deep loop stays linear."""
    down, down_steps, up, up_steps, root = tree
    # source, then target ~> root, then root ~> source without the root again.
    positions = 2 + up_steps[target] + down_steps[source]
    half = SHOWN_STEPS // 2
    if positions <= SHOWN_STEPS + 1:
        forward = [source, *_walk(up, target, root, positions)]
        back = _walk(down, source, root, positions)[::-1]
        return (*forward, *back[1:]), (), 0
    head = [source, *_walk(up, target, root, half - 1)]
    tail = _walk(down, source, root, half)[::-1]
    return tuple(head), tuple(tail), positions - len(head) - len(tail)


def _on_cycles(edges: list[tuple[str, str, str]], label: str, candidates: set[str]) -> list[Loop]:
    """Candidate relationships (by id) whose edge ``(a, b)`` lies on a cycle."""
    successors: Adjacency = {}
    predecessors: Adjacency = {}
    for _, a, b in edges:
        successors.setdefault(a, []).append(b)
        successors.setdefault(b, [])
        predecessors.setdefault(b, []).append(a)
        predecessors.setdefault(a, [])
    component: dict[str, int] = {}
    members: dict[int, set[str]] = {}
    for number, nodes in enumerate(strongly_connected(successors)):
        members[number] = nodes
        for node in nodes:
            component[node] = number
    trees: dict[int, Tree] = {}
    found: list[Loop] = []
    for rel_id, a, b in edges:
        if rel_id not in candidates:
            continue
        if a == b:
            found.append(Loop(rel_id, label, (a, a)))
            continue
        number = component[a]
        if number != component[b]:
            continue
        if number not in trees:
            trees[number] = _trees(successors, predecessors, members[number])
        found.append(Loop(rel_id, label, *_ring(a, b, trees[number])))
    return found


def loops(links: Iterable[Link], new: set[str]) -> list[Loop]:
    """The relationships among `new` that close a nesting or command loop.

    ``PART_OF`` loops are reported as such; a command loop runs along
    ``COMMANDS`` (commander -> commanded) and ``PART_OF`` read downward
    (parent -> part). A command from a post to the formation the post is
    ``PART_OF`` is local command and is left out. Each relationship is
    reported once, with one loop through it. O(V + E) plus the length of the
    loops reported.

    Examples
    --------
    >>> links = [
    ...     Link("p1", "PART_OF", "pst_cdr", "unt_a"),
    ...     Link("c1", "COMMANDS", "pst_cdr", "unt_a"),  # local command: fine
    ...     Link("p2", "PART_OF", "unt_a", "unt_top"),
    ...     Link("c2", "COMMANDS", "pst_cdr", "unt_top"),  # commands its unit's parent
    ... ]
    >>> [(loop.id, loop.describe()) for loop in loops(links, {"p1", "c1", "p2", "c2"})]
    [('p1', 'unt_a -> pst_cdr -> unt_top -> unt_a'), ('p2', 'unt_top -> unt_a -> pst_cdr -> unt_top'), ('c2', 'pst_cdr -> unt_top -> unt_a -> pst_cdr')]
    """  # noqa: E501
    links = list(links)
    part_of = [(link.id, link.source, link.target) for link in links if link.type == "PART_OF"]
    sits_in = {(source, target) for _, source, target in part_of}
    authority = [(rel_id, parent, part) for rel_id, part, parent in part_of]
    authority += [
        (link.id, link.source, link.target)
        for link in links
        if link.type == "COMMANDS" and (link.source, link.target) not in sits_in
    ]
    found = _on_cycles(part_of, "PART_OF", new)
    reported = {loop.id for loop in found}
    found += [
        loop
        for loop in _on_cycles(authority, "COMMANDS / PART_OF", new - reported)
        if loop.id not in reported
    ]
    return found
