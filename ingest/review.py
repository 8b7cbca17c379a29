"""Review items: spellings an import attached by similarity, and a person's decision.

An import that attaches a spelling to a record by a fuzzy match stores a
pending `IdentityReview` on that record (ingest/identity.py). Here a reviewer
lists them and decides:

- accept: the same entity. The spelling stays an alias and is no longer
  reported by later imports.
- reject: a different entity. The spelling leaves the record's aliases and
  the resolver never matches it to this record again, so the next import
  gives it a record of its own.

A decision is a new version of the record (who, when), so it has the same
history and audit trail as any edit, and it is readable only by those who may
see the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from graph import model as m
from graph.errors import InvalidRecords, NotFound, RowError
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch
from ingest.identity import review_id
from ingest.resolve import match_key

Decision = Literal["accept", "reject"]


@dataclass(frozen=True)
class Review:
    """One spelling attached to one record, and where it stands."""

    item: str
    record_id: str
    record_name: str
    kind: str
    spelling: str
    score: float
    rule: str
    status: str
    found_in: str | None
    decided_by: str | None
    decided_on: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "record": {"id": self.record_id, "name": self.record_name, "kind": self.kind},
            "spelling": self.spelling,
            "score": self.score,
            "rule": self.rule,
            "status": self.status,
            "found_in": self.found_in,
            "decided_by": self.decided_by,
            "decided_on": self.decided_on,
        }


def _review(node: m.AnyNode, r: m.IdentityReview) -> Review:
    return Review(
        item=review_id(node.id, r.spelling),
        record_id=node.id,
        record_name=node.name,
        kind=node.kind,
        spelling=r.spelling,
        score=r.score,
        rule=r.rule,
        status=r.status.value,
        found_in=r.found_in,
        decided_by=r.decided_by,
        decided_on=r.decided_on,
    )


def list_reviews(store: GraphStore, *, viewer: Viewer, everything: bool = False) -> list[Review]:
    """Pending review items the viewer may see (with `everything`, decided ones too)."""
    found = [
        _review(node, r)
        for node in store.iter_nodes(viewer=viewer)
        for r in node.identity_reviews
        if everything or r.status == m.ReviewStatus.PENDING
    ]
    return sorted(found, key=lambda r: (r.record_name.casefold(), r.spelling.casefold()))


def decide(
    store: GraphStore,
    item: str,
    decision: Decision,
    *,
    actor: str,
    viewer: Viewer,
    today: date | None = None,
) -> Review:
    """Record `decision` on review `item` (a new version of its record). Raises NotFound."""
    for node in store.iter_nodes(viewer=viewer):
        for review in node.identity_reviews:
            if review_id(node.id, review.spelling) == item:
                return _write(store, node, review, decision, actor, today)
    raise NotFound(f"no review item {item!r}: list them with `actorgraph review`")


def _write(
    store: GraphStore,
    node: m.AnyNode,
    review: m.IdentityReview,
    decision: Decision,
    actor: str,
    today: date | None,
) -> Review:
    if match_key(review.spelling) == match_key(node.name) and decision == "reject":
        raise InvalidRecords(
            [
                RowError(
                    field="item",
                    record=node.id,
                    message=f"{review.spelling!r} is now the record's own name",
                    suggestion="rename the record first, or merge/split it by hand",
                )
            ]
        )
    status = m.ReviewStatus.ACCEPTED if decision == "accept" else m.ReviewStatus.REJECTED
    day = (today or datetime.now(UTC).date()).isoformat()
    decided = review.model_copy(update={"status": status, "decided_by": actor, "decided_on": day})
    reviews = tuple(decided if r is review else r for r in node.identity_reviews)
    update: dict[str, Any] = {"identity_reviews": reviews}
    if status == m.ReviewStatus.REJECTED:
        key = match_key(review.spelling)
        update["aliases"] = tuple(a for a in node.aliases if match_key(a) != key)
    updated = node.model_copy(update=update)
    store.write(WriteBatch.of([updated]), actor=actor)
    return _review(updated, decided)
