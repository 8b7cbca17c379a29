"""Leverage paths on hand-built FICTIONAL graphs whose answers are argued in comments."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graph.errors import NotFound
from queries.constraints import PathConstraints
from queries.errors import InvalidQuery
from queries.leverage import leverage_paths
from queries.scoring import COMMAND_DOWN, ScoringParams
from tests.queries.conftest import ASKED, Builder


def decentralised_front(b: Builder) -> Builder:
    """A decentralised front whose chair nominally commands the checkpoint.

    Top-down: ocha -(access 0.8)-> chair -(COMMANDS 0.8, from above, x0.35)-> cp
        = 0.8 * 0.28 = 0.224.
    Local: ocha -(focal point 0.9)-> fp -(access 0.8)-> elder -(influence 0.85)-> local
        -(HOLDS 0.95)-> cp_cdr -(COMMANDS 0.9, local command x1)-> cp
        = 0.9 * 0.8 * 0.85 * 0.95 * 0.9 = 0.5233.
    Without the structure rule the top-down route would score 0.64 and win.
    """
    b.org("ocha", engager=True).person("fp").focal_point("fp", "ocha")
    b.actor("front", structure="decentralised")
    b.unit("cp", part_of="front")
    b.post("cp_cdr").part_of("cp_cdr", "cp").commands("cp_cdr", "cp", strength=0.9)
    b.person("local").holds("local", "cp_cdr")
    b.person("chair").commands("chair", "front").commands("chair", "cp", strength=0.8)
    b.access("ocha", "chair", 0.8)
    b.person("elder").access("fp", "elder", 0.8).influences("elder", "local", 0.85)
    return b


def test_decentralised_target_is_reached_through_its_local_commander(build: Builder) -> None:
    graph = decentralised_front(build).graph()
    result = leverage_paths(graph, "cp", k=5)
    best = result.paths[0]
    assert best.nodes == ["ocha", "fp", "elder", "local", "cp_cdr", "cp"]
    assert best.score == pytest.approx(0.9 * 0.8 * 0.85 * 0.95 * 0.9)
    top_down = next(p for p in result.paths if p.nodes == ["ocha", "chair", "cp"])
    assert top_down.score == pytest.approx(0.8 * 0.8 * 0.35)
    assert "decentralised" in (top_down.hops[1].note or "")


def test_without_the_structure_rule_the_top_down_route_would_win(build: Builder) -> None:
    # The same graph with every structure factor at 1: the raw products favour
    # the short top-down route (0.64 > 0.52), so the rule is what decides.
    graph = decentralised_front(build).graph()
    flat = ScoringParams(command_down=dict.fromkeys(COMMAND_DOWN, 1.0))
    result = leverage_paths(graph, "cp", constraints=PathConstraints(params=flat))
    assert result.paths[0].nodes == ["ocha", "chair", "cp"]


def test_the_local_commander_himself_is_reached_only_locally_or_weakly_from_the_top(
    build: Builder,
) -> None:
    # To reach the person, the top-down route must go chair -> cp -> post -> holder,
    # losing the structure factor on the way; the elder's influence is direct.
    graph = decentralised_front(build).graph()
    result = leverage_paths(graph, "local")
    assert result.paths[0].nodes == ["ocha", "fp", "elder", "local"]
    assert all(p.score <= result.paths[0].score for p in result.paths)


def neutrality_case(b: Builder) -> Builder:
    """Two routes to the Front's commander.

    Short: ngo -(0.9)-> general of the opposing army -(0.9)-> commander = 0.81,
        but the general belongs to another party to the conflict.
    Long:  ocha -(0.6)-> cleric -(0.6)-> commander = 0.36, no party on the way.
    """
    b.org("ngo", engager=True).org("ocha", engager=True)
    b.actor("army", structure="integrated").person("gen").commands("gen", "army")
    b.actor("front", structure="centralised").person("cdr").commands("cdr", "front")
    b.opposes("army", "front")
    b.access("ngo", "gen", 0.9).influences("gen", "cdr", 0.9)
    b.person("cleric").access("ocha", "cleric", 0.6).influences("cleric", "cdr", 0.6)
    return b


def test_no_path_runs_through_another_party_by_default(build: Builder) -> None:
    graph = neutrality_case(build).graph()
    result = leverage_paths(graph, "cdr", k=5)
    assert [p.nodes for p in result.paths] == [["ocha", "cleric", "cdr"]]
    assert result.paths[0].score == pytest.approx(0.36)
    assert not any("another party" in w for w in result.paths[0].warnings)


def test_allowing_paths_through_parties_shows_the_shorter_route_with_a_warning(
    build: Builder,
) -> None:
    graph = neutrality_case(build).graph()
    result = leverage_paths(graph, "cdr", k=5, allow_through_parties=True)
    assert result.paths[0].nodes == ["ngo", "gen", "cdr"]
    assert result.paths[0].score == pytest.approx(0.81)
    assert any("another party" in w for w in result.paths[0].warnings)
    assert result.paths[1].nodes == ["ocha", "cleric", "cdr"]


def test_the_targets_own_side_is_not_another_party(build: Builder) -> None:
    # The Front's own deputy is on the target's side: a route through him is allowed.
    graph = neutrality_case(build).person("deputy").commands("deputy", "front")
    graph.access("ocha", "deputy", 0.9).influences("deputy", "cdr", 0.9)
    result = leverage_paths(graph.graph(), "cdr")
    assert result.paths[0].nodes == ["ocha", "deputy", "cdr"]


def coalition_split(b: Builder) -> Builder:
    """A member group leaves its coalition at the end of June 2023.

    While the Marsh Band is PART_OF the coalition, its commander is on the
    target's side and his influence (0.9 * 0.9 = 0.81) is usable. Once it
    leaves, the Band is another party and only the cleric's route (0.25) remains.
    """
    b.org("ocha", engager=True)
    b.actor("coalition", structure="coalition").person("ccdr").commands("ccdr", "coalition")
    b.actor("band", structure="community_embedded").person("bcdr").commands("bcdr", "band")
    b.part_of("band", "coalition", valid_from="2020", valid_to="2023-06")
    b.access("ocha", "bcdr", 0.9).influences("bcdr", "ccdr", 0.9)
    b.person("cleric").access("ocha", "cleric", 0.5).influences("cleric", "ccdr", 0.5)
    return b


def test_an_allegiance_shift_changes_the_answer_with_the_as_of_date(build: Builder) -> None:
    b = coalition_split(build)
    before = leverage_paths(b.graph(date(2023, 1, 1)), "ccdr")
    after = leverage_paths(b.graph(date(2024, 1, 1)), "ccdr")
    assert before.paths[0].nodes == ["ocha", "bcdr", "ccdr"]
    assert after.paths[0].nodes == ["ocha", "cleric", "ccdr"]
    assert all("bcdr" not in p.nodes for p in after.paths)


def test_a_route_through_a_hidden_node_does_not_exist(build: Builder) -> None:
    # The only route runs through a confidential intermediary. A viewer who may
    # not see her gets a projection without her (and without her relationships):
    # no path, and nothing in the answer names her.
    build.org("icrc", engager=True).actor("faction").person("leader")
    build.commands("leader", "faction")
    build.person("cousin", name="Ivo Confidential").access("icrc", "cousin", 0.6)
    build.influences("cousin", "leader", 0.7)
    full = build.graph()
    assert leverage_paths(full, "leader").paths[0].nodes == ["icrc", "cousin", "leader"]
    hidden = Builder([r for r in build.records if getattr(r, "id", None) != "cousin"]).graph()
    result = leverage_paths(hidden, "leader")
    assert result.paths == []
    text = json.dumps(result.as_dict())
    assert "cousin" not in text and "Confidential" not in text


@pytest.mark.usefixtures("build")
def test_stale_access_lowers_the_score_and_is_flagged() -> None:
    # Same route, access last confirmed on the question date vs four years
    # earlier: two half-lives of two years, so the hop counts a quarter.
    def route(last_contact: str) -> float:
        b = Builder().org("ocha", engager=True).actor("front").person("cdr")
        b.commands("cdr", "front").access("ocha", "cdr", 0.8, last_contact=last_contact)
        result = leverage_paths(b.graph(), "cdr")
        if last_contact < "2023":
            assert any("last confirmed" in w for w in result.paths[0].warnings)
        return result.paths[0].score

    fresh, stale = route("2024-06-01"), route("2020-06-01")
    assert fresh == pytest.approx(0.8)
    assert stale < fresh
    assert stale == pytest.approx(0.8 * 0.5 ** ((date(2024, 6, 1) - date(2020, 6, 1)).days / 730))


def test_a_path_through_someone_at_risk_carries_a_warning(build: Builder) -> None:
    build.org("kwsn", engager=True).actor("watch", structure="community_embedded")
    build.person("cdr").commands("cdr", "watch")
    build.person("teacher", at_risk=True).access("kwsn", "teacher", 0.7)
    build.influences("teacher", "cdr", 0.75)
    result = leverage_paths(build.graph(), "cdr")
    assert result.paths[0].nodes == ["kwsn", "teacher", "cdr"]
    assert any("at risk" in w and "teacher" in w for w in result.paths[0].warnings)


def test_suspended_access_is_no_way_in(build: Builder) -> None:
    build.org("wfp", engager=True).actor("g").person("chief").commands("chief", "g")
    build.access("wfp", "chief", 0.9, quality="suspended")
    assert leverage_paths(build.graph(), "chief").paths == []


def test_hop_limit_confidence_floor_and_exclusions_are_respected(build: Builder) -> None:
    build.org("o", engager=True).actor("g").person("t").commands("t", "g")
    chain = ["a", "b", "c"]
    for p in chain:
        build.person(p)
    build.access("o", "a").influences("a", "b").influences("b", "c").influences("c", "t")
    build.person("shaky").access("o", "shaky").influences("shaky", "t", confidence=0.2)
    graph = build.graph()
    assert leverage_paths(graph, "t", constraints=PathConstraints(max_hops=3)).paths == []
    # The shaky influence (confidence 0.2) is below the default floor of 0.3.
    assert [
        p.nodes for p in leverage_paths(graph, "t", constraints=PathConstraints(max_hops=4)).paths
    ] == [["o", "a", "b", "c", "t"]]
    assert ["o", "shaky", "t"] in [
        p.nodes
        for p in leverage_paths(graph, "t", constraints=PathConstraints(min_confidence=0.1)).paths
    ]
    assert leverage_paths(
        graph, "t", exclude=["b"], constraints=PathConstraints(min_confidence=0.1)
    ).paths[0].nodes == [
        "o",
        "shaky",
        "t",
    ]
    assert leverage_paths(graph, "t", exclude=["b"]).paths == []


def test_paths_start_at_their_engager_never_pass_through_another(build: Builder) -> None:
    # unicef -> ocha -> x -> t would just be ocha's own path with a detour.
    build.org("ocha", engager=True).org("unicef", engager=True)
    build.actor("g").person("t").commands("t", "g").person("x")
    build.access("unicef", "ocha", 0.9).access("ocha", "x").influences("x", "t")
    result = leverage_paths(build.graph(), "t", k=5)
    assert [p.nodes for p in result.paths] == [["ocha", "x", "t"]]
    # Asked about unicef alone, ocha is still one of our engagers: the route is
    # ocha's to take, as Coverage and Reach count it, and the note says so.
    only_unicef = leverage_paths(build.graph(), "t", engagers=["unicef"])
    assert only_unicef.paths == []
    assert any("through ocha, another of our engagers" in n for n in only_unicef.notes)


def test_post_access_reaches_the_current_holder_only(build: Builder) -> None:
    # Access to the post survives rotation: it reaches whoever holds it at the date.
    build.org("icrc", engager=True).actor("army", structure="integrated")
    build.unit("bde", part_of="army").post("bde_cdr").part_of("bde_cdr", "bde")
    build.commands("bde_cdr", "bde").access("icrc", "bde_cdr", 0.7)
    build.person("old").holds("old", "bde_cdr", valid_from="2019", valid_to="2022-08")
    build.person("new").holds("new", "bde_cdr", valid_from="2022-09")
    graph = build.graph(date(2024, 1, 1))
    assert leverage_paths(graph, "new").paths[0].nodes == ["icrc", "bde_cdr", "new"]
    assert leverage_paths(graph, "old").paths == []


def test_every_hop_is_explained(build: Builder) -> None:
    build.source("src_a", reliability="B", credibility="2")
    build.org("ocha", engager=True).actor("g").person("t").commands("t", "g")
    from graph import model as m

    build.access(
        "ocha", "t", 0.8, last_contact="2024-06", sources=(m.SourceRef(source_id="src_a"),)
    )
    path = leverage_paths(build.graph(), "t").as_dict()["paths"][0]
    hop = path["hops"][0]
    assert hop["from"] == "ocha" and hop["to"] == "t" and hop["type"] == "HAS_ACCESS_TO"
    assert hop["direction"] == "forward"
    assert hop["source_grade"] == "B2"
    assert hop["last_verified"] == "2024-06"
    assert hop["sensitivity"] == "restricted"
    assert hop["hop_score"] == pytest.approx(0.8 * 0.95 * 0.95, abs=1e-4)
    assert path["score"] == pytest.approx(hop["hop_score"], abs=1e-4)
    assert set(path) >= {"score", "engager", "warnings", "hops", "sensitivity"}


def test_a_source_the_viewer_cannot_see_leaves_the_claim_at_its_confidence(build: Builder) -> None:
    from graph import model as m

    build.org("ocha", engager=True).actor("g").person("t").commands("t", "g")
    build.access("ocha", "t", 0.8, sources=(m.SourceRef(source_id="src_hidden"),))
    hop = leverage_paths(build.graph(), "t").paths[0].hops[0]
    assert hop.source_grade is None
    assert hop.score == pytest.approx(0.8)


def test_an_absent_target_is_not_found_and_a_wrong_kind_is_refused(build: Builder) -> None:
    build.org("ocha", engager=True).area("are_1", "KL01")
    graph = build.graph()
    with pytest.raises(NotFound):
        leverage_paths(graph, "per_nobody")
    with pytest.raises(InvalidQuery):
        leverage_paths(graph, "are_1")
    with pytest.raises(NotFound):
        leverage_paths(Builder().actor("g").graph(), "g", engagers=["org_hidden"])
    with pytest.raises(InvalidQuery):
        leverage_paths(Builder().actor("g").graph(), "g", k=0)


def test_with_no_engager_able_to_reach_the_notes_say_why(build: Builder) -> None:
    graph = neutrality_case(build).graph()
    result = leverage_paths(graph, "cdr", engagers=["ngo"])
    assert result.paths == []
    assert any("neutrality" in n for n in result.notes)
    assert result.as_of == ASKED


def three_elders(b: Builder) -> Builder:
    """Our focal point knows three elders who each influence the local commander.

    Through the focal point: 0.9 * 0.9 * 0.9 = 0.729, 0.9 * 0.8 * 0.9 = 0.648,
    0.9 * 0.7 * 0.9 = 0.567: one approach (ask the focal point), three last hops.
    Elder 1 also works through his deputy: 0.9 * 0.9 * 0.9 * 0.9 = 0.6561, the same
    route to elder 1 with a longer way in, so the same approach too.
    Through the NGO's own contact, the chief: 0.8 * 0.6 = 0.48, a second approach.
    """
    b.org("ocha", engager=True).person("fp").focal_point("fp", "ocha")
    b.org("ngo", engager=True).person("chief").access("ngo", "chief", 0.8)
    b.person("local").influences("chief", "local", 0.6)
    for elder, strength in (("elder1", 0.9), ("elder2", 0.8), ("elder3", 0.7)):
        b.person(elder).access("fp", elder, strength).influences(elder, "local", 0.9)
    b.person("deputy").influences("elder1", "deputy", 0.9).influences("deputy", "local", 0.9)
    return b


def test_paths_that_only_vary_the_last_hop_fold_under_the_better_one(build: Builder) -> None:
    graph = three_elders(build).graph()
    result = leverage_paths(graph, "local", k=2)
    assert [p.nodes for p in result.paths] == [
        ["ocha", "fp", "elder1", "local"],
        ["ngo", "chief", "local"],
    ]
    assert [[v.nodes for v in more] for more in result.variants] == [
        [
            ["ocha", "fp", "elder1", "deputy", "local"],
            ["ocha", "fp", "elder2", "local"],
            ["ocha", "fp", "elder3", "local"],
        ],
        [],
    ]
    assert result.paths[0].score == pytest.approx(0.729)
    assert [v.score for v in result.variants[0]] == pytest.approx([0.6561, 0.648, 0.567])
    shown = result.as_dict()["paths"]
    assert [len(p["variants"]) for p in shown] == [3, 0]


def test_different_approaches_do_not_fold(build: Builder) -> None:
    # Without a shared intermediary each elder is reached by a different engager,
    # or by one engager through two interlocutors: each path is its own approach.
    b = build.org("ocha", engager=True).person("local")
    for n, strength in ((1, 0.9), (2, 0.8)):
        b.org(f"org{n}", engager=True).person(f"elder{n}")
        b.access(f"org{n}", f"elder{n}", strength).influences(f"elder{n}", "local", 0.9)
    b.person("imam").access("ocha", "imam", 0.5).influences("imam", "local", 0.9)
    b.person("mayor").access("ocha", "mayor", 0.4).influences("mayor", "local", 0.9)
    result = leverage_paths(b.graph(), "local", k=5)
    assert [p.nodes[1] for p in result.paths] == ["elder1", "elder2", "imam", "mayor"]
    assert result.variants == [[], [], [], []]
