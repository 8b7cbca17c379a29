"""A deterministic generator of realistic, FICTIONAL actor graphs for benchmarks.

Every name is generated ("Unit 000042", "Person 001234"): nothing here
describes a real group, person or place. The same size and seed give the same
records, in the same order, on every machine (one `random.Random(seed)`, no
clock, no set iteration, no hashing).

What a graph holds, scaled by its node count:

- armed actors of every kind and every structure; coalitions with member
  groups (`PART_OF`), splinter groups, alliances and oppositions that shift
  over time (an alliance closed, then opposition from a later date);
- units nested by `PART_OF` in the shape of their group's structure: deep
  narrow trees for integrated and centralised forces, flat wide ones for
  decentralised groups, small ones tied to a community for community-embedded
  militias; a few units defect to another actor (their `PART_OF` is closed and
  a new one opened);
- a command post per unit and per actor (`PART_OF` and `COMMANDS`), held by
  people over time (`HOLDS`, with rotations: the old holder's interval is closed);
- communities (`BELONGS_TO`), areas nested by `PART_OF` with P-codes,
  incidents (`PERPETRATED`, `OCCURRED_IN`), engagements, commitments and
  graded sources (`CITES`, and `sources` on influence and access);
- our engagers (organisations with ``engager=True``, a few dozen at M) with
  focal points (`FOCAL_POINT_FOR`, `MEMBER_OF`) and access (`HAS_ACCESS_TO`
  with quality and last contact), and an influence network (`INFLUENCES` with
  strength and channel) whose degrees are heavy-tailed (a few hubs, many
  people with one or two ties) and mostly local to one conflict theatre.

Records are produced lazily, nodes first and every relationship after both its
endpoints, so `batches` can hand a store chunks in order and size L (a million
relationships) never has to sit in memory as model objects.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Any, TypeVar

from graph import model as m
from graph.dates import upper_bound
from graph.schema import SCHEMA, NodeKind
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: The question date benchmarks ask at: fixed, so recency scores never depend on the clock.
AS_OF = date(2025, 6, 1)
_FIRST_DAY = date(2012, 1, 1)
_SPAN_DAYS = (AS_OF - _FIRST_DAY).days - 1


@dataclass(frozen=True)
class Size:
    """How many nodes and relationships a generated graph has (within a few percent)."""

    name: str
    nodes: int
    relationships: int


SIZES: dict[str, Size] = {
    "XS": Size("XS", 250, 1_250),  # for tests
    "S": Size("S", 1_000, 5_000),
    "M": Size("M", 20_000, 100_000),
    "L": Size("L", 200_000, 1_000_000),
}

_SENSITIVITY = (
    [Sensitivity.PUBLIC] * 6
    + [Sensitivity.RESTRICTED] * 9
    + [Sensitivity.CONFIDENTIAL] * 4
    + [Sensitivity.STRICTLY_CONFIDENTIAL]
)


def _pin(enum: type[E], values: str) -> list[E]:
    """Enum members in a fixed list: a member added to the model later does not shift the
    random stream, so the same seed keeps giving the same graph (a removed one fails loudly)."""
    return [enum(v) for v in values.split()]


_ACTOR_KINDS = _pin(
    m.ActorKind,
    "state_force non_state_armed_group community_militia peace_operation foreign_force "
    "private_military_company",
)
_STRUCTURES = _pin(m.Structure, "integrated centralised decentralised community_embedded coalition")
_COMMUNITY_KINDS = _pin(m.CommunityKind, "tribe clan village displaced religious ethnic other")
_SOURCE_KINDS = _pin(m.SourceKind, "report interview media dataset field_visit meeting_note other")
_RELIABILITY = _pin(m.Reliability, "A B C D E F")
_CREDIBILITY = _pin(m.Credibility, "1 2 3 4 5 6")
_THREATS = _pin(m.ThreatLevel, "low moderate high severe")
_HARM = _pin(m.HarmPattern, "deliberate reckless accidental restraint unassessed")
_BASES = _pin(m.Basis, "asserted inferred")
_MODES = _pin(m.EngagementMode, "meeting call dialogue message training negotiation")
_COMMITMENT_KINDS = _pin(
    m.CommitmentKind,
    "deed_of_commitment unilateral_declaration code_of_conduct action_plan other",
)
_ATTRIBUTIONS = _pin(m.Attribution, "confirmed alleged disputed")
# Branching of the unit tree by structure: hierarchies are deep and narrow,
# decentralised groups a wide fan of local units under a thin centre.
_BRANCHING = {
    m.Structure.INTEGRATED: 3,
    m.Structure.CENTRALISED: 4,
    m.Structure.DECENTRALISED: 14,
    m.Structure.COMMUNITY_EMBEDDED: 6,
    m.Structure.COALITION: 5,
}
_ECHELONS = [
    m.Echelon.CORPS,
    m.Echelon.DIVISION,
    m.Echelon.BRIGADE,
    m.Echelon.BATTALION,
    m.Echelon.COMPANY,
    m.Echelon.PLATOON,
]
_LOCAL_ECHELONS = [m.Echelon.CHECKPOINT, m.Echelon.CELL, m.Echelon.OTHER]
_OTHER_ORGS = [
    m.OrgKind.EMBASSY,
    m.OrgKind.MINISTRY,
    m.OrgKind.RELIGIOUS_INSTITUTION,
    m.OrgKind.BUSINESS,
    m.OrgKind.MEDIA,
    m.OrgKind.NNGO,
    m.OrgKind.OTHER,
]
_ENGAGER_ORGS = [
    m.OrgKind.RC_HC_OFFICE,
    m.OrgKind.OCHA_CMCOORD,
    m.OrgKind.UN_AGENCY,
    m.OrgKind.INGO,
    m.OrgKind.NNGO,
    m.OrgKind.ICRC,
    m.OrgKind.RED_CROSS_RED_CRESCENT,
]
_CHANNELS = _pin(
    m.Channel,
    "kinship religious tribal financial political military_to_military patronage community "
    "humanitarian diplomatic commercial other",
)
_QUALITIES = (
    [m.AccessQuality.REGULAR] * 4
    + [m.AccessQuality.OCCASIONAL] * 4
    + [m.AccessQuality.INDIRECT] * 2
    + [m.AccessQuality.SUSPENDED]
)


def _ident(kind: NodeKind, n: int) -> str:
    return f"{SCHEMA.nodes[kind].id_prefix}_{n:06d}"


class _Zipf:
    """Heavy-tailed picks from a sequence: item i is chosen with weight 1/(i+1)^a."""

    def __init__(self, items: Sequence[str], exponent: float = 0.9) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (i + 1) ** exponent for i in range(len(items))))

    def pick(self, rng: random.Random) -> str:
        x = rng.random() * self.cum[-1]
        return self.items[min(bisect_left(self.cum, x), len(self.items) - 1)]


@dataclass
class _Actor:
    id: str
    kind: m.ActorKind
    structure: m.Structure
    party: bool
    units: list[str] = field(default_factory=list)
    top_post: str = ""


@dataclass
class _Unit:
    id: str
    actor: int
    parent: str
    depth: int
    echelon: m.Echelon


@dataclass
class _Post:
    id: str
    commands: str  # unit or actor id
    theatre: int
    holders: list[tuple[str, str, str | None]] = field(default_factory=list)  # person, from, to


class Generator:
    """Builds the skeleton of one graph (ids and who is tied to whom), then emits records.

    ``Generator(SIZES["S"], seed=1).records()`` yields model records, nodes first.
    """

    def __init__(self, size: Size, seed: int = 0) -> None:
        self.size = size
        self.seed = seed
        self.rng = random.Random(f"actorgraph-bench/{size.nodes}/{size.relationships}/{seed}")
        self._rel_n = 0
        self._emitted_rels = 0
        self._plan()

    # ------------------------------------------------------------------ helpers

    def _day(self, lo: date = _FIRST_DAY, hi: date = AS_OF) -> str:
        """A date between lo and hi; one in ten is partial (a month or a year)."""
        span = max(1, (hi - lo).days)
        day = lo + timedelta(days=self.rng.randrange(span))
        r = self.rng.random()
        if r < 0.07:
            return day.strftime("%Y-%m")
        if r < 0.1 and day.year < hi.year:
            return str(day.year)
        return day.isoformat()

    def _sensitivity(self) -> Sensitivity:
        return self.rng.choice(_SENSITIVITY)

    def _confidence(self) -> float:
        # One relationship in ten is below the default min_confidence of 0.3.
        return round(self.rng.choice([0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 1.0, 1.0]), 2)

    def _sources(self, p: float) -> tuple[m.SourceRef, ...]:
        if self.rng.random() >= p:
            return ()
        return (m.SourceRef(source_id=self.rng.choice(self.sources), locator="para. 3"),)

    def _rel_id(self) -> str:
        self._rel_n += 1
        return f"rel_{self._rel_n:07d}"

    # ------------------------------------------------------------------ skeleton

    def _plan(self) -> None:
        rng, n = self.rng, self.size.nodes
        n_actors = max(12, round(n / 500))
        n_areas = max(20, round(0.03 * n))
        n_communities = max(10, round(0.04 * n))
        n_engagers = max(4, round(n / 600))
        n_other_orgs = max(8, round(0.02 * n))
        n_sources = max(10, round(0.02 * n))
        n_commitments = max(6, round(0.003 * n))
        n_engagements = max(10, round(0.02 * n))
        n_incidents = round(0.10 * n)
        n_units = max(2 * n_actors, round(0.14 * n))

        # Areas: a country, its regions, districts and sub-districts.
        self.areas: list[tuple[str, int, str | None]] = [(_ident(NodeKind.AREA, 0), 0, None)]
        levels = [1, max(3, round(n_areas**0.5 / 2)), max(6, round(0.25 * n_areas))]
        while len(self.areas) < n_areas:
            i = len(self.areas)
            level = 1 if i <= levels[1] else 2 if i <= levels[1] + levels[2] else 3
            parents = [a for a in self.areas if a[1] == level - 1]
            self.areas.append((_ident(NodeKind.AREA, i), level, rng.choice(parents)[0]))
        self.districts = [a[0] for a in self.areas if a[1] >= 2] or [self.areas[-1][0]]

        self.communities = [_ident(NodeKind.COMMUNITY, i) for i in range(n_communities)]
        self.sources = [_ident(NodeKind.SOURCE, i) for i in range(n_sources)]
        self.commitments = [_ident(NodeKind.COMMITMENT, i) for i in range(n_commitments)]
        self.engagements = [_ident(NodeKind.ENGAGEMENT, i) for i in range(n_engagements)]
        self.incidents = [_ident(NodeKind.INCIDENT, i) for i in range(n_incidents)]
        self.engagers = [_ident(NodeKind.ORGANISATION, i) for i in range(n_engagers)]
        self.other_orgs = [
            _ident(NodeKind.ORGANISATION, n_engagers + i) for i in range(n_other_orgs)
        ]

        # Armed actors: every kind and every structure among the first thirty.
        self.actors: list[_Actor] = []
        for i in range(n_actors):
            kind = _ACTOR_KINDS[i % len(_ACTOR_KINDS)] if i < 30 else rng.choice(_ACTOR_KINDS)
            structure = _STRUCTURES[i % len(_STRUCTURES)] if i < 30 else rng.choice(_STRUCTURES)
            if kind == m.ActorKind.COMMUNITY_MILITIA and i >= 30:
                structure = m.Structure.COMMUNITY_EMBEDDED
            party = kind != m.ActorKind.PEACE_OPERATION
            self.actors.append(_Actor(_ident(NodeKind.ARMED_ACTOR, i), kind, structure, party))
        # A conflict theatre per few actors: influence is mostly local to one.
        self.n_theatres = max(3, n_actors // 4)

        # Units, shared out with a heavy tail (a few big armies, many small groups).
        shares = [1.0 / (i + 1) ** 0.8 for i in range(n_actors)]
        rng.shuffle(shares)
        total = sum(shares)
        counts = [max(2, int(n_units * s / total)) for s in shares]
        self.units: list[_Unit] = []
        for a_idx, actor in enumerate(self.actors):
            b = _BRANCHING[actor.structure]
            for j in range(counts[a_idx]):
                uid = _ident(NodeKind.UNIT, len(self.units))
                if j < b:
                    parent, depth = actor.id, 0
                else:
                    parent_unit = self.units[len(self.units) - j + (j - b) // b]
                    parent, depth = parent_unit.id, parent_unit.depth + 1
                if actor.structure in (m.Structure.INTEGRATED, m.Structure.CENTRALISED):
                    echelon = _ECHELONS[min(depth, len(_ECHELONS) - 1)]
                elif depth == 0 and actor.structure == m.Structure.COALITION:
                    echelon = m.Echelon.BRIGADE
                else:
                    echelon = rng.choice(_LOCAL_ECHELONS)
                self.units.append(_Unit(uid, a_idx, parent, depth, echelon))
                actor.units.append(uid)
        self.unit_theatre = {u.id: u.actor % self.n_theatres for u in self.units}

        # Posts: one commanding each actor and each unit.
        self.posts: list[_Post] = []
        for a_idx, actor in enumerate(self.actors):
            actor.top_post = _ident(NodeKind.POST, len(self.posts))
            self.posts.append(_Post(actor.top_post, actor.id, a_idx % self.n_theatres))
        for unit in self.units:
            pid = _ident(NodeKind.POST, len(self.posts))
            self.posts.append(_Post(pid, unit.id, self.unit_theatre[unit.id]))

        # People: whatever the node budget leaves.
        fixed = (
            n_areas
            + n_communities
            + n_engagers
            + n_other_orgs
            + n_sources
            + n_commitments
            + n_engagements
            + n_incidents
            + n_actors
            + len(self.units)
            + len(self.posts)
        )
        n_people = max(60, n - fixed)
        self.people = [_ident(NodeKind.PERSON, i) for i in range(n_people)]
        pool = list(self.people)
        rng.shuffle(pool)
        cursor = 0

        def take(k: int) -> list[str]:
            nonlocal cursor
            got = pool[cursor : cursor + k]
            cursor += len(got)
            return got

        # Our focal points, community leaders and other organisations' staff first.
        self.focal_points: dict[str, list[str]] = {
            org: take(rng.randint(2, 4)) for org in self.engagers
        }
        self.leaders: dict[str, list[str]] = {c: take(rng.randint(1, 3)) for c in self.communities}
        self.staff: dict[str, list[str]] = {o: take(rng.randint(1, 3)) for o in self.other_orgs}
        # Holders, with rotations: one post in four had an earlier holder.
        self.commanders: list[str] = []
        for post in self.posts:
            if rng.random() < 0.04:
                continue  # vacant
            start = self._day(date(2016, 1, 1))
            if rng.random() < 0.25 and cursor < len(pool) - 1:
                before = take(1)[0]
                first = self._day(date(2012, 1, 1), date(2015, 12, 31))
                post.holders.append((before, first, _minus_one_day(start)))
            if cursor < len(pool):
                holder = take(1)[0]
                post.holders.append((holder, start, None))
                self.commanders.append(holder)
        # Everyone else: fighters, influencers, ordinary members of communities.
        self.others = pool[cursor:] or pool[-10:]

        # Where each stakeholder mostly acts: its theatre.
        self.theatre: dict[str, int] = {}
        for post in self.posts:
            self.theatre[post.id] = post.theatre
            for person, _, _ in post.holders:
                self.theatre[person] = post.theatre
        for u in self.units:
            self.theatre[u.id] = self.unit_theatre[u.id]
        for a_idx, actor in enumerate(self.actors):
            self.theatre[actor.id] = a_idx % self.n_theatres
        for node in [*self.communities, *self.other_orgs, *self.people]:
            if node not in self.theatre:
                self.theatre[node] = rng.randrange(self.n_theatres)
        self.community_theatre = {c: self.theatre[c] for c in self.communities}

    # ------------------------------------------------------------------ nodes

    def nodes(self) -> Iterator[m.AnyNode]:
        rng = self.rng
        for i, (aid, level, _) in enumerate(self.areas):
            yield m.Area(
                id=aid,
                name=f"Area {i:06d}",
                pcode=f"ZZ{i:06d}",
                admin_level=level,
                sensitivity=Sensitivity.PUBLIC,
            )
        kinds = _COMMUNITY_KINDS
        for i, cid in enumerate(self.communities):
            yield m.Community(
                id=cid,
                name=f"Community {i:06d}",
                community_kind=kinds[i % len(kinds)],
                sensitivity=self._sensitivity(),
            )
        for i, sid in enumerate(self.sources):
            yield m.Source(
                id=sid,
                name=f"Source {i:06d}",
                source_kind=rng.choice(_SOURCE_KINDS),
                reliability=rng.choice(_RELIABILITY),
                credibility=rng.choice(_CREDIBILITY),
                sensitivity=rng.choice(
                    [Sensitivity.CONFIDENTIAL, Sensitivity.STRICTLY_CONFIDENTIAL]
                ),
            )
        for i, oid in enumerate(self.engagers):
            yield m.Organisation(
                id=oid,
                name=f"Organisation {i:06d}",
                org_kind=_ENGAGER_ORGS[i % len(_ENGAGER_ORGS)],
                engager=True,
                hct_member=True,
                sensitivity=Sensitivity.PUBLIC,
            )
        for j, oid in enumerate(self.other_orgs):
            yield m.Organisation(
                id=oid,
                name=f"Organisation {len(self.engagers) + j:06d}",
                org_kind=_OTHER_ORGS[j % len(_OTHER_ORGS)],
                sensitivity=self._sensitivity(),
            )
        for i, actor in enumerate(self.actors):
            profiles: tuple[m.ComProfile, ...] = ()
            if rng.random() < 0.5:
                profiles = (self._profile(),)
            yield m.ArmedActor(
                id=actor.id,
                name=f"Armed Actor {i:06d}",
                actor_kind=actor.kind,
                structure=actor.structure,
                party_to_conflict=actor.party,
                threat_level=rng.choice(_THREATS),
                confidence=self._confidence(),
                valid_from=self._day(date(2005, 1, 1), date(2014, 1, 1)),
                profiles=profiles,
                sensitivity=self._sensitivity(),
            )
        for i, unit in enumerate(self.units):
            yield m.Unit(
                id=unit.id,
                name=f"Unit {i:06d}",
                echelon=unit.echelon,
                threat_level=rng.choice(_THREATS),
                confidence=self._confidence(),
                sensitivity=self._sensitivity(),
            )
        for i, post in enumerate(self.posts):
            yield m.Post(id=post.id, name=f"Post {i:06d}", sensitivity=self._sensitivity())
        at_risk = 0.03
        for i, pid in enumerate(self.people):
            yield m.Person(
                id=pid,
                name=f"Person {i:06d}",
                at_risk=rng.random() < at_risk,
                sensitivity=self._sensitivity(),
            )
        for i, iid in enumerate(self.incidents):
            pattern = rng.choice(_HARM)
            yield m.Incident(
                id=iid,
                name=f"Incident {i:06d}",
                date=self._day(date(2018, 1, 1)),
                harm_pattern=pattern,
                fatalities=rng.choice([0, 0, 1, 2, 3, 5, 12]),
                civilian_targeting=pattern == m.HarmPattern.DELIBERATE,
                basis=rng.choice(_BASES),
                evidence_count=rng.randint(0, 5),
                sensitivity=self._sensitivity(),
            )
        for i, eid in enumerate(self.engagements):
            yield m.Engagement(
                id=eid,
                name=f"Engagement {i:06d}",
                date=self._day(date(2020, 1, 1)),
                mode=rng.choice(_MODES),
                sensitivity=self._sensitivity(),
            )
        for i, cid in enumerate(self.commitments):
            yield m.Commitment(
                id=cid,
                name=f"Commitment {i:06d}",
                commitment_kind=rng.choice(_COMMITMENT_KINDS),
                date=self._day(date(2015, 1, 1)),
                sensitivity=Sensitivity.PUBLIC,
            )
        for k, (sid, _, _) in enumerate(self._sites()):
            yield m.Site(
                id=sid,
                name=f"Site {k:06d}",
                site_kind=m.SiteKind.CHECKPOINT,
                sensitivity=Sensitivity.RESTRICTED,
            )

    def _sites(self) -> list[tuple[str, str, str]]:
        """(site, district, controlling actor): one checkpoint per tenth district,
        chosen without the random stream, so every other record stays as it was."""
        picked = self.districts[::10] or self.districts[:1]
        return [
            (_ident(NodeKind.SITE, k), district, self.actors[k % len(self.actors)].id)
            for k, district in enumerate(picked)
        ]

    def _profile(self) -> m.ComProfile:
        def score() -> m.ComScore:
            return m.ComScore(
                score=round(self.rng.random(), 2),
                evidence=(m.SourceRef(source_id=self.rng.choice(self.sources)),),
            )

        return m.ComProfile(
            assessed_on=self._day(date(2022, 1, 1)),
            capability=score(),
            opportunity=score(),
            motivation=score(),
        )

    # ------------------------------------------------------------------ relationships

    def relationships(self) -> Iterator[m.AnyRelationship]:
        yield from self._structure()
        yield from self._people()
        yield from self._events()
        yield from self._allegiances()
        yield from self._networks()
        yield from self._ties()
        # Last, and with fixed fields: the records above keep their ids and values.
        fixed = {"confidence": 0.8, "sensitivity": Sensitivity.RESTRICTED}
        for sid, district, actor in self._sites():
            yield self._rel(m.PartOf, sid, district, **fixed)
            yield self._rel(m.Controls, actor, sid, **fixed)

    def _rel(self, model: type[Any], source: str, target: str, **kw: Any) -> Any:
        kw.setdefault("confidence", self._confidence())
        kw.setdefault("sensitivity", self._sensitivity())
        self._emitted_rels += 1
        return model(id=self._rel_id(), source_id=source, target_id=target, **kw)

    def _structure(self) -> Iterator[m.AnyRelationship]:
        rng = self.rng
        for aid, _, parent in self.areas:
            if parent is not None:
                yield self._rel(m.PartOf, aid, parent, confidence=1.0)
        for unit in self.units:
            actor = self.actors[unit.actor]
            if unit.depth == 0 and rng.random() < 0.03:
                # A defection: the unit left its group and joined another.
                other = rng.choice(self.actors)
                if other.id != actor.id:
                    moved = self._day(date(2019, 1, 1), date(2025, 1, 1))
                    yield self._rel(
                        m.PartOf, unit.id, actor.id, valid_to=_minus_one_day(_full(moved))
                    )
                    yield self._rel(m.PartOf, unit.id, other.id, valid_from=_full(moved))
                    continue
            yield self._rel(m.PartOf, unit.id, unit.parent)
        # Coalitions: member groups are part of them.
        coalitions = [a for a in self.actors if a.structure == m.Structure.COALITION]
        members = [a for a in self.actors if a.structure != m.Structure.COALITION]
        for coalition in coalitions:
            for member in rng.sample(members, min(len(members), rng.randint(2, 3))):
                yield self._rel(m.PartOf, member.id, coalition.id, valid_from=self._day())
        for post in self.posts:
            yield self._rel(m.PartOf, post.id, post.commands, confidence=1.0)
            yield self._rel(m.Commands, post.id, post.commands)
            for person, start, end in post.holders:
                yield self._rel(m.Holds, person, post.id, valid_from=start, valid_to=end)
        # In decentralised groups a local commander often commands in person too.
        for unit in self.units:
            actor = self.actors[unit.actor]
            if actor.structure == m.Structure.DECENTRALISED and rng.random() < 0.2:
                yield self._rel(m.Commands, rng.choice(self.others), unit.id)
        # Splinter groups.
        for i, actor in enumerate(self.actors[1:], start=1):
            if i == len(self.actors) - 1 or rng.random() < 0.12:
                origin = self.actors[rng.randrange(i)]
                yield self._rel(m.SplinterOf, actor.id, origin.id)
        # Areas of control and operation.
        for unit in self.units:
            if rng.random() < 0.35:
                yield self._rel(m.Controls, unit.id, rng.choice(self.districts))
            if rng.random() < 0.25:
                yield self._rel(m.OperatesIn, unit.id, rng.choice(self.districts))
        for actor in self.actors:
            for district in rng.sample(self.districts, min(3, len(self.districts))):
                yield self._rel(m.OperatesIn, actor.id, district)
        for node in [*self.communities, *self.engagers, *self.other_orgs]:
            yield self._rel(m.OperatesIn, node, rng.choice(self.districts))
        # Commitments.
        for cid in self.commitments:
            yield self._rel(m.CommittedTo, rng.choice(self.actors).id, cid)

    def _people(self) -> Iterator[m.AnyRelationship]:
        rng = self.rng
        # Commanders sit in the formation they command.
        for post in self.posts:
            for person, start, end in post.holders:
                yield self._rel(m.MemberOf, person, post.commands, valid_from=start, valid_to=end)
        # Our focal points, and the engagers' membership of coordination bodies.
        for org, people in self.focal_points.items():
            for person in people:
                yield self._rel(m.FocalPointFor, person, org, confidence=1.0)
                yield self._rel(m.MemberOf, person, org, confidence=1.0)
            if rng.random() < 0.3:
                yield self._rel(m.MemberOf, org, rng.choice(self.engagers), confidence=1.0)
        for org in self.other_orgs:
            if rng.random() < 0.1:
                yield self._rel(m.PartOf, org, rng.choice(self.other_orgs[:3]))
        # Each armed group has a liaison, usually one of its own.
        for actor in self.actors:
            if rng.random() < 0.6:
                yield self._rel(m.FocalPointFor, rng.choice(self.others), actor.id)
        # Community leaders speak for their community and belong to it.
        for community, people in self.leaders.items():
            for person in people:
                yield self._rel(m.FocalPointFor, person, community)
                yield self._rel(m.BelongsTo, person, community)
        for org, people in self.staff.items():
            for person in people:
                yield self._rel(m.MemberOf, person, org)
        # Everyone else belongs somewhere: a community, a unit, an organisation.
        theatre_communities: dict[int, list[str]] = {}
        for c in self.communities:
            theatre_communities.setdefault(self.community_theatre[c], []).append(c)
        for person in [*self.others, *self.commanders]:
            local = theatre_communities.get(self.theatre[person]) or self.communities
            if rng.random() < 0.6:
                yield self._rel(m.BelongsTo, person, rng.choice(local))
            if rng.random() < 0.2:
                yield self._rel(m.MemberOf, person, rng.choice(local))
        for person in self.others:
            if rng.random() < 0.25:
                yield self._rel(m.MemberOf, person, rng.choice(self.units).id)
        # Community-embedded groups belong to their communities.
        for a_idx, actor in enumerate(self.actors):
            if actor.structure != m.Structure.COMMUNITY_EMBEDDED:
                continue
            local = theatre_communities.get(a_idx % self.n_theatres) or self.communities
            yield self._rel(m.BelongsTo, actor.id, rng.choice(local), confidence=0.9)
            for uid in actor.units:
                yield self._rel(m.BelongsTo, uid, rng.choice(local))

    def _events(self) -> Iterator[m.AnyRelationship]:
        rng = self.rng
        perpetrators = _Zipf([u.id for u in self.units], 0.7)
        for iid in self.incidents:
            r = rng.random()
            who = (
                perpetrators.pick(rng)
                if r < 0.8
                else rng.choice(self.actors).id
                if r < 0.95
                else rng.choice(self.commanders or self.others)
            )
            yield self._rel(m.Perpetrated, who, iid, attribution=rng.choice(_ATTRIBUTIONS))
            yield self._rel(m.OccurredIn, iid, rng.choice(self.districts), confidence=0.9)
            if rng.random() < 0.3:
                yield self._rel(m.Cites, iid, rng.choice(self.sources), locator="p. 2")
        for eid in self.engagements:
            org = rng.choice(self.engagers)
            yield self._rel(m.ParticipatedIn, org, eid, role="convener")
            yield self._rel(m.ParticipatedIn, rng.choice(self.focal_points[org]), eid)
            yield self._rel(m.ParticipatedIn, rng.choice(self.posts).id, eid, role="counterpart")
            yield self._rel(m.OccurredIn, eid, rng.choice(self.districts))

    def _allegiances(self) -> Iterator[m.AnyRelationship]:
        """Alliances and oppositions between actors and between units; some shift."""
        rng = self.rng
        n = len(self.actors)
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        rng.shuffle(pairs)
        for i, j in pairs[: max(n * 2, 20)]:
            a, b = self.actors[i].id, self.actors[j].id
            start = self._day(date(2012, 1, 1), date(2020, 1, 1))
            if rng.random() < 0.5:
                if rng.random() < 0.4:
                    # The alliance broke down; they have fought each other since.
                    split = self._day(date(2020, 6, 1), date(2025, 1, 1))
                    yield self._rel(
                        m.AlliedWith,
                        a,
                        b,
                        valid_from=start,
                        valid_to=_minus_one_day(_full(split)),
                        strength=0.7,
                    )
                    yield self._rel(m.Opposes, a, b, valid_from=_full(split), strength=0.8)
                else:
                    yield self._rel(m.AlliedWith, a, b, valid_from=start, strength=0.6)
            else:
                yield self._rel(m.Opposes, a, b, valid_from=start, strength=0.7)
        for _ in range(max(10, len(self.units) // 20)):
            u, v = rng.sample(self.units, 2)
            model = m.AlliedWith if rng.random() < 0.5 else m.Opposes
            yield self._rel(model, u.id, v.id, valid_from=self._day(date(2018, 1, 1)))
        supporters = self.other_orgs + self.others[: max(10, len(self.others) // 50)]
        for _ in range(max(10, len(self.actors) * 4)):
            target = rng.choice(self.actors)
            yield self._rel(
                m.Supports,
                rng.choice(supporters),
                target.id if rng.random() < 0.7 else rng.choice(target.units),
                strength=round(rng.uniform(0.2, 1.0), 2),
                channel=rng.choice([m.Channel.FINANCIAL, m.Channel.POLITICAL, m.Channel.PATRONAGE]),
                last_cited=self._day(date(2019, 1, 1)),
            )

    def _ties(self) -> Iterator[m.AnyRelationship]:
        """Leaders of one community sit on its council together: a symmetric tie.

        Emitted last and drawing nothing from the random stream, so every other
        record (and its id) is what it was before this type existed; capped at
        0.5% of the relationship budget.
        """
        budget = max(1, self.size.relationships // 200)
        pairs = [(ps[0], ps[1]) for _, ps in sorted(self.leaders.items()) if len(ps) > 1]
        for a, b in pairs[:budget]:
            yield self._rel(
                m.AssociatedWith,
                a,
                b,
                tie_kind=m.TieKind.CO_PARTICIPATION,
                confidence=0.8,
                sensitivity=Sensitivity.RESTRICTED,
            )

    def _networks(self) -> Iterator[m.AnyRelationship]:
        """Access and influence, filling the relationship budget left after structure."""
        rng = self.rng
        left = max(0, self.size.relationships - self._emitted_rels)
        n_access = int(left * 0.27)
        n_cites = int(left * 0.1)
        n_influence = left - n_access - n_cites

        armed_side = [
            *self.commanders,
            *(p.id for p in self.posts),
            *(u.id for u in self.units),
            *(a.id for a in self.actors),
        ]
        stakeholders = [
            *armed_side,
            *self.others,
            *self.communities,
            *self.other_orgs,
            *(p for ps in self.leaders.values() for p in ps),
            *(p for ps in self.staff.values() for p in ps),
        ]
        by_theatre: dict[int, list[str]] = {}
        for node in stakeholders:
            by_theatre.setdefault(self.theatre.get(node, 0), []).append(node)
        hubs = list(stakeholders)
        rng.shuffle(hubs)
        global_pick = _Zipf(hubs, 0.8)
        armed_order = list(armed_side)
        rng.shuffle(armed_order)
        armed_pick = _Zipf(armed_order, 0.6)
        local_pick = {t: _Zipf(nodes, 0.8) for t, nodes in sorted(by_theatre.items())}

        # Access: from our engagers and focal points (heavy users), and from other
        # organisations and their staff, to stakeholders of every kind.
        ours = [*self.engagers, *(p for ps in self.focal_points.values() for p in ps)]
        theirs = [*self.other_orgs, *(p for ps in self.staff.values() for p in ps)]
        ours_pick = _Zipf(ours, 0.5)
        for _ in range(n_access):
            source = ours_pick.pick(rng) if rng.random() < 0.7 else rng.choice(theirs)
            target = armed_pick.pick(rng) if rng.random() < 0.5 else global_pick.pick(rng)
            if target == source:
                continue
            quality = rng.choice(_QUALITIES)
            last = self._day(date(2019, 1, 1)) if rng.random() < 0.85 else None
            yield self._rel(
                m.HasAccessTo,
                source,
                target,
                strength=round(rng.uniform(0.3, 1.0), 2),
                channel=rng.choice([m.Channel.HUMANITARIAN, m.Channel.DIPLOMATIC, m.Channel.OTHER]),
                quality=quality,
                last_contact=last,
                sources=self._sources(0.3),
            )
        # Influence: heavy-tailed, mostly inside one theatre, aimed at the armed side.
        for _ in range(n_influence):
            source = global_pick.pick(rng)
            r = rng.random()
            if r < 0.6:
                target = local_pick[self.theatre.get(source, 0)].pick(rng)
            elif r < 0.85:
                target = armed_pick.pick(rng)
            else:
                target = global_pick.pick(rng)
            if target == source:
                continue
            start = self._day(date(2012, 1, 1), date(2024, 1, 1))
            ended = rng.random() < 0.08
            yield self._rel(
                m.Influences,
                source,
                target,
                strength=round(rng.uniform(0.1, 1.0), 2),
                channel=rng.choice(_CHANNELS),
                valid_from=start,
                valid_to=self._day(lower_bound_next(start), AS_OF) if ended else None,
                last_cited=self._day(date(2018, 1, 1)) if rng.random() < 0.7 else None,
                sources=self._sources(0.3),
            )
        citing = [*self.people[:: max(1, len(self.people) // 200)], *self.communities]
        for _ in range(n_cites):
            yield self._rel(m.Cites, rng.choice(citing), rng.choice(self.sources))

    # ------------------------------------------------------------------ output

    def records(self) -> Iterator[m.AnyRecord]:
        """Every record, nodes first; a relationship always after both its endpoints."""
        yield from self.nodes()
        yield from self.relationships()


def _minus_one_day(day: str) -> str:
    return (date.fromisoformat(_full(day)) - timedelta(days=1)).isoformat()


def _full(day: str) -> str:
    """A partial date's first day, as a full date."""
    parts = day.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def lower_bound_next(day: str) -> date:
    """The day after a (partial) date's last day: a safe start for its interval's end."""
    return upper_bound(day) + timedelta(days=1)


def records(size: Size | str, seed: int = 0) -> Iterator[m.AnyRecord]:
    """The records of one generated graph, nodes first (see `Generator`)."""
    spec = SIZES[size] if isinstance(size, str) else size
    return Generator(spec, seed).records()


def batches(size: Size | str, seed: int = 0, *, batch_size: int = 10_000) -> Iterator[WriteBatch]:
    """The generated graph in store-ready `WriteBatch`es of `batch_size` records, in order."""
    stream = records(size, seed)
    while True:
        chunk = list(itertools.islice(stream, batch_size))
        if not chunk:
            return
        yield WriteBatch.of(chunk)


def sample_evenly(items: Sequence[T], k: int) -> list[T]:
    """`k` items spread evenly over `items` (all of them when there are fewer)."""
    if k >= len(items):
        return list(items)
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]
