"""What a format's mapper hands the pipeline: drafts of records, with the rows they came from.

Every format module (templates, HXL, ACLED, UCDP, snapshots) builds a `Built`:
`Draft`s (model input and origin rows), row errors, warnings, review items and
the report's `Resolved` lines, using the helpers at the end (`row_error`,
`review_item`, `closest`). Nothing here reads or writes the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process

from graph import model as m
from graph.errors import RowError
from ingest.resolve import Match
from ingest.rows import Row

Policy = Literal["exact", "overlay", "enrich", "replace"]
RowKey = tuple[str, str, int]


def make_id(prefix: str, *parts: str) -> str:
    """A deterministic id from a source and its key (FtM `make_id`): re-import finds it again.

    >>> make_id("act", "acled", "front of the seven hills")
    'act_299a79820cf3d6b2'
    """
    digest = hashlib.sha1(":".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


@dataclass(slots=True)
class Draft:
    """Model input for one record, and the rows it came from (first one is cited in errors).

    Slotted: an event file makes one per record (over 200,000 for 50,000 rows).

    policy:
      exact    the data is the record (snapshots);
      overlay  cells given replace stored values, blank cells keep them (templates);
      enrich   a stored record wins, we only add aliases, sources and citations
               (actors found in event data: an analyst's structure is never overwritten);
      replace  the data is the record, but sensitivity never drops and sources
               accumulate (incidents and inferred evidence, owned by their dataset).
    """

    data: dict[str, Any]
    rows: list[Row]
    policy: Policy
    columns: dict[str, str] = field(default_factory=dict)
    add_aliases: list[str] = field(default_factory=list)
    supersede: bool = False
    # Identity (ingest/identity.py): source ids to keep, fuzzy matches awaiting review.
    add_external_ids: list[str] = field(default_factory=list)
    add_reviews: list[m.IdentityReview] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    def column(self, field_name: str) -> str:
        head = field_name.split(".", 1)[0]
        return self.columns.get(head, head)


@dataclass
class ReviewItem:
    """A name that may be an entity we know, left for a person to decide."""

    file: str
    sheet: str
    row: int | None
    field: str
    value: str | None
    message: str
    candidates: list[dict[str, Any]]
    # Set when the spelling was attached to a record (a fuzzy match): the item
    # `actorgraph review accept|reject` decides, the record and the score.
    item: str | None = None
    matched_id: str | None = None
    matched_name: str | None = None
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "candidates": self.candidates,
            "item": self.item,
            "matched": {"id": self.matched_id, "name": self.matched_name}
            if self.matched_id
            else None,
            "score": self.score,
        }


@dataclass(frozen=True)
class Resolved:
    """One row's name attached to a record: the line of the import report that lets
    an officer check, row by row, that "Jabhat al-Saba" went where they meant.

    `rule` is "exact" for an equal (normalised) name or alias, "same source id"
    when the source's own id decided, else the resolver's rule ("fuzzy", …) and
    `score` says how close the spellings are.
    """

    file: str
    sheet: str
    row: int | None
    field: str
    spelling: str
    record_id: str
    record_name: str
    score: float
    rule: str
    exact: bool

    def at_row(self, row: Row) -> Resolved:
        """The same resolution, met again on another row (names are resolved once)."""
        return replace(self, file=row.file, sheet=row.sheet, row=row.number)

    @property
    def score_text(self) -> str:
        if self.exact:
            return "exact" if self.rule == "exact" else f"exact ({self.rule})"
        return f"{self.score:.2f} ({self.rule})"

    @property
    def where(self) -> str:
        sheet = self.sheet or Path(self.file).name
        return f"{sheet}/{self.row}" if self.row is not None else sheet

    def line(self) -> str:
        """`sheet/row: "spelling" → record id (name), score`, as the CLI prints it."""
        return (
            f'{self.where}: "{self.spelling}" → {self.record_id} ({self.record_name}), '
            f"{self.score_text}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "field": self.field,
            "spelling": self.spelling,
            "record_id": self.record_id,
            "record_name": self.record_name,
            "score": "exact" if self.exact else round(self.score, 3),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class NewRecord:
    """A record the import created (or, in a dry run, would create)."""

    id: str
    kind: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "name": self.name}


@dataclass
class Built:
    drafts: list[Draft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    resolved: list[Resolved] = field(default_factory=list)
    rows: int = 0


def review_item(row: Row | None, column: str, value: str, match: Match, what: str) -> ReviewItem:
    """An ambiguous name: kept as a new entity, listed for a person to merge or not."""
    return ReviewItem(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        field=column,
        value=value,
        message=f"{what} {value!r} may be an entity already known ({match.rule}); "
        "kept separate — merge with `actorgraph merge KEEP OTHER` if it is the same",
        candidates=[{"id": c.id, "name": c.name, "score": c.score} for c in match.candidates],
    )


def row_error(
    row: Row | None,
    column: str,
    message: str,
    suggestion: str = "",
    *,
    value: str | None = None,
    record: str = "",
) -> RowError:
    if row is None:
        return RowError(field=column, message=message, suggestion=suggestion, record=record)
    return RowError(
        field=column,
        file=row.file,
        sheet=row.sheet,
        row=row.number,
        value=value if value is not None else (row.get(column) or None),
        message=message,
        suggestion=suggestion,
        record=record,
    )


def closest(text: str, choices: Iterable[str], *, limit: int = 1) -> list[str]:
    found = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [f[0] for f in found]
