"""What every record carries: the `Envelope`, and the parts records hold.

Split from `graph.model` so that these classes are created only when a record
is (see the note on laziness there): creating a pydantic class collects and
copies every field's annotation, and a command that only counts rows never
needs one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.dates import lower_bound, upper_bound
from graph.model import (
    Basis,
    Confidence,
    Identifier,
    Name,
    PartialDate,
    ReviewStatus,
    Score,
    SensitivityLabel,
    Stance,
    Text,
)
from graph.sensitivity import Sensitivity

__all__ = [
    "ComProfile",
    "ComScore",
    "Envelope",
    "IdentityReview",
    "Position",
    "SourceRef",
]


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
    sensitivity: SensitivityLabel = Sensitivity.RESTRICTED
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
