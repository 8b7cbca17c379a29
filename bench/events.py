"""Realistic, FICTIONAL ACLED and UCDP GED event files for the import benchmark.

An event file is not a graph dump: the same few hundred actors come back on
tens of thousands of rows, spelled as a real feed spells them (case,
diacritics, the Arabic article written `al-` / `Al ` / not at all, a date
range in brackets, a typo now and then), with joint sides and associated
actors, many places nested country → admin1 → admin2 → admin3, and dates
spread over years. That repetition is what an importer must exploit, so the
benchmark measures it on files shaped like this rather than on the graph
generator's records.

Every name is generated from invented syllables ("Front of the Varo Hills",
"Government of Tesmir"): nothing here describes a real group, person or
place. The same seed gives the same file on every machine (one
`random.Random(seed)`, no clock, no set iteration).

>>> rows = acled_rows(20, seed=1)
>>> len(rows), rows[0]["event_id_cnty"][3:]
(20, '0000001')
>>> acled_rows(20, seed=1) == rows
True
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ingest import ucdp

_FIRST_DAY = date(2016, 1, 1)
_SPAN_DAYS = 365 * 9
CsvRow = dict[str, str]
_SYLLABLES = [
    "ka",
    "va",
    "lo",
    "ri",
    "te",
    "sa",
    "mo",
    "nu",
    "be",
    "da",
    "ro",
    "mi",
    "zo",
    "ha",
    "ti",
    "gu",
    "le",
    "ar",
    "en",
    "os",
    "ul",
    "ba",
    "ne",
    "fi",
    "ko",
    "ra",
    "si",
    "to",
]
_GROUP_WORDS = ("Front", "Movement", "Army", "Brigades", "Defence Forces", "Union", "Guard")
_GROUP_ADJ = ("Popular", "Revolutionary", "National", "Islamic", "Free", "United", "Patriotic")
_ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "7th", "9th", "11th")
_EVENTS = (
    ("Battles", "Armed clash"),
    ("Battles", "Government regains territory"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Violence against civilians", "Attack"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Strategic developments", "Looting/property destruction"),
)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


@dataclass
class _Actor:
    name: str
    inter: int  # ACLED actor type 1-4, 8
    country: int
    ucdp_id: int
    variants: tuple[str, ...]


@dataclass
class _Country:
    name: str
    iso: int
    areas: list[tuple[str, str, str]]  # admin1, admin2, admin3


def _variants(rng: random.Random, name: str) -> tuple[str, ...]:
    """How feeds misspell a name: case, the article, diacritics, one typo (sometimes)."""
    out = [name, name.upper() if len(name) < 30 else name]
    words = name.split()
    if len(words) > 2:
        out.append(" ".join([*words[:-1], "al-" + words[-1]]))
    accented = name.replace("a", "á", 1).replace("o", "ô", 1)
    out.append(accented)
    if rng.random() < 0.3:
        # One transposed letter inside a long word: a fuzzy match, so a review item.
        long = [i for i, w in enumerate(words) if len(w) >= 7]
        if long:
            i = rng.choice(long)
            w = words[i]
            j = rng.randrange(2, len(w) - 2)
            words = [*words[:i], w[:j] + w[j + 1] + w[j] + w[j + 2 :], *words[i + 1 :]]
            out.append(" ".join(words))
    return tuple(dict.fromkeys(out))


class _World:
    """Countries with nested places, and the actors fighting in them."""

    def __init__(self, rng: random.Random, actors: int, countries: int) -> None:
        self.countries: list[_Country] = []
        for c in range(countries):
            name = _word(rng, 2) + rng.choice(("land", "ia", "stan", "ora", "mir"))
            areas = []
            for _ in range(rng.randint(6, 12)):
                a1 = _word(rng, 2)
                for _ in range(rng.randint(3, 6)):
                    a2 = f"{a1} {_word(rng, 2)}"
                    for _ in range(rng.randint(1, 4)):
                        areas.append((a1, a2, _word(rng, 3)))
            self.countries.append(_Country(name, 900 + c, areas))
        self.actors: list[_Actor] = []
        ucdp_id = 1000
        for c, country in enumerate(self.countries):
            # The state: forces and police, for a date range, as ACLED names them.
            for state in (
                f"Military Forces of {country.name} (2016-)",
                f"Police Forces of {country.name} (2016-)",
            ):
                ucdp_id += 1
                self.actors.append(_Actor(state, 1, c, ucdp_id, (state,)))
        per_country = max(1, actors // max(1, countries))
        for c, country in enumerate(self.countries):
            for k in range(per_country - 2):
                ucdp_id += 1
                shape = k % 4
                place = _word(rng, 2)
                if shape == 0:
                    name = f"{rng.choice(_GROUP_ADJ)} {rng.choice(_GROUP_WORDS)} of {place}"
                    inter = 2
                elif shape == 1:
                    name = f"Jabhat {_word(rng, 2)} {_word(rng, 3)}"
                    inter = 2
                elif shape == 2:
                    name = f"{place} Communal Militia ({country.name})"
                    inter = 4
                else:
                    name = f"{rng.choice(_ORDINALS)} {place} {rng.choice(_GROUP_WORDS)}"
                    inter = 3
                self.actors.append(_Actor(name, inter, c, ucdp_id, _variants(rng, name)))
        self.by_country: list[list[_Actor]] = [
            [a for a in self.actors if a.country == c] for c in range(len(self.countries))
        ]

    def place(self, rng: random.Random) -> tuple[int, _Country]:
        c = rng.randrange(len(self.countries))
        return c, self.countries[c]

    def pick(self, rng: random.Random, country: int, avoid: set[str]) -> _Actor:
        pool = self.by_country[country]
        # Heavy-tailed: a few actors appear on most rows of a country.
        for _ in range(10):
            actor = pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]
            if actor.name not in avoid:
                return actor
        return next(a for a in pool if a.name not in avoid)


def _start(seed: int, actors: int, countries: int) -> tuple[random.Random, _World, list[CsvRow]]:
    rng = random.Random(seed)
    return rng, _World(rng, actors, countries), []


def _day(rng: random.Random) -> date:
    return _FIRST_DAY + timedelta(days=rng.randrange(_SPAN_DAYS))


def acled_rows(n: int, *, seed: int = 0, actors: int = 300, countries: int = 8) -> list[CsvRow]:
    """`n` ACLED export rows over `actors` actors in `countries` countries."""
    rng, world, rows = _start(seed, actors, countries)
    for i in range(n):
        c, country = world.place(rng)
        event_type, sub = rng.choice(_EVENTS)
        a1 = world.pick(rng, c, set())
        side1 = {a1.name}
        assoc1: list[str] = []
        assoc2: list[str] = []
        if rng.random() < 0.15:
            ally = world.pick(rng, c, side1)
            side1.add(ally.name)
            assoc1.append(rng.choice(ally.variants))
        civilians = event_type == "Violence against civilians"
        if civilians:
            actor2, inter2 = f"Civilians ({country.name})", 7
        elif rng.random() < 0.1:
            actor2, inter2 = f"Protesters ({country.name})", 6
        else:
            a2 = world.pick(rng, c, side1)
            actor2, inter2 = rng.choice(a2.variants), a2.inter
            if rng.random() < 0.1:
                assoc2.append(rng.choice(world.pick(rng, c, side1 | {a2.name}).variants))
        day = _day(rng)
        a1_name = rng.choice(a1.variants)
        admin1, admin2, admin3 = rng.choice(country.areas)
        rows.append(
            {
                "event_id_cnty": f"{country.name[:3].upper()}{i + 1:07d}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": "1",
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": a1_name,
                "assoc_actor_1": "; ".join(assoc1),
                "inter1": str(a1.inter),
                "actor2": actor2,
                "assoc_actor_2": "; ".join(assoc2),
                "inter2": str(inter2),
                "interaction": f"{a1.inter}{inter2}",
                "civilian_targeting": "Civilian targeting" if civilians else "",
                "iso": str(country.iso),
                "region": "Fictional Region",
                "country": country.name,
                "admin1": admin1,
                "admin2": admin2,
                "admin3": admin3 if rng.random() < 0.8 else "",
                "location": f"{admin3} town",
                "latitude": f"{rng.uniform(-10, 10):.4f}",
                "longitude": f"{rng.uniform(10, 40):.4f}",
                "geo_precision": "1",
                "source": f"{country.name} Daily (fictional)",
                "source_scale": "National",
                "notes": "FICTIONAL benchmark data: every name, place and event is invented.",
                "fatalities": str(int(rng.expovariate(0.3))),
                "tags": "",
                "timestamp": "1718000000",
            }
        )
    return rows


def ucdp_rows(n: int, *, seed: int = 0, actors: int = 300, countries: int = 8) -> list[CsvRow]:
    """`n` UCDP GED rows: state-based, non-state and one-sided events, some joint sides."""
    rng, world, rows = _start(seed, actors, countries)
    for i in range(n):
        c, country = world.place(rng)
        violence = rng.choices(("1", "2", "3"), weights=(5, 3, 2))[0]
        state = world.by_country[c][0]
        if violence == "1":
            gov = f"Government of {country.name}"
            side_a, side_a_id, avoid = gov, str(state.ucdp_id), set()
            if rng.random() < 0.1:  # a joint side: two governments fighting together
                other = world.countries[(c + 1) % len(world.countries)]
                other_state = world.by_country[(c + 1) % len(world.countries)][0]
                side_a = f"{gov}, Government of {other.name}"
                side_a_id = f"{state.ucdp_id}, {other_state.ucdp_id}"
        else:
            a = world.pick(rng, c, {state.name})
            side_a, side_a_id, avoid = rng.choice(a.variants), str(a.ucdp_id), {a.name}
        if violence == "3":
            side_b, side_b_id = "Civilians", "1"
        else:
            b = world.pick(rng, c, {state.name} | avoid)
            side_b, side_b_id = rng.choice(b.variants), str(b.ucdp_id)
        start = _day(rng)
        end = start + timedelta(days=rng.choice((0, 0, 0, 1, 3)))
        adm_1, adm_2, _ = rng.choice(country.areas)
        best = int(rng.expovariate(0.2))
        rows.append(
            {
                **dict.fromkeys(sorted(ucdp.KNOWN_COLUMNS), ""),
                "id": str(500000 + i),
                "relid": f"{country.name[:3].upper()}-{start.year}-{i}",
                "year": str(start.year),
                "active_year": "TRUE",
                "code_status": "Clear",
                "type_of_violence": violence,
                "conflict_name": f"{country.name}: Government",
                "dyad_name": f"{side_a} - {side_b}",
                "side_a_new_id": side_a_id,
                "side_a": side_a,
                "side_b_new_id": side_b_id,
                "side_b": side_b,
                "number_of_sources": "1",
                "source_headline": "FICTIONAL benchmark data: every name and event is invented.",
                "where_prec": "1",
                "where_description": f"{adm_2} (fictional)",
                "adm_1": adm_1,
                "adm_2": adm_2,
                "latitude": f"{rng.uniform(-10, 10):.4f}",
                "longitude": f"{rng.uniform(10, 40):.4f}",
                "country": country.name,
                "country_id": str(country.iso),
                "region": "Africa",
                "event_clarity": "1",
                "date_prec": "1",
                "date_start": f"{start.isoformat()} 00:00:00.000",
                "date_end": f"{end.isoformat()} 00:00:00.000",
                "deaths_civilians": str(best if violence == "3" else 0),
                "best": str(best),
                "high": str(best + 2),
                "low": str(best),
            }
        )
    return rows


def write_csv(path: Path, rows: list[CsvRow]) -> Path:
    """The rows as a CSV file, columns in the rows' own order."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_acled(path: Path, n: int, *, seed: int = 0) -> Path:
    return write_csv(path, acled_rows(n, seed=seed))


def write_ucdp(path: Path, n: int, *, seed: int = 0) -> Path:
    return write_csv(path, ucdp_rows(n, seed=seed))
