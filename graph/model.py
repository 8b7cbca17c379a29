"""Domain models: one frozen pydantic model per node kind and relationship type.

These classes define shape; `graph.schema.SCHEMA` holds the metadata (which
relationship may join which kinds, which carry influence) and is the single
place stores, importers, templates and forms derive from.

Every record shares the `Envelope`: a stable id, a validity interval with
partial dates, the evidence window (when sources first and last mentioned it,
which is *not* when it began or ended), whether it was asserted by an analyst
or inferred from event data, confidence, source references, a sensitivity
label, and who recorded it when.

This module is where every model is named: `from graph.model import ArmedActor`
and `m.ArmedActor` work everywhere. It defines the enums and field types
itself; the classes live in three modules it imports on first use, the
envelope and its parts (`graph.envelope`), the node kinds
(`graph.node_models`) and the relationship types (`graph.relationship_models`).
Creating a pydantic class collects and copies every field's annotation even
when its validator is deferred, and the 46 classes cost every CLI command
about a tenth of its start-up CPU (issue 13): `actorgraph stats` counts rows
and creates none of them, `actorgraph show` of a node creates no relationship
class. The names below are what mypy reads; `__getattr__` is what runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, cast

from pydantic import BeforeValidator, Field, GetCoreSchemaHandler, StringConstraints
from pydantic_core import CoreSchema, core_schema

from graph.dates import normalise_partial
from graph.sensitivity import Sensitivity

if TYPE_CHECKING:
    # What mypy reads: every class by its name here (each home module's `__all__`).
    from graph.envelope import *  # noqa: F403 -- re-exports the home's __all__, for mypy only
    from graph.envelope import Envelope
    from graph.node_models import *  # noqa: F403 -- as above
    from graph.relationship_models import *  # noqa: F403 -- as above

    AnyRecord = AnyNode | AnyRelationship  # noqa: F405 -- from the homes above

# --------------------------------------------------------------------------- aliases

PartialDate = Annotated[str, BeforeValidator(normalise_partial)]
"""`2021`, `2021-03` or `2021-03-14`; see graph.dates."""

Confidence = Annotated[float, Field(ge=0, le=1)]
Strength = Annotated[float, Field(ge=0, le=1)]
Score = Annotated[float, Field(ge=0, le=1)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^\S+$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
PCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{2,3}[0-9]{0,12}$")
]

# --------------------------------------------------------------------------- enums


class AsText:
    """Field metadata: write a `StrEnum` member to JSON as its text.

    pydantic-core writes an enum field by calling the member's `.value` in
    Python (an enum property), about 2.3 times per record of an import: a
    third of the time `graph.row_codec.to_row` spent in pydantic's `to_json`.
    A `str` subclass it writes natively, from the string itself, and a
    `StrEnum` member's string is its value: the same JSON, byte for byte
    (tests/unit/test_row_codec.py). Validation, `model_dump()` (the member
    itself) and `model_dump(mode="json")` (its text) are unchanged.
    `Annotated[Sensitivity, AsText]` for an enum defined elsewhere; the enums
    here are `TextEnum`s.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.simple_ser_schema("str")
        return cast(CoreSchema, {**handler(source), "serialization": text})


class TextEnum(StrEnum):
    """The schema's enums: `StrEnum`s written to JSON as their text (`AsText`)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return AsText.__get_pydantic_core_schema__(source, handler)


SensitivityLabel = Annotated[Sensitivity, AsText]
"""A record's label (graph.sensitivity), written to JSON as its text."""


class ActorKind(TextEnum):
    STATE_FORCE = "state_force"
    NON_STATE_ARMED_GROUP = "non_state_armed_group"
    COMMUNITY_MILITIA = "community_militia"
    PEACE_OPERATION = "peace_operation"
    FOREIGN_FORCE = "foreign_force"
    PRIVATE_MILITARY_COMPANY = "private_military_company"


class Structure(TextEnum):
    """How a group is commanded; it decides the entry point for engagement.

    Integrated hierarchies and centralised groups are reached through the top
    and through doctrine and training; decentralised groups through their
    local commanders; community-embedded groups through community leaders.
    `UNKNOWN` is what event data gives (it says nothing about command): no
    entry point is recommended until an analyst assesses it.
    """

    INTEGRATED = "integrated"
    CENTRALISED = "centralised"
    DECENTRALISED = "decentralised"
    COMMUNITY_EMBEDDED = "community_embedded"
    COALITION = "coalition"
    UNKNOWN = "unknown"


class Echelon(TextEnum):
    CORPS = "corps"
    DIVISION = "division"
    BRIGADE = "brigade"
    BATTALION = "battalion"
    COMPANY = "company"
    PLATOON = "platoon"
    CHECKPOINT = "checkpoint"
    CELL = "cell"
    OTHER = "other"


class ThreatLevel(TextEnum):
    """Actor-mapping judgement of the threat a group poses to civilians."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    SEVERE = "severe"


class OrgKind(TextEnum):
    RC_HC_OFFICE = "rc_hc_office"
    OCHA_CMCOORD = "ocha_cmcoord"
    UN_AGENCY = "un_agency"
    INGO = "ingo"
    NNGO = "nngo"
    ICRC = "icrc"
    RED_CROSS_RED_CRESCENT = "red_cross_red_crescent"
    EMBASSY = "embassy"
    MINISTRY = "ministry"
    MISSION_COMPONENT = "mission_component"
    RELIGIOUS_INSTITUTION = "religious_institution"
    BUSINESS = "business"
    MEDIA = "media"
    OTHER = "other"


class CommunityKind(TextEnum):
    TRIBE = "tribe"
    CLAN = "clan"
    VILLAGE = "village"
    DISPLACED = "displaced"
    RELIGIOUS = "religious"
    ETHNIC = "ethnic"
    OTHER = "other"


class HarmPattern(TextEnum):
    """Patterns of harm, plus restraint: acts of restraint matter for dialogue."""

    DELIBERATE = "deliberate"
    RECKLESS = "reckless"
    ACCIDENTAL = "accidental"
    RESTRAINT = "restraint"
    # Event data (ACLED, UCDP) records that something happened, not the pattern:
    # an analyst assesses it later. Never guess a pattern on import.
    UNASSESSED = "unassessed"


class EngagementMode(TextEnum):
    MEETING = "meeting"
    CALL = "call"
    DIALOGUE = "dialogue"
    MESSAGE = "message"
    TRAINING = "training"
    NEGOTIATION = "negotiation"


class CommitmentKind(TextEnum):
    DEED_OF_COMMITMENT = "deed_of_commitment"
    UNILATERAL_DECLARATION = "unilateral_declaration"
    CODE_OF_CONDUCT = "code_of_conduct"
    ACTION_PLAN = "action_plan"
    OTHER = "other"


class SourceKind(TextEnum):
    REPORT = "report"
    INTERVIEW = "interview"
    MEDIA = "media"
    DATASET = "dataset"
    FIELD_VISIT = "field_visit"
    MEETING_NOTE = "meeting_note"
    OTHER = "other"


class Reliability(TextEnum):
    """Admiralty grading of the source: A completely reliable … F cannot be judged."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(TextEnum):
    """Admiralty grading of the information: 1 confirmed … 6 cannot be judged."""

    C1 = "1"
    C2 = "2"
    C3 = "3"
    C4 = "4"
    C5 = "5"
    C6 = "6"


class Basis(TextEnum):
    """Whether a record was asserted by an analyst or inferred from event data."""

    ASSERTED = "asserted"
    INFERRED = "inferred"


class Channel(TextEnum):
    """The channel an influence or support relationship runs through."""

    KINSHIP = "kinship"
    RELIGIOUS = "religious"
    TRIBAL = "tribal"
    FINANCIAL = "financial"
    POLITICAL = "political"
    MILITARY_TO_MILITARY = "military_to_military"
    PATRONAGE = "patronage"
    COMMUNITY = "community"
    HUMANITARIAN = "humanitarian"
    DIPLOMATIC = "diplomatic"
    COMMERCIAL = "commercial"
    OTHER = "other"


class TieKind(TextEnum):
    """What a symmetric tie records: neither end is said to move the other."""

    ASSOCIATION = "association"
    CO_PARTICIPATION = "co_participation"
    KINSHIP = "kinship"
    MARRIAGE = "marriage"
    FRIENDSHIP = "friendship"
    BUSINESS = "business"
    COMMUNICATION = "communication"
    OTHER = "other"


class AccessQuality(TextEnum):
    """How well an engager can reach someone."""

    REGULAR = "regular"
    OCCASIONAL = "occasional"
    INDIRECT = "indirect"
    SUSPENDED = "suspended"


class Stance(TextEnum):
    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    OPPOSED = "opposed"


class ReviewStatus(TextEnum):
    """What a reviewer decided about a spelling matched by similarity, not equality."""

    PENDING = "pending"
    ACCEPTED = "accepted"  # the same entity: the spelling stays an alias
    REJECTED = "rejected"  # a different entity: the next import keeps it apart


class SiteKind(TextEnum):
    """Places CMCoord officers deconflict and notify about, below the admin areas.

    Points (checkpoints, screening sites, crossing points) and lines (routes):
    who controls or operates them, as of a date, decides who to call before a
    convoy crosses.
    """

    CHECKPOINT = "checkpoint"
    SCREENING_SITE = "screening_site"
    CROSSING_POINT = "crossing_point"
    EVACUATION_ROUTE = "evacuation_route"
    SUPPLY_ROUTE = "supply_route"
    OTHER = "other"


class Attribution(TextEnum):
    CONFIRMED = "confirmed"
    ALLEGED = "alleged"
    DISPUTED = "disputed"


ExternalId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=200, pattern=r"^[a-z][a-z0-9-]*:\S.*$"
    ),
]
"""A source dataset's own id, namespaced: `ucdp-side:123`."""

GeometryDigest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""SHA-256 of a place's GeoJSON geometry (graph.geometry): the shape itself is
stored beside the record (`GraphStore.geometries`), never in the projection; the
digest makes a changed shape a new version of the record, with its history."""

DIGEST_FIELD = "geometry_digest"


def carry_digest(stored: Mapping[str, object], edited: dict[str, object]) -> None:
    """Keep the stored shape's digest on an edit of the record that brings no shape.

    The digest names the shape stored beside the record; only a shape import
    (`import-boundaries`, `import-shapes`), which writes the shape in the same
    batch, may change it. A template row or a form edits the record's other
    fields: a blank, missing or stale digest there must not part the record
    from its shape (the shape would stay stored, the record would lose it).

    >>> edited = {"name": "Brune", "geometry_digest": None}
    >>> carry_digest({"geometry_digest": "ab" * 32}, edited)
    >>> edited["geometry_digest"] == "ab" * 32
    True
    """
    if stored.get(DIGEST_FIELD):
        edited[DIGEST_FIELD] = stored[DIGEST_FIELD]


def label_of(record: Envelope) -> str:
    """The node kind or relationship type of any record ("ArmedActor", "COMMANDS")."""
    fields = record.__dict__  # not getattr: pydantic's missing-attribute path is slow
    return str(fields.get("kind") or fields["type"])


# --------------------------------------------------------------------------- lazy classes

# Where each class is defined, by the module that holds it (see the module docstring).
_HOMES: dict[str, tuple[str, ...]] = {
    "graph.envelope": (
        "SourceRef",
        "Position",
        "ComScore",
        "ComProfile",
        "IdentityReview",
        "Envelope",
    ),
    "graph.node_models": (
        "NodeBase",
        "Profiled",
        "ArmedActor",
        "Unit",
        "Person",
        "Post",
        "Organisation",
        "Community",
        "Area",
        "Site",
        "Incident",
        "Engagement",
        "Commitment",
        "Source",
        "AnyNode",
        "Node",
    ),
    "graph.relationship_models": (
        "RelBase",
        "InfluenceLike",
        "Commands",
        "PartOf",
        "Holds",
        "Withdrawable",
        "AlliedWith",
        "Opposes",
        "SplinterOf",
        "Supports",
        "Influences",
        "HasAccessTo",
        "AssociatedWith",
        "MemberOf",
        "FocalPointFor",
        "BelongsTo",
        "Controls",
        "OperatesIn",
        "OccurredIn",
        "ActorEventLink",
        "Perpetrated",
        "ParticipatedIn",
        "CommittedTo",
        "Cites",
        "AnyRelationship",
        "Relationship",
    ),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def _lazy(name: str) -> Any:
    """The class (or union) `name` from its home module, kept here once found."""
    if name == "AnyRecord":
        value: Any = _lazy("AnyNode") | _lazy("AnyRelationship")
    elif name in _HOME_OF:
        value = getattr(importlib.import_module(_HOME_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


if not TYPE_CHECKING:
    # Hidden from mypy, which would otherwise type every misspelt `m.X` as Any.
    __getattr__ = _lazy

    def __dir__() -> list[str]:
        return sorted({*globals(), *_HOME_OF, "AnyRecord"})
