"""The relationship models: one frozen pydantic model per relationship type.

Reached as `graph.model.Commands` and so on (see `graph.model`); this module is
imported the first time one of them is, so a command that shows one armed
actor does not create the twenty relationship classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from graph.envelope import Envelope
from graph.model import (
    AccessQuality,
    Attribution,
    Channel,
    Identifier,
    Name,
    PartialDate,
    Strength,
    Text,
    TieKind,
)

__all__ = [
    "ActorEventLink",
    "AlliedWith",
    "AnyRelationship",
    "AssociatedWith",
    "BelongsTo",
    "Cites",
    "Commands",
    "CommittedTo",
    "Controls",
    "FocalPointFor",
    "HasAccessTo",
    "Holds",
    "InfluenceLike",
    "Influences",
    "MemberOf",
    "OccurredIn",
    "OperatesIn",
    "Opposes",
    "PartOf",
    "ParticipatedIn",
    "Perpetrated",
    "RelBase",
    "Relationship",
    "SplinterOf",
    "Supports",
    "Withdrawable",
]


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
