"""Coverage and Leverage paths answer one question alike (FICTIONAL data).

A CMCoord officer who reads a score in the Coverage matrix and clicks it must
see the paths behind that number: the best leverage path from that engager to
that armed actor, asked as the click asks it (that engager only, the same
date, hop limit and minimum confidence), has exactly the Coverage score, and
a pair Coverage leaves blank has no path. Both end a path to an armed actor at
the entry points its structure calls for (`queries.leverage.landings`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from bench.generate import AS_OF, Generator, Size
from graph import model as m
from graph.projection import projection
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from ingest.snapshot import load_snapshot
from queries.command import kind_of
from queries.constraints import PathConstraints
from queries.examples import graph_from_records
from queries.gaps import gaps
from queries.leverage import leverage_paths
from tests.ui import world
from ui.demo_files import DEMO_SCENARIO

WORLD_DAY = date(2026, 11, 1)
SCENARIO = DEMO_SCENARIO
TINY = Size("tiny", 250, 1_100)


def _disagreements(graph: nx.MultiDiGraph[str], constraints: PathConstraints) -> list[str]:
    """Every (engager, armed actor) cell where the clicked-through paths contradict Coverage."""
    report = gaps(graph, constraints)
    wrong: list[str] = []
    for actor, row in report.matrix.items():
        for engager, score in row.items():
            result = leverage_paths(graph, actor, engagers=[engager], k=1, constraints=constraints)
            best = result.best
            if score is None and best is not None:
                wrong.append(f"{engager}->{actor}: Coverage blank, path {best.score:.6f}")
            elif score is not None and best is None:
                wrong.append(f"{engager}->{actor}: Coverage {score:.6f}, no path")
            elif score is not None and best is not None and best.score != pytest.approx(score):
                wrong.append(f"{engager}->{actor}: Coverage {score:.6f}, path {best.score:.6f}")
    return wrong


def test_relief_without_walls_reaches_the_front_on_both_pages(store: GraphStore) -> None:
    world.load(store)
    graph = projection(store, viewer=SYSTEM, as_of=WORLD_DAY)
    asked = PathConstraints(as_of=WORLD_DAY)
    score = gaps(graph, asked).matrix["act_hills"]["org_ngo"]
    assert score is not None and score > 0.4
    result = leverage_paths(graph, "act_hills", engagers=["org_ngo"], constraints=asked)
    assert not any("cannot reach" in note for note in result.notes), result.notes
    assert result.best is not None, result.notes
    # Decentralised: the path lands on the Front's local commander, and that is the number.
    assert result.best.nodes == ["org_ngo", "per_elder", "per_local"]
    assert result.best.score == pytest.approx(score)
    assert "paths end where engagement lands on it (Ilyo Varrant)" in " ".join(result.notes)


def test_the_answer_for_a_past_date_does_not_move_when_later_records_arrive() -> None:
    asked = PathConstraints(as_of=WORLD_DAY)
    before = graph_from_records(world.records(), as_of=WORLD_DAY)
    later = [
        m.Person(id="per_new", name="Tarn Oslew (fictional)", valid_from="2027-01"),
        m.HasAccessTo(
            id="rel_acc_new",
            source_id="org_ngo",
            target_id="per_new",
            quality="regular",
            strength=1.0,
            confidence=1.0,
            valid_from="2027-01",
            last_contact="2027-01",
        ),
        m.MemberOf(
            id="rel_new_member", source_id="per_new", target_id="act_hills", valid_from="2027-01"
        ),
    ]
    after = graph_from_records([*world.records(), *later], as_of=WORLD_DAY)
    for graph in (before, after):
        assert _disagreements(graph, asked) == []
    old = leverage_paths(before, "act_hills", engagers=["org_ngo"], constraints=asked)
    new = leverage_paths(after, "act_hills", engagers=["org_ngo"], constraints=asked)
    assert [(p.nodes, p.score) for p in old.paths] == [(p.nodes, p.score) for p in new.paths]
    assert gaps(before, asked).matrix == gaps(after, asked).matrix


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("max_hops", [3, 5])
def test_every_coverage_cell_has_its_paths_on_random_graphs(seed: int, max_hops: int) -> None:
    graph = graph_from_records(Generator(TINY, seed).records(), as_of=AS_OF)
    asked = PathConstraints(as_of=AS_OF, max_hops=max_hops)
    actors = [n for n in graph if kind_of(graph, n) == "ArmedActor"]
    scored = [s for a in gaps(graph, asked).matrix.values() for s in a.values() if s]
    assert actors and scored, "nothing was reached: the comparison proved nothing"
    assert _disagreements(graph, asked) == []


def test_every_coverage_cell_has_its_paths_in_the_demo_scenario(tmp_path: Path) -> None:
    demo = EmbeddedStore(tmp_path / "demo.db")
    load_snapshot(demo, SCENARIO, actor="test")
    for day in (date(2026, 11, 1), date(2023, 6, 1)):
        graph = projection(demo, viewer=SYSTEM, as_of=day)
        assert _disagreements(graph, PathConstraints(as_of=day)) == []
