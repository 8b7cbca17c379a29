"""`structure: unknown`: what event data gives, and what the analyses make of it (FICTIONAL).

Event data says nothing about how a group is commanded. An actor created from
ACLED or UCDP rows is `unknown` until an analyst assesses it; command in such a
group is scored neutrally; and profiles say "structure unknown: assess it"
instead of sending the HC to the top leadership with confidence.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from graph import model as m
from graph.schema import NodeKind
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from queries.constraints import PathConstraints
from queries.profiles import profile
from queries.reach import reach
from queries.traversal import influence_graph
from tests.ingest.helpers import ACLED, TEMPLATE_CSV, UCDP, load
from tests.queries.conftest import ASKED, Builder


@pytest.mark.parametrize("events", [ACLED, UCDP], ids=["acled", "ucdp"])
def test_actors_created_from_event_data_have_unknown_structure(
    store: GraphStore, events: Path
) -> None:
    load(store, events)
    created = [
        n
        for n in store.iter_nodes(NodeKind.ARMED_ACTOR, viewer=SYSTEM)
        if isinstance(n, m.ArmedActor) and n.basis == m.Basis.INFERRED
    ]
    assert created
    assert {a.structure for a in created} == {m.Structure.UNKNOWN}
    assert all("structure unknown: assess it" in (a.notes or "") for a in created)


def test_a_template_may_record_unknown_structure(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "template"
    shutil.copytree(TEMPLATE_CSV, folder)
    sheet = folder / "ArmedActor.csv"
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("structure")
    assert "unknown" in rows[1][column]  # the help row lists it among the choices
    rows[2][column] = "unknown"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    load(store, folder)
    first_id = rows[2][rows[0].index("id")]
    stored = store.get(first_id, viewer=SYSTEM)
    assert isinstance(stored, m.ArmedActor) and stored.structure == m.Structure.UNKNOWN


def _group(b: Builder, structure: str) -> Builder:
    b.org("ocha", engager=True).actor("grp", structure=structure, name="Orrin Valley Group")
    b.person("leader").commands("leader", "grp", strength=0.9).access("ocha", "leader", 0.8)
    b.unit("cp", part_of="grp").person("cp_cdr").commands("cp_cdr", "cp")
    return b


def test_profile_of_a_group_of_unknown_structure_says_assess_it(build: Builder) -> None:
    data = profile(_group(build, "unknown").graph(), "grp").as_dict()
    first = data["recommended_approach"][0]
    assert first.startswith("structure unknown: assess it")
    text = " ".join(data["recommended_approach"])
    assert "top leadership" not in text and "local commanders" not in text
    assert data["reach"]["entry_point"].startswith("structure unknown: assess it")


def test_a_centralised_group_still_gets_its_entry_point(build: Builder) -> None:
    data = profile(_group(build, "centralised").graph(), "grp").as_dict()
    assert data["recommended_approach"][0] == (
        "engage through the top leadership; commitments made there are passed down "
        "(land on the leader and the posts that command the group)"
    )


def test_an_unknown_group_lands_on_the_target_and_its_commanders(build: Builder) -> None:
    result = reach(_group(build, "unknown").graph(), "grp")
    assert [landing.node for landing in result.landings] == ["leader"]
    result = reach(_group(Builder(), "unknown").graph(), "cp")
    assert [landing.node for landing in result.landings] == ["cp_cdr"]


@pytest.mark.parametrize(
    ("structure", "factor"),
    [("integrated", 1.0), ("centralised", 0.9), ("unknown", 0.6), ("decentralised", 0.35)],
)
def test_command_down_an_unknown_group_is_scored_neutrally(
    build: Builder, structure: str, factor: float
) -> None:
    # The leader's command over the whole group is weakened by the group's structure;
    # unknown sits between the top-down and the local readings. Local command is not.
    ig = influence_graph(_group(build, structure).graph(), constraints=PathConstraints(as_of=ASKED))
    assert ig.digraph.edges["leader", "grp"]["hop"].structure == pytest.approx(factor)
    assert ig.digraph.edges["grp", "cp"]["hop"].structure == pytest.approx(factor)
    assert ig.digraph.edges["cp", "cp_cdr"]["hop"].structure == pytest.approx(1.0)
