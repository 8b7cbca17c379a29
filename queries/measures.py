"""Network measures analysts expect: centralities, density, transitivity, components, communities.

Analysts brief on "the broker", "the most connected", "a dense cell", and
compare our figures with published studies, so every figure here says how it
was computed. All of them are computed on one stated graph, derived from the
projection the viewer may see at the question date:

- **Simple and undirected.** Direction is dropped (influence one way and
  access the other way are one tie), several relationships between one pair
  count as one tie, self-loops are dropped. **Unweighted**: strength and
  confidence do not enter, because the published measures we validate against
  (tests/validation/) are defined on binary ties.
- **Node kinds** (default `DEFAULT_KINDS`): people, armed actors, units,
  organisations and communities. Sources, areas, incidents, engagements and
  commitments are things said *about* actors, not actors, and would turn
  every report into a hub. A **post** is folded into the person(s) holding it
  at the question date, so a commander's ties recorded on their post count
  for them (a vacant post drops out), unless `Post` is asked for explicitly.
- **Relationship types** (default `DEFAULT_TYPES`): the ties between actors:
  command, nesting, alliance, split, support, influence, access, association,
  membership, focal point, community belonging. `OPPOSES` is left out by
  default: enmity is a signed tie, and counting it would make two enemies
  "close"; ask for it explicitly to include it.

Per node: degree (count, and normalised by n-1), betweenness (raw: the sum
over pairs of the share of shortest paths through the node; normalised by
(n-1)(n-2)/2, the number of pairs of other nodes), closeness (networkx's
Wasserman-Faust form: (r-1)/sum of distances to the r-1 reachable nodes,
times (r-1)/(n-1), so a node in a small component is not "close"),
eigenvector (per connected component, unit Euclidean norm within it; an
isolate scores 0). For the network: density 2m/(n(n-1)), transitivity
(3 x triangles / connected triples), average clustering, components and their
sizes, diameter and average path length (per component when the graph is
disconnected, and then the network's own diameter is reported as undefined),
and communities by greedy modularity maximisation (Clauset-Newman-Moore,
networkx `greedy_modularity_communities`, deterministic: no random seed).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.schema import NodeKind, RelType
from queries.command import kind_of, name_of
from queries.errors import InvalidQuery

DEFAULT_KINDS: tuple[str, ...] = ("Person", "ArmedActor", "Unit", "Organisation", "Community")
DEFAULT_TYPES: tuple[str, ...] = (
    "COMMANDS",
    "PART_OF",
    "HOLDS",
    "ALLIED_WITH",
    "SPLINTER_OF",
    "SUPPORTS",
    "INFLUENCES",
    "HAS_ACCESS_TO",
    "ASSOCIATED_WITH",
    "MEMBER_OF",
    "FOCAL_POINT_FOR",
    "BELONGS_TO",
)
NORMALISATION: dict[str, str] = {
    "degree": "degree_centrality = degree / (n - 1)",
    "betweenness": "betweenness = raw / ((n - 1)(n - 2) / 2); raw counts, over every pair of "
    "other nodes, the share of their shortest paths that pass through the node",
    "closeness": "closeness = (r - 1) / (sum of distances to the r - 1 reachable nodes) "
    "x (r - 1) / (n - 1) (Wasserman-Faust, for disconnected graphs)",
    "eigenvector": "eigenvector = leading eigenvector per connected component, unit Euclidean "
    "norm within the component; isolates 0",
    "density": "density = 2m / (n(n - 1))",
    "transitivity": "transitivity = 3 x triangles / connected triples",
    "communities": "greedy modularity maximisation (Clauset-Newman-Moore), unweighted, "
    "deterministic",
}


@dataclass(frozen=True)
class NodeMeasures:
    node: str
    name: str
    kind: str
    degree: int
    degree_centrality: float
    betweenness: float
    betweenness_raw: float
    closeness: float
    eigenvector: float
    component: int
    community: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.node,
            "name": self.name,
            "kind": self.kind,
            "degree": self.degree,
            "degree_centrality": self.degree_centrality,
            "betweenness": self.betweenness,
            "betweenness_raw": self.betweenness_raw,
            "closeness": self.closeness,
            "eigenvector": self.eigenvector,
            "component": self.component,
            "community": self.community,
        }


@dataclass(frozen=True)
class Component:
    """One connected component: its size, diameter and average shortest path length."""

    index: int
    size: int
    diameter: int
    average_path_length: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "size": self.size,
            "diameter": self.diameter,
            "average_path_length": self.average_path_length,
        }


@dataclass
class Measures:
    """Every measure of one network, with the graph it was computed on stated."""

    as_of: str | None
    kinds: list[str]
    types: list[str]
    posts_folded: bool
    nodes: int
    ties: int
    density: float
    transitivity: float
    average_clustering: float
    connected: bool
    diameter: int | None
    average_path_length: float | None
    components: list[Component]
    communities: list[list[str]]
    modularity: float
    ranked: list[NodeMeasures] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def top_broker(self) -> NodeMeasures | None:
        """The node with the highest betweenness (ties: higher degree, then smaller id)."""
        return self.ranked[0] if self.ranked and self.ranked[0].betweenness_raw > 0 else None

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        broker = self.top_broker
        return {
            "as_of": self.as_of,
            "graph": {
                "kinds": self.kinds,
                "types": self.types,
                "posts_folded_into_holders": self.posts_folded,
                "directed": False,
                "weighted": False,
                "parallel_ties": "collapsed into one tie",
            },
            "normalisation": dict(NORMALISATION),
            "network": {
                "nodes": self.nodes,
                "ties": self.ties,
                "density": self.density,
                "transitivity": self.transitivity,
                "average_clustering": self.average_clustering,
                "connected": self.connected,
                "diameter": self.diameter,
                "average_path_length": self.average_path_length,
                "components": [c.as_dict() for c in self.components],
                "component_sizes": [c.size for c in self.components],
                "communities": self.communities,
                "modularity": self.modularity,
            },
            "top_broker": broker.as_dict() if broker else None,
            "ranked_by": "betweenness, then degree, then id",
            "nodes": [n.as_dict() for n in self.ranked[: top if top is not None else None]],
            "notes": list(self.notes),
        }


def _check(
    asked: Iterable[str] | None, default: tuple[str, ...], known: Collection[str], what: str
) -> list[str]:
    chosen = list(default if asked is None else asked)
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise InvalidQuery(
            f"unknown {what}: {', '.join(unknown)}; choose from {', '.join(sorted(known))}"
        )
    if not chosen:
        raise InvalidQuery(f"no {what} chosen: name at least one")
    return sorted(set(chosen))


def chosen(
    kinds: Iterable[str] | None = None, types: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """The node kinds and relationship types asked for (defaults for `None`), checked."""
    return (
        _check(kinds, DEFAULT_KINDS, [k.value for k in NodeKind], "node kinds"),
        _check(types, DEFAULT_TYPES, [t.value for t in RelType], "relationship types"),
    )


def simple_graph(
    graph: nx.MultiDiGraph[str],
    *,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> tuple[nx.Graph[str], bool]:
    """The simple undirected graph the measures are computed on, and whether posts were folded.

    Nodes and edges are added in sorted order, so the answer never depends on
    the order a store returned its rows.
    """
    kind_list, type_list = chosen(kinds, types)
    chosen_kinds, chosen_types = set(kind_list), set(type_list)
    fold = "Post" not in chosen_kinds
    holders: dict[str, list[str]] = {}
    if fold:
        for u, v, data in graph.edges(data=True):
            if data.get("type") == "HOLDS" and kind_of(graph, u) == "Person":
                holders.setdefault(v, []).append(u)

    def ends(node: str) -> list[str]:
        kind = kind_of(graph, node)
        if fold and kind == "Post":
            return sorted(set(holders.get(node, [])))
        return [node] if kind in chosen_kinds else []

    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(sorted(n for n in graph.nodes if kind_of(graph, n) in chosen_kinds))
    pairs: set[tuple[str, str]] = set()
    for u, v, data in graph.edges(data=True):
        if data.get("type") not in chosen_types:
            continue
        for a in ends(u):
            for b in ends(v):
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    simple.add_edges_from(sorted(pairs))
    return simple, fold


def _eigenvector(
    simple: nx.Graph[str], parts: list[list[str]], notes: list[str]
) -> dict[str, float]:
    scores = dict.fromkeys(simple.nodes, 0.0)
    for i, part in enumerate(parts, start=1):
        if len(part) < 2:
            continue
        sub = simple.subgraph(part)
        try:
            # networkx iterates with A + I, so bipartite components converge too.
            found = nx.eigenvector_centrality(sub, max_iter=10_000, tol=1e-12)
        except nx.PowerIterationFailedConvergence:
            notes.append(f"eigenvector centrality did not converge in component {i}: left at 0")
            continue
        for node, value in found.items():
            scores[node] = abs(float(value))
    return scores


def measures(
    graph: nx.MultiDiGraph[str],
    *,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
) -> Measures:
    """Centralities per node and the network's figures, on the stated simple graph.

    O(n m) for betweenness (Brandes), which dominates. See the module
    docstring for the graph and every normalisation.

    Parameters
    ----------
    graph
        The projection (what the viewer may see at the question date).
    kinds, types
        Node kinds and relationship types to keep; `None` means the defaults
        `DEFAULT_KINDS` and `DEFAULT_TYPES`.

    Examples
    --------
    >>> from graph import model as m
    >>> from queries.examples import graph_from_records
    >>> people = [m.Person(id=f"p{i}", name=f"Fictional {i}") for i in range(1, 5)]
    >>> ties = [m.AssociatedWith(id=f"t{a}{b}", source_id=f"p{a}", target_id=f"p{b}")
    ...         for a, b in [(1, 2), (2, 3), (3, 4), (2, 4)]]
    >>> result = measures(graph_from_records([*people, *ties]))
    >>> result.top_broker.node, result.top_broker.betweenness_raw
    ('p2', 2.0)
    >>> round(result.density, 3), round(result.transitivity, 3), result.diameter
    (0.667, 0.6, 2)
    """
    chosen_kinds, chosen_types = chosen(kinds, types)
    simple, folded = simple_graph(graph, kinds=chosen_kinds, types=chosen_types)
    n = simple.number_of_nodes()
    notes: list[str] = []
    parts = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    component_of = {node: i for i, part in enumerate(parts, start=1) for node in part}
    components = []
    for i, part in enumerate(parts, start=1):
        sub = simple.subgraph(part)
        components.append(
            Component(
                index=i,
                size=len(part),
                diameter=nx.diameter(sub) if len(part) > 1 else 0,
                average_path_length=nx.average_shortest_path_length(sub) if len(part) > 1 else 0.0,
            )
        )
    connected = len(parts) == 1
    if n and not connected:
        notes.append(
            f"the network is disconnected ({len(parts)} components): diameter and average "
            "path length are given per component, not for the whole"
        )
    raw = nx.betweenness_centrality(simple, normalized=False) if n else {}
    scale = (n - 1) * (n - 2) / 2
    closeness = nx.closeness_centrality(simple) if n else {}
    eigen = _eigenvector(simple, parts, notes)
    found: list[set[str]] = []
    if simple.number_of_edges():
        found = [set(c) for c in nx.community.greedy_modularity_communities(simple)]
    else:
        found = [{node} for node in simple.nodes]
    communities = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community_of = {node: i for i, group in enumerate(communities, start=1) for node in group}
    modularity = (
        nx.community.modularity(simple, [set(c) for c in communities])
        if simple.number_of_edges()
        else 0.0
    )
    ranked = [
        NodeMeasures(
            node=node,
            name=name_of(graph, node),
            kind=kind_of(graph, node),
            degree=int(simple.degree[node]),
            degree_centrality=simple.degree[node] / (n - 1) if n > 1 else 0.0,
            betweenness=raw[node] / scale if scale > 0 else 0.0,
            betweenness_raw=float(raw[node]),
            closeness=float(closeness[node]),
            eigenvector=eigen[node],
            component=component_of[node],
            community=community_of[node],
        )
        for node in simple.nodes
    ]
    ranked.sort(key=lambda r: (-r.betweenness_raw, -r.degree, r.node))
    return Measures(
        as_of=graph.graph.get("as_of"),
        kinds=chosen_kinds,
        types=chosen_types,
        posts_folded=folded,
        nodes=n,
        ties=simple.number_of_edges(),
        density=nx.density(simple) if n > 1 else 0.0,
        transitivity=nx.transitivity(simple),
        average_clustering=nx.average_clustering(simple) if n else 0.0,
        connected=connected,
        diameter=components[0].diameter if connected else None,
        average_path_length=components[0].average_path_length if connected else None,
        components=components,
        communities=communities,
        modularity=float(modularity),
        ranked=ranked,
        notes=notes,
    )
