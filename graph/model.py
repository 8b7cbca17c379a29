"""Domain models: one frozen pydantic model per node kind and relationship type.

These classes define shape; `graph.schema.SCHEMA` holds the metadata (which
relationship may join which kinds, which carry influence) and is the single
place stores, importers, templates and forms derive from.

Every record shares the `Envelope`: a stable id, a validity interval with
partial dates, the evidence window (when sources first and last mentioned it,
which is *not* when it began or ended), whether it was asserted by an analyst
or inferred from event data, confidence, source references, a sensitivity
label, and who recorded it when.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from graph.dates import lower_bound, normalise_partial, upper_bound
from graph.sensitivity import Sensitivity

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


class ActorKind(StrEnum):
    STATE_FORCE = "state_force"
    NON_STATE_ARMED_GROUP = "non_state_armed_group"
    COMMUNITY_MILITIA = "community_militia"
    PEACE_OPERATION = "peace_operation"
    FOREIGN_FORCE = "foreign_force"
    PRIVATE_MILITARY_COMPANY = "private_military_company"


class Structure(StrEnum):
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


class Echelon(StrEnum):
    CORPS = "corps"
    DIVISION = "division"
    BRIGADE = "brigade"
    BATTALION = "battalion"
    COMPANY = "company"
    PLATOON = "platoon"
    CHECKPOINT = "checkpoint"
    CELL = "cell"
    OTHER = "other"


class ThreatLevel(StrEnum):
    """Actor-mapping judgement of the threat a group poses to civilians."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    SEVERE = "severe"


class OrgKind(StrEnum):
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


class CommunityKind(StrEnum):
    TRIBE = "tribe"
    CLAN = "clan"
    VILLAGE = "village"
    DISPLACED = "displaced"
    RELIGIOUS = "religious"
    ETHNIC = "ethnic"
    OTHER = "other"


class HarmPattern(StrEnum):
    """Patterns of harm, plus restraint: acts of restraint matter for dialogue."""

    DELIBERATE = "deliberate"
    RECKLESS = "reckless"
    ACCIDENTAL = "accidental"
    RESTRAINT = "restraint"
    # Event data (ACLED, UCDP) records that something happened, not the pattern:
    # an analyst assesses it later. Never guess a pattern on import.
    UNASSESSED = "unassessed"


class EngagementMode(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    DIALOGUE = "dialogue"
    MESSAGE = "message"
    TRAINING = "training"
    NEGOTIATION = "negotiation"


class CommitmentKind(StrEnum):
    DEED_OF_COMMITMENT = "deed_of_commitment"
    UNILATERAL_DECLARATION = "unilateral_declaration"
    CODE_OF_CONDUCT = "code_of_conduct"
    ACTION_PLAN = "action_plan"
    OTHER = "other"


class SourceKind(StrEnum):
    REPORT = "report"
    INTERVIEW = "interview"
    MEDIA = "media"
    DATASET = "dataset"
    FIELD_VISIT = "field_visit"
    MEETING_NOTE = "meeting_note"
    OTHER = "other"


class Reliability(StrEnum):
    """Admiralty grading of the source: A completely reliable … F cannot be judged."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(StrEnum):
    """Admiralty grading of the information: 1 confirmed … 6 cannot be judged."""

    C1 = "1"
    C2 = "2"
    C3 = "3"
    C4 = "4"
    C5 = "5"
    C6 = "6"


class Basis(StrEnum):
    """Whether a record was asserted by an analyst or inferred from event data."""

    ASSERTED = "asserted"
    INFERRED = "inferred"


class Channel(StrEnum):
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


class TieKind(StrEnum):
    """What a symmetric tie records: neither end is said to move the other."""

    ASSOCIATION = "association"
    CO_PARTICIPATION = "co_participation"
    KINSHIP = "kinship"
    MARRIAGE = "marriage"
    FRIENDSHIP = "friendship"
    BUSINESS = "business"
    COMMUNICATION = "communication"
    OTHER = "other"


class AccessQuality(StrEnum):
    """How well an engager can reach someone."""

    REGULAR = "regular"
    OCCASIONAL = "occasional"
    INDIRECT = "indirect"
    SUSPENDED = "suspended"


class Stance(StrEnum):
    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    OPPOSED = "opposed"


class ReviewStatus(StrEnum):
    """What a reviewer decided about a spelling matched by similarity, not equality."""

    PENDING = "pending"
    ACCEPTED = "accepted"  # the same entity: the spelling stays an alias
    REJECTED = "rejected"  # a different entity: the next import keeps it apart


class SiteKind(StrEnum):
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


class Attribution(StrEnum):
    CONFIRMED = "confirmed"
    ALLEGED = "alleged"
    DISPUTED = "disputed"


# --------------------------------------------------------------------------- parts

# defer_build: pydantic builds a model's validator on its first use instead of
# at import. Building all of them costs about a quarter of a second of CPU,
# which every CLI command (and `--help`) paid at start-up whether or not it
# validated a record of that kind.
_CONFIG = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class SourceRef(BaseModel):
    """A pointer to a `Source` record and where in it the claim is (page, link, paragraph)."""

    model_config = _CONFIG

    source_id: Identifier
    locator: Text | None = None


class Position(BaseModel):
    """A stakeholder's position on a named objective, read against its influence."""

    model_config = _CONFIG

    objective: Name
    stance: Stance
    as_of: PartialDate | None = None


class ComScore(BaseModel):
    """One dimension of a Capability / Opportunity / Motivation profile."""

    model_config = _CONFIG

    score: Score
    indicators: tuple[Text, ...] = ()
    evidence: tuple[SourceRef, ...] = ()


class ComProfile(BaseModel):
    """A dated COM assessment (ICRC criteria for influencing behaviour).

    capability: knowledge of the rules, training, command and control;
    opportunity: physical and social environment, access, community ties;
    motivation: willingness to engage, beliefs, incentives, perception.
    """

    model_config = _CONFIG

    assessed_on: PartialDate
    capability: ComScore
    opportunity: ComScore
    motivation: ComScore
    assessed_by: Name | None = None


class IdentityReview(BaseModel):
    """A spelling an import attached to this record by a fuzzy match, left for review.

    Kept on the record it concerns, so it has the record's history, audit and
    sensitivity; the analyses never read it. An accepted spelling is no longer
    reported; a rejected one is removed from the aliases and the next import
    gives it a record of its own.
    """

    model_config = _CONFIG

    spelling: Name
    score: Score
    rule: Text
    status: ReviewStatus = ReviewStatus.PENDING
    found_in: Text | None = None
    decided_by: Name | None = None
    decided_on: PartialDate | None = None


ExternalId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=200, pattern=r"^[a-z][a-z0-9-]*:\S.*$"
    ),
]
"""A source dataset's own id, namespaced: `ucdp-side:123`."""

# --------------------------------------------------------------------------- envelope


class Envelope(BaseModel):
    """Fields every node and relationship carries (CONTRIBUTING.md, "House rules")."""

    model_config = _CONFIG

    id: Identifier = Field(title="ID")
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    first_cited: PartialDate | None = None
    last_cited: PartialDate | None = None
    basis: Basis = Basis.ASSERTED
    evidence_count: int = Field(default=0, ge=0)
    confidence: Confidence = 0.5
    sources: tuple[SourceRef, ...] = ()
    # Restricted by default: forgetting a label must not publish a record.
    sensitivity: Sensitivity = Sensitivity.RESTRICTED
    notes: Text | None = None
    # Set by the store on write; whatever a caller passes is replaced.
    recorded_at: datetime | None = None
    recorded_by: Name | None = None

    @model_validator(mode="after")
    def _intervals_in_order(self) -> Self:
        if (
            self.valid_from
            and self.valid_to
            and lower_bound(self.valid_from) > upper_bound(self.valid_to)
        ):
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        if (
            self.first_cited
            and self.last_cited
            and lower_bound(self.first_cited) > upper_bound(self.last_cited)
        ):
            raise ValueError(
                f"first_cited {self.first_cited} is after last_cited {self.last_cited}"
            )
        return self


class NodeBase(Envelope):
    """A named entity. `aliases` feed search and entity resolution."""

    name: Name
    aliases: tuple[Name, ...] = ()
    description: Text | None = None
    positions: tuple[Position, ...] = ()
    # An intermediary marked at risk is never proposed on a path without a warning.
    at_risk: bool = False
    # Source datasets' own ids ("ucdp-side:123"): authoritative for identity.
    external_ids: tuple[ExternalId, ...] = Field(default=(), title="External IDs")
    identity_reviews: tuple[IdentityReview, ...] = ()


class Profiled(NodeBase):
    """Nodes that may carry dated COM profiles."""

    profiles: tuple[ComProfile, ...] = ()


# --------------------------------------------------------------------------- nodes


class ArmedActor(Profiled):
    kind: Literal["ArmedActor"] = "ArmedActor"
    actor_kind: ActorKind
    structure: Structure
    # Peace operations are usually not parties; leverage paths never run
    # through a party to the conflict by default.
    party_to_conflict: bool = True
    threat_level: ThreatLevel | None = None
    rules_of_engagement: Text | None = None
    capabilities: Text | None = None


class Unit(Profiled):
    kind: Literal["Unit"] = "Unit"
    echelon: Echelon = Echelon.OTHER
    threat_level: ThreatLevel | None = None


class Person(Profiled):
    kind: Literal["Person"] = "Person"
    title: Name | None = None


class Post(NodeBase):
    """A position that outlives its holder, so access survives rotation."""

    kind: Literal["Post"] = "Post"


class Organisation(NodeBase):
    kind: Literal["Organisation"] = "Organisation"
    org_kind: OrgKind
    hct_member: bool = Field(default=False, title="HCT member")
    # One of *our* engagers (HC office, OCHA, an HCT member): where leverage paths start.
    engager: bool = False


class Community(NodeBase):
    kind: Literal["Community"] = "Community"
    community_kind: CommunityKind = CommunityKind.OTHER


GeometryDigest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""SHA-256 of a place's GeoJSON geometry (graph.geometry): the shape itself is
stored beside the record (`GraphStore.geometries`), never in the projection; the
digest makes a changed shape a new version of the record, with its history."""


class Area(NodeBase):
    kind: Literal["Area"] = "Area"
    pcode: PCode = Field(title="P-code")
    admin_level: int = Field(default=1, ge=0, le=5)
    geometry_digest: GeometryDigest | None = None


class Site(NodeBase):
    """A checkpoint, screening site or crossing point (a point) or a route (a line).

    Who controls or operates it is a `CONTROLS` / `OPERATES_IN` relationship with
    its validity, like an area's; `PART_OF` places it in an area.
    """

    kind: Literal["Site"] = "Site"
    site_kind: SiteKind
    geometry_digest: GeometryDigest | None = None


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


class Incident(NodeBase):
    kind: Literal["Incident"] = "Incident"
    date: PartialDate
    harm_pattern: HarmPattern
    incident_type: Name | None = None
    fatalities: int | None = Field(default=None, ge=0)
    civilian_targeting: bool = False
    # Where it happened, as the source gave it (WGS 84): event data places an
    # incident in the gazetteer's areas by these, and the map draws it here.
    longitude: float | None = Field(default=None, ge=-180, le=180)
    latitude: float | None = Field(default=None, ge=-90, le=90)


class Engagement(NodeBase):
    kind: Literal["Engagement"] = "Engagement"
    date: PartialDate
    mode: EngagementMode = EngagementMode.MEETING
    topic: Text | None = None
    outcome: Text | None = None
    commitments_made: Text | None = None


class Commitment(NodeBase):
    kind: Literal["Commitment"] = "Commitment"
    commitment_kind: CommitmentKind
    date: PartialDate | None = None
    subject: Text | None = None


class Source(NodeBase):
    """Where a claim came from. Its identity protects people: strictly confidential by default."""

    kind: Literal["Source"] = "Source"
    source_kind: SourceKind = SourceKind.REPORT
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.C6
    locator: Text | None = None
    sensitivity: Sensitivity = Sensitivity.STRICTLY_CONFIDENTIAL


AnyNode = (
    ArmedActor
    | Unit
    | Person
    | Post
    | Organisation
    | Community
    | Area
    | Site
    | Incident
    | Engagement
    | Commitment
    | Source
)
"""Every node model: the one list of node kinds' shapes (`graph.schema` checks it
against its registry). `Node` is the same union, tagged for validation."""

Node = Annotated[AnyNode, Field(discriminator="kind")]

# --------------------------------------------------------------------------- relationships


class RelBase(Envelope):
    """A directed relationship; intervals are closed, never deleted."""

    source_id: Identifier = Field(title="From", description="the record the relationship starts at")
    target_id: Identifier = Field(title="To", description="the record the relationship points at")


class InfluenceLike(RelBase):
    """Relationships that carry influence: strength, channel and optional topic."""

    strength: Strength = 0.5
    channel: Channel = Channel.OTHER
    topic: Text | None = None


class Commands(RelBase):
    """Command authority. How much influence it carries downward depends on the
    group's structure (weak in decentralised groups); queries apply that."""

    type: Literal["COMMANDS"] = "COMMANDS"
    strength: Strength = 0.8


class PartOf(RelBase):
    type: Literal["PART_OF"] = "PART_OF"


class Holds(RelBase):
    type: Literal["HOLDS"] = "HOLDS"


class Withdrawable(RelBase):
    """A link drawn from event data, which a later decision may withdraw.

    An import attaches an event to an actor by the spelling in its row, and to
    an area by the source's place names. When a reviewer rejects that spelling
    (ingest.review) or a gazetteer re-places the event (ingest.placement), the
    link was wrong, not ended: an event link holds from the event on and never
    expires, so a `valid_to` would not remove it. `withdrawn_by` (the review
    item, or the command) marks a new version that holds on no date and that
    no analysis counts (`graph.timeline.withdrawn`); history keeps the rest.
    """

    withdrawn_by: Identifier | None = None


class AlliedWith(Withdrawable):
    type: Literal["ALLIED_WITH"] = "ALLIED_WITH"
    strength: Strength = 0.5


class Opposes(Withdrawable):
    type: Literal["OPPOSES"] = "OPPOSES"
    strength: Strength = 0.5


class SplinterOf(RelBase):
    type: Literal["SPLINTER_OF"] = "SPLINTER_OF"


class Supports(InfluenceLike):
    type: Literal["SUPPORTS"] = "SUPPORTS"


class Influences(InfluenceLike):
    type: Literal["INFLUENCES"] = "INFLUENCES"


class HasAccessTo(InfluenceLike):
    type: Literal["HAS_ACCESS_TO"] = "HAS_ACCESS_TO"
    quality: AccessQuality = AccessQuality.OCCASIONAL
    last_contact: PartialDate | None = None


class AssociatedWith(RelBase):
    """A symmetric tie between two people (or two communities, or two organisations).

    Much source data is undirected: two men trained together, a marriage
    joined two families, a meeting brought people together. Recording that as
    two `INFLUENCES` claims would assert influence the source never claimed;
    this records the tie once, with its kind. `source_id` / `target_id` is an
    arbitrary order: the tie reads the same both ways (`SCHEMA` marks it
    symmetric, the template importer keeps one id for either order).
    """

    type: Literal["ASSOCIATED_WITH"] = "ASSOCIATED_WITH"
    tie_kind: TieKind = TieKind.ASSOCIATION
    strength: Strength = 0.5


class MemberOf(RelBase):
    type: Literal["MEMBER_OF"] = "MEMBER_OF"


class FocalPointFor(RelBase):
    type: Literal["FOCAL_POINT_FOR"] = "FOCAL_POINT_FOR"


class BelongsTo(RelBase):
    type: Literal["BELONGS_TO"] = "BELONGS_TO"


class Controls(RelBase):
    type: Literal["CONTROLS"] = "CONTROLS"


class OperatesIn(RelBase):
    type: Literal["OPERATES_IN"] = "OPERATES_IN"


class OccurredIn(Withdrawable):
    """Where an incident or engagement took place (needed for areas)."""

    type: Literal["OCCURRED_IN"] = "OCCURRED_IN"


class ActorEventLink(Withdrawable):
    """An actor's link to an event, with the spelling that attached it.

    `spelling` is the actor's name as the source row gave it: the import
    resolved that spelling to this actor, so rejecting the spelling's match
    (`actorgraph review reject`) finds exactly the links it made.
    """

    spelling: Name | None = None


class Perpetrated(ActorEventLink):
    type: Literal["PERPETRATED"] = "PERPETRATED"
    attribution: Attribution = Attribution.ALLEGED


class ParticipatedIn(ActorEventLink):
    type: Literal["PARTICIPATED_IN"] = "PARTICIPATED_IN"
    role: Name | None = None


class CommittedTo(RelBase):
    type: Literal["COMMITTED_TO"] = "COMMITTED_TO"


class Cites(RelBase):
    type: Literal["CITES"] = "CITES"
    locator: Text | None = None


AnyRelationship = (
    Commands
    | PartOf
    | Holds
    | AlliedWith
    | Opposes
    | SplinterOf
    | Supports
    | Influences
    | HasAccessTo
    | AssociatedWith
    | MemberOf
    | FocalPointFor
    | BelongsTo
    | Controls
    | OperatesIn
    | OccurredIn
    | Perpetrated
    | ParticipatedIn
    | CommittedTo
    | Cites
)
"""Every relationship model (see `AnyNode`); `Relationship` is it, tagged."""

Relationship = Annotated[AnyRelationship, Field(discriminator="type")]
AnyRecord = AnyNode | AnyRelationship


def label_of(record: Envelope) -> str:
    """The node kind or relationship type of any record ("ArmedActor", "COMMANDS")."""
    fields = record.__dict__  # not getattr: pydantic's missing-attribute path is slow
    return str(fields.get("kind") or fields["type"])
