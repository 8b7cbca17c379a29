"""The event model ACLED and UCDP share, and the one loop that builds both formats.

A format module maps its rows to source-neutral `Event`s (`row_event`) and
names its columns; `build_event_file` checks the header, reads every row once,
refuses duplicate event ids, and hands the events to `build_events`, which
turns them into drafts: actors (resolved against the store), incidents, areas,
participation, and inferred alliance/opposition evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.errors import RowError
from graph.schema import NodeKind, RelType
from graph.timeline import INFERRED_HORIZON, inferred_weight, withdrawn
from ingest.context import ImportContext
from ingest.drafts import Built, Draft, Resolved, make_id, review_item, row_error
from ingest.identity import on_attach
from ingest.placement import Placer, unplaced_warning
from ingest.resolve import Resolver, identifies, match_key
from ingest.rows import Row, Table

# Event data does not assess a harm pattern; civilian targeting is deliberate by
# definition; anything else is left for an analyst to assess (and says so in the notes).
UNASSESSED_HARM = m.HarmPattern.UNASSESSED
PLACEHOLDER_PCODE_PREFIX = "ZZ"  # ISO 3166 user-assigned: never a real country's P-code


def refine_kind(name: str, kind: m.ActorKind) -> m.ActorKind:
    """ACLED files peacekeepers and contractors under 'external/other forces'."""
    folded = match_key(name)
    if kind == m.ActorKind.FOREIGN_FORCE:
        if "united nations" in folded or "peacekeep" in folded or folded.startswith("un "):
            return m.ActorKind.PEACE_OPERATION
        if "private military" in folded or "pmc" in folded.split():
            return m.ActorKind.PRIVATE_MILITARY_COMPANY
    return kind


# --------------------------------------------------------------------------- shared event model


@dataclass
class Participant:
    name: str
    kind: m.ActorKind
    side: int
    role: str  # the column it came from
    column: str
    # The source's own ids ("ucdp-side:902") or scope ("acled-country:kalmora"): see resolve.py.
    external_ids: tuple[str, ...] = ()


@dataclass
class Event:
    """One event row, source-neutral (ACLED and UCDP map into this)."""

    row: Row
    key: str
    date: str
    date_end: str | None
    name: str
    incident_type: str | None
    fatalities: int | None
    civilian_targeting: bool
    description: str | None
    notes: str
    participants: list[Participant]
    areas: list[tuple[str, int, str]]  # (name, admin level, column), country first
    columns: dict[str, str] = field(default_factory=dict)
    point: tuple[float, float] | None = None  # (longitude, latitude), WGS 84


def _weight(n: int) -> float:
    return inferred_weight(n)


def _placeholder_pcode(key: str) -> str:
    digits = str(int(match_key(key).encode("utf-8").hex()[:24] or "0", 16))[-10:]
    return PLACEHOLDER_PCODE_PREFIX + digits.rjust(10, "0")


def build_events(
    events: list[Event],
    ctx: ImportContext,
    built: Built,
    *,
    dataset: str,
    side_roles: dict[str, int],
) -> None:
    """Turn events into drafts: actors (resolved), incidents, areas, participation, evidence."""
    resolver: Resolver = ctx.resolver(
        [NodeKind.ARMED_ACTOR, NodeKind.UNIT], scope=lambda _: "armed"
    )
    area_resolver: Resolver = ctx.resolver(
        [NodeKind.AREA], scope=lambda n: f"Area:{getattr(n, 'admin_level', 1)}"
    )
    actor_drafts: dict[str, Draft] = {}
    actor_kinds: dict[str, Counter[m.ActorKind]] = defaultdict(Counter)
    actor_dates: dict[str, list[str]] = defaultdict(list)
    actor_of_name: dict[tuple[str, tuple[str, ...]], str] = {}
    # The report's line for a name attached to a record, repeated on each later row.
    resolved_of: dict[tuple[str, tuple[str, ...]], Resolved] = {}
    area_drafts: dict[str, Draft] = {}
    drafts: list[Draft] = []
    actor_rows: set[tuple[str, tuple[str, str, int]]] = set()
    # (actor, spelling, source ids) already added to the actor's draft: a name met
    # on thousands of rows adds its alias and source ids once, not per row.
    spelled: set[tuple[str, str, tuple[str, ...]]] = set()

    def draft_of(found: str, p: Participant) -> Draft:
        if found not in actor_drafts:
            stored = ctx.existing(found)
            kind = stored.kind if isinstance(stored, m.NodeBase) else "ArmedActor"
            actor_drafts[found] = Draft(
                data={"id": found, "kind": kind, "name": p.name},
                rows=[],
                policy="enrich",
                columns={"name": p.column},
            )
        return actor_drafts[found]

    def actor_id(p: Participant, event: Event) -> str:
        key = match_key(p.name)
        found = actor_of_name.get((key, p.external_ids))
        if found is None:
            match = resolver.resolve(p.name, ["armed"], external_ids=p.external_ids)
            if match.attaches and match.id:
                found = match.id
                on_attach(
                    match,
                    spelling=p.name,
                    row=event.row,
                    column=p.column,
                    what="actor",
                    draft=draft_of(found, p),
                    ctx=ctx,
                    built=built,
                )
                resolved_of[(key, p.external_ids)] = built.resolved[-1]
            else:
                if match.status == "ambiguous":
                    built.review.append(review_item(event.row, p.column, p.name, match, "actor"))
                found = _new_actor_id(p, dataset)
            resolver.add(found, "armed", [p.name], external_ids=p.external_ids)
            actor_of_name[(key, p.external_ids)] = found
        elif (key, p.external_ids) in resolved_of:
            built.resolved.append(resolved_of[(key, p.external_ids)].at_row(event.row))
        if (found, p.name, p.external_ids) not in spelled:
            spelled.add((found, p.name, p.external_ids))
            draft = draft_of(found, p)
            draft.add_aliases.append(p.name)
            draft.add_external_ids.extend(
                i for i in p.external_ids if i not in draft.add_external_ids
            )
        return found

    # Which area each area lies in, stored or drafted here: a same-named area in
    # another country (admin1 "Tarn" in two countries) is a different place.
    parent_of: dict[str, str] = {}
    for rel in ctx.rels(RelType.PART_OF):
        parent_of.setdefault(rel.source_id, rel.target_id)

    # With a gazetteer loaded, events go to its areas (ingest/placement.py), never
    # to placeholder areas; without one, to areas named as the source names them.
    placer = Placer.load(ctx.store, ctx.options.viewer)
    # Places whose every level is one of ours (drafted here or stored under our
    # id): the same place list always ends in the same area, so it is worked
    # out once, not on each of the thousands of events there.
    ours_only: dict[tuple[tuple[str, int], ...], str | None] = {}

    def area_id(event: Event) -> str | None:
        if placer is not None:
            placed = placer.place(event.point, [(n, lvl) for n, lvl, _ in event.areas])
            if placed.area is None:
                where = f"{Path(event.row.file).name}, row {event.row.number}"
                names = [n for n, _, _ in event.areas]
                built.warnings.append(unplaced_warning(where, event.point, names))
            return placed.area
        key = tuple((name, level) for name, level, _ in event.areas)
        if key in ours_only:
            return ours_only[key]
        parent: str | None = None
        chain: list[str] = []
        all_ours = True
        for name, level, column in event.areas:
            chain.append(match_key(name))
            current = make_id("are", dataset, *chain)
            ours = current in area_drafts or ctx.existing(current) is not None
            if not ours:
                all_ours = False
                # An area already known (say, with its real P-code) under the same name and
                # level, unless it is recorded inside another area than this event's.
                known = area_resolver.exact(name, [f"Area:{level}"])
                if known is not None and parent_of.get(known, parent) == parent:
                    parent = known
                    continue
                area_resolver.add(current, f"Area:{level}", [name])
            if current not in area_drafts:
                area_drafts[current] = Draft(
                    data={
                        "id": current,
                        "kind": "Area",
                        "name": name,
                        "admin_level": level,
                        "pcode": _placeholder_pcode("/".join(chain)),
                        "notes": f"placeholder P-code: {dataset.upper()} gives none; "
                        "replace it with the COD P-code",
                    },
                    rows=[event.row],
                    policy="enrich",
                    columns={"name": column, "pcode": column},
                )
                if parent is not None:
                    parent_of[current] = parent
                    drafts.append(
                        Draft(
                            data={
                                "id": make_id("rel", dataset, "PART_OF", current, parent),
                                "type": "PART_OF",
                                "source_id": current,
                                "target_id": parent,
                            },
                            rows=[event.row],
                            policy="replace",
                            columns={"target_id": column, "source_id": column},
                        )
                    )
            parent = current
        if all_ours:
            ours_only[key] = parent
        return parent

    # One bulk read of what the store holds under the ids this file will write
    # (its incidents and places), not one store lookup per new place or actor.
    incidents = [make_id("inc", dataset, event.key) for event in events]
    ctx.preload(_ids_ahead(events, incidents, dataset))
    participation: dict[str, dict[str, int]] = {}  # incident -> actor -> side
    incident_dates: dict[str, str] = {}
    rows_of_incident: dict[str, Row] = {}
    for event, incident in zip(events, incidents, strict=True):
        row_key = event.row.key
        incident_dates[incident] = event.date
        rows_of_incident[incident] = event.row
        harm = m.HarmPattern.DELIBERATE if event.civilian_targeting else UNASSESSED_HARM
        notes = event.notes
        if not event.civilian_targeting:
            notes += "; harm pattern not yet assessed"
        data: dict[str, Any] = {
            "id": incident,
            "kind": "Incident",
            "name": event.name[:500],
            "date": event.date,
            "harm_pattern": harm.value,
            "civilian_targeting": event.civilian_targeting,
            "notes": notes,
            "first_cited": event.date,
            "last_cited": event.date,
        }
        if event.date_end and event.date_end != event.date:
            data["valid_from"], data["valid_to"] = event.date, event.date_end
        if event.incident_type:
            data["incident_type"] = event.incident_type[:500]
        if event.fatalities is not None:
            data["fatalities"] = event.fatalities
        if event.description:
            data["description"] = event.description
        if event.point is not None:
            data["longitude"], data["latitude"] = event.point
        drafts.append(Draft(data=data, rows=[event.row], policy="replace", columns=event.columns))
        where = area_id(event)
        if where is not None:
            drafts.append(
                Draft(
                    data={
                        "id": make_id("rel", dataset, "OCCURRED_IN", incident, where),
                        "type": "OCCURRED_IN",
                        "source_id": incident,
                        "target_id": where,
                    },
                    rows=[event.row],
                    policy="replace",
                )
            )
        sides: dict[str, int] = {}
        for p in event.participants:
            actor = actor_id(p, event)
            actor_kinds[actor][p.kind] += 1
            actor_dates[actor].append(event.date)
            if (actor, row_key) not in actor_rows:
                actor_rows.add((actor, row_key))
                actor_drafts[actor].rows.append(event.row)
            if actor in sides:
                continue
            sides[actor] = p.side
            drafts.append(
                Draft(
                    data={
                        "id": make_id("rel", dataset, "PARTICIPATED_IN", actor, incident),
                        "type": "PARTICIPATED_IN",
                        "source_id": actor,
                        "target_id": incident,
                        "role": p.role,
                        "spelling": p.name,  # which spelling attached it (ingest.review)
                        "first_cited": event.date,
                        "last_cited": event.date,
                    },
                    rows=[event.row],
                    policy="replace",
                    columns={"source_id": p.column},
                )
            )
            if event.civilian_targeting and p.side == 1:
                drafts.append(
                    Draft(
                        data={
                            "id": make_id("rel", dataset, "PERPETRATED", actor, incident),
                            "type": "PERPETRATED",
                            "source_id": actor,
                            "target_id": incident,
                            "attribution": m.Attribution.ALLEGED.value,
                            "spelling": p.name,
                        },
                        rows=[event.row],
                        policy="replace",
                        columns={"source_id": p.column},
                    )
                )
        participation[incident] = sides

    for actor, draft in actor_drafts.items():
        dates = sorted(actor_dates[actor], key=lower_bound)
        draft.data.update(first_cited=dates[0], last_cited=dates[-1])
        draft.add_aliases = list(dict.fromkeys(draft.add_aliases))
        if draft.data["kind"] != "ArmedActor" or ctx.existing(actor) is not None:
            continue  # a known entity: only its aliases and citations change
        kind = refine_kind(str(draft.data["name"]), actor_kinds[actor].most_common(1)[0][0])
        draft.data.update(
            actor_kind=kind.value,
            structure=m.Structure.UNKNOWN.value,
            basis=m.Basis.INFERRED.value,
            notes=f"created from {dataset.upper()} event data; actor kind from the "
            "actor-type codes (review it); structure unknown: assess it",
        )
    drafts.extend(actor_drafts.values())
    drafts.extend(area_drafts.values())
    drafts.extend(
        _evidence(participation, incident_dates, rows_of_incident, ctx, dataset, side_roles)
    )
    built.drafts.extend(drafts)


def _new_actor_id(p: Participant, dataset: str) -> str:
    """A new actor's id: from the source's own id when it has one, else from
    the name, scoped (an ACLED actor by its country)."""
    ids = [i for i in p.external_ids if identifies(i)]
    if ids:
        return make_id("act", dataset, ids[0])
    scope = [i for i in p.external_ids if not identifies(i)]
    return make_id("act", dataset, *scope, match_key(p.name))


def _ids_ahead(events: list[Event], incidents: list[str], dataset: str) -> list[str]:
    """The ids `build_events` will look up, known before resolving: its
    `incidents`, places, and the ids its actors get if they are new (an actor
    resolved to a stored one is among the nodes the resolver has read)."""
    ids = set(incidents)
    # An actor's id depends on its name and source ids only: once per spelling.
    spellings = {(p.name, p.external_ids): p for e in events for p in e.participants}
    ids.update(_new_actor_id(p, dataset) for p in spellings.values())
    for chain in {tuple(match_key(name) for name, _, _ in e.areas) for e in events}:
        ids.update(make_id("are", dataset, *chain[: i + 1]) for i in range(len(chain)))
    return sorted(ids)


def _evidence(
    participation: dict[str, dict[str, int]],
    incident_dates: dict[str, str],
    rows_of_incident: dict[str, Row],
    ctx: ImportContext,
    dataset: str,
    side_roles: dict[str, int],
) -> list[Draft]:
    """ALLIED_WITH / OPPOSES evidence over the file's events and the store's, counted once each."""
    # Each incident's pairs, worked out once: the file's own incidents are
    # counted again below, with the store's.
    pairs_of = {incident: _pairs(sides) for incident, sides in participation.items()}
    touched = {key for pairs in pairs_of.values() for key in pairs}
    if not touched:
        return []
    everything = dict(participation)
    dates = dict(incident_dates)
    stored: dict[str, dict[str, int]] = defaultdict(dict)
    for rel in ctx.rels(RelType.PARTICIPATED_IN):
        role = getattr(rel, "role", None)
        if rel.target_id in participation or role not in side_roles or withdrawn(rel):
            continue  # withdrawn: a rejected spelling's link is no evidence
        stored[rel.target_id][rel.source_id] = side_roles[str(role)]
    if stored:
        for node in ctx.nodes(NodeKind.INCIDENT):
            if node.id in stored and isinstance(node, m.Incident):
                dates[node.id] = node.date
        everything.update({k: v for k, v in stored.items() if k in dates})
    support: dict[tuple[str, tuple[str, str]], set[str]] = defaultdict(set)
    for incident, sides in everything.items():
        pairs = pairs_of.get(incident)
        for key in _pairs(sides) if pairs is None else pairs:
            if key in touched:
                support[key].add(incident)
    drafts: list[Draft] = []
    for (rel_type, (a, b)), incidents in sorted(support.items()):
        what = "on the same side" if rel_type == "ALLIED_WITH" else "on opposite sides"
        for number, episode in enumerate(_episodes(incidents, dates)):
            n = len(episode)
            when = [dates[i] for i in episode]
            # The first episode keeps the pair's id (re-import and older stores
            # agree); a later one is named by its first date, so the same
            # evidence always lands on the same record.
            parts = [rel_type, a, b] if number == 0 else [rel_type, a, b, when[0]]
            drafts.append(
                Draft(
                    data={
                        "id": make_id("rel", dataset, *parts),
                        "type": rel_type,
                        "source_id": a,
                        "target_id": b,
                        "basis": m.Basis.INFERRED.value,
                        "evidence_count": n,
                        "first_cited": when[0],
                        "last_cited": when[-1],
                        "strength": _weight(n),
                        "confidence": min(0.9, _weight(n)),
                        "notes": f"inferred: {n} {dataset.upper()} event(s) with both {what}",
                    },
                    rows=[rows_of_incident[i] for i in sorted(episode) if i in rows_of_incident],
                    policy="replace",
                )
            )
    drafts.extend(_superseded_episodes(drafts, {(t, a, b) for t, (a, b) in support}, ctx, dataset))
    return drafts


def _pairs(sides: dict[str, int]) -> list[tuple[str, tuple[str, str]]]:
    """An incident's actor pairs, each as (ALLIED_WITH or OPPOSES, (a, b)), a < b."""
    return [
        ("ALLIED_WITH" if sa == sb else "OPPOSES", (a, b))
        for (a, sa), (b, sb) in combinations(sorted(sides.items()), 2)
    ]


def _superseded_episodes(
    drafts: list[Draft], pairs: set[tuple[str, str, str]], ctx: ImportContext, dataset: str
) -> list[Draft]:
    """Later episodes of ours that new events have joined to an earlier one.

    An event that falls between two episodes merges them, and the earlier
    record now carries all the evidence; the later one (named by its first
    date) would repeat it. It is closed, not deleted: its `valid_to` is set to
    the day before its first evidence, so it never holds (graph.timeline) and
    its history stays.
    """
    produced = {d.data["id"] for d in drafts}
    out: list[Draft] = []
    for rel_type in sorted({t for t, _, _ in pairs}):
        for rel in ctx.rels(RelType(rel_type)):
            key = (rel_type, rel.source_id, rel.target_id)
            first = rel.first_cited
            if key not in pairs or rel.id in produced or rel.basis != m.Basis.INFERRED or not first:
                continue
            if rel.id != make_id("rel", dataset, *key, first):
                continue  # not a later episode this importer made
            if rel.valid_to and upper_bound(rel.valid_to) < lower_bound(first):
                continue  # closed already
            data = rel.model_dump(mode="json")
            data["valid_to"] = (lower_bound(first) - timedelta(days=1)).isoformat()
            data["notes"] = f"superseded: its {dataset.upper()} evidence joined an earlier episode"
            out.append(Draft(data=data, rows=[], policy="replace"))
    return out


def _episodes(incidents: Iterable[str], dates: dict[str, str]) -> list[list[str]]:
    """Incidents in date order, split where the evidence falls silent for longer
    than graph.timeline's horizon: a pair seen co-fighting in 2019 and again
    only in 2024 was not allied in 2021, so each run of evidence is its own tie.

    >>> _episodes(["i1", "i2", "i3"], {"i1": "2019-03-01", "i2": "2019-09", "i3": "2024-02-01"})
    [['i1', 'i2'], ['i3']]
    """
    ordered = sorted(incidents, key=lambda i: (lower_bound(dates[i]), i))
    runs: list[list[str]] = []
    for incident in ordered:
        if runs:
            silence = lower_bound(dates[incident]) - upper_bound(dates[runs[-1][-1]])
            if silence <= INFERRED_HORIZON:
                runs[-1].append(incident)
                continue
        runs.append([incident])
    return runs


def header_checks(
    table: Table,
    built: Built,
    required: Iterable[str],
    known: frozenset[str],
    any_of: tuple[str, ...] = (),
) -> bool:
    """Missing required columns are errors (on the header row); unknown ones are warnings."""
    header = {h.strip().lower() for h in table.header}
    missing = [c for c in required if c not in header]
    if any_of and not header & set(any_of):
        missing.append(any_of[0])
    for column in missing:
        built.errors.append(
            RowError(
                field=column,
                file=table.file,
                sheet=table.sheet,
                row=table.header_row,
                message=f"required column {column!r} is missing",
                suggestion="export the data again with the dataset's full column layout",
            )
        )
    for column in table.header:
        if column and column.strip().lower() not in known:
            built.warnings.append(f"{table.file}: unknown column {column!r} ignored")
    return not missing


def no_rows_error(tables: list[Table]) -> RowError:
    first = next((t for t in tables if not t.empty), tables[0])
    return RowError(
        field="rows",
        file=first.file,
        sheet=first.sheet,
        row=first.header_row + 1,
        message="no data rows below the header",
        suggestion="check that the export is complete",
    )


@lru_cache(maxsize=4096)
def _column_key(header: str) -> str:
    return header.strip().lower()


def lower_values(row: Row) -> dict[str, str]:
    """Cells by lower-case column name, stripped (the header is folded once, not per row)."""
    values = row.values
    return dict(zip(map(_column_key, values), map(str.strip, values.values()), strict=True))


RowEvent = Callable[[Row, Built, Callable[..., RowError]], "Event | None"]


@dataclass(frozen=True)
class EventColumns:
    """What a dataset's export looks like: the columns the one build loop checks."""

    dataset: str
    required: tuple[str, ...]
    known: frozenset[str]
    key_column: str  # where a duplicate event id is reported
    side_roles: dict[str, int]  # participant column → side
    any_of: tuple[str, ...] = ()  # at least one of these (ACLED: its two id columns)


def build_event_file(
    tables: list[Table],
    ctx: ImportContext,
    skip: set[tuple[str, str, int]],
    columns: EventColumns,
    row_event: RowEvent,
) -> Built:
    """Every row of an event export to drafts, for any dataset (ACLED, UCDP)."""
    built = Built()
    events: list[Event] = []
    seen: dict[str, int] = {}
    for table in tables:
        if table.empty:
            continue
        if not header_checks(table, built, columns.required, columns.known, columns.any_of):
            continue
        for row in table.rows:
            built.rows += 1
            if row.key in skip:
                continue
            event = row_event(row, built, row_error)
            if event is None:
                continue
            if event.key in seen:
                built.errors.append(
                    row_error(
                        row,
                        columns.key_column,
                        f"event {event.key!r} appears twice (first on row {seen[event.key]})",
                        "remove the duplicate row",
                        value=event.key,
                    )
                )
                continue
            seen[event.key] = row.number
            events.append(event)
    if built.rows == 0 and not built.errors:
        built.errors.append(no_rows_error(tables))
    build_events(events, ctx, built, dataset=columns.dataset, side_roles=columns.side_roles)
    return built
