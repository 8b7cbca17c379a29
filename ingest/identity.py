"""What an import does with a resolved name: attach, review, or keep apart.

`ingest/resolve.py` decides how similar two names are; this module turns its
decision into what the import writes and reports, the same way for every
format (templates, HXL, ACLED, UCDP):

- an exact match (name, alias or source id) attaches silently, unless the
  alias it matched is still waiting for a reviewer: then the report lists it
  again;
- a fuzzy match (anything but exact) attaches *and* is a review item: the
  report names the row, the spelling, the matched record and the score; the
  spelling becomes an alias of the record; and a pending `IdentityReview` is
  stored on the record, so `actorgraph review` lists it until someone accepts
  (same entity) or rejects (different entity) it;
- an ambiguous match is kept as a separate record and listed for review
  (`actorgraph merge KEEP OTHER` joins them if they are one);
- a match on a source id whose name differs attaches (the id is
  authoritative) and the report says the names differ.

So two differently named records are never merged without a review item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph import model as m
from ingest.drafts import Built, Draft, Resolved, ReviewItem, make_id
from ingest.resolve import Match, match_key
from ingest.rows import Row

if TYPE_CHECKING:
    from ingest.context import ImportContext
REVIEW_COMMAND = "actorgraph review accept|reject {item}"


def review_id(record_id: str, spelling: str) -> str:
    """The review item's id: one per (record, spelling), stable across imports."""
    return make_id("rev", record_id, match_key(spelling))


def rejected_spellings(node: m.AnyNode) -> list[str]:
    return [r.spelling for r in node.identity_reviews if r.status == m.ReviewStatus.REJECTED]


def _pending(node: m.AnyRecord | None, spelling: str) -> m.IdentityReview | None:
    if not isinstance(node, m.NodeBase):
        return None
    key = match_key(spelling)
    for review in node.identity_reviews:
        if match_key(review.spelling) == key and review.status == m.ReviewStatus.PENDING:
            return review
    return None


def where(row: Row | None, column: str) -> str:
    if row is None:
        return column
    sheet = f", sheet {row.sheet}" if row.sheet else ""
    return f"{row.file}{sheet}, row {row.number}, field {column}"


def _item(
    row: Row | None,
    column: str,
    spelling: str,
    record_id: str,
    record_name: str,
    score: float,
    message: str,
) -> ReviewItem:
    return ReviewItem(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        field=column,
        value=spelling,
        message=message,
        candidates=[{"id": record_id, "name": record_name, "score": score}],
        item=review_id(record_id, spelling),
        matched_id=record_id,
        matched_name=record_name,
        score=score,
    )


def resolved(match: Match, *, spelling: str, row: Row | None, column: str, name: str) -> Resolved:
    """The report's line for `spelling` attached to `match.id` (called `name`)."""
    assert match.id is not None
    return Resolved(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        field=column,
        spelling=spelling,
        record_id=match.id,
        record_name=name,
        score=match.score,
        rule=match.rule,
        exact=match.status == "exact",
    )


def on_attach(
    match: Match,
    *,
    spelling: str,
    row: Row | None,
    column: str,
    what: str,
    draft: Draft,
    ctx: ImportContext,
    built: Built,
) -> None:
    """Record what attaching `spelling` to `match.id` (whose draft is `draft`) means."""
    assert match.id is not None
    stored = ctx.existing(match.id)
    if isinstance(stored, m.NodeBase):
        name = stored.name
    else:  # a record earlier in the same file
        name = match.candidates[0].name if match.candidates else match.id
    built.resolved.append(resolved(match, spelling=spelling, row=row, column=column, name=name))
    if match.rule == "same source id, another name":
        built.warnings.append(
            f"{where(row, column)}: {what} {spelling!r} has the source id of {name!r} "
            f"({match.id}); attached by id although the names differ"
        )
        return
    pending = _pending(stored, spelling)
    if match.status == "exact" and pending is None:
        return  # an equal name, or a spelling a reviewer accepted
    score, rule = (pending.score, pending.rule) if pending else (match.score, match.rule)
    item = review_id(match.id, spelling)
    how = f"{what} {spelling!r} attached to {name!r} ({match.id}) by a {rule} match ({score:.2f})"
    state = "still awaits review" if pending else "added as an alias. Same entity?"
    built.review.append(
        _item(
            row,
            column,
            spelling,
            match.id,
            name,
            score,
            f"{how}; {state} " + REVIEW_COMMAND.format(item=item),
        )
    )
    if pending is None:
        draft.add_reviews.append(
            m.IdentityReview(spelling=spelling, score=score, rule=rule, found_in=where(row, column))
        )


def merged_reviews(
    stored: tuple[m.IdentityReview, ...] | list[m.IdentityReview] | list[dict[str, object]],
    new: list[m.IdentityReview],
) -> list[dict[str, object]]:
    """Stored reviews (with their decisions) first; a new one only for a new spelling."""
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for review in [*stored, *new]:
        data = review.model_dump(mode="json") if isinstance(review, m.IdentityReview) else review
        key = match_key(str(data["spelling"]))
        if key not in seen:
            seen.add(key)
            out.append(dict(data))
    return out
