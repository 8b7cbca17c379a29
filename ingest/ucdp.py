"""UCDP Georeferenced Event Dataset (GED) CSV → the same graph shapes as ACLED.

Column layout: the GED CSV (documented in docs/ingest.md). What becomes what:

- `side_a`, `side_b`: armed actors, identified by UCDP's own ids
  (`side_a_new_id` / `side_b_new_id`, kept as `ucdp-side:ID`): the same id is
  the same actor whatever the spelling, and two actors with different ids are
  never merged, even when their names are equal. "Government of …" is a state
  force; other sides are non-state armed groups. A joint side ("Government of
  A, Government of B", with one id per member) is split into its members,
  each linked to the event, and the members get co-side `ALLIED_WITH`
  evidence like any two actors on one side. In one-sided violence
  (`type_of_violence` 3) side B is the civilians: no node, and side A
  PERPETRATED the incident (deliberate harm).
- every event: an `Incident` (`date_start`/`date_end`, `best` fatalities,
  `deaths_civilians`, `dyad_name`, `conflict_name`, `source_headline`,
  `where_description`) with `PARTICIPATED_IN` from each side (role `side_a` /
  `side_b`);
- state-based and non-state events (types 1 and 2): `OPPOSES` evidence between
  the sides, counted over every UCDP event in the file and the store;
- `country`, `adm_1`, `adm_2`: nested `Area`s, `OCCURRED_IN` from the incident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph import model as m
from ingest.context import ImportContext
from ingest.drafts import Built
from ingest.events import (
    Event,
    EventColumns,
    Participant,
    build_event_file,
    lower_values,
)
from ingest.placement import parse_point
from ingest.rows import Row, Table, parse_date_cell

DATASET = "ucdp"
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "date_start")
KNOWN_COLUMNS = frozenset(
    {
        "id",
        "relid",
        "year",
        "active_year",
        "code_status",
        "type_of_violence",
        "conflict_dset_id",
        "conflict_new_id",
        "conflict_name",
        "dyad_dset_id",
        "dyad_new_id",
        "dyad_name",
        "side_a_dset_id",
        "side_a_new_id",
        "side_a",
        "side_b_dset_id",
        "side_b_new_id",
        "side_b",
        "number_of_sources",
        "source_article",
        "source_office",
        "source_date",
        "source_headline",
        "source_original",
        "where_prec",
        "where_coordinates",
        "where_description",
        "adm_1",
        "adm_2",
        "latitude",
        "longitude",
        "geom_wkt",
        "priogrid_gid",
        "country",
        "country_id",
        "region",
        "event_clarity",
        "date_prec",
        "date_start",
        "date_end",
        "deaths_a",
        "deaths_b",
        "deaths_civilians",
        "deaths_unknown",
        "best",
        "high",
        "low",
        "gwnoa",
        "gwnob",
    }
)
VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}


_TELLTALE = frozenset(
    {"side_a", "side_b", "type_of_violence", "dyad_name", "date_start", "conflict_name", "best"}
)


def looks_like(header: set[str]) -> bool:
    return len(header & _TELLTALE) >= 3


def actor_kind(name: str) -> m.ActorKind | None:
    folded = name.strip().casefold()
    if folded in ("civilians", "civilian", ""):
        return None
    if folded.startswith("government of"):
        return m.ActorKind.STATE_FORCE
    return m.ActorKind.NON_STATE_ARMED_GROUP


def joint_side(names: str, ids: str) -> list[tuple[str, str]]:
    """A side's members with their UCDP ids: "A, B" with ids "11, 12" is two actors.

    A name with a comma in it and one id stays one actor; with no ids the
    names are split on commas (UCDP writes joint sides that way).

    >>> joint_side("Government of Orrinland, Government of Vell", "801, 802")
    [('Government of Orrinland', '801'), ('Government of Vell', '802')]
    >>> joint_side("Government of Orrinland, Republic of", "801")
    [('Government of Orrinland, Republic of', '801')]
    """
    parts = [n.strip() for n in names.split(",") if n.strip()]
    id_parts = [i.strip().removesuffix(".0") for i in ids.split(",") if i.strip()]
    if len(id_parts) == len(parts):
        return list(zip(parts, id_parts, strict=True))
    if not id_parts:
        return [(n, "") for n in parts]
    return [(names.strip(), id_parts[0] if len(id_parts) == 1 else "")]


COLUMNS = EventColumns(
    dataset=DATASET,
    required=REQUIRED,
    known=KNOWN_COLUMNS,
    key_column="id",
    side_roles={"side_a": 1, "side_b": 2},
)


def build(tables: list[Table], ctx: ImportContext, skip: set[tuple[str, str, int]]) -> Built:
    """UCDP GED rows to drafts, through the loop every event format shares."""
    return build_event_file(tables, ctx, skip, COLUMNS, _event)


def _int(
    row: Row, v: dict[str, str], column: str, built: Built, error: Callable[..., Any]
) -> int | None:
    text = v.get(column, "")
    if not text:
        return None
    try:
        value = int(float(text))
        if value < 0:
            raise ValueError
    except ValueError:
        built.errors.append(error(row, column, f"not a count of people: {text!r}"))
        return None
    return value


def _event(row: Row, built: Built, error: Callable[..., Any]) -> Event | None:
    v = lower_values(row)
    problems = len(built.errors)
    key = v.get("id", "")
    if not key:
        built.errors.append(error(row, "id", "event id is empty", "keep UCDP's id"))
    violence = v.get("type_of_violence", "").removesuffix(".0")
    if violence not in VIOLENCE:
        built.errors.append(
            error(
                row,
                "type_of_violence",
                f"unknown type of violence {violence!r}",
                "use 1 (state-based), 2 (non-state) or 3 (one-sided)",
            )
        )
    dates: dict[str, str | None] = {}
    for column in ("date_start", "date_end"):
        text = v.get(column, "")
        if not text:
            if column == "date_start":
                built.errors.append(error(row, column, "start date is empty"))
            dates[column] = None
            continue
        day, problem = parse_date_cell(text)
        if problem:
            built.errors.append(error(row, column, problem, "use YYYY-MM-DD"))
        dates[column] = day
    for column in ("side_a", "side_b"):
        if not v.get(column):
            built.errors.append(error(row, column, f"{column} is empty"))
    best = _int(row, v, "best", built, error)
    civilians = _int(row, v, "deaths_civilians", built, error)
    start = dates.get("date_start")
    if len(built.errors) > problems or start is None:
        return None
    one_sided = violence == "3"
    participants: list[Participant] = []
    others: list[str] = []
    for side, column in ((1, "side_a"), (2, "side_b")):
        kind = actor_kind(v[column])
        if kind is None or (one_sided and side == 2):
            others.append(v[column])
            continue
        for name, side_id in joint_side(v[column], v.get(f"{column}_new_id", "")):
            member = actor_kind(name) or kind
            ids = (f"ucdp-side:{side_id}",) if side_id else ()
            participants.append(Participant(name, member, side, column, column, ids))
    where = v.get("where_description") or v.get("adm_2") or v.get("adm_1") or v.get("country", "")
    notes = f"UCDP GED event {key}; {VIOLENCE[violence]}"
    if v.get("dyad_name"):
        notes += f"; dyad: {v['dyad_name']}"
    if v.get("conflict_name"):
        notes += f"; conflict: {v['conflict_name']}"
    if civilians:
        notes += f"; civilian deaths (best estimate): {civilians}"
    if others:
        notes += "; other side (not an armed actor): " + "; ".join(others)
    areas = [
        (v[c], level, c) for c, level in (("country", 0), ("adm_1", 1), ("adm_2", 2)) if v.get(c)
    ]
    return Event(
        row=row,
        key=key,
        date=start,
        date_end=dates.get("date_end"),
        name=f"{VIOLENCE[violence].capitalize()}, {where} ({start})",
        incident_type=VIOLENCE[violence],
        fatalities=best,
        civilian_targeting=one_sided,
        description=v.get("source_headline") or None,
        notes=notes,
        participants=participants,
        areas=areas,
        point=parse_point(v.get("longitude"), v.get("latitude")),
        columns={
            "date": "date_start",
            "valid_from": "date_start",
            "valid_to": "date_end",
            "fatalities": "best",
            "name": "where_description",
        },
    )
