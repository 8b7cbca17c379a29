"""Network measures on hand-built FICTIONAL graphs whose answers are worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import model as m
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.errors import InvalidQuery
from queries.measures import measures
from tests.cli.conftest import store_url  # noqa: F401  (both stores, as --store URLs)
from tests.queries.conftest import Builder
from ui.cli import app


def _tie(b: Builder, a: str, c: str, **kw: object) -> Builder:
    return b.rel(m.AssociatedWith, a, c, **kw)


def star_and_pair(b: Builder) -> Builder:
    """hub joined to a, c, d (a star); e - f apart: two components of 4 and 2.

    n = 6, m = 4: density 4 / 15. The hub lies on the 3 shortest paths between
    its leaves: raw betweenness 3, normalised by (5 * 4) / 2 = 10: 0.3.
    """
    for p in ("hub", "a", "c", "d", "e", "f"):
        b.person(p)
    return _tie(_tie(_tie(_tie(b, "hub", "a"), "hub", "c"), "d", "hub"), "e", "f")


def test_betweenness_is_normalised_by_pairs_of_other_nodes_and_says_so(build: Builder) -> None:
    result = measures(star_and_pair(build).graph())
    broker = result.top_broker
    assert broker is not None and broker.node == "hub"
    assert broker.betweenness_raw == 3.0
    assert broker.betweenness == pytest.approx(0.3)
    assert broker.degree == 3 and broker.degree_centrality == pytest.approx(3 / 5)
    assert result.density == pytest.approx(4 / 15)
    assert "(n - 1)(n - 2) / 2" in result.as_dict()["normalisation"]["betweenness"]


def test_a_disconnected_network_reports_diameter_per_component(build: Builder) -> None:
    result = measures(star_and_pair(build).graph())
    data = result.as_dict()["network"]
    assert data["connected"] is False and data["diameter"] is None
    assert data["component_sizes"] == [4, 2]
    assert [(c["size"], c["diameter"]) for c in data["components"]] == [(4, 2), (2, 1)]
    assert any("disconnected" in note for note in result.notes)
    # Closeness is scaled by the share of the network a node can reach.
    by_id = {n.node: n for n in result.ranked}
    assert by_id["e"].closeness == pytest.approx((1 / 1) * (1 / 5))
    assert by_id["hub"].closeness == pytest.approx((3 / 3) * (3 / 5))
    # Eigenvector centrality is per component, unit norm within it.
    assert sum(by_id[x].eigenvector ** 2 for x in ("hub", "a", "c", "d")) == pytest.approx(1.0)
    assert by_id["e"].eigenvector == pytest.approx(2**-0.5)


def test_direction_and_parallel_ties_collapse_to_one_undirected_tie(build: Builder) -> None:
    build.person("a").person("b")
    build.influences("a", "b").access("b", "a").rel(m.AssociatedWith, "a", "b")
    result = measures(build.graph())
    assert (result.nodes, result.ties) == (2, 1)
    assert result.density == 1.0


def test_sources_areas_and_oppositions_are_left_out_unless_asked(build: Builder) -> None:
    build.actor("front").actor("army").opposes("front", "army")
    build.area("district", "KL0101")
    build.rel(m.OperatesIn, "front", "district").rel(m.OperatesIn, "army", "district")
    default = measures(build.graph())
    assert default.nodes == 2 and default.ties == 0
    asked = measures(build.graph(), types=["OPPOSES"])
    assert asked.ties == 1 and asked.types == ["OPPOSES"]
    with_areas = measures(build.graph(), kinds=["ArmedActor", "Area"], types=["OPERATES_IN"])
    assert with_areas.top_broker is not None and with_areas.top_broker.node == "district"


def test_a_post_counts_for_the_person_holding_it_on_the_day(build: Builder) -> None:
    """The commander's ties are recorded on the post; the measure is about the person."""
    build.unit("cp").post("cp_cdr")
    build.commands("cp_cdr", "cp").person("local").holds("local", "cp_cdr")
    build.person("elder").influences("elder", "cp_cdr")
    result = measures(build.graph())
    names = {n.node for n in result.ranked}
    assert "cp_cdr" not in names and result.posts_folded
    broker = result.top_broker
    assert broker is not None and broker.node == "local"  # between the elder and the unit
    assert broker.degree == 2  # holding the post is no tie to oneself
    kept = measures(build.graph(), kinds=["Person", "Post", "Unit"])
    assert not kept.posts_folded and "cp_cdr" in {n.node for n in kept.ranked}


def test_unknown_kinds_and_types_are_refused_with_the_choices() -> None:
    from queries.examples import tiny_graph

    with pytest.raises(InvalidQuery, match="unknown node kinds: Persons; choose from"):
        measures(tiny_graph(), kinds=["Persons"])
    with pytest.raises(InvalidQuery, match="unknown relationship types: KNOWS"):
        measures(tiny_graph(), types=["KNOWS"])


def test_communities_are_deterministic_and_split_two_cliques(build: Builder) -> None:
    people = ["a1", "a2", "a3", "b1", "b2", "b3"]
    for p in people:
        build.person(p)
    for x, y in [("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("b1", "b2"), ("b2", "b3")]:
        _tie(build, x, y)
    _tie(build, "b1", "b3")
    _tie(build, "a3", "b1")
    first = measures(build.graph())
    assert first.communities == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    assert first.modularity == pytest.approx(5 / 14)
    reversed_graph = Builder(records=list(reversed(build.records))).graph()
    assert measures(reversed_graph).as_dict() == first.as_dict()


# --------------------------------------------------------------------------- CLI, as of a date


def _store(tmp_path: Path) -> str:
    db = tmp_path / "m.db"
    store = EmbeddedStore(db)
    store.ensure_schema()
    people = [m.Person(id=f"per_{x}", name=f"Fictional {x.upper()}") for x in "abcd"]
    ties = [
        m.AssociatedWith(id="t_ab", source_id="per_a", target_id="per_b", valid_from="2019"),
        m.AssociatedWith(id="t_bc", source_id="per_b", target_id="per_c", valid_from="2019"),
    ]
    store.write(WriteBatch.of([*people, *ties]), actor="test")
    store.close()
    return f"sqlite:///{db}"


def _measures(url: str, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["--store", url, "measures", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _jsonl(path: Path, records: list[m.AnyRecord]) -> Path:
    lines = [json.dumps(r.model_dump(mode="json", exclude_none=True)) for r in records]
    path.write_text("// FICTIONAL test data\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_answer_about_the_past_does_not_move_when_later_ties_are_added(
    store_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    people = [m.Person(id=f"per_{x}", name=f"Fictional {x.upper()}") for x in "abcd"]
    early = [
        m.AssociatedWith(id="t_ab", source_id="per_a", target_id="per_b", valid_from="2019"),
        m.AssociatedWith(id="t_bc", source_id="per_b", target_id="per_c", valid_from="2019"),
    ]
    later = [
        m.AssociatedWith(id="t_cd", source_id="per_c", target_id="per_d", valid_from="2022"),
        m.AssociatedWith(id="t_ad", source_id="per_a", target_id="per_d", valid_from="2023-03"),
    ]
    runner = CliRunner()
    runner.invoke(app, ["--store", store_url, "init"])
    first = runner.invoke(
        app, ["--store", store_url, "import", str(_jsonl(tmp_path / "a.jsonl", people + early))]
    )
    assert first.exit_code == 0, first.stderr
    before = _measures(store_url, "--as-of", "2020-06-01")
    more = runner.invoke(
        app, ["--store", store_url, "import", str(_jsonl(tmp_path / "b.jsonl", later))]
    )
    assert more.exit_code == 0, more.stderr
    assert _measures(store_url, "--as-of", "2020-06-01") == before
    now = _measures(store_url, "--as-of", date(2024, 1, 1).isoformat())
    assert now["network"]["ties"] == 4  # type: ignore[index]
    assert before["network"]["ties"] == 2  # type: ignore[index]
    assert before["top_broker"]["id"] == "per_b"  # type: ignore[index]
    # A ring of four: each lies on one of the two routes between its neighbours.
    assert now["top_broker"]["betweenness_raw"] == 0.5  # type: ignore[index]


def test_cli_prints_figures_and_normalisation_as_text_and_refuses_bad_kinds(
    tmp_path: Path,
) -> None:
    url = _store(tmp_path)
    result = CliRunner().invoke(app, ["--store", url, "measures", "--as-of", "2024"])
    assert result.exit_code == 0, result.stderr
    assert "density 0.3333" in result.stdout
    assert "betweenness = raw / ((n - 1)(n - 2) / 2)" in result.stdout
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if "rank  betweenness" in line)
    assert lines[header + 1].endswith("Fictional B (per_b)")
    bad = CliRunner().invoke(app, ["--store", url, "measures", "--kinds", "Persn,Unit"])
    assert bad.exit_code != 0 and "unknown node kinds: Persn" in bad.stderr
    only = _measures(url, "--kinds", "Person", "--types", "ASSOCIATED_WITH,INFLUENCES")
    assert only["graph"]["types"] == ["ASSOCIATED_WITH", "INFLUENCES"]  # type: ignore[index]
