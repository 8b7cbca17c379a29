"""Hop and path scores: each factor on its own, on FICTIONAL records."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from graph import model as m
from queries.constraints import PathConstraints
from queries.scoring import (
    DEFAULT_PARAMS,
    ScoringParams,
    hop_score,
    path_score,
    question_date,
    recency_factor,
    score_of,
    weight_of,
)
from queries.traversal import influence_graph
from tests.queries.conftest import Builder

DAY = date(2024, 6, 1)


def test_recency_halves_every_half_life_and_never_falls_below_the_floor() -> None:
    assert recency_factor("2024-06-01", DAY) == 1.0
    assert recency_factor("2030", DAY) == 1.0  # after the question date: fresh
    assert recency_factor("2022-06-02", DAY) == pytest.approx(0.5, abs=1e-3)
    assert recency_factor("2020-06-03", DAY) == pytest.approx(0.25, abs=1e-3)
    assert recency_factor("1990", DAY) == DEFAULT_PARAMS.recency_floor
    assert recency_factor(None, DAY) == DEFAULT_PARAMS.undated_recency == 1.0
    slow = ScoringParams(half_life_days=4 * 365)
    assert recency_factor("2020-06-03", DAY, slow) == pytest.approx(0.5, abs=1e-3)


def test_a_partial_date_counts_from_the_last_day_it_can_mean() -> None:
    # "2024-05" may mean 31 May: one day old on 1 June, not 31 days.
    assert recency_factor("2024-05", DAY) == pytest.approx(0.5 ** (1 / 730))


def test_access_is_dated_by_last_contact_and_command_only_by_fresh_evidence() -> None:
    access = m.HasAccessTo(
        id="r",
        source_id="a",
        target_id="b",
        strength=1.0,
        confidence=1.0,
        quality="regular",
        last_contact="2022-06-02",
        valid_from="2010",
    )
    assert hop_score(nx.MultiDiGraph(), access, as_of=DAY).recency_basis == "last_contact"
    assert hop_score(nx.MultiDiGraph(), access, as_of=DAY).score == pytest.approx(0.5, abs=1e-3)
    # A command valid since 2010 and still valid is current: its start is not its age.
    command = m.Commands(id="c", source_id="a", target_id="b", confidence=1.0, valid_from="2010")
    assert hop_score(nx.MultiDiGraph(), command, as_of=DAY).recency == 1.0
    cited = command.model_copy(update={"last_cited": "2022-06-02"})
    assert hop_score(nx.MultiDiGraph(), cited, as_of=DAY).recency == pytest.approx(0.5, abs=1e-3)


def test_source_grade_uses_the_best_visible_source() -> None:
    graph = Builder().source("s_a1", "A", "1").source("s_e5", "E", "5").graph()
    refs = (m.SourceRef(source_id="s_e5"), m.SourceRef(source_id="s_a1"))
    rel = m.Influences(
        id="i", source_id="a", target_id="b", strength=1.0, confidence=1.0, sources=refs
    )
    scored = hop_score(graph, rel, as_of=DAY)
    assert scored.source_grade == "A1" and scored.grade == 1.0
    only_weak = rel.model_copy(update={"sources": (m.SourceRef(source_id="s_e5"),)})
    scored = hop_score(graph, only_weak, as_of=DAY)
    assert scored.source_grade == "E5" and scored.grade == pytest.approx(0.25)


def test_access_quality_and_support_weigh_in() -> None:
    base = {"source_id": "a", "target_id": "b", "strength": 1.0, "confidence": 1.0}
    occasional = m.HasAccessTo(id="o", quality="occasional", **base)
    assert hop_score(nx.MultiDiGraph(), occasional, as_of=DAY).score == pytest.approx(0.85)
    support = m.Supports(id="s", **base)
    assert hop_score(nx.MultiDiGraph(), support, as_of=DAY).score == pytest.approx(0.7)


def test_structure_factors_are_explicit_and_tunable() -> None:
    assert DEFAULT_PARAMS.command_down == {
        "integrated": 1.0,
        "centralised": 0.9,
        "coalition": 0.5,
        "decentralised": 0.35,
        "community_embedded": 0.3,
    }
    assert DEFAULT_PARAMS.structure_down(None) == DEFAULT_PARAMS.unknown_structure
    with pytest.raises(ValueError, match="must lie in"):
        ScoringParams(command_down={"integrated": 1.5})
    with pytest.raises(ValueError):
        ScoringParams(half_life_days=0)


def test_command_down_a_decentralised_group_is_weakened_but_local_command_is_not() -> None:
    b = Builder().actor("front", structure="decentralised").unit("cp", part_of="front")
    b.person("chair").commands("chair", "front", strength=1.0).commands("chair", "cp", strength=1.0)
    b.post("cp_cdr").part_of("cp_cdr", "cp").commands("cp_cdr", "cp", strength=1.0)
    ig = influence_graph(b.graph(), constraints=PathConstraints(as_of=DAY))
    assert ig.digraph.edges["chair", "front"]["score"] == pytest.approx(0.35)
    assert ig.digraph.edges["chair", "cp"]["score"] == pytest.approx(0.35)  # from above
    assert ig.digraph.edges["front", "cp"]["score"] == pytest.approx(0.35)  # down a level
    assert ig.digraph.edges["cp_cdr", "cp"]["score"] == pytest.approx(1.0)  # local command


def test_a_community_pulls_hardest_on_community_embedded_groups() -> None:
    b = Builder().community("clan").actor("militia", structure="community_embedded")
    b.actor("army", structure="integrated")
    b.belongs_to("militia", "clan").belongs_to("army", "clan")
    ig = influence_graph(b.graph(), constraints=PathConstraints(as_of=DAY))
    militia = ig.digraph.edges["clan", "militia"]["score"]
    army = ig.digraph.edges["clan", "army"]["score"]
    assert militia > army
    assert militia == pytest.approx(0.7)


def test_the_collapsed_graph_keeps_the_best_relationship_per_pair() -> None:
    b = Builder().org("o", engager=True).person("p")
    b.access("o", "p", 0.4, id="r_weak").access("o", "p", 0.9, id="r_strong")
    ig = influence_graph(b.graph(), constraints=PathConstraints(as_of=DAY))
    assert ig.digraph.edges["o", "p"]["rel"] == "r_strong"


def test_path_scores_multiply_and_weights_invert() -> None:
    assert path_score([0.5, 0.5]) == 0.25
    assert score_of(weight_of(0.3) + weight_of(0.5)) == pytest.approx(0.15)
    assert weight_of(1.0) == 0.0
    with pytest.raises(ValueError):
        weight_of(0.0)


def test_the_question_date_defaults_to_the_projections_date() -> None:
    assert question_date(Builder().graph(date(2021, 3, 4)), None) == date(2021, 3, 4)
    assert question_date(Builder().graph(None), None) == date.today()
    assert question_date(Builder().graph(None), DAY) == DAY
