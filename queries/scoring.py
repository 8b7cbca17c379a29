"""How much one hop of a leverage path is worth, and how hops add up to a path.

A hop is one relationship walked in one direction. Its score is the product of
independent factors, each in [0, 1]:

- **strength**: how strong the relationship is, as recorded (access, influence,
  support, command carry one); relationships without a strength (membership,
  posts, nesting) use a documented default per type;
- **confidence**: how sure the analyst is that the relationship exists;
- **recency**: evidence fades. A relationship last confirmed long before the
  question date counts for less, halving every `half_life_days`;
- **source grade**: a claim backed by an A1 source counts fully, one backed
  only by an E5 source much less; unsourced claims are left at their confidence;
- **structure**: command carries less influence *downward* in decentralised,
  coalition and community-embedded groups than in integrated hierarchies;
- **type** and **access quality**: support is weaker leverage than direct
  influence; occasional or indirect access is weaker than regular access, and
  suspended access is no access at all.

A path's score is the product of its hops' scores, so it lies in (0, 1] and one
weak link weakens the whole chain, as it does in the field. For ranking we use
``-log(score)`` as an additive, non-negative edge weight: shortest weighted
paths are then the best products. See ``docs/scoring.md`` for a worked example.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from graph import model as m
from graph.dates import upper_bound
from graph.timeline import evidence_on, known_on

# Command influence that survives one level down a group's hierarchy. Integrated
# armies pass orders down intact; a decentralised group's centre has little hold
# over its local commanders; a community-embedded group answers to the community
# more than to its nominal leader; a coalition's command binds its members loosely.
COMMAND_DOWN: Mapping[str, float] = {
    m.Structure.INTEGRATED.value: 1.0,
    m.Structure.CENTRALISED.value: 0.9,
    m.Structure.COALITION.value: 0.5,
    m.Structure.DECENTRALISED.value: 0.35,
    m.Structure.COMMUNITY_EMBEDDED.value: 0.3,
}

# How strongly a community's own leaders and norms pull on an armed group that
# belongs to it: decisive for community-embedded groups, weak for an integrated army.
COMMUNITY_PULL: Mapping[str, float] = {
    m.Structure.COMMUNITY_EMBEDDED.value: 1.0,
    m.Structure.DECENTRALISED.value: 0.6,
    m.Structure.COALITION.value: 0.4,
    m.Structure.CENTRALISED.value: 0.4,
    m.Structure.INTEGRATED.value: 0.3,
}

# Relationships without a recorded strength: what one hop over them is worth.
DEFAULT_STRENGTH: Mapping[str, float] = {
    "PART_OF": 1.0,  # weakened by structure when it goes down a hierarchy
    "HOLDS": 0.95,  # a post and its current holder are nearly the same door
    "FOCAL_POINT_FOR": 0.9,  # a focal point speaks for, and is reached through, the body
    "MEMBER_OF": 0.7,  # an organisation acts through its members, less surely
    "BELONGS_TO": 0.7,  # a community's pull on its members, before structure
    "COMMANDS": 0.8,
    "INFLUENCES": 0.5,
    "SUPPORTS": 0.5,
    "HAS_ACCESS_TO": 0.5,
}

# Support (money, arms, politics) gives leverage only if the supporter is willing
# to condition it; it is weaker than direct influence of the same strength.
# A symmetric tie (ASSOCIATED_WITH: association, co-participation, kinship)
# says two people know each other, not that either can move the other: a door
# worth less than a recorded influence of the same strength, in both directions.
TYPE_WEIGHT: Mapping[str, float] = {"SUPPORTS": 0.7, "ASSOCIATED_WITH": 0.6}

ACCESS_QUALITY: Mapping[str, float] = {
    m.AccessQuality.REGULAR.value: 1.0,
    m.AccessQuality.OCCASIONAL.value: 0.85,
    m.AccessQuality.INDIRECT.value: 0.6,
    m.AccessQuality.SUSPENDED.value: 0.0,  # suspended access is not a way in
}

# Admiralty grades. F and 6 ("cannot be judged") are not evidence of
# unreliability, so they sit above D and 4.
RELIABILITY: Mapping[str, float] = {"A": 1.0, "B": 0.95, "C": 0.85, "D": 0.7, "E": 0.5, "F": 0.8}
CREDIBILITY: Mapping[str, float] = {"1": 1.0, "2": 0.95, "3": 0.85, "4": 0.7, "5": 0.5, "6": 0.8}

# Which dated field says when a relationship was last known to hold, first one
# present *and known on the question date* wins (graph.timeline.evidence_on: a
# 2024 contact never freshens an answer about 2020; the next field speaks). A
# command, a post or a membership is current for as long as it is valid (the
# store already filtered by date): only fresh *evidence* dates it, never its
# start. Access is dated by the last contact.
RECENCY_FIELDS: Mapping[str, tuple[str, ...]] = {
    "HAS_ACCESS_TO": ("last_contact", "last_cited", "valid_from"),
    "INFLUENCES": ("last_cited", "valid_from"),
    "SUPPORTS": ("last_cited", "valid_from"),
    "ASSOCIATED_WITH": ("last_cited", "valid_from"),
}
_EVIDENCE_ONLY: tuple[str, ...] = ("last_cited",)


@dataclass(frozen=True)
class ScoringParams:
    """Every tunable of the hop score, with field-grounded defaults.

    Parameters
    ----------
    half_life_days
        Evidence this old counts half. Two years by default: relationships in
        protracted conflicts last years, but commanders rotate and alliances shift.
    recency_floor
        Old evidence is never worth less than this: an old but unrefuted
        relationship is a lead worth checking, not nothing.
    undated_recency
        Factor for a relationship with no date at all (neutral by default: we
        do not invent an age).
    command_down
        Structure factor for command going down a hierarchy, per structure.
    local_command
        Factor for a commander's command over their *own* unit. ``None`` applies
        `command_down` to it as well; the default ``1.0`` treats a local
        commander's hold on their unit as strong in any structure, which is what
        makes local commanders the entry point to decentralised groups.
    unknown_structure
        Structure factor when a unit cannot be traced to its armed actor, or
        its actor's structure is ``unknown`` (event data says nothing about
        command): between the top-down and the local readings, favouring neither.
    community_pull
        Factor for a community reaching an armed group that belongs to it.
    default_strength, type_weight, access_quality, reliability, credibility,
    recency_fields
        See the module tables of the same names.
    """

    half_life_days: float = 730.0
    recency_floor: float = 0.1
    undated_recency: float = 1.0
    command_down: Mapping[str, float] = field(default_factory=lambda: dict(COMMAND_DOWN))
    local_command: float | None = 1.0
    unknown_structure: float = 0.6
    community_pull: Mapping[str, float] = field(default_factory=lambda: dict(COMMUNITY_PULL))
    default_strength: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_STRENGTH))
    type_weight: Mapping[str, float] = field(default_factory=lambda: dict(TYPE_WEIGHT))
    access_quality: Mapping[str, float] = field(default_factory=lambda: dict(ACCESS_QUALITY))
    reliability: Mapping[str, float] = field(default_factory=lambda: dict(RELIABILITY))
    credibility: Mapping[str, float] = field(default_factory=lambda: dict(CREDIBILITY))
    recency_fields: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(RECENCY_FIELDS)
    )

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ValueError("half_life_days must be positive")
        singles = {
            "recency_floor": self.recency_floor,
            "undated_recency": self.undated_recency,
            "unknown_structure": self.unknown_structure,
        }
        if self.local_command is not None:
            singles["local_command"] = self.local_command
        tables = (
            self.command_down,
            self.community_pull,
            self.default_strength,
            self.type_weight,
            self.access_quality,
            self.reliability,
            self.credibility,
        )
        values = [*singles.items(), *((k, v) for t in tables for k, v in t.items())]
        for name, value in values:
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"scoring factor {name}={value} must lie in [0, 1]")

    def structure_down(self, structure: str | None) -> float:
        """Factor for command going one level down in a group of this structure."""
        if structure is None:
            return self.unknown_structure
        return self.command_down.get(structure, self.unknown_structure)

    def as_dict(self) -> dict[str, Any]:
        return {
            "half_life_days": self.half_life_days,
            "recency_floor": self.recency_floor,
            "undated_recency": self.undated_recency,
            "command_down": dict(self.command_down),
            "local_command": self.local_command,
            "unknown_structure": self.unknown_structure,
            "community_pull": dict(self.community_pull),
            "default_strength": dict(self.default_strength),
            "type_weight": dict(self.type_weight),
            "access_quality": dict(self.access_quality),
        }


DEFAULT_PARAMS = ScoringParams()


@dataclass(frozen=True)
class HopScore:
    """The factors of one hop's score, kept so every hop can be explained."""

    strength: float
    confidence: float
    recency: float
    grade: float
    structure: float
    type_weight: float
    quality: float
    source_grade: str | None
    last_verified: str | None
    recency_basis: str | None

    @property
    def score(self) -> float:
        return (
            self.strength
            * self.confidence
            * self.recency
            * self.grade
            * self.structure
            * self.type_weight
            * self.quality
        )


def question_date(graph: nx.MultiDiGraph[str], as_of: date | None) -> date:
    """The date a question is asked at: explicit, else the projection's, else today.

    Recency is measured against it, so the same graph asked about the same date
    always gives the same scores.
    """
    if as_of is not None:
        return as_of
    stamped = graph.graph.get("as_of")
    if isinstance(stamped, str) and stamped:
        return date.fromisoformat(stamped)
    return date.today()


def recency_factor(when: str | None, as_of: date, params: ScoringParams = DEFAULT_PARAMS) -> float:
    """Exponential decay of evidence with age, floored.

    A partial date counts from the last day it can mean, so a vague date is
    not penalised for its vagueness; a date after the question date counts as
    fresh.

    Examples
    --------
    >>> from datetime import date
    >>> recency_factor("2024-06-01", date(2024, 6, 1))
    1.0
    >>> round(recency_factor("2022-06-01", date(2024, 5, 31)), 3)  # two years: one half-life
    0.5
    >>> recency_factor(None, date(2024, 6, 1))  # undated: neutral
    1.0
    >>> recency_factor("2001", date(2024, 6, 1))  # very old: the floor
    0.1
    """
    if when is None:
        return params.undated_recency
    age = (as_of - upper_bound(when)).days
    if age <= 0:
        return 1.0
    return max(params.recency_floor, float(0.5 ** (age / params.half_life_days)))


def last_verified(
    record: m.RelBase, params: ScoringParams = DEFAULT_PARAMS, as_of: date | None = None
) -> tuple[str | None, str | None]:
    """The date a relationship was last known to hold on `as_of`, and which
    field said so (None: any date, as stored)."""
    fields = params.recency_fields.get(record.type, _EVIDENCE_ONLY)  # type: ignore[attr-defined]
    return evidence_on(record, as_of, fields)


def grade_factor(
    graph: nx.MultiDiGraph[str],
    record: m.Envelope,
    params: ScoringParams = DEFAULT_PARAMS,
    as_of: date | None = None,
) -> tuple[float, str | None]:
    """Factor and label (``"B2"``) of the best visible source a record cites.

    Only sources present in the projection count: a source above the viewer's
    clearance is simply absent, and the claim is then scored on its confidence
    alone, exactly as an unsourced claim is, so nothing hints that it exists.
    Nor does a source not yet known on `as_of` (graph.timeline.known_on): a
    2024 report cannot lift a hop's grade in 2020.
    """
    best: tuple[float, str | None] = (1.0, None)
    found = False
    for ref in record.sources:
        data = graph.nodes.get(ref.source_id)
        source = data.get("record") if data else None
        if not isinstance(source, m.Source) or (as_of and not known_on(source, as_of)):
            continue
        factor = params.reliability.get(source.reliability.value, 1.0) * params.credibility.get(
            source.credibility.value, 1.0
        )
        label = f"{source.reliability.value}{source.credibility.value}"
        if not found or factor > best[0]:
            best = (factor, label)
            found = True
    return best


def hop_score(
    graph: nx.MultiDiGraph[str],
    record: m.RelBase,
    *,
    as_of: date,
    structure: float = 1.0,
    params: ScoringParams = DEFAULT_PARAMS,
) -> HopScore:
    """Score one hop over `record`; `structure` is the structure factor the
    traversal rules decided for this direction (1.0 when none applies).

    Examples
    --------
    >>> from datetime import date
    >>> import networkx as nx
    >>> from graph import model as m
    >>> access = m.HasAccessTo(id="r1", source_id="org_a", target_id="per_b", strength=0.8,
    ...                        confidence=0.9, quality="regular", last_contact="2024-06-01")
    >>> round(hop_score(nx.MultiDiGraph(), access, as_of=date(2024, 6, 1)).score, 3)
    0.72
    >>> command = m.Commands(id="r2", source_id="per_c", target_id="act_d", confidence=1.0)
    >>> round(hop_score(nx.MultiDiGraph(), command, as_of=date(2024, 6, 1),
    ...                 structure=0.35).score, 3)  # decentralised: command from the top is weak
    0.28
    """
    rel_type: str = record.type  # type: ignore[attr-defined]
    strength = record.__dict__.get("strength")  # not getattr: see graph.projection
    if strength is None:
        strength = params.default_strength.get(rel_type, 0.5)
    quality = 1.0
    if isinstance(record, m.HasAccessTo):
        quality = params.access_quality.get(record.quality.value, 1.0)
    when, basis = last_verified(record, params, as_of)
    grade, label = grade_factor(graph, record, params, as_of)
    return HopScore(
        strength=float(strength),
        confidence=record.confidence,
        recency=recency_factor(when, as_of, params),
        grade=grade,
        structure=structure,
        type_weight=params.type_weight.get(rel_type, 1.0),
        quality=quality,
        source_grade=label,
        last_verified=when,
        recency_basis=basis,
    )


def path_score(hop_scores: Iterable[float]) -> float:
    """The product of hop scores: one weak link weakens the whole chain.

    Examples
    --------
    >>> path_score([0.9, 0.5])
    0.45
    >>> path_score([])  # the empty path: the engager is the target
    1.0
    """
    total = 1.0
    for score in hop_scores:
        total *= score
    return total


def weight_of(score: float) -> float:
    """Additive edge weight for a hop score in (0, 1]: ``-log(score)``, never negative."""
    if not 0.0 < score <= 1.0:
        raise ValueError(f"hop score {score} outside (0, 1]")
    return max(0.0, -math.log(score))


def score_of(weight: float) -> float:
    """Inverse of `weight_of`: the product score of a path of total weight `weight`."""
    return math.exp(-weight)
