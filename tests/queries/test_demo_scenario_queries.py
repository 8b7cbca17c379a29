"""The analyses against the FICTIONAL demo scenario's planted answers
(samples/demo/README.md, "Planted answers"), through a real store and the
real, frozen projection."""

from __future__ import annotations

import json
from datetime import date

import networkx as nx
import pytest

from graph.projection import projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.stores.embedded_store import EmbeddedStore
from ingest.snapshot import load_snapshot
from queries import blocs, compare_blocs, gaps, leverage_paths, profile, reach
from queries.blocs import blocs as find_blocs
from queries.constraints import PathConstraints
from ui.demo_files import DEMO_SCENARIO

SCENARIO = DEMO_SCENARIO
TODAY = date(2026, 11, 1)  # the scenario's present
RESTRICTED = Viewer(name="restricted analyst", clearance=Sensitivity.RESTRICTED)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    demo = EmbeddedStore(tmp_path_factory.mktemp("demo") / "demo.db")
    load_snapshot(demo, SCENARIO, actor="test")
    return demo


@pytest.fixture(scope="module")
def now(store: EmbeddedStore) -> nx.MultiDiGraph[str]:
    graph = projection(store, viewer=SYSTEM, as_of=TODAY)
    assert nx.is_frozen(graph)
    return graph


def test_decentralised_checkpoint_is_reached_locally_not_top_down(
    now: nx.MultiDiGraph[str],
) -> None:
    result = leverage_paths(now, "unt_fhu_varro_cp", k=5)
    best = result.paths[0]
    assert {"per_oradel", "per_vantesk"} <= set(best.nodes)
    assert "per_tomassine" not in best.nodes
    top_down = [p for p in result.paths if "per_tomassine" in p.nodes]
    assert top_down and all(p.score < best.score for p in top_down)
    person = leverage_paths(now, "per_vantesk")
    assert person.paths[0].nodes[-2:] == ["per_oradel", "per_vantesk"]


def test_neutrality_excludes_the_route_through_the_army_colonel(now: nx.MultiDiGraph[str]) -> None:
    result = leverage_paths(now, "per_tidewell", k=5)
    assert result.paths
    assert all("per_amsvell" not in p.nodes for p in result.paths)
    planted = ["per_sundavik", "per_gallowan", "per_marivan", "per_tidewell"]
    assert any(p.nodes[-4:] == planted for p in result.paths)
    allowed = leverage_paths(now, "per_tidewell", k=5, allow_through_parties=True)
    through = [p for p in allowed.paths if "per_amsvell" in p.nodes]
    assert through and all(any("another party" in w for w in p.warnings) for p in through)


def test_the_herders_switch_sides_in_july_2023(store: EmbeddedStore) -> None:
    before = projection(store, viewer=SYSTEM, as_of=date(2023, 6, 30))
    after = projection(store, viewer=SYSTEM, as_of=date(2023, 7, 1))
    result = compare_blocs(before, after)
    herders = {(c.counterpart, c.category): c for c in result.changes if c.actor == "act_ohd"}
    switch = herders["act_kaf", "switched"]
    assert [t.relationship for t in switch.ended] == ["rel_ally_act_ohd_act_kaf"]
    assert [t.relationship for t in switch.began] == ["rel_opp_act_ohd_act_kaf"]
    assert ("act_fhu", "new tie") in herders
    # Only the three actors whose own ties changed are reported; the rest of
    # both blocs gained or lost the herders, which is membership, not a switch.
    assert result.actors == ["act_fhu", "act_kaf", "act_ohd"]
    assert "act_ssa" in [m.actor for m in result.membership_changed]

    def bloc_mates(graph: nx.MultiDiGraph[str]) -> list[str]:
        return next(b.members for b in find_blocs(graph) if "act_ohd" in b.members)

    assert "act_kaf" in bloc_mates(before) and "act_fhu" in bloc_mates(after)


def test_the_valley_guard_hangs_on_one_field_coordinator(now: nx.MultiDiGraph[str]) -> None:
    report = gaps(now, PathConstraints(as_of=TODAY))
    spof = {s.actor: s for s in report.single_points}["act_lvg"]
    assert "per_ellisar" in [n for n, _ in spof.through]


def test_stale_access_is_flagged_and_fresh_access_is_not(now: nx.MultiDiGraph[str]) -> None:
    report = gaps(now, PathConstraints(as_of=TODAY))
    stale = {s.relationship for s in report.stale_access}
    assert "rel_acc_per_sundavik_per_brunveld" in stale
    assert "rel_acc_org_icrc_pst_kaf_3b_cdr" not in stale
    assert "rel_acc_org_ocha_per_tomassine" not in stale


def test_the_route_through_the_at_risk_teacher_carries_a_warning(now: nx.MultiDiGraph[str]) -> None:
    result = leverage_paths(now, "per_thallvane", k=5)
    via_teacher = [p for p in result.paths if "per_domenvar" in p.nodes]
    assert via_teacher
    assert all(any("at risk" in w for w in p.warnings) for p in via_teacher)
    safer = [p for p in result.paths if "per_quistral" in p.nodes]
    assert safer and not any("at risk" in w for w in safer[0].warnings)


def test_a_restricted_viewer_sees_no_route_to_the_splinter_leader(store: EmbeddedStore) -> None:
    full = leverage_paths(projection(store, viewer=SYSTEM, as_of=TODAY), "per_ulven")
    assert "per_sarnethe" in full.paths[0].nodes
    restricted_graph = projection(store, viewer=RESTRICTED, as_of=TODAY)
    for target in ("per_ulven", "act_srf"):
        result = leverage_paths(restricted_graph, target)
        assert result.paths == []
        text = json.dumps(result.as_dict())
        assert "sarnethe" not in text.lower() and "Sarnethe" not in text
    assert reach(restricted_graph, "act_srf").engagers[0].score is None


def test_access_to_a_post_follows_its_holder(store: EmbeddedStore) -> None:
    now = projection(store, viewer=SYSTEM, as_of=TODAY)
    assert leverage_paths(now, "per_solvraine").paths[0].nodes[-2:] == [
        "pst_kaf_3b_cdr",
        "per_solvraine",
    ]
    then = projection(store, viewer=SYSTEM, as_of=date(2021, 6, 1))
    assert any(
        p.nodes[-2:] == ["pst_kaf_3b_cdr", "per_velsk"]
        for p in leverage_paths(then, "per_velsk", k=5).paths
    )


def test_the_sunward_deed_is_contradicted_by_later_attacks(store: EmbeddedStore) -> None:
    now = projection(store, viewer=SYSTEM, as_of=TODAY)
    history = projection(store, viewer=SYSTEM, as_of=None)
    data = profile(now, "act_smk", history_graph=history).as_dict()
    deed = next(c for c in data["commitments"] if c["commitment"] == "cmt_smk_doc")
    assert deed["incidents_since"]["deliberate"] == 2
    assert deed["restraint_since"] >= 1
    assert data["com"]["assessed_on"] == "2025-11"


def test_blocs_never_join_opposed_actors(now: nx.MultiDiGraph[str]) -> None:
    from queries.blocs import relations

    rel = relations(now)
    for bloc in blocs(now):
        for a in bloc.members:
            for b in bloc.members:
                assert not rel.opposed(a, b)
