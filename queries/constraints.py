"""What a question about paths may use: one value, its defaults written once.

Every path analysis (leverage, reach, influencers, gaps, profiles, area
contacts) is asked on the same collapsed graph, built from the same three
choices: the question date, the weakest evidence trusted, the scoring
parameters; and it walks at most so many hops. Those choices travel together
as one `PathConstraints`, built once where the question is asked (a CLI
command, an app page, a benchmark) and passed down unchanged, so the default
confidence floor lives here and nowhere else.

Who a path may not pass through (``exclude``, ``allow_through_parties``) stays
a keyword of the analyses that walk paths to one target: gaps, profiles and
contacts have no such choice, and a value they would silently ignore would
mislead.

Examples
--------
>>> PathConstraints().min_confidence
0.3
>>> PathConstraints(max_hops=None).hops(3), PathConstraints(max_hops=4).hops(3)
(3, 4)
>>> PathConstraints(min_confidence=1.5)
Traceback (most recent call last):
...
queries.errors.InvalidQuery: min_confidence must lie in [0, 1], not 1.5
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from queries.errors import InvalidQuery
from queries.scoring import ScoringParams

MIN_CONFIDENCE = 0.3
"""Relationships recorded with less confidence are not walked: below it an
analyst's own grading says the link is more likely wrong than right."""


@dataclass(frozen=True)
class PathConstraints:
    """The question date, confidence floor, hop limit and scoring of a path question.

    ``as_of`` None asks at the projection's own date (`queries.scoring.question_date`).
    ``max_hops`` None leaves each analysis its own limit: five hops for a
    path to one target, three for the influencer ranking (a wider net makes
    everyone reach everyone).
    """

    as_of: date | None = None
    min_confidence: float = MIN_CONFIDENCE
    max_hops: int | None = None
    params: ScoringParams | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise InvalidQuery(f"min_confidence must lie in [0, 1], not {self.min_confidence}")

    def hops(self, default: int) -> int:
        """The hop limit, or the analysis's own `default` when none was chosen."""
        return default if self.max_hops is None else self.max_hops


ANY_PATH = PathConstraints()
"""The defaults: as a default argument, one shared frozen value."""
