"""Which records an answer names: what a page, listing or download shows.

Every view of a strictly confidential record is audited (docs/sharing.md).
Reads through the projection are not audited one by one — a projection is
built whether or not anyone looks at it — so each output says what it shows
instead. Answers are plain data (dicts, lists, ids), so rather than each
analysis keeping its own list, the records shown are the ids the answer
carries: any string in it (value or key) that is a node id or a relationship
id of the projection it was computed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from graph import model as m
from graph.projection import relationship_ends


def _strings(data: Any) -> Iterator[str]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


def records_named(graph: nx.MultiDiGraph[str], data: Any) -> list[m.AnyRecord]:
    """The records of `graph` whose ids appear anywhere in `data`, each once.

    Relationships are found through the projection's relationship-id index
    (`graph.projection.relationship_ends`): an answer almost always carries
    strings that are no node id (names, kinds), and each of them used to cost
    a walk over every relationship of the graph.
    """
    wanted = set(_strings(data))
    found: dict[str, m.AnyRecord] = {}
    ends = relationship_ends(graph)
    for text in wanted:
        if text in graph:
            found[text] = graph.nodes[text]["record"]
        elif text in ends:
            u, v = ends[text]
            found[text] = graph.succ[u][v][text]["record"]
    return [found[k] for k in sorted(found)]


def records_of(graph: nx.MultiDiGraph[str], ids: Iterable[str]) -> list[m.AnyRecord]:
    """The records of `graph` with these ids (nodes or relationships), skipping unknown ids."""
    return records_named(graph, list(ids))
