"""The time cases of issue 12 on FICTIONAL event files (tests/validation/time_cases/,
in the ACLED and UCDP GED column layouts the importers read), through the
importers, each store and its projection: an inferred alliance turning into
opposition, a contested pair, the persistence horizon, actors known only from
events, multi-day incidents, and evidence dated after the question date.

Expected answers follow graph.timeline: inferred records hold from their first
evidence to their last plus INFERRED_HORIZON (365 days), later contrary
evidence ends an inferred tie, events never expire.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx

from graph import model as m
from graph.projection import build_projection
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.timeline import INFERRED_HORIZON, contested_pairs
from ingest.pipeline import ImportOptions, run_import
from queries.blocs import bloc_map
from queries.constraints import PathConstraints
from queries.profiles import profile

CASES = Path(__file__).resolve().parent / "time_cases"
DAY = timedelta(days=1)


def _load(store: GraphStore, name: str) -> None:
    report = run_import(store, CASES / name, ImportOptions())
    assert report.errors == []


def _id(store: GraphStore, name: str) -> str:
    (hit,) = [n.id for n in store.iter_nodes(NodeKind.ARMED_ACTOR, viewer=SYSTEM) if n.name == name]
    return hit


def _ties(graph: nx.MultiDiGraph[str], a: str, b: str) -> set[str]:
    """Types of the alliance / opposition edges between a and b, either way."""
    return {
        str(d["type"])
        for u, v, d in graph.edges(data=True)
        if {u, v} == {a, b} and d["type"] in ("ALLIED_WITH", "OPPOSES")
    }


def _at(store: GraphStore, day: date) -> nx.MultiDiGraph[str]:
    return build_projection(store, viewer=SYSTEM, as_of=day)


def test_inferred_alliance_holds_over_its_evidence_and_is_ended_by_later_opposition(
    store: GraphStore,
) -> None:
    _load(store, "alliance_then_opposition.csv")
    ashen, tarn = _id(store, "Ashen Ridge Brigade"), _id(store, "Tarn Hollow Guard")

    assert _ties(_at(store, date(2019, 3, 1)), ashen, tarn) == set(), "before first_cited"
    assert _ties(_at(store, date(2019, 3, 2)), ashen, tarn) == {"ALLIED_WITH"}
    assert _ties(_at(store, date(2019, 10, 1)), ashen, tarn) == {"ALLIED_WITH"}
    # Last seen together 2019-07-15: the horizon would carry the alliance to
    # 2020-07-14, but they fought each other from 2020-03-08.
    assert _ties(_at(store, date(2020, 3, 7)), ashen, tarn) == {"ALLIED_WITH"}
    assert _ties(_at(store, date(2020, 3, 8)), ashen, tarn) == {"OPPOSES"}
    assert _ties(_at(store, date(2020, 6, 1)), ashen, tarn) == {"OPPOSES"}
    # The whole history keeps both: the alliance is past, not erased.
    history = build_projection(store, viewer=SYSTEM)
    assert _ties(history, ashen, tarn) == {"ALLIED_WITH", "OPPOSES"}
    # The profile on 2020-06-01 lists it as past, ended the day before the
    # opposition began, by that opposition.
    day = date(2020, 6, 1)
    rows = profile(
        _at(store, day), ashen, history_graph=history, constraints=PathConstraints(as_of=day)
    ).as_dict()
    (ally,) = [r for r in rows["allegiances"] if r["with"] == tarn and r["type"] == "ALLIED_WITH"]
    (foe,) = [r for r in rows["allegiances"] if r["with"] == tarn and r["type"] == "OPPOSES"]
    assert (ally["current"], ally["holds_to"], ally["ended_by"]) == (
        False,
        "2020-03-07",
        foe["relationship"],
    )
    assert (ally["first_cited"], ally["last_cited"]) == ("2019-03-02", "2019-07-15")
    assert foe["current"] is True


def test_overlapping_evidence_makes_a_pair_contested_until_the_horizon(
    store: GraphStore,
) -> None:
    _load(store, "alliance_then_opposition.csv")
    ashen, stone = _id(store, "Ashen Ridge Brigade"), _id(store, "Stone Ford Militia")
    # Allied in March and September 2019, opposed in June 2019: both hold.
    graph = _at(store, date(2019, 10, 1))
    assert _ties(graph, ashen, stone) == {"ALLIED_WITH", "OPPOSES"}
    rels = [d["record"] for _, _, d in graph.edges(data=True)]
    assert frozenset((ashen, stone)) in contested_pairs(rels)
    # Opposition seen last on 2019-06-20, alliance on 2019-09-03; each lasts a horizon.
    assert _ties(_at(store, date(2019, 6, 20) + INFERRED_HORIZON), ashen, stone) == {
        "ALLIED_WITH",
        "OPPOSES",
    }
    last = date(2019, 9, 3) + INFERRED_HORIZON
    assert _ties(_at(store, last), ashen, stone) == {"ALLIED_WITH"}
    assert _ties(_at(store, last + DAY), ashen, stone) == set(), "not after the horizon"


def test_an_actor_known_only_from_events_exists_from_its_first_event_to_last_plus_horizon(
    store: GraphStore,
) -> None:
    _load(store, "evidence_2019.csv")
    mire = _id(store, "Mire Watch")
    end = date(2019, 4, 22) + INFERRED_HORIZON
    assert mire not in _at(store, date(2019, 2, 9))
    assert mire in _at(store, date(2019, 2, 10))
    assert mire in _at(store, end)
    assert mire not in _at(store, end + DAY)
    assert store.get(mire, viewer=SYSTEM, as_of=end + DAY) is None


def _answers(store: GraphStore, day: date, actor: str) -> dict[str, Any]:
    graph = _at(store, day)
    # Nodes by id: an actor's record carries its evidence window as data (a
    # later sighting moves last_cited), but whether it exists on D must not move.
    return {
        "nodes": sorted(graph.nodes),
        "edges": {
            k: d["record"].model_dump(exclude={"recorded_at"})
            for _, _, k, d in graph.edges(keys=True, data=True)
        },
        "profile": profile(
            graph,
            actor,
            history_graph=build_projection(store, viewer=SYSTEM),
            constraints=PathConstraints(as_of=day),
        ).as_dict(),
    }


def test_events_recorded_after_the_question_date_do_not_move_its_answers(
    store: GraphStore,
) -> None:
    _load(store, "evidence_2019.csv")
    mire, copper = _id(store, "Mire Watch"), _id(store, "Copper Vale Rangers")
    day = date(2019, 12, 1)
    before = _answers(store, day, mire)
    assert _ties(_at(store, day), mire, copper) == {"ALLIED_WITH"}

    _load(store, "evidence_2024.csv")

    assert _answers(store, day, mire) == before
    # Seen together in 2019 and again only in 2024: two alliances, not one
    # spanning the years in between.
    allied = sorted(
        (r.first_cited, r.last_cited, r.evidence_count)
        for r in store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM)
    )
    assert allied == [("2019-02-10", "2019-04-22", 2), ("2024-01-14", "2024-01-14", 1)]
    assert _ties(_at(store, date(2021, 6, 1)), mire, copper) == set()
    assert _ties(_at(store, date(2024, 3, 1)), mire, copper) == {"ALLIED_WITH"}
    # Importing the same files again changes nothing.
    counter = store.change_counter()
    _load(store, "evidence_2019.csv")
    _load(store, "evidence_2024.csv")
    assert store.change_counter() == counter


def test_later_events_of_the_same_alliance_do_not_change_it_at_an_earlier_date(
    store: GraphStore,
) -> None:
    # Seen together 2019-02-10 and 2019-04-22; a third sighting on 2019-11-20 is
    # the same episode (within the horizon), so the store keeps one record whose
    # evidence now ends in November. As of 2019-06-30 it rested on two events.
    _load(store, "evidence_2019.csv")
    mire, copper = _id(store, "Mire Watch"), _id(store, "Copper Vale Rangers")
    day = date(2019, 6, 30)
    before = _answers(store, day, mire)
    blocs_before = bloc_map(_at(store, day)).as_dict()

    _load(store, "evidence_2019_late.csv")

    (ally,) = store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM)
    assert (ally.last_cited, ally.evidence_count) == ("2019-11-20", 3)
    after = _answers(store, day, mire)
    (row,) = [r for r in after["profile"]["allegiances"] if r["with"] == copper]
    assert (row["last_cited"], row["holds_to"], row["strength"]) == (
        "2019-04-22",
        "2020-04-21",
        0.667,
    )
    # Every answer as before; the records' free-text notes (what the importer
    # wrote, "inferred: 3 ACLED event(s)") are data, not an answer about the day.
    for answers in (before, after):
        for record in answers["edges"].values():
            record.pop("notes")
    assert after == before
    assert bloc_map(_at(store, day)).as_dict() == blocs_before


def test_an_alliance_that_lapsed_before_the_opposition_began_was_not_ended_by_it(
    store: GraphStore,
) -> None:
    # Allied 2019-02-10 .. 2019-04-22 (so held to 2020-04-21 by the horizon);
    # first seen fighting each other on 2021-03-01, ten months after it lapsed.
    _load(store, "evidence_2019.csv")
    _load(store, "opposition_after_lapse_2021.csv")
    mire, copper = _id(store, "Mire Watch"), _id(store, "Copper Vale Rangers")
    assert _ties(_at(store, date(2020, 12, 1)), mire, copper) == set()
    day = date(2021, 6, 1)
    history = build_projection(store, viewer=SYSTEM)
    rows = profile(
        _at(store, day), mire, history_graph=history, constraints=PathConstraints(as_of=day)
    ).as_dict()
    (ally,) = [r for r in rows["allegiances"] if r["with"] == copper and r["type"] == "ALLIED_WITH"]
    # The profile must not say the alliance held into 2021 and was broken by a fight.
    assert (ally["current"], ally["holds_to"], ally["ended_by"]) == (False, "2020-04-21", None)


def test_a_multi_day_incident_still_counts_after_it_ends(store: GraphStore) -> None:
    _load(store, "multi_day_ucdp.csv")
    raiders = _id(store, "Ember Vale Raiders")

    def harm(day: date) -> dict[str, Any]:
        graph = _at(store, day)
        data = profile(graph, raiders, constraints=PathConstraints(as_of=day)).as_dict()
        return {p: (g["count"], g["fatalities"]) for p, g in data["incidents"].items()}

    assert harm(date(2021, 5, 2)) == {"deliberate": (1, 12)}  # during the attack
    assert harm(date(2021, 5, 5)) == {"deliberate": (1, 12)}  # the day after it ended
    assert harm(date(2021, 8, 1)) == {"deliberate": (2, 14)}
    attack = next(
        n
        for n in store.iter_nodes(NodeKind.INCIDENT, viewer=SYSTEM)
        if isinstance(n, m.Incident) and n.fatalities == 12
    )
    assert (attack.valid_from, attack.valid_to) == ("2021-05-01", "2021-05-04"), "kept as data"


def test_an_event_that_bridges_two_episodes_joins_them_into_one_alliance(
    store: GraphStore,
) -> None:
    _load(store, "evidence_2019.csv")  # together 2019-02-10 and 2019-04-22
    _load(store, "bridge_2020.csv")  # again 2020-06-01: 406 days later, a new episode
    mire, copper = _id(store, "Mire Watch"), _id(store, "Copper Vale Rangers")

    def windows() -> list[tuple[str | None, str | None, int]]:
        return sorted(
            (r.first_cited, r.last_cited, r.evidence_count)
            for r in store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM, as_of=None)
            if store.get(r.id, viewer=SYSTEM, as_of=date(2020, 6, 1)) is not None
            or store.get(r.id, viewer=SYSTEM, as_of=date(2019, 3, 1)) is not None
        )

    assert windows() == [("2019-02-10", "2019-04-22", 2), ("2020-06-01", "2020-06-01", 1)]
    assert _ties(_at(store, date(2020, 5, 1)), mire, copper) == set()

    _load(store, "bridge_2019.csv")  # 2019-12-01 falls between: one run of evidence

    assert windows() == [("2019-02-10", "2020-06-01", 4)]
    for day in (date(2019, 3, 1), date(2020, 5, 1), date(2020, 6, 1)):
        graph = _at(store, day)
        assert [d["type"] for u, v, d in graph.edges(data=True) if {u, v} == {mire, copper}] == [
            "ALLIED_WITH"
        ], day
    # The later record is closed, not deleted, and importing again changes nothing.
    assert len(list(store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM))) == 2
    counter = store.change_counter()
    _load(store, "bridge_2019.csv")
    _load(store, "bridge_2020.csv")
    assert store.change_counter() == counter
