"""The one model of time: what "this record holds on day D" means, per kind of record.

Every as-of answer rests on this module. The stores store each record's window
(`holds_window`) in their ``from_day`` / ``to_day`` columns and filter on them;
Python analyses call `holds_on`; the projection applies `ended_by_contrary`.
No other module decides validity.

Kinds of record, and their window (both ends included; partial dates give the
widest honest bounds, see `graph.dates`):

- **Asserted records** (an analyst said so): their validity interval,
  ``valid_from`` .. ``valid_to``; a dated record without ``valid_from`` (a
  Commitment) begins on its ``date``. No start means "always was", no end
  "still is".
- **Events** (``Incident``, ``Engagement``) and **event links**
  (``PERPETRATED``, ``PARTICIPATED_IN``, ``OCCURRED_IN``): from the event's
  start, never expiring. A three-day attack is part of a group's record on
  the fourth day and every day after; its end date (``valid_to``) stays as data.
- **Inferred relationships** (``basis=inferred``: co-fighting, opposing sides
  in event data): the evidence window, ``first_cited`` .. ``last_cited``, plus
  `INFERRED_HORIZON`; an explicit ``valid_to`` still caps it.
- **Inferred nodes** (actors known only from event data: ``basis=inferred``
  and no ``valid_from``): first to last evidence, plus `INFERRED_HORIZON`.
- **Withdrawn links** (``withdrawn_by`` set: a rejected spelling's event
  links, a placeholder area an event was re-placed from, an inferred tie left
  without evidence): on no date at all (`withdrawn`). They were wrong, not
  ended; the projection leaves them out of the full history too.

The horizon: event data shows an alliance or a group only when they fight.
`INFERRED_HORIZON` is 365 days because active parties in the conflicts these
datasets cover appear in events several times a year, so a full year without
a single sighting is itself evidence that the tie (or the group) is gone, and
because one year is what `queries.gaps` already treats as stale access.
Shorter would make seasonal fighters (dry-season offensives) blink in and out
of existence; longer would keep, say, an alliance last seen in 2019 "current"
through 2021.

Evidence dated after D does not inform an answer about D (`evidence_on`).

The pair rule (`ended_by_contrary`): an inferred ``ALLIED_WITH`` between two
actors is ended early by an ``OPPOSES`` between the same pair (either
direction), and vice versa, when the contrary record starts after the tie's
own last evidence, while the tie still holds, and on or before D. When their
evidence overlaps, both hold: the pair is *contested* on D (`contested_pairs`).

>>> from datetime import date
>>> from graph import model as m
>>> ally = m.AlliedWith(id="r1", source_id="a", target_id="b", basis="inferred",
...                     first_cited="2019-03-02", last_cited="2019-08")
>>> holds_window(ally)
(datetime.date(2019, 3, 2), datetime.date(2020, 8, 30))
>>> holds_on(ally, date(2019, 3, 1)), holds_on(ally, date(2020, 6, 1))
(False, True)
>>> foe = m.Opposes(id="r2", source_id="b", target_id="a", basis="inferred",
...                 first_cited="2019-12-01", last_cited="2020-02")
>>> sorted(ended_by_contrary([ally, foe], date(2020, 1, 1)))
['r1']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from graph import model as m
from graph.dates import lower_bound, upper_bound

INFERRED_HORIZON = timedelta(days=365)
"""How long an inferred record outlives its last evidence (module docstring)."""

RULE_VERSION = 2
"""Bumped whenever `holds_window` changes: a store whose stored windows were
computed under an older rule recomputes them when it is opened. (Withdrawn
links did not bump it: no record stored before `withdrawn_by` existed has one,
so every stored window stays what the rule gives.)"""

EVENT_KINDS = frozenset({"Incident", "Engagement"})
EVENT_LINKS = frozenset({"PERPETRATED", "PARTICIPATED_IN", "OCCURRED_IN"})
CONTRARY = {"ALLIED_WITH": "OPPOSES", "OPPOSES": "ALLIED_WITH"}

Window = tuple[date | None, date | None]

NEVER: Window = (date.max, date.min)
"""The window of a record that holds on no date (starts after it ends)."""


def _lower(text: str | None) -> date | None:
    return lower_bound(text) if text else None


def _upper(text: str | None) -> date | None:
    return upper_bound(text) if text else None


def _cap(end: date | None, cap: date | None) -> date | None:
    if cap is None:
        return end
    return cap if end is None else min(end, cap)


def label(record: m.Envelope) -> str:
    """Node kind or relationship type (`graph.model.label_of`)."""
    return m.label_of(record)


def evidence_end(record: m.Envelope) -> date | None:
    """The last day a record's own evidence can mean (``last_cited``, else ``first_cited``)."""
    fields = record.__dict__  # not getattr: see graph.write_plan.cited_sources
    return _upper(fields.get("last_cited") or fields.get("first_cited"))


def withdrawn(record: m.Envelope) -> bool:
    """Whether a later decision withdrew `record` (`graph.model.Withdrawable`).

    The one test every reader applies: the stores (through `holds_window`) at
    any date, the projection for the whole history, the importers when they
    count stored evidence again.

    >>> from graph import model as m
    >>> link = m.ParticipatedIn(id="p", source_id="a", target_id="i", first_cited="2021")
    >>> withdrawn(link), withdrawn(link.model_copy(update={"withdrawn_by": "rev_1"}))
    (False, True)
    """
    return record.__dict__.get("withdrawn_by") is not None


def holds_window(record: m.Envelope) -> Window:
    """First and last day `record` holds (None: unbounded), per the module's rules.

    >>> from graph import model as m
    >>> inc = m.Incident(id="i", name="Raid", date="2021-05-01", valid_from="2021-05-01",
    ...                  valid_to="2021-05-03", harm_pattern="unassessed")
    >>> holds_window(inc)  # an event never expires
    (datetime.date(2021, 5, 1), None)
    >>> holds_window(m.Commands(id="c", source_id="p", target_id="u", valid_to="2022"))
    (None, datetime.date(2022, 12, 31))
    >>> actor = m.ArmedActor(id="a", name="Band", actor_kind="non_state_armed_group",
    ...                      structure="decentralised", basis="inferred",
    ...                      first_cited="2020-01-05", last_cited="2020-02-10")
    >>> holds_window(actor)
    (datetime.date(2020, 1, 5), datetime.date(2021, 2, 9))
    """
    fields = record.__dict__
    if fields.get("withdrawn_by") is not None:
        return NEVER
    kind = label(record)
    valid_from, valid_to = fields.get("valid_from"), fields.get("valid_to")
    if kind in EVENT_KINDS:
        return _lower(valid_from or fields.get("date")), None
    if kind in EVENT_LINKS:
        return _lower(valid_from or fields.get("first_cited")), None
    inferred = fields.get("basis") == m.Basis.INFERRED
    is_node = isinstance(record, m.NodeBase)
    first, last = fields.get("first_cited"), fields.get("last_cited")
    if inferred and (first or last) and not (is_node and valid_from):
        start = _lower(valid_from or first or last)
        end = evidence_end(record)
        assert end is not None
        return start, _cap(end + INFERRED_HORIZON, _upper(valid_to))
    return _lower(valid_from or fields.get("date")), _upper(valid_to)


def holds_on(record: m.Envelope, day: date) -> bool:
    """Whether `record` holds on `day` (its window contains the day).

    >>> from datetime import date
    >>> from graph import model as m
    >>> late = m.Commands(id="c", source_id="p", target_id="u", valid_from="2025-03")
    >>> holds_on(late, date(2024, 6, 1)), holds_on(late, date(2025, 3, 1))
    (False, True)
    """
    start, end = holds_window(record)
    return (start is None or start <= day) and (end is None or day <= end)


def known_on(record: m.Envelope, day: date) -> bool:
    """Whether `record` holds on `day` and had been cited by then: a record
    (a source, say) first cited after the day was not known on it.

    >>> from datetime import date
    >>> from graph import model as m
    >>> report = m.Source(id="s", name="Field report", first_cited="2024-03")
    >>> known_on(report, date(2020, 1, 1)), known_on(report, date(2024, 6, 1))
    (False, True)
    """
    first = record.__dict__.get("first_cited")
    return holds_on(record, day) and not (first and lower_bound(first) > day)


def evidence_on(
    record: m.Envelope, day: date | None, fields: Sequence[str]
) -> tuple[str | None, str | None]:
    """The first of `fields` that `record` has and that was known on `day`,
    with the field's name; (None, None) when none was.

    A date after the question day did not exist yet on that day: a 2024
    contact cannot freshen an answer about 2020, so the next field in the
    order (the start, say) speaks instead; a ``last_cited`` after the day
    gives way to the same record's ``first_cited`` when that one was known.
    ``day=None`` (no question date) takes the first field present.

    >>> from datetime import date
    >>> from graph import model as m
    >>> acc = m.HasAccessTo(id="r", source_id="o", target_id="p", last_contact="2024-02",
    ...                     first_cited="2019-05", last_cited="2023-11")
    >>> evidence_on(acc, date(2024, 6, 1), ("last_contact", "last_cited"))
    ('2024-02', 'last_contact')
    >>> evidence_on(acc, date(2023, 12, 1), ("last_contact", "last_cited"))
    ('2023-11', 'last_cited')
    >>> evidence_on(acc, date(2020, 1, 1), ("last_contact", "last_cited"))
    ('2019-05', 'first_cited')
    """
    values = record.__dict__
    for name in fields:
        value, said = values.get(name), name
        if name == "last_cited" and _after(value, day):
            value, said = values.get("first_cited"), "first_cited"
        if isinstance(value, str) and value and not _after(value, day):
            return value, said
    return None, None


def _after(value: object, day: date | None) -> bool:
    """Whether a date field was not yet known on `day`."""
    return isinstance(value, str) and bool(value) and day is not None and lower_bound(value) > day


def contact_on(record: object, day: date | None) -> str | None:
    """A relationship's ``last_contact`` if it was known on `day` (else None):
    what an access listing about `day` may show."""
    if not isinstance(record, m.HasAccessTo):
        return None
    return evidence_on(record, day, ("last_contact",))[0]


def _pair(rel: m.RelBase) -> frozenset[str]:
    return frozenset((rel.source_id, rel.target_id))


def _by_pair(
    relationships: Iterable[m.AnyRelationship],
) -> dict[tuple[frozenset[str], str], list[m.AnyRelationship]]:
    by_pair: dict[tuple[frozenset[str], str], list[m.AnyRelationship]] = defaultdict(list)
    for rel in relationships:
        if rel.type in CONTRARY:
            by_pair[_pair(rel), rel.type].append(rel)
    return by_pair


def _ender(
    tie: m.AnyRelationship, contrary: Iterable[m.AnyRelationship], day: date | None
) -> tuple[date, str] | None:
    """The earliest contrary record (start, id) that ends inferred `tie` by `day`."""
    if tie.basis != m.Basis.INFERRED:
        return None
    own = evidence_end(tie)
    if own is None:
        return None
    # A contrary record that begins after the tie's window has closed (horizon
    # or valid_to) ended nothing: the tie had already lapsed.
    lapsed = holds_window(tie)[1]
    found = [
        (start, c.id)
        for c in contrary
        if (start := holds_window(c)[0]) is not None
        and start > own
        and (lapsed is None or start <= lapsed)
        and (day is None or start <= day)
    ]
    return min(found) if found else None


def ended_by_contrary(relationships: Iterable[m.AnyRelationship], day: date) -> set[str]:
    """Ids of the inferred ties among `relationships` that contrary evidence
    ended on or before `day` (the pair rule, module docstring).

    Only the records given count: pass those that hold on `day` for the viewer
    (a projection's edges), so what a viewer may not see never ends a tie.
    A contrary record without a start date cannot be placed after anything
    and ends nothing.
    """
    by_pair = _by_pair(relationships)
    return {
        tie.id
        for (pair, rel_type), ties in by_pair.items()
        for tie in ties
        if _ender(tie, by_pair.get((pair, CONTRARY[rel_type]), ()), day) is not None
    }


def ended_early(
    tie: m.AnyRelationship, relationships: Iterable[m.AnyRelationship], day: date | None = None
) -> tuple[date, str] | None:
    """When and by which record (its id) contrary evidence among `relationships`
    ended inferred `tie` (by `day`, if given); None when nothing did. A profile
    uses it to show a past tie's real end, not its horizon.

    >>> from graph import model as m
    >>> ally = m.AlliedWith(id="r1", source_id="a", target_id="b", basis="inferred",
    ...                     first_cited="2019-03", last_cited="2019-07")
    >>> foe = m.Opposes(id="r2", source_id="a", target_id="b", valid_from="2020-03-08")
    >>> ended_early(ally, [ally, foe])
    (datetime.date(2020, 3, 8), 'r2')
    """
    if tie.type not in CONTRARY:
        return None
    contrary = [r for r in relationships if r.type == CONTRARY[tie.type] and _pair(r) == _pair(tie)]
    return _ender(tie, contrary, day)


def contested_pairs(relationships: Iterable[m.AnyRelationship]) -> set[frozenset[str]]:
    """Pairs joined both by ``ALLIED_WITH`` and ``OPPOSES`` among `relationships`
    (after the pair rule: both hold on the same day, their evidence overlapping).

    >>> from graph import model as m
    >>> sorted(sorted(p) for p in contested_pairs([
    ...     m.AlliedWith(id="r1", source_id="a", target_id="b"),
    ...     m.Opposes(id="r2", source_id="b", target_id="a")]))
    [['a', 'b']]
    """
    seen: dict[frozenset[str], set[str]] = defaultdict(set)
    for rel in relationships:
        if rel.type in CONTRARY:
            seen[_pair(rel)].add(rel.type)
    return {pair for pair, types in seen.items() if len(types) == 2}


EVENT_SIDES = {"actor1": 1, "assoc_actor_1": 1, "actor2": 2, "assoc_actor_2": 2}
EVENT_SIDES |= {"side_a": 1, "side_b": 2}
"""Which side of an event each ``PARTICIPATED_IN`` role is on (ACLED columns, UCDP
sides): two actors on the same side are evidence of an alliance, on opposite
sides of an opposition."""


def sides_support(rel_type: str, mine: set[int], theirs: set[int]) -> bool:
    """Whether one event, with two actors on these sides of it (`EVENT_SIDES`), is
    evidence for an inferred alliance (both on one side) or opposition (on
    opposite sides). The projection and the review that withdraws a spelling's
    events count evidence by this one rule.

    >>> sides_support("ALLIED_WITH", {1}, {1}), sides_support("OPPOSES", {1}, {1})
    (True, False)
    >>> sides_support("OPPOSES", {1}, {2}), sides_support("ALLIED_WITH", set(), {1})
    (True, False)
    """
    if rel_type == "ALLIED_WITH":
        return bool(mine & theirs)
    return any(a != b for a in mine for b in theirs)


def inferred_weight(count: int) -> float:
    """Strength of an inferred tie seen in `count` events: n / (n + 1)."""
    return round(count / (count + 1), 3)


def evidence_known_on(
    record: m.AnyRelationship, event_days: Iterable[date], day: date
) -> m.AnyRelationship:
    """An inferred tie as it was known on `day`: evidence dated after it ignored.

    One inferred record sums every event of its episode, including those after
    a past question date; `event_days` are the days of the events that support
    it (both actors on the same side for an alliance, opposite sides for an
    opposition). Its ``last_cited``, ``evidence_count``, strength and confidence
    are recounted over those on or before `day`, so an answer about `day` does
    not move when later events are imported. A record whose evidence all falls
    on or before `day`, or whose events are not in view, is returned unchanged.

    >>> ally = m.AlliedWith(id="r1", source_id="a", target_id="b", basis="inferred",
    ...                     first_cited="2019-01-05", last_cited="2020-12-05",
    ...                     evidence_count=3, strength=0.75, confidence=0.75)
    >>> then = evidence_known_on(ally, [date(2019, 1, 5), date(2019, 6, 5),
    ...                                 date(2020, 12, 5)], date(2019, 6, 30))
    >>> then.last_cited, then.evidence_count, then.strength
    ('2019-06-05', 2, 0.667)
    """
    last = _upper(record.last_cited)
    first = _lower(record.first_cited)
    if record.basis != m.Basis.INFERRED or last is None or last <= day:
        return record
    known = sorted(d for d in event_days if d <= day and (first is None or d >= first))
    if not known:
        return record
    weight = inferred_weight(len(known))
    return record.model_copy(
        update={
            "last_cited": known[-1].isoformat(),
            "evidence_count": len(known),
            "strength": weight,
            "confidence": min(0.9, weight),
        }
    )
