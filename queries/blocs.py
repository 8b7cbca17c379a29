"""Blocs: which armed actors stand together, and who switched sides.

Allegiances shift, and an access negotiation planned on last year's map of
alliances fails. A bloc is a group of armed actors held together by
alliances (`ALLIED_WITH`, and membership of a coalition: `PART_OF` between
actors) that never contains two actors that oppose each other (`OPPOSES`).
Units count for the actor they belong to.

Method: modularity communities (`greedy_modularity_communities`, weighted by
strength x confidence) on the alliance graph, then every community that
contains an opposed pair is split greedily so that opposed actors always end
in different blocs. Deterministic: nodes are processed in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from queries.command import kind_of, name_of, owning_actors

ALLIANCE_TYPES = frozenset({"ALLIED_WITH"})
OPPOSITION_TYPES = frozenset({"OPPOSES"})


def _actor(graph: nx.MultiDiGraph[str], node: str) -> str | None:
    if kind_of(graph, node) == "ArmedActor":
        return node
    owners = owning_actors(graph, node)
    return owners[0] if owners else None


@dataclass
class Relations:
    """Alliances and oppositions between armed actors (units folded into their actor)."""

    actors: list[str]
    alliances: dict[frozenset[str], float] = field(default_factory=dict)
    oppositions: dict[frozenset[str], float] = field(default_factory=dict)

    def opposed(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.oppositions


def relations(graph: nx.MultiDiGraph[str]) -> Relations:
    actors = sorted(n for n in graph.nodes if kind_of(graph, n) == "ArmedActor")
    rel = Relations(actors=actors)
    for u, v, data in graph.edges(data=True):
        rel_type = data.get("type")
        a, b = _actor(graph, u), _actor(graph, v)
        if a is None or b is None or a == b:
            continue
        pair = frozenset((a, b))
        weight = float(data.get("strength") or 0.5) * float(data.get("confidence") or 0.5)
        if rel_type in ALLIANCE_TYPES or (
            rel_type == "PART_OF" and kind_of(graph, u) == kind_of(graph, v) == "ArmedActor"
        ):
            if rel_type == "PART_OF":
                weight = float(data.get("confidence") or 0.5)
            rel.alliances[pair] = max(rel.alliances.get(pair, 0.0), weight)
        elif rel_type in OPPOSITION_TYPES:
            rel.oppositions[pair] = max(rel.oppositions.get(pair, 0.0), weight)
    return rel


@dataclass
class Bloc:
    id: str
    members: list[str]
    names: list[str]
    opposes: list[str] = field(default_factory=list)  # ids of blocs it opposes

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "members": [
                {"actor": a, "name": n} for a, n in zip(self.members, self.names, strict=True)
            ],
            "opposes": list(self.opposes),
        }


def _split(members: list[str], rel: Relations) -> list[list[str]]:
    """Split a community so that no two opposed actors share a part.

    Actors are placed strongest-allied first; each joins the part it is most
    allied with among those holding none of its opponents, else a new part.
    """

    def degree(a: str) -> float:
        return sum(w for pair, w in rel.alliances.items() if a in pair and pair <= set(members))

    parts: list[list[str]] = []
    for a in sorted(members, key=lambda x: (-degree(x), x)):
        best: tuple[float, int] | None = None
        for i, part in enumerate(parts):
            if any(rel.opposed(a, b) for b in part):
                continue
            tie = sum(rel.alliances.get(frozenset((a, b)), 0.0) for b in part)
            if tie > 0.0 and (best is None or tie > best[0]):
                best = (tie, i)
        if best is None:
            parts.append([a])  # allied with no part it may join: a bloc of its own
        else:
            parts[best[1]].append(a)
    return parts


def blocs(graph: nx.MultiDiGraph[str]) -> list[Bloc]:
    """Blocs of armed actors: allied together, never containing an opposed pair.

    O(modularity) on the alliance graph plus O(n^2) per community to split it.

    Examples
    --------
    >>> from queries.examples import graph_from_records
    >>> from graph import model as m
    >>> def actor(i):
    ...     return m.ArmedActor(id=i, name=i.title(), actor_kind="non_state_armed_group",
    ...                         structure="centralised")
    >>> g = graph_from_records([actor("a"), actor("b"), actor("c"),
    ...     m.AlliedWith(id="ab", source_id="a", target_id="b"),
    ...     m.Opposes(id="bc", source_id="b", target_id="c")])
    >>> [(b.members, b.opposes) for b in blocs(g)]
    [(['a', 'b'], ['bloc-2']), (['c'], ['bloc-1'])]
    """
    rel = relations(graph)
    alliance: nx.Graph[str] = nx.Graph()
    alliance.add_nodes_from(rel.actors)
    for pair, weight in sorted(rel.alliances.items(), key=lambda t: sorted(t[0])):
        a, b = sorted(pair)
        alliance.add_edge(a, b, weight=max(weight, 1e-6))
    groups: list[list[str]] = []
    if alliance.number_of_edges():
        communities = nx.community.greedy_modularity_communities(alliance, weight="weight")
        for community in communities:
            # Modularity may join actors with no alliance path between them: keep
            # only what alliances actually connect.
            sub = alliance.subgraph(community)
            for component in nx.connected_components(sub):
                groups.extend(_split(sorted(component), rel))
    else:
        groups = [[a] for a in rel.actors]
    groups = [sorted(g) for g in groups]
    groups.sort(key=lambda g: (-len(g), g))
    found = [
        Bloc(id=f"bloc-{i}", members=g, names=[name_of(graph, a) for a in g])
        for i, g in enumerate(groups, start=1)
    ]
    where = {a: b.id for b in found for a in b.members}
    for bloc in found:
        opposed = {
            where[x]
            for pair in rel.oppositions
            for x in pair
            if pair & set(bloc.members) and where[x] != bloc.id
        }
        bloc.opposes = sorted(opposed, key=lambda i: int(i.split("-")[1]))
    return found


@dataclass
class Switch:
    actor: str
    name: str
    status: str  # switched | joined | left
    left: list[str]
    joined: list[str]
    reason: str

    def as_dict(self, names: dict[str, str]) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "name": self.name,
            "status": self.status,
            "left": [{"actor": a, "name": names.get(a, a)} for a in self.left],
            "joined": [{"actor": a, "name": names.get(a, a)} for a in self.joined],
            "reason": self.reason,
        }


@dataclass
class BlocComparison:
    before: list[Bloc]
    after: list[Bloc]
    changes: list[Switch]
    new_alliances: list[tuple[str, str]]
    ended_alliances: list[tuple[str, str]]
    new_oppositions: list[tuple[str, str]]
    ended_oppositions: list[tuple[str, str]]
    names: dict[str, str]

    @property
    def switched(self) -> list[Switch]:
        return [c for c in self.changes if c.status == "switched"]

    def as_dict(self) -> dict[str, Any]:
        def pairs(items: list[tuple[str, str]]) -> list[dict[str, str]]:
            return [
                {"a": a, "a_name": self.names.get(a, a), "b": b, "b_name": self.names.get(b, b)}
                for a, b in items
            ]

        return {
            "before": [b.as_dict() for b in self.before],
            "after": [b.as_dict() for b in self.after],
            "switched": [c.as_dict(self.names) for c in self.switched],
            "changes": [c.as_dict(self.names) for c in self.changes],
            "new_alliances": pairs(self.new_alliances),
            "ended_alliances": pairs(self.ended_alliances),
            "new_oppositions": pairs(self.new_oppositions),
            "ended_oppositions": pairs(self.ended_oppositions),
        }


def _pairs(keys: set[frozenset[str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for pair in keys:
        a, b = sorted(pair)
        out.append((a, b))
    return sorted(out)


def compare_blocs(
    graph_before: nx.MultiDiGraph[str],
    graph_after: nx.MultiDiGraph[str],
) -> BlocComparison:
    """Who switched sides between two projections (two as-of dates).

    An actor *switched* when it left some bloc-mates and joined others, or
    is now in a bloc with an actor it opposed before; it *joined* or *left*
    when its bloc only grew or only shrank around it. Alliances and
    oppositions that began or ended are listed too.

    Examples
    --------
    >>> from queries.examples import graph_from_records
    >>> from graph import model as m
    >>> from datetime import date
    >>> def actor(i):
    ...     return m.ArmedActor(id=i, name=i.title(), actor_kind="non_state_armed_group",
    ...                         structure="centralised")
    >>> records = [actor("a"), actor("b"), actor("c"),
    ...     m.AlliedWith(id="ab", source_id="a", target_id="b", valid_to="2022-12"),
    ...     m.Opposes(id="ac", source_id="a", target_id="c", valid_to="2022-12"),
    ...     m.AlliedWith(id="ac2", source_id="a", target_id="c", valid_from="2023-01"),
    ...     m.Opposes(id="ab2", source_id="a", target_id="b", valid_from="2023-01")]
    >>> result = compare_blocs(graph_from_records(records, as_of=date(2022, 6, 1)),
    ...                        graph_from_records(records, as_of=date(2023, 6, 1)))
    >>> [(c.actor, c.left, c.joined) for c in result.switched]
    [('a', ['b'], ['c']), ('c', [], ['a'])]
    >>> print(result.switched[1].reason)
    now in a bloc with former opponent(s) A
    """
    before, after = blocs(graph_before), blocs(graph_after)
    rel_before, rel_after = relations(graph_before), relations(graph_after)
    names = {a: name_of(graph_before, a) for a in rel_before.actors}
    names.update({a: name_of(graph_after, a) for a in rel_after.actors})

    def mates(found: list[Bloc]) -> dict[str, set[str]]:
        return {a: set(b.members) - {a} for b in found for a in b.members}

    mb, ma = mates(before), mates(after)
    changes: list[Switch] = []
    for actor in sorted(set(mb) & set(ma)):
        left = sorted(mb[actor] - ma[actor])
        joined = sorted(ma[actor] - mb[actor])
        former_foes = sorted(b for b in ma[actor] if rel_before.opposed(actor, b))
        if not left and not joined:
            continue
        if (left and joined) or former_foes:
            status = "switched"
            reason = (
                f"now in a bloc with former opponent(s) {', '.join(names[b] for b in former_foes)}"
                if former_foes
                else "left its allies for another bloc"
            )
        elif joined:
            status, reason = "joined", "its bloc grew"
        else:
            status, reason = "left", "its bloc shrank"
        changes.append(Switch(actor, names[actor], status, left, joined, reason))
    order = {"switched": 0, "left": 1, "joined": 2}
    changes.sort(key=lambda c: (order[c.status], c.actor))
    return BlocComparison(
        before=before,
        after=after,
        changes=changes,
        new_alliances=_pairs(set(rel_after.alliances) - set(rel_before.alliances)),
        ended_alliances=_pairs(set(rel_before.alliances) - set(rel_after.alliances)),
        new_oppositions=_pairs(set(rel_after.oppositions) - set(rel_before.oppositions)),
        ended_oppositions=_pairs(set(rel_before.oppositions) - set(rel_after.oppositions)),
        names=names,
    )
