"""Blocs: which armed actors stand together on a day, and whose ties changed.

Allegiances shift, and an access negotiation planned on last year's map of
alliances fails. Everything here is read from ONE projection, the one for the
question date D, which holds exactly the relationships that hold on D; no
record from an undated (all-time) projection may decide a bloc, or a battle in
2024 would split an alliance of 2022.

Ties. Two armed actors are *allied* on D when an `ALLIED_WITH` (or a
coalition membership: `PART_OF` between actors) joins them, *opposed* when an
`OPPOSES` does, and *contested* when both hold on the same day (sources
disagree, or the alliance is breaking down). Units count for the armed actor
they belong to, so an alliance between two brigades is a tie between their
actors. Every tie keeps the relationships behind it (id, basis, window,
evidence count, sources), so an answer can always show why.

Blocs. A bloc is a set of armed actors linked by chains of uncontested
alliances that contains no uncontested opposed pair: the connected components
of the alliance graph, each split (greedily, strongest-allied first) wherever
two of its members oppose each other. Because a bloc is read off the actors'
own ties, it changes only when a tie changes, not when an unrelated alliance
elsewhere moves a community-detection optimum.

Contested pairs are listed separately and neither join nor split blocs: their
alliance is not used to link them and their opposition is not used to keep
them apart. If other alliances put both in one bloc, the listing says so.

Comparing two dates reports only actors whose own ties changed (switched,
new tie, ended tie, became contested, no longer contested), each with the
relationships that ended and began. An actor whose bloc-mates changed only
because *other* actors' ties changed is listed apart, as "bloc membership
changed", never as a switch: an analyst still wants to know that the bloc they
plan around has shrunk, but must not read it as that actor changing sides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from queries.command import kind_of, name_of, owning_actors

ALLIANCE_TYPES = frozenset({"ALLIED_WITH"})
OPPOSITION_TYPES = frozenset({"OPPOSES"})

ALLIED = "allied"
OPPOSED = "opposed"
CONTESTED = "contested"

# Categories of a change in one actor's tie with one counterpart, in report order.
SWITCHED = "switched"
BECAME_CONTESTED = "became contested"
NO_LONGER_CONTESTED = "no longer contested"
NEW_TIE = "new tie"
ENDED_TIE = "ended tie"
CATEGORY_ORDER = (SWITCHED, BECAME_CONTESTED, NO_LONGER_CONTESTED, NEW_TIE, ENDED_TIE)


def _actor(graph: nx.MultiDiGraph[str], node: str) -> str | None:
    if kind_of(graph, node) == "ArmedActor":
        return node
    owners = owning_actors(graph, node)
    return owners[0] if owners else None


def _as_of(graph: nx.MultiDiGraph[str]) -> str:
    """The projection's question date; an undated projection is refused.

    An undated projection holds every interval at once (an alliance and the
    opposition that replaced it), so a bloc read from it mixes years.
    """
    day = graph.graph.get("as_of")
    if not day:
        raise ValueError(
            "blocs need the projection of one question date (as_of); "
            "an undated projection mixes every period"
        )
    return str(day)


# --------------------------------------------------------------------------- ties


@dataclass(frozen=True)
class Tie:
    """One relationship behind a tie between two armed actors, with its evidence."""

    kind: str  # ALLIED | OPPOSED
    relationship: str
    type: str
    source: str  # the relationship's own ends (a unit, when units are allied)
    target: str
    basis: str
    valid_from: str | None
    valid_to: str | None
    first_cited: str | None
    last_cited: str | None
    evidence_count: int
    sources: tuple[str, ...]
    weight: float  # strength x confidence (confidence alone for coalition membership)
    via: tuple[str, ...] = ()  # names of the units it joins, when not the actors themselves

    def window(self) -> str:
        """When it holds: the validity interval if asserted, else the evidence window.

        An inferred tie has no validity of its own: what we know is when
        events first and last showed it.
        """
        if self.basis == "inferred" and (self.first_cited or self.last_cited):
            return f"events {self.first_cited or '?'}..{self.last_cited or '?'}"
        if self.valid_from and self.valid_to:
            return f"{self.valid_from}..{self.valid_to}"
        if self.valid_from:
            return f"from {self.valid_from}"
        if self.valid_to:
            return f"until {self.valid_to}"
        return "undated"

    def describe(self) -> str:
        """``r1, asserted, 2019..2022-12`` and, where known, evidence and sources."""
        parts = [self.relationship, self.basis, self.window()]
        if self.type == "PART_OF":
            parts.append("coalition membership")
        if self.via:
            parts.append("via " + " and ".join(self.via))
        if self.evidence_count:
            parts.append(f"{self.evidence_count} events")
        if self.sources:
            parts.append("sources " + ", ".join(self.sources))
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "relationship": self.relationship,
            "type": self.type,
            "source": self.source,
            "target": self.target,
            "basis": self.basis,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "first_cited": self.first_cited,
            "last_cited": self.last_cited,
            "evidence_count": self.evidence_count,
            "sources": list(self.sources),
            "via": list(self.via),
        }


def _tie(
    kind: str, source: str, target: str, key: str, data: dict[str, Any], via: tuple[str, ...]
) -> Tie:
    record = data.get("record")

    def get(name: str) -> Any:
        # The edge's own attribute first: the projection may state what holds
        # at its date (evidence after the date left out) where the record
        # carries everything ever recorded.
        if name in data:
            return data[name]
        return getattr(record, name, None)

    basis = get("basis")
    refs = get("sources") or ()
    if data.get("type") == "PART_OF":
        weight = float(data.get("confidence") or 0.5)
    else:
        weight = float(data.get("strength") or 0.5) * float(data.get("confidence") or 0.5)
    return Tie(
        kind=kind,
        relationship=str(key),
        type=str(data.get("type")),
        source=source,
        target=target,
        basis=str(getattr(basis, "value", basis) or "asserted"),
        valid_from=get("valid_from"),
        valid_to=get("valid_to"),
        first_cited=get("first_cited"),
        last_cited=get("last_cited"),
        evidence_count=int(get("evidence_count") or 0),
        sources=tuple(sorted({str(getattr(r, "source_id", r)) for r in refs})),
        weight=weight,
        via=via,
    )


@dataclass
class PairTies:
    """Everything that ties two armed actors on one day."""

    a: str  # a < b
    b: str
    alliances: list[Tie] = field(default_factory=list)
    oppositions: list[Tie] = field(default_factory=list)

    @property
    def state(self) -> str | None:
        if self.alliances and self.oppositions:
            return CONTESTED
        if self.alliances:
            return ALLIED
        return OPPOSED if self.oppositions else None

    @property
    def ties(self) -> list[Tie]:
        return self.alliances + self.oppositions

    def weight(self) -> float:
        return max((t.weight for t in self.alliances), default=0.0)


@dataclass
class Relations:
    """The ties between armed actors in one projection (units folded into their actor)."""

    actors: list[str]
    pairs: dict[frozenset[str], PairTies] = field(default_factory=dict)
    # Built on first use, once every pair is in (relations() fills `pairs` first).
    _adj: tuple[dict[str, dict[str, float]], dict[str, set[str]]] | None = field(
        default=None, repr=False, compare=False
    )

    def state(self, a: str, b: str) -> str | None:
        pair = self.pairs.get(frozenset((a, b)))
        return pair.state if pair else None

    def opposed(self, a: str, b: str) -> bool:
        """Opposed and not also allied: the pairs a bloc may never contain."""
        return self.state(a, b) == OPPOSED

    def allied(self, a: str, b: str) -> bool:
        """Allied and not also opposed: the ties that link a bloc."""
        return self.state(a, b) == ALLIED

    def allies(self, actor: str) -> dict[str, float]:
        """Uncontested allies of `actor`, with the alliance's weight."""
        return self._adjacency()[0].get(actor, {})

    def foes(self, actor: str) -> set[str]:
        """Uncontested opponents of `actor`."""
        return self._adjacency()[1].get(actor, set())

    def _adjacency(self) -> tuple[dict[str, dict[str, float]], dict[str, set[str]]]:
        if self._adj is None:
            allies: dict[str, dict[str, float]] = defaultdict(dict)
            foes: dict[str, set[str]] = defaultdict(set)
            for pair in self.pairs.values():
                if pair.state == ALLIED:
                    allies[pair.a][pair.b] = allies[pair.b][pair.a] = pair.weight()
                elif pair.state == OPPOSED:
                    foes[pair.a].add(pair.b)
                    foes[pair.b].add(pair.a)
            self._adj = (dict(allies), dict(foes))
        return self._adj

    def with_state(self, state: str) -> list[PairTies]:
        return sorted(
            (p for p in self.pairs.values() if p.state == state), key=lambda p: (p.a, p.b)
        )


def relations(graph: nx.MultiDiGraph[str]) -> Relations:
    """The ties between armed actors in `graph`, each pair with its relationships.

    Relationship ids, not just pairs, are kept so that a report can name the
    tie that ended and the one that began.
    """
    actors = sorted(n for n in graph.nodes if kind_of(graph, n) == "ArmedActor")
    rel = Relations(actors=actors)
    for u, v, key, data in graph.edges(keys=True, data=True):
        rel_type = data.get("type")
        if rel_type in ALLIANCE_TYPES or (
            rel_type == "PART_OF" and kind_of(graph, u) == kind_of(graph, v) == "ArmedActor"
        ):
            kind = ALLIED
        elif rel_type in OPPOSITION_TYPES:
            kind = OPPOSED
        else:
            continue
        a, b = _actor(graph, u), _actor(graph, v)
        if a is None or b is None or a == b:
            continue
        first, second = sorted((a, b))
        pair = rel.pairs.setdefault(frozenset((a, b)), PairTies(first, second))
        via = tuple(name_of(graph, n) for n in (u, v) if n not in (a, b))
        (pair.alliances if kind == ALLIED else pair.oppositions).append(
            _tie(kind, u, v, key, data, via)
        )
    for pair in rel.pairs.values():
        pair.alliances.sort(key=lambda t: t.relationship)
        pair.oppositions.sort(key=lambda t: t.relationship)
    return rel


# --------------------------------------------------------------------------- blocs


@dataclass
class Bloc:
    id: str
    label: str  # the name of its most-allied member: stable as long as that member stays
    members: list[str]
    names: list[str]
    opposes: list[str] = field(default_factory=list)  # ids of blocs it opposes

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "members": [
                {"actor": a, "name": n} for a, n in zip(self.members, self.names, strict=True)
            ],
            "opposes": list(self.opposes),
        }


@dataclass
class Contest:
    """A pair allied and opposed on the same day, shown with both sides' evidence."""

    a: str
    b: str
    names: tuple[str, str]
    alliances: list[Tie]
    oppositions: list[Tie]
    same_bloc: bool

    def describe(self) -> str:
        allied = "; ".join(t.describe() for t in self.alliances)
        opposed = "; ".join(t.describe() for t in self.oppositions)
        where = "in the same bloc through others" if self.same_bloc else "in different blocs"
        return (
            f"{self.names[0]} - {self.names[1]}: allied ({allied}) and opposed ({opposed}); {where}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "a_name": self.names[0],
            "b": self.b,
            "b_name": self.names[1],
            "alliances": [t.as_dict() for t in self.alliances],
            "oppositions": [t.as_dict() for t in self.oppositions],
            "same_bloc": self.same_bloc,
        }


@dataclass
class BlocMap:
    """The blocs on one day, and the contested pairs left out of their making."""

    as_of: str
    blocs: list[Bloc]
    contested: list[Contest]

    def bloc_of(self, actor: str) -> Bloc | None:
        return next((b for b in self.blocs if actor in b.members), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "blocs": [b.as_dict() for b in self.blocs],
            "contested": [c.as_dict() for c in self.contested],
        }


def _split(members: list[str], rel: Relations) -> list[list[str]]:
    """Split an alliance component so that no two opposed actors share a part.

    Actors are placed strongest-allied first; each joins the part it is most
    allied with among those holding none of its opponents (the first such
    part on a tie), else starts a new part. Each part stays linked by
    alliances, since an actor only joins a part it is allied with. O(n log n
    + ties) for n members.
    """
    inside = set(members)
    allies = {a: {b: w for b, w in rel.allies(a).items() if b in inside} for a in members}
    part_of: dict[str, int] = {}
    parts: list[list[str]] = []
    for a in sorted(members, key=lambda x: (-sum(allies[x].values()), x)):
        barred = {part_of[b] for b in rel.foes(a) if b in part_of}
        ties: dict[int, float] = defaultdict(float)
        for b, weight in allies[a].items():
            if b in part_of and part_of[b] not in barred:
                ties[part_of[b]] += weight
        if ties:
            index = min(ties, key=lambda i: (-ties[i], i))
        else:
            index = len(parts)  # allied with no part it may join: a bloc of its own
            parts.append([])
        parts[index].append(a)
        part_of[a] = index
    return parts


def _label(graph: nx.MultiDiGraph[str], members: list[str], rel: Relations) -> str:
    inside = set(members)
    anchor = min(members, key=lambda a: (-len(inside.intersection(rel.allies(a))), a))
    name = name_of(graph, anchor)
    return name if len(members) == 1 else f"{name} and allies"


def bloc_map(graph: nx.MultiDiGraph[str]) -> BlocMap:
    """Blocs of armed actors on the projection's date, and the contested pairs.

    A bloc is a chain of uncontested alliances containing no uncontested
    opposed pair (module docstring). Output is deterministic: blocs are
    ordered largest first, then by their members' ids, and numbered in that
    order; each bloc's label is the name of its most-allied member. O(p + n^2)
    for p tied pairs and n actors in the largest alliance component.

    Parameters
    ----------
    graph
        The projection for one question date (its ``as_of`` set): only the
        relationships that hold on that date may decide a bloc.

    Examples
    --------
    >>> from datetime import date
    >>> from queries.examples import graph_from_records
    >>> from graph import model as m
    >>> def actor(i):
    ...     return m.ArmedActor(id=i, name=i.title(), actor_kind="non_state_armed_group",
    ...                         structure="centralised")
    >>> g = graph_from_records([actor("a"), actor("b"), actor("c"),
    ...     m.AlliedWith(id="ab", source_id="a", target_id="b"),
    ...     m.AlliedWith(id="bc", source_id="b", target_id="c"),
    ...     m.Opposes(id="bc2", source_id="b", target_id="c")], as_of=date(2024, 6, 1))
    >>> found = bloc_map(g)
    >>> [(b.label, b.members) for b in found.blocs]
    [('A and allies', ['a', 'b']), ('C', ['c'])]
    >>> print(found.contested[0].describe())
    B - C: allied (bc, asserted, undated) and opposed (bc2, asserted, undated); in different blocs
    """
    return _bloc_map(graph, relations(graph))


def _bloc_map(graph: nx.MultiDiGraph[str], rel: Relations) -> BlocMap:
    as_of = _as_of(graph)
    alliance: nx.Graph[str] = nx.Graph()
    alliance.add_nodes_from(rel.actors)
    for pair in rel.with_state(ALLIED):
        alliance.add_edge(pair.a, pair.b)
    groups: list[list[str]] = []
    for component in sorted(nx.connected_components(alliance), key=min):
        groups.extend(_split(sorted(component), rel))
    groups = [sorted(g) for g in groups]
    groups.sort(key=lambda g: (-len(g), g))
    found = [
        Bloc(
            id=f"bloc-{i}",
            label=_label(graph, g, rel),
            members=g,
            names=[name_of(graph, a) for a in g],
        )
        for i, g in enumerate(groups, start=1)
    ]
    where = {a: b.id for b in found for a in b.members}
    against: dict[str, set[str]] = defaultdict(set)
    for pair in rel.with_state(OPPOSED):
        if where[pair.a] != where[pair.b]:
            against[where[pair.a]].add(where[pair.b])
            against[where[pair.b]].add(where[pair.a])
    for bloc in found:
        bloc.opposes = sorted(against[bloc.id], key=lambda i: int(i.split("-")[1]))
    contested = [
        Contest(
            a=p.a,
            b=p.b,
            names=(name_of(graph, p.a), name_of(graph, p.b)),
            alliances=list(p.alliances),
            oppositions=list(p.oppositions),
            same_bloc=where[p.a] == where[p.b],
        )
        for p in rel.with_state(CONTESTED)
    ]
    return BlocMap(as_of=as_of, blocs=found, contested=contested)


def blocs(graph: nx.MultiDiGraph[str]) -> list[Bloc]:
    """Blocs of armed actors on the projection's date (`bloc_map` without the contested pairs).

    Examples
    --------
    >>> from queries.examples import tiny_graph
    >>> for bloc in blocs(tiny_graph()):
    ...     print(bloc.id, bloc.members, "opposes", bloc.opposes)
    bloc-1 ['act_army'] opposes ['bloc-2']
    bloc-2 ['act_front'] opposes ['bloc-1']
    """
    return bloc_map(graph).blocs


# --------------------------------------------------------------------------- compare


_STATE_WORDS = {ALLIED: "allied with", OPPOSED: "opposes", CONTESTED: "contested with"}


def _state_text(state: str | None, counterpart: str, ties: list[Tie]) -> str:
    if state is None:
        return f"no tie with {counterpart}"
    if state == CONTESTED:
        allied = "; ".join(t.describe() for t in ties if t.kind == ALLIED)
        opposed = "; ".join(t.describe() for t in ties if t.kind == OPPOSED)
        return f"contested with {counterpart}: allied ({allied}) and opposed ({opposed})"
    return f"{_STATE_WORDS[state]} {counterpart} ({'; '.join(t.describe() for t in ties)})"


@dataclass
class TieChange:
    """How one actor's tie with one counterpart differs between the two dates."""

    actor: str
    name: str
    counterpart: str
    counterpart_name: str
    category: str  # one of CATEGORY_ORDER
    before: str | None  # state on the first date: ALLIED, OPPOSED, CONTESTED or None
    after: str | None
    before_ties: list[Tie]
    after_ties: list[Tie]

    @property
    def ended(self) -> list[Tie]:
        """Relationships that held on the first date and no longer do."""
        kept = {t.relationship for t in self.after_ties}
        return [t for t in self.before_ties if t.relationship not in kept]

    @property
    def began(self) -> list[Tie]:
        """Relationships that hold on the second date and did not on the first."""
        held = {t.relationship for t in self.before_ties}
        return [t for t in self.after_ties if t.relationship not in held]

    def transition(self) -> str:
        """``allied with B (r1, asserted, 2019..2022-12) -> opposes B (r7, ...)``."""
        return (
            f"{_state_text(self.before, self.counterpart_name, self.before_ties)}"
            f" -> {_state_text(self.after, self.counterpart_name, self.after_ties)}"
        )

    def describe(self) -> str:
        """``A: allied with B (r1, asserted, 2019..2022-12) -> opposes B (r7, ...)``."""
        return f"{self.name}: {self.transition()}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "name": self.name,
            "counterpart": self.counterpart,
            "counterpart_name": self.counterpart_name,
            "category": self.category,
            "before": self.before,
            "after": self.after,
            "ended": [t.as_dict() for t in self.ended],
            "began": [t.as_dict() for t in self.began],
            "before_ties": [t.as_dict() for t in self.before_ties],
            "after_ties": [t.as_dict() for t in self.after_ties],
            "text": self.describe(),
        }


@dataclass
class MembershipChange:
    """An actor whose bloc-mates changed only through other actors' ties (not a switch)."""

    actor: str
    name: str
    now_with: list[str]
    no_longer_with: list[str]

    def as_dict(self, names: dict[str, str]) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "name": self.name,
            "now_with": [{"actor": a, "name": names.get(a, a)} for a in self.now_with],
            "no_longer_with": [{"actor": a, "name": names.get(a, a)} for a in self.no_longer_with],
        }


@dataclass
class BlocComparison:
    before: BlocMap
    after: BlocMap
    changes: list[TieChange]  # ONLY actors whose own ties changed, one entry per counterpart
    membership_changed: list[MembershipChange]
    names: dict[str, str]

    @property
    def switched(self) -> list[TieChange]:
        return [c for c in self.changes if c.category == SWITCHED]

    @property
    def actors(self) -> list[str]:
        """Actors whose own ties changed, in report order."""
        return list(dict.fromkeys(c.actor for c in self.changes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "changes": [c.as_dict() for c in self.changes],
            "switched": [c.as_dict() for c in self.switched],
            "membership_changed": [m.as_dict(self.names) for m in self.membership_changed],
        }


def _category(before: str | None, after: str | None) -> str:
    if after == CONTESTED:
        return BECAME_CONTESTED
    if before == CONTESTED:
        return NO_LONGER_CONTESTED if after else ENDED_TIE
    if before is None:
        return NEW_TIE
    return ENDED_TIE if after is None else SWITCHED


def compare_blocs(
    graph_before: nx.MultiDiGraph[str],
    graph_after: nx.MultiDiGraph[str],
) -> BlocComparison:
    """Whose own ties changed between two projections (two question dates).

    Each armed actor's tie with each counterpart is compared, not bloc
    labels: *switched* (same counterpart, ally <-> opponent), *new tie*,
    *ended tie*, *became contested* (allied and opposed at once on the
    second date), *no longer contested*. A tie held on both dates by other
    relationships (an alliance renewed under a new record) is no change.
    Each change names the relationships that ended and began, with basis,
    window, evidence count and sources. Both actors of a changed pair are
    reported, each from its own side. Actors whose bloc-mates changed only
    because other actors' ties changed are in `membership_changed`, not in
    `changes`.

    Parameters
    ----------
    graph_before, graph_after
        The projections for the two question dates (each with its ``as_of``).

    Examples
    --------
    >>> from queries.examples import graph_from_records
    >>> from graph import model as m
    >>> from datetime import date
    >>> def actor(i):
    ...     return m.ArmedActor(id=i, name=i.title(), actor_kind="non_state_armed_group",
    ...                         structure="centralised")
    >>> records = [actor("a"), actor("b"), actor("c"),
    ...     m.AlliedWith(id="r1", source_id="a", target_id="b", valid_from="2019",
    ...                  valid_to="2022-12"),
    ...     m.Opposes(id="r7", source_id="a", target_id="b", valid_from="2023-01"),
    ...     m.AlliedWith(id="r2", source_id="b", target_id="c")]
    >>> result = compare_blocs(graph_from_records(records, as_of=date(2022, 6, 1)),
    ...                        graph_from_records(records, as_of=date(2023, 6, 1)))
    >>> [(c.actor, c.category, c.counterpart) for c in result.changes]
    [('a', 'switched', 'b'), ('b', 'switched', 'a')]
    >>> print(result.changes[0].describe())
    A: allied with B (r1, asserted, 2019..2022-12) -> opposes B (r7, asserted, from 2023-01)
    >>> [(m.actor, m.no_longer_with) for m in result.membership_changed]
    [('c', ['a'])]
    """
    rel_before, rel_after = relations(graph_before), relations(graph_after)
    before, after = _bloc_map(graph_before, rel_before), _bloc_map(graph_after, rel_after)
    names = {a: name_of(graph_before, a) for a in rel_before.actors}
    names.update({a: name_of(graph_after, a) for a in rel_after.actors})

    changes: list[TieChange] = []
    for key in set(rel_before.pairs) | set(rel_after.pairs):
        old, new = rel_before.pairs.get(key), rel_after.pairs.get(key)
        state_old = old.state if old else None
        state_new = new.state if new else None
        if state_old == state_new:
            continue
        category = _category(state_old, state_new)
        for actor, counterpart in (sorted(key), sorted(key, reverse=True)):
            changes.append(
                TieChange(
                    actor=actor,
                    name=names[actor],
                    counterpart=counterpart,
                    counterpart_name=names[counterpart],
                    category=category,
                    before=state_old,
                    after=state_new,
                    before_ties=old.ties if old else [],
                    after_ties=new.ties if new else [],
                )
            )
    changes.sort(key=lambda c: (c.actor, CATEGORY_ORDER.index(c.category), c.counterpart))

    changed = {c.actor for c in changes}

    def mates(found: BlocMap) -> dict[str, set[str]]:
        return {a: set(b.members) - {a} for b in found.blocs for a in b.members}

    mates_before, mates_after = mates(before), mates(after)
    membership = [
        MembershipChange(
            actor=a,
            name=names[a],
            now_with=sorted(mates_after[a] - mates_before[a]),
            no_longer_with=sorted(mates_before[a] - mates_after[a]),
        )
        for a in sorted(set(mates_before) & set(mates_after))
        if a not in changed and mates_before[a] != mates_after[a]
    ]
    return BlocComparison(
        before=before,
        after=after,
        changes=changes,
        membership_changed=membership,
        names=names,
    )
