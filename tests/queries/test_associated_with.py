"""ASSOCIATED_WITH, the symmetric tie: walked both ways at a stated weight, never an arrow.

FICTIONAL graphs only; every name is invented.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import networkx as nx
import pytest

from graph import model as m
from graph.errors import SchemaError
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from ingest.export import export_store
from ingest.templates import write_template_csv
from queries.leverage import leverage_paths
from queries.scoring import TYPE_WEIGHT
from tests.ingest.helpers import load
from tests.queries.conftest import Builder


def _tie(b: Builder, a: str, c: str, strength: float = 0.8) -> Builder:
    return b.rel(m.AssociatedWith, a, c, strength=strength, confidence=1.0, tie_kind="kinship")


@pytest.mark.parametrize("order", ["cousin_first", "elder_first"])
def test_a_tie_is_walked_in_both_directions_at_its_stated_weight(
    build: Builder, order: str
) -> None:
    """ocha -(access 0.8)-> elder ~(kinship 0.8 x 0.6)~ cousin, recorded either way round."""
    build.org("ocha", engager=True).person("elder").person("cousin")
    build.actor("front").commands("cousin", "front", strength=1.0, confidence=1.0)
    build.access("ocha", "elder", 0.8)
    ends = ("cousin", "elder") if order == "cousin_first" else ("elder", "cousin")
    _tie(build, *ends)
    result = leverage_paths(build.graph(), "cousin", k=1)
    assert result.paths, "the tie must be walkable whichever end was recorded first"
    path = result.paths[0]
    assert path.nodes == ["ocha", "elder", "cousin"]
    assert path.score == pytest.approx(0.8 * 0.8 * TYPE_WEIGHT["ASSOCIATED_WITH"])
    assert TYPE_WEIGHT["ASSOCIATED_WITH"] == 0.6


def test_a_tie_is_weaker_leverage_than_an_influence_of_the_same_strength(build: Builder) -> None:
    build.org("ocha", engager=True).person("a").person("b").person("target")
    build.access("ocha", "a", 0.9).access("ocha", "b", 0.9)
    _tie(build, "a", "target", 0.8)
    build.influences("b", "target", 0.8)
    best = leverage_paths(build.graph(), "target", k=2).paths
    assert [p.nodes[1] for p in best] == ["b", "a"]


def test_schema_refuses_a_symmetric_type_allowed_one_way_only() -> None:
    spec = SCHEMA.relationships[RelType.ASSOCIATED_WITH]
    one_way = dataclasses.replace(
        spec, patterns=spec.patterns | {(NodeKind.PERSON, NodeKind.ORGANISATION)}
    )
    broken = dataclasses.replace(
        SCHEMA, relationships={**SCHEMA.relationships, RelType.ASSOCIATED_WITH: one_way}
    )
    with pytest.raises(SchemaError, match="both ways"):
        broken.check_self()


def _people(store: GraphStore) -> None:
    store.write(
        WriteBatch.of(
            [
                m.Person(id="per_a", name="Amsel Tork", sensitivity="public"),
                m.Person(id="per_b", name="Brin Calloway", sensitivity="public"),
            ]
        ),
        actor="test",
    )


def test_a_tie_imported_again_the_other_way_round_is_the_same_record(
    store: GraphStore, tmp_path: Path
) -> None:
    _people(store)
    first = write_template_csv(
        tmp_path / "first",
        rows={"ASSOCIATED_WITH": [{"source_id": "per_a", "target_id": "per_b"}]},
    )
    again = write_template_csv(
        tmp_path / "again",
        rows={
            "ASSOCIATED_WITH": [
                {"source_id": "Brin Calloway", "target_id": "Amsel Tork", "tie_kind": "kinship"}
            ]
        },
    )
    assert load(store, first).created == 1
    report = load(store, again)
    assert report.errors == [] and report.created == 0
    ties = [r for r in store.iter_relationships(viewer=SYSTEM) if r.type == "ASSOCIATED_WITH"]
    assert len(ties) == 1
    assert ties[0].tie_kind == m.TieKind.KINSHIP  # type: ignore[union-attr]


def test_exports_say_a_tie_has_no_direction(store: GraphStore, tmp_path: Path) -> None:
    _people(store)
    store.write(
        WriteBatch.of(
            [
                m.AssociatedWith(id="r_tie", source_id="per_a", target_id="per_b"),
                m.Influences(id="r_inf", source_id="per_a", target_id="per_b"),
            ]
        ),
        actor="test",
    )
    export_store(store, SYSTEM, "csv", tmp_path / "csv")
    with (tmp_path / "csv" / "edges.csv").open(encoding="utf-8-sig", newline="") as fh:
        directed = {row["id"]: row["directed"] for row in csv.DictReader(fh)}
    assert directed == {"r_tie": "False", "r_inf": "True"}
    export_store(store, SYSTEM, "graphml", tmp_path / "g.graphml")
    graph = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    by_id = {d["id"]: d["directed"] for _, _, d in graph.edges(data=True)}
    assert by_id == {"r_tie": False, "r_inf": True}
