"""Command structure read off the projection: who belongs to which armed actor,
who commands what, and which party to the conflict a node sides with.

Units nest (`PART_OF`) inside units and actors, or are attached to a
formation that commands them (``Unit COMMANDS Unit``, ``ArmedActor COMMANDS
Unit``): both place the unit under that formation. Member groups of a
coalition are `PART_OF` the coalition actor. People and posts belong to a group through
the command they hold (`COMMANDS`, or `HOLDS` a post that commands), their
membership (`MEMBER_OF`), the group they are focal point for
(`FOCAL_POINT_FOR`: a group's liaison is usually one of its own), or, for a
post, the formation it sits in (`PART_OF`).

Every function here only reads the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from graph.schema import ARMED, COMMAND_HOLDERS
from queries.memo import remembered

T = TypeVar("T")


def kind_of(graph: nx.MultiDiGraph[str], node: str) -> str:
    return str(graph.nodes[node].get("kind", ""))


def name_of(graph: nx.MultiDiGraph[str], node: str) -> str:
    return str(graph.nodes[node].get("name", node))


def out_by_type(graph: nx.MultiDiGraph[str], node: str, rel_type: str) -> list[str]:
    """Targets of `node`'s outgoing relationships of one type, in a stable order."""
    return list(per_node(graph, "typed_out", node, _out_by_type).get(rel_type, ()))


def in_by_type(graph: nx.MultiDiGraph[str], node: str, rel_type: str) -> list[str]:
    """Sources of `node`'s incoming relationships of one type, in a stable order."""
    return list(per_node(graph, "typed_in", node, _in_by_type).get(rel_type, ()))


def _out_by_type(graph: nx.MultiDiGraph[str], node: str) -> dict[Any, list[str]]:
    """`node`'s successors by relationship type, sorted (see `_by_type`)."""
    return _by_type(vars(graph)["_succ"][node], graph.is_multigraph())


def _in_by_type(graph: nx.MultiDiGraph[str], node: str) -> dict[Any, list[str]]:
    """`node`'s predecessors by relationship type, sorted (see `_by_type`)."""
    return _by_type(vars(graph)["_pred"][node], graph.is_multigraph())


def _by_type(neighbours: Mapping[str, Any], multi: bool) -> dict[Any, list[str]]:
    """Neighbours by relationship type, each list sorted.

    Remembered per node of a frozen graph (`per_node`): a ranking or a party
    check asks the same node for several types, and a hub (an actor with
    hundreds of members) for the same type again and again; each node's
    neighbours are then walked once. Read off NetworkX's own adjacency
    mapping (``{neighbour: {key: data}}`` in a multigraph) rather than
    through ``out_edges(node, data=True)``, whose edge view builds a tuple
    per edge: those lookups were most of an influencer ranking's time at M.
    The adjacency of a graph view is a filtered mapping with the same
    contents, so views answer alike.
    """
    grouped: dict[Any, set[str]] = {}
    for v, attrs in neighbours.items():
        for data in attrs.values() if multi else (attrs,):
            grouped.setdefault(data.get("type"), set()).add(v)
    return {rel_type: sorted(nodes) for rel_type, nodes in grouped.items()}


def parents_of(graph: nx.MultiDiGraph[str], formation: str) -> list[str]:
    """Formations directly above `formation`: those it is `PART_OF` and those
    commanding it (a battalion attached to a brigade)."""
    return [
        p
        for p in sorted(
            {*out_by_type(graph, formation, "PART_OF"), *in_by_type(graph, formation, "COMMANDS")}
        )
        if kind_of(graph, p) in ARMED
    ]


def breadth_first(
    graph: nx.MultiDiGraph[str], start: str, neighbours: Callable[[str], Iterable[str]]
) -> list[str]:
    """`start`, then every node `neighbours` leads to, breadth first, each once.

    NetworkX's generic search with our own notion of neighbour (a hierarchy
    walked through chosen relationship types), so it is cycle-safe and visits
    each level in the order `neighbours` gives.
    """
    return [start, *(child for _, child in nx.generic_bfs_edges(graph, start, neighbours))]


def owning_actors(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Armed actors `node` (a unit or an actor) sits in, nearest first, itself included.

    Follows `parents_of` upward through units and actors, so a unit of a
    member group of a coalition gives ``[member group, coalition]``.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> owning_actors(tiny_graph(), "unt_cp")
    ['act_front']
    """
    if node not in graph or kind_of(graph, node) not in ARMED:
        return []
    # Remembered: every member, post and commander of a unit climbs its hierarchy.
    return list(per_node(graph, "owning_actors", node, _owning_actors))


def _owning_actors(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    return [
        n
        for n in breadth_first(graph, node, lambda n: parents_of(graph, n))
        if kind_of(graph, n) == "ArmedActor"
    ]


def structure_of(graph: nx.MultiDiGraph[str], node: str) -> str | None:
    """Structure of the nearest armed actor `node` belongs to (None if untraceable)."""
    for actor in owning_actors(graph, node):
        structure = graph.nodes[actor].get("structure")
        if isinstance(structure, str):
            return structure
    return None


def subunits(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Units and actors directly `PART_OF` `node`, and units it commands."""
    below = {*in_by_type(graph, node, "PART_OF")}
    if kind_of(graph, node) in ARMED:
        below.update(out_by_type(graph, node, "COMMANDS"))
    return [u for u in sorted(below) if kind_of(graph, u) in ARMED]


def formation_tree(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """`node` and every formation nested below it, breadth first (cycle-safe)."""
    return breadth_first(graph, node, lambda n: subunits(graph, n))


def group_members(graph: nx.MultiDiGraph[str], actor: str) -> frozenset[str]:
    """Every formation of `actor` (itself included) and everyone commanding one.

    Remembered per frozen projection: gaps asks once per commander, thousands
    of times at country scale.
    """

    def compute() -> frozenset[str]:
        group = set(formation_tree(graph, actor))
        for unit in list(group):
            group.update(commanders(graph, unit))
        return frozenset(group)

    return remembered(graph, ("group_members", actor), compute)


def holders(graph: nx.MultiDiGraph[str], post: str) -> list[str]:
    """Current holders of a post (the projection holds only what is valid at its date)."""
    return in_by_type(graph, post, "HOLDS")


def commanders(graph: nx.MultiDiGraph[str], formation: str) -> list[str]:
    """People and posts that command `formation` directly, plus the holders of those posts."""
    direct = [
        c for c in in_by_type(graph, formation, "COMMANDS") if kind_of(graph, c) in COMMAND_HOLDERS
    ]
    out = list(direct)
    for c in direct:
        if kind_of(graph, c) == "Post":
            out.extend(h for h in holders(graph, c) if h not in out)
    return out


def sits_in(graph: nx.MultiDiGraph[str], commander: str, unit: str) -> bool:
    """Whether a commander sits in the unit they command: local command.

    A post sits in a unit when it is `PART_OF` it; a person when they hold
    such a post or are a `MEMBER_OF` the unit. A commander who sits higher up
    (the chair of a union "commanding" one of its checkpoints) commands
    *down*, and that is what a decentralised structure weakens.
    """
    kind = kind_of(graph, commander)
    if kind == "Post":
        return unit in out_by_type(graph, commander, "PART_OF")
    if kind == "Person":
        if unit in out_by_type(graph, commander, "MEMBER_OF"):
            return True
        return any(sits_in(graph, post, unit) for post in out_by_type(graph, commander, "HOLDS"))
    return False


def formations_above(graph: nx.MultiDiGraph[str], formation: str) -> set[str]:
    """Every unit and actor above `formation` (`parents_of`, repeatedly; itself excluded)."""
    return set(breadth_first(graph, formation, lambda n: parents_of(graph, n))[1:])


def commands_from_above(graph: nx.MultiDiGraph[str], commander: str, formation: str) -> bool:
    """Whether a commander of `formation` sits or commands higher up its chain:
    the chair of a union who also "commands" one of its checkpoints, the
    brigade's post that commands a checkpoint of the brigade. Such a
    commander is reached from above through the higher formation, not
    through the one they command. Membership of the group (`MEMBER_OF` the
    actor) is not "higher up": every commander is a member."""
    above = formations_above(graph, formation)
    if not above:
        return False

    def higher(node: str) -> bool:
        reaches = set(out_by_type(graph, node, "COMMANDS"))
        if kind_of(graph, node) == "Post":
            reaches.update(out_by_type(graph, node, "PART_OF"))
        return bool(reaches & above)

    if higher(commander):
        return True
    kind = kind_of(graph, commander)
    return kind == "Person" and any(higher(p) for p in out_by_type(graph, commander, "HOLDS"))


def own_commanders(graph: nx.MultiDiGraph[str], formation: str) -> list[str]:
    """The people and posts recorded as commanding `formation` who are its own
    commanders: those who sit in it, and those who do not sit or command
    higher up its chain (`commands_from_above`).

    However command is recorded (``Person COMMANDS Unit``, ``Post COMMANDS
    Unit`` held by a person, ``Post PART_OF Unit`` with the post commanding
    it), these are the commanders that orders arriving at the formation from
    above reach: the traversal walks from a formation to them.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> own_commanders(tiny_graph(), "unt_cp")
    ['pst_cp']
    """
    return [
        c for c in in_by_type(graph, formation, "COMMANDS") if is_own_commander(graph, c, formation)
    ]


def is_own_commander(graph: nx.MultiDiGraph[str], commander: str, formation: str) -> bool:
    """Whether `commander` (recorded as commanding `formation`) is one of its `own_commanders`."""
    return kind_of(graph, commander) in COMMAND_HOLDERS and (
        sits_in(graph, commander, formation) or not commands_from_above(graph, commander, formation)
    )


def local_commanders(graph: nx.MultiDiGraph[str], unit: str) -> list[str]:
    """Commanders who sit in `unit` (and holders of such posts); all its
    commanders when none is recorded as sitting in it."""
    everyone = commanders(graph, unit)
    local = [c for c in everyone if sits_in(graph, c, unit)]
    if not local:
        return everyone
    out = list(local)
    for c in local:
        if kind_of(graph, c) == "Post":
            out.extend(h for h in holders(graph, c) if h not in out)
    return out


def posts_in(graph: nx.MultiDiGraph[str], formation: str) -> list[str]:
    return [p for p in in_by_type(graph, formation, "PART_OF") if kind_of(graph, p) == "Post"]


# The relationships through which a post or a person belongs to an armed
# formation; a person also belongs through the posts it HOLDS.
_AFFILIATING = {
    "Post": frozenset({"COMMANDS", "PART_OF"}),
    "Person": frozenset({"COMMANDS", "MEMBER_OF", "FOCAL_POINT_FOR"}),
}


def affiliated_formations(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Armed formations a person or post belongs to (see the module docstring)."""
    return sorted(formations_of(graph, node))


def formations_of(graph: nx.MultiDiGraph[str], node: str) -> set[str]:
    """`affiliated_formations`, as a set: for callers that ask about thousands
    of nodes and need no order (an influencer ranking). Read straight off
    NetworkX's adjacency mapping, as `_by_type` is, without sorting each
    node's neighbours by type first."""
    nodes: Mapping[str, Mapping[str, Any]] = vars(graph)["_node"]
    kind = str(nodes[node].get("kind", ""))
    if kind in ARMED:
        return {node}
    found: set[str] = set()
    types = _AFFILIATING.get(kind)
    if types is None:
        return found
    multi = graph.is_multigraph()
    for other, attrs in vars(graph)["_succ"][node].items():
        for data in attrs.values() if multi else (attrs,):
            rel = data.get("type")
            if rel in types:
                if str(nodes[other].get("kind", "")) in ARMED:
                    found.add(other)
            elif rel == "HOLDS" and kind == "Person":
                found.update(formations_of(graph, other))
    return found


def actors_of(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    """Armed actors a node belongs to, nearest first, without repeats.

    Remembered per frozen graph (a fresh list each call, so callers may change
    it): an influencer ranking asks it about every candidate for every actor.
    """
    return list(per_node(graph, "actors_of", node, _actors_of))


def per_node(
    graph: nx.MultiDiGraph[str],
    name: str,
    node: str,
    compute: Callable[[nx.MultiDiGraph[str], str], T],
) -> T:
    """``compute(graph, node)``, remembered per node of a frozen graph under `name`
    (computed afresh on an unfrozen one). The answer is shared: read-only."""
    if not nx.is_frozen(graph):
        return compute(graph, node)
    known: dict[str, T] = remembered(graph, name, dict)
    if node in known:
        return known[node]
    found = known[node] = compute(graph, node)
    return found


def _actors_of(graph: nx.MultiDiGraph[str], node: str) -> list[str]:
    out: list[str] = []
    for formation in affiliated_formations(graph, node):
        out.extend(a for a in owning_actors(graph, formation) if a not in out)
    return out


@dataclass
class Parties:
    """Which party (or parties) to the conflict each node sides with, memoised.

    A node belongs to a party when it is, sits in, commands, holds a post in,
    or is a member or focal point of an armed actor with
    ``party_to_conflict=True`` (directly or up the `PART_OF` chain). Another
    party, relative to a target, is a node with parties none of which the
    target shares. Leverage paths do not pass *through* another party by
    default: engaging one side to move the other compromises the neutrality
    humanitarian access depends on.

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> parties = Parties(tiny_graph())
    >>> sorted(parties.of("per_local"))
    ['act_front']
    >>> parties.is_other_party("per_gen", relative_to="per_local")
    True
    >>> parties.is_other_party("per_elder", relative_to="per_local")
    False
    """

    graph: nx.MultiDiGraph[str]
    _memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _owning: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def of(self, node: str) -> frozenset[str]:
        hit = self._memo.get(node)
        if hit is None:
            # `actors_of`, with each formation's climb up its hierarchy done
            # once: every member, post and commander of a unit shares it.
            found: set[str] = set()
            for formation in affiliated_formations(self.graph, node):
                owners = self._owning.get(formation)
                if owners is None:
                    owners = self._owning[formation] = owning_actors(self.graph, formation)
                found.update(owners)
            hit = frozenset(a for a in found if self.graph.nodes[a].get("party_to_conflict", False))
            self._memo[node] = hit
        return hit

    def is_other_party(self, node: str, *, relative_to: str) -> bool:
        mine = self.of(node)
        return bool(mine) and not (mine & self.of(relative_to))

    def other_parties(self, nodes: Iterable[str], *, relative_to: str) -> set[str]:
        """The nodes among `nodes` that belong to a party other than `relative_to`'s."""
        return {n for n in nodes if self.is_other_party(n, relative_to=relative_to)}
