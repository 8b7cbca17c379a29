"""The node models: one frozen pydantic model per node kind (see `graph.model`).

Reached as `graph.model.ArmedActor` and so on; this module is imported the
first time one of them is, so a command that never builds a node record does
not create these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from graph.envelope import ComProfile, Envelope, IdentityReview, Position
from graph.model import (
    ActorKind,
    CommitmentKind,
    CommunityKind,
    Credibility,
    Echelon,
    EngagementMode,
    ExternalId,
    GeometryDigest,
    HarmPattern,
    Name,
    OrgKind,
    PartialDate,
    PCode,
    Reliability,
    SensitivityLabel,
    SiteKind,
    SourceKind,
    Structure,
    Text,
    ThreatLevel,
)
from graph.sensitivity import Sensitivity

__all__ = [
    "AnyNode",
    "Area",
    "ArmedActor",
    "Commitment",
    "Community",
    "Engagement",
    "Incident",
    "Node",
    "NodeBase",
    "Organisation",
    "Person",
    "Post",
    "Profiled",
    "Site",
    "Source",
    "Unit",
]


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
    sensitivity: SensitivityLabel = Sensitivity.STRICTLY_CONFIDENTIAL


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
