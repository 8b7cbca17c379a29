"""Sensitivity labels and the viewer that every read must name.

Sensitivity is enforced in the stores (CONTRIBUTING.md): a record
above the viewer's clearance is never returned, so no caller can forget to
filter. Labels are ordered; a viewer sees a record when its label's rank is at
most the viewer's clearance rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Sensitivity(StrEnum):
    """Information-sharing labels, from least to most protected."""

    PUBLIC = "public"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"
    STRICTLY_CONFIDENTIAL = "strictly_confidential"

    @property
    def rank(self) -> int:
        return RANK[self]


# The same as `.rank`, for loops over every record on import: an enum property
# is a Python call per access, a dict lookup is not.
RANK: dict[Sensitivity, int] = {s: i for i, s in enumerate(Sensitivity)}


@dataclass(frozen=True)
class Viewer:
    """Who is reading, and the highest label they may see.

    Reads take a `Viewer` as a required keyword argument: the clearance travels
    with every call down to the SQL or Cypher that filters on it.
    """

    name: str
    clearance: Sensitivity

    def may_see(self, label: Sensitivity) -> bool:
        return label.rank <= self.clearance.rank


#: The viewer used by maintenance tools that must see everything (export for
#: backup, merge, schema checks). Never hand this to a UI session.
SYSTEM = Viewer(name="system", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)
