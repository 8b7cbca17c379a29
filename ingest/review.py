"""Review items: spellings an import attached by similarity, and a person's decision.

An import that attaches a spelling to a record by a fuzzy match stores a
pending `IdentityReview` on that record (ingest/identity.py). Here a reviewer
lists them and decides:

- accept: the same entity. The spelling stays an alias and is no longer
  reported by later imports.
- reject: a different entity. The spelling leaves the record's aliases and
  the resolver never matches it to this record again, so the next import
  gives it a record of its own. What the spelling's rows attached to the
  record is withdrawn in the same write: each event link (`PARTICIPATED_IN`,
  `PERPETRATED`) whose `spelling` is the rejected one gets a new version
  marked `withdrawn_by` the review item, and each inferred alliance or
  opposition of the record loses those events from its evidence (withdrawn
  too when none is left). No analysis counts a withdrawn link
  (graph.timeline.withdrawn); its history keeps what it was.

A decision is a new version of the record (who, when), so it has the same
history and audit trail as any edit, and it is readable only by those who may
see the record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.errors import InvalidRecords, NotFound, RowError
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch
from graph.timeline import CONTRARY, EVENT_SIDES, inferred_weight, sides_support, withdrawn
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
    # Set by a reject: the event links it withdrew, and the inferred ties it
    # recounted without them (`reweighed`; withdrawn when no evidence was left).
    withdrawn: tuple[str, ...] = ()
    reweighed: tuple[str, ...] = ()

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
            "withdrawn": list(self.withdrawn),
            "reweighed": list(self.reweighed),
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
                return _write(store, node, review, decision, actor, viewer, today)
    raise NotFound(f"no review item {item!r}: list them with `actorgraph review`")


def _write(
    store: GraphStore,
    node: m.AnyNode,
    review: m.IdentityReview,
    decision: Decision,
    actor: str,
    viewer: Viewer,
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
    links: list[m.AnyRelationship] = []
    ties: list[m.AnyRelationship] = []
    if status == m.ReviewStatus.REJECTED:
        item = review_id(node.id, review.spelling)
        links = _spelling_links(store, node.id, review.spelling, item, viewer)
        ties = _recounted_ties(store, node.id, links, item, viewer)
    # One write: the decision, the withdrawn links and the recounted ties
    # land together or not at all.
    store.write(WriteBatch.of([updated, *links, *ties]), actor=actor)
    return replace(
        _review(updated, decided),
        withdrawn=tuple(r.id for r in links),
        reweighed=tuple(r.id for r in ties),
    )


def _spelling_links(
    store: GraphStore, record_id: str, spelling: str, item: str, viewer: Viewer
) -> list[m.AnyRelationship]:
    """New versions, withdrawn by `item`, of the record's event links that rows
    spelling it `spelling` attached (links stored before the spelling was kept
    on them carry none and stay)."""
    key = match_key(spelling)
    ids = store.relationships_touching([record_id], viewer=viewer)
    _, rels = store.get_many([], ids, viewer=viewer)
    return [
        rel.model_copy(
            update={
                "withdrawn_by": item,
                "notes": f"withdrawn: {spelling!r} was rejected as a spelling of this actor "
                f"(review {item})",
            }
        )
        for rel in sorted(rels, key=lambda r: r.id)
        if isinstance(rel, m.ActorEventLink)
        and rel.source_id == record_id
        and rel.spelling is not None
        and match_key(rel.spelling) == key
        and not withdrawn(rel)
    ]


def _recounted_ties(
    store: GraphStore,
    record_id: str,
    gone: list[m.AnyRelationship],
    item: str,
    viewer: Viewer,
) -> list[m.AnyRelationship]:
    """The record's inferred alliances and oppositions, less the events of the
    withdrawn links: each loses exactly the events it counted that the record
    no longer took part in (graph.timeline.sides_support: both on one side is
    alliance evidence, opposite sides opposition), within its own episode
    (`first_cited` .. `last_cited`). One left without evidence is withdrawn
    too; one that counted none of those events is not rewritten."""
    if not any(r.type == "PARTICIPATED_IN" for r in gone):
        return []
    _, rels = store.get_many(
        [], store.relationships_touching([record_id], viewer=viewer), viewer=viewer
    )
    ties = [r for r in rels if r.type in CONTRARY and r.basis == m.Basis.INFERRED]
    ties = [r for r in ties if not withdrawn(r)]
    if not ties:
        return []
    others = {r.target_id if r.source_id == record_id else r.source_id for r in ties}
    _, around = store.get_many(
        [],
        store.relationships_touching(sorted(others | {record_id}), viewer=viewer),
        viewer=viewer,
    )
    gone_ids = {r.id for r in gone}
    before: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    after: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for rel in around:
        side = EVENT_SIDES.get(str(rel.__dict__.get("role")))
        if rel.type != "PARTICIPATED_IN" or side is None or withdrawn(rel):
            continue
        before[rel.target_id][rel.source_id].add(side)
        if rel.id not in gone_ids:
            after[rel.target_id][rel.source_id].add(side)
    days = {
        n.id: n.date
        for n in store.get_many(sorted(before), [], viewer=viewer)[0]
        if isinstance(n, m.Incident)
    }
    out: list[m.AnyRelationship] = []
    for tie in sorted(ties, key=lambda r: r.id):
        now = _support(after, tie, days)
        lost = _support(before, tie, days) - now
        if lost:
            out.append(
                _without(tie, len(lost), sorted((days[i] for i in now), key=lower_bound), item)
            )
    return out


def _support(
    sides: dict[str, dict[str, set[int]]], tie: m.AnyRelationship, days: dict[str, str]
) -> set[str]:
    """The events in `tie`'s episode whose sides (incident -> actor -> sides)
    are evidence for it."""
    return {
        incident
        for incident, who in sides.items()
        if incident in days
        and _in_window(days[incident], tie)
        and sides_support(tie.type, who.get(tie.source_id, set()), who.get(tie.target_id, set()))
    }


def _in_window(day: str, tie: m.AnyRelationship) -> bool:
    """Whether an event on `day` falls in the tie's evidence window (its episode)."""
    first, last = tie.first_cited, tie.last_cited
    return not (first and lower_bound(day) < lower_bound(first)) and not (
        last and lower_bound(day) > upper_bound(last)
    )


def _without(
    tie: m.AnyRelationship, lost: int, left_days: list[str], item: str
) -> m.AnyRelationship:
    """`tie` recounted without `lost` of its events, or withdrawn if none is left.

    The count drops by exactly the events lost (evidence the reviewer may not
    see still counts); the evidence window shrinks to the events left in view.
    """
    left = tie.evidence_count - lost
    if left <= 0:
        return tie.model_copy(
            update={
                "withdrawn_by": item,
                "notes": "withdrawn: its only evidence came from a rejected spelling "
                f"(review {item})",
            }
        )
    weight = inferred_weight(left)
    what = "on the same side" if tie.type == "ALLIED_WITH" else "on opposite sides"
    update: dict[str, Any] = {
        "evidence_count": left,
        "strength": weight,
        "confidence": min(0.9, weight),
        "notes": f"inferred: {left} event(s) with both {what}; {lost} withdrawn "
        f"with a rejected spelling (review {item})",
    }
    if left_days:
        update.update(first_cited=left_days[0], last_cited=left_days[-1])
    return tie.model_copy(update=update)
