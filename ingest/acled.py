"""ACLED exports → armed actors, incidents, participation, and alliance/opposition evidence.

Column layout: the ACLED export (API and data-export tool), documented in
docs/ingest.md. What becomes what:

- `actor1`, `assoc_actor_1` (side 1) and `actor2`, `assoc_actor_2` (side 2):
  armed actors, their kind from `inter1` / `inter2` (numeric codes 1-8 in
  older exports, text in newer ones). Rioters, protesters and civilians are
  not armed actors and do not become nodes. Associated actors are split on `;`.
- every event: an `Incident` (`event_date`, `event_type`, `sub_event_type`,
  `fatalities`, `civilian_targeting`, `notes`, `source`) with
  `PARTICIPATED_IN` from each armed actor (role = the column it came from);
  civilian-targeting events add `PERPETRATED` from side 1 (attribution alleged);
- actors on the same side of an event: `ALLIED_WITH` evidence, and actors on
  opposite sides `OPPOSES` evidence — inferred (`basis=inferred`), dated by
  the first and last event that shows it (`first_cited`, `last_cited`),
  counted (`evidence_count`) over every ACLED event in the file *and* the
  store, and weighted by how often it recurs (`strength = n / (n + 1)`);
- `country`, `admin1`-`admin3`: nested `Area`s, `OCCURRED_IN` from the incident.

Actors are resolved against the store (see ingest/resolve.py and
ingest/identity.py): within the event's country (ACLED has no actor ids, so
the country scopes an actor: `acled-country:…` in its external ids) and by
the source's own ids where a dataset has them (UCDP). A match attaches the
event to the known actor and adds the spelling as an alias; a match that is
not exact is also a review item; an analyst's kind and structure are never
overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph import model as m
from ingest.context import ImportContext
from ingest.drafts import Built, closest
from ingest.events import Event, EventColumns, Participant, build_event_file, lower_values
from ingest.placement import parse_point
from ingest.resolve import match_key
from ingest.rows import Row, Table, parse_date_cell

DATASET = "acled"
ID_COLUMNS = ("event_id_cnty", "data_id")
REQUIRED = ("event_date", "event_type", "actor1", "inter1")
KNOWN_COLUMNS = frozenset(
    {
        "event_id_cnty",
        "data_id",
        "iso",
        "iso3",
        "event_id_no_cnty",
        "event_date",
        "year",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "civilian_targeting",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "tags",
        "timestamp",
        "ally_actor_1",
        "ally_actor_2",
    }
)

# ACLED actor types ("inter" codes). None: not an armed actor, no node.
INTER: dict[str, m.ActorKind | None] = {
    "1": m.ActorKind.STATE_FORCE,
    "state forces": m.ActorKind.STATE_FORCE,
    "2": m.ActorKind.NON_STATE_ARMED_GROUP,
    "rebel group": m.ActorKind.NON_STATE_ARMED_GROUP,
    "rebel groups": m.ActorKind.NON_STATE_ARMED_GROUP,
    "3": m.ActorKind.NON_STATE_ARMED_GROUP,
    "political militia": m.ActorKind.NON_STATE_ARMED_GROUP,
    "political militias": m.ActorKind.NON_STATE_ARMED_GROUP,
    "4": m.ActorKind.COMMUNITY_MILITIA,
    "identity militia": m.ActorKind.COMMUNITY_MILITIA,
    "identity militias": m.ActorKind.COMMUNITY_MILITIA,
    "5": None,
    "rioters": None,
    "6": None,
    "protesters": None,
    "7": None,
    "civilians": None,
    "8": m.ActorKind.FOREIGN_FORCE,
    "external/other forces": m.ActorKind.FOREIGN_FORCE,
    "external/other force": m.ActorKind.FOREIGN_FORCE,
    "0": None,
    "": None,
}


_TELLTALE = frozenset(
    {
        "event_id_cnty",
        "actor1",
        "inter1",
        "inter2",
        "assoc_actor_1",
        "sub_event_type",
        "interaction",
    }
)


def looks_like(header: set[str]) -> bool:
    """ACLED-shaped when enough of its characteristic columns are there (even if one is missing)."""
    return len(header & _TELLTALE) >= 3


# --------------------------------------------------------------------------- ACLED rows


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


COLUMNS = EventColumns(
    dataset=DATASET,
    required=REQUIRED,
    known=KNOWN_COLUMNS,
    key_column="event_id_cnty",
    side_roles={"actor1": 1, "assoc_actor_1": 1, "actor2": 2, "assoc_actor_2": 2},
    any_of=ID_COLUMNS,
)


def build(tables: list[Table], ctx: ImportContext, skip: set[tuple[str, str, int]]) -> Built:
    """ACLED rows to drafts, through the loop every event format shares."""
    return build_event_file(tables, ctx, skip, COLUMNS, _event)


def _inter(
    row: Row, v: dict[str, str], column: str, built: Built, error: Callable[..., Any]
) -> tuple[bool, m.ActorKind | None]:
    code = v.get(column, "").strip().lower()
    if code.endswith(".0"):
        code = code[:-2]
    if code in INTER:
        return True, INTER[code]
    hint = closest(code, [k for k in INTER if k and not k.isdigit()])
    built.errors.append(
        error(
            row,
            column,
            f"unknown ACLED actor type {code!r}",
            (f"did you mean {hint[0]!r}? " if hint else "") + "use 1-8 or the ACLED type name",
        )
    )
    return False, None


def _event(row: Row, built: Built, error: Callable[..., Any]) -> Event | None:
    v = lower_values(row)
    problems = len(built.errors)
    key = v.get("event_id_cnty") or v.get("data_id") or ""
    if not key:
        built.errors.append(error(row, "event_id_cnty", "event id is empty", "keep ACLED's id"))
    day, problem = parse_date_cell(v.get("event_date", "")) if v.get("event_date") else (None, "")
    if not v.get("event_date"):
        built.errors.append(error(row, "event_date", "event date is empty"))
    elif problem:
        built.errors.append(error(row, "event_date", problem, "use YYYY-MM-DD"))
    if not v.get("actor1"):
        built.errors.append(error(row, "actor1", "actor1 is empty", "every ACLED event has one"))
    _, kind1 = _inter(row, v, "inter1", built, error)
    kind2: m.ActorKind | None = None
    if v.get("actor2"):
        _, kind2 = _inter(row, v, "inter2", built, error)
    fatalities: int | None = None
    if v.get("fatalities"):
        try:
            fatalities = int(float(v["fatalities"]))
            if fatalities < 0:
                raise ValueError
        except ValueError:
            built.errors.append(
                error(row, "fatalities", f"not a count of people: {v['fatalities']!r}")
            )
    if len(built.errors) > problems or day is None:
        return None
    participants: list[Participant] = []
    others: list[str] = []
    for side, kind, main, assoc in (
        (1, kind1, "actor1", "assoc_actor_1"),
        (2, kind2, "actor2", "assoc_actor_2"),
    ):
        names = ([(v[main], main)] if v.get(main) else []) + [
            (n, assoc) for n in _split(v.get(assoc, ""))
        ]
        for name, column in names:
            if kind is None:
                others.append(name)
                continue
            # ACLED has no actor ids: an actor is scoped by the country it acts in,
            # so one name in two countries is two actors unless an analyst says otherwise.
            scope = (f"acled-country:{match_key(v['country'])}",) if v.get("country") else ()
            participants.append(Participant(name, kind, side, column, column, scope))
    targeting = v.get("civilian_targeting", "").lower().startswith("civilian") or (
        "civilian_targeting" not in v
        and v.get("event_type", "").lower() == "violence against civilians"
    )
    where = v.get("location") or v.get("admin3") or v.get("admin2") or v.get("admin1") or ""
    what = v.get("sub_event_type") or v.get("event_type") or "Event"
    notes = f"ACLED event {key}; {v.get('event_type', '')}"
    if v.get("interaction"):
        notes += f"; interaction {v['interaction']}"
    if others:
        notes += "; other actors (not armed): " + "; ".join(others)
    if v.get("source"):
        notes += f"; reported by: {v['source']}"
    areas = [
        (v[c], level, c)
        for c, level in (("country", 0), ("admin1", 1), ("admin2", 2), ("admin3", 3))
        if v.get(c)
    ]
    return Event(
        row=row,
        key=key,
        date=day,
        date_end=None,
        name=f"{what}, {where} ({day})" if where else f"{what} ({day})",
        incident_type=what,
        fatalities=fatalities,
        civilian_targeting=targeting,
        description=v.get("notes") or None,
        notes=notes,
        participants=participants,
        areas=areas,
        point=parse_point(v.get("longitude"), v.get("latitude")),
        columns={
            "date": "event_date",
            "fatalities": "fatalities",
            "description": "notes",
            "incident_type": "sub_event_type",
            "name": "location",
        },
    )
