"""Leverage paths read as sentences (queries.explain.path_sentence), on FICTIONAL graphs."""

from __future__ import annotations

from queries.constraints import PathConstraints
from queries.explain import path_sentence
from queries.leverage import leverage_paths
from tests.queries.conftest import ASKED, Builder


def fernwell(b: Builder) -> Builder:
    """Fernwell's focal point Hanne reaches the Elder, who influences the commander."""
    b.org("fern", engager=True, name="Fernwell Relief International")
    b.person("hanne", name="Hanne").focal_point("hanne", "fern")
    b.person("elder", name="the Elder").person("cdr", name="the commander")
    b.access("hanne", "elder", 0.9, quality="regular").influences("elder", "cdr", 0.9)
    return b


def test_a_focal_points_path_reads_as_one_sentence(build: Builder) -> None:
    graph = fernwell(build).graph()
    result = leverage_paths(
        graph, "cdr", engagers=["hanne"], k=1, constraints=PathConstraints(as_of=ASKED)
    )
    (path,) = result.paths
    assert path_sentence(graph, path) == (
        "Fernwell Relief International's focal point Hanne has regular access to the Elder, "
        "who influences the commander."
    )


def test_the_access_quality_is_read_from_the_record_and_groups_take_which(
    build: Builder,
) -> None:
    build.org("fern", engager=True, name="Fernwell Relief International")
    build.person("hanne", name="Hanne").member_of("hanne", "fern")
    build.community("council", name="the council of elders")
    build.person("cdr", name="the commander").influences("council", "cdr", 0.9)
    build.access("hanne", "council", 0.9, quality="occasional")
    graph = build.graph()
    result = leverage_paths(
        graph, "cdr", engagers=["hanne"], k=1, constraints=PathConstraints(as_of=ASKED)
    )
    (path,) = result.paths
    assert path_sentence(graph, path) == (
        "Fernwell Relief International's colleague Hanne has occasional access to "
        "the council of elders, which influences the commander."
    )
