"""Who "we" are: the engagers leverage paths start from.

An engager is an `Organisation` marked ``engager=True`` (the HC's office,
OCHA, an HCT member). Its focal points and members act for it, so a path may
start at the organisation and take its first hop to the person who holds the
relationship; a user may also name a person (a focal point) as the engager.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.errors import NotFound
from queries.command import in_by_type, kind_of, out_by_type
from queries.memo import remembered


def default_engagers(graph: nx.MultiDiGraph[str]) -> list[str]:
    """Every organisation marked as one of our engagers, in id order.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> default_engagers(tiny_graph())
    ['org_ngo', 'org_ocha']
    """
    # Remembered per frozen projection (a fresh list each call): every leverage
    # question asks it twice, and scanning every node was a fifth of a fast
    # question's time at M.
    return list(remembered(graph, "default_engagers", lambda: _engagers(graph)))


def _engagers(graph: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(
        n
        for n, data in graph.nodes(data=True)
        if data.get("kind") == "Organisation" and data.get("engager", False)
    )


def resolve_engagers(graph: nx.MultiDiGraph[str], engagers: Iterable[str] | None) -> list[str]:
    """The engagers a question starts from: the given ids, or every default engager.

    An id the viewer cannot see is reported exactly like one that does not
    exist, so the error never confirms a hidden record.
    """
    if engagers is None:
        return default_engagers(graph)
    chosen: list[str] = []
    for node in engagers:
        if node not in graph:
            raise NotFound(f"no engager {node!r} (or it is above your clearance)")
        if node not in chosen:
            chosen.append(node)
    return chosen


def acting_for(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Engager organisations a person acts for (as focal point or member); the
    organisation itself when `node` is an engager."""
    if node not in graph:
        return []
    if graph.nodes[node].get("engager", False):
        return [node]
    if kind_of(graph, node) != "Person":
        return []
    bodies = {*out_by_type(graph, node, "FOCAL_POINT_FOR"), *out_by_type(graph, node, "MEMBER_OF")}
    return sorted(b for b in bodies if graph.nodes[b].get("engager", False))


def focal_points(graph: nx.MultiDiGraph[str], org: str) -> list[str]:
    """People who are focal points for `org`."""
    return [p for p in in_by_type(graph, org, "FOCAL_POINT_FOR") if kind_of(graph, p) == "Person"]


def acting_for_us(graph: nx.MultiDiGraph[str]) -> frozenset[str]:
    """Every node `acting_for` one of our engagers (the engagers included): the
    same nodes as asking each node, found from the engagers' side.

    Remembered per frozen projection. Asking `acting_for` of every node was
    a tenth of an influencer ranking over every armed actor at M: only the
    few engager organisations and the people who are their focal points or
    members need looking at.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> sorted(acting_for_us(tiny_graph()))
    ['org_ngo', 'org_ocha', 'per_fp']
    """

    def compute() -> frozenset[str]:
        ours = {n for n, data in graph.nodes(data=True) if data.get("engager", False)}
        for body in list(ours):
            for rel_type in ("FOCAL_POINT_FOR", "MEMBER_OF"):
                ours.update(
                    p for p in in_by_type(graph, body, rel_type) if kind_of(graph, p) == "Person"
                )
        return frozenset(ours)

    return remembered(graph, "acting_for_us", compute)
