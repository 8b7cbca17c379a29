"""An armed actor's profile, on a FICTIONAL graph."""

from __future__ import annotations

from datetime import date

import pytest

from graph import model as m
from graph.errors import NotFound
from queries.errors import InvalidQuery
from queries.profiles import profile
from tests.queries.conftest import Builder


def movement(b: Builder) -> Builder:
    """A centralised movement that signed a deed in 2021 and broke it in 2022."""
    src = m.SourceRef(source_id="src_w", locator="p. 3")
    hidden = m.SourceRef(source_id="src_hidden")
    early = m.ComProfile(
        assessed_on="2023",
        capability=m.ComScore(score=0.2),
        opportunity=m.ComScore(score=0.9),
        motivation=m.ComScore(score=0.9),
    )
    late = m.ComProfile(
        assessed_on="2024-03",
        capability=m.ComScore(score=0.7, evidence=(src, hidden)),
        opportunity=m.ComScore(score=0.3, indicators=("no community ties",)),
        motivation=m.ComScore(score=0.5),
    )
    b.source("src_w", "B", "2", name="Workshop notes (fictional)")
    b.org("icrc", engager=True)
    b.actor("smk", structure="centralised", profiles=(late, early), threat_level="high")
    b.post("leader_post").commands("leader_post", "smk").person("leader")
    b.holds("leader", "leader_post")
    b.unit("north", part_of="smk").unit("iron", part_of="north")
    b.person("dosk").commands("dosk", "north").member_of("dosk", "north")
    b.actor("army", structure="integrated")
    b.opposes("army", "smk", valid_from="2019")
    b.allied("smk", "army", valid_from="2015", valid_to="2018")
    b.add(
        m.Commitment(
            id="deed",
            name="Deed on health care",
            commitment_kind="deed_of_commitment",
            date="2021-06-15",
        )
    )
    b.rel(m.CommittedTo, "smk", "deed")
    for inc, day, pattern in (
        ("inc_market", "2019-08-14", "reckless"),
        ("inc_clinic", "2022-04-19", "deliberate"),
        ("inc_release", "2024-01-15", "restraint"),
    ):
        b.add(m.Incident(id=inc, name=inc, date=day, harm_pattern=pattern, fatalities=2))
        b.rel(m.Perpetrated, "iron" if pattern != "restraint" else "smk", inc)
    b.add(m.Engagement(id="eng_1", name="Dialogue", date="2021-06", outcome="deed signed"))
    b.rel(m.ParticipatedIn, "leader", "eng_1").rel(m.ParticipatedIn, "icrc", "eng_1")
    b.person("cleric").influences("cleric", "leader", 0.7).access("icrc", "cleric", 0.8)
    b.access("icrc", "leader_post", 0.5, last_contact="2024-05")
    return b


def test_the_profile_gathers_what_a_negotiator_needs(build: Builder) -> None:
    b = movement(build)
    data = profile(b.graph(), "smk", history_graph=b.graph(None)).as_dict()
    assert data["structure"] == "centralised" and data["threat_level"] == "high"
    # The latest assessment wins; its weakest dimension drives the advice.
    assert data["com"]["assessed_on"] == "2024-03"
    assert data["com"]["weakest"] == "opportunity"
    assert data["com"]["earlier_assessments"] == 1
    # Evidence the viewer cannot see (src_hidden is not in the graph) is left out.
    assert [e["source"] for e in data["com"]["capability"]["evidence"]] == ["src_w"]
    assert data["com"]["capability"]["evidence"][0]["grade"] == "B2"
    assert "opportunity gap" in data["recommended_approach"][1]
    assert "top leadership" in data["recommended_approach"][0]

    tree = data["command_tree"]
    assert [c["node"] for c in tree["commanders"]] == ["leader_post", "leader"]
    assert tree["units"][0]["node"] == "north"
    assert tree["units"][0]["commanders"][0]["node"] == "dosk"
    assert tree["units"][0]["units"][0]["node"] == "iron"

    allegiances = {(a["type"], a["with"], a["current"]) for a in data["allegiances"]}
    assert allegiances == {("OPPOSES", "army", True), ("ALLIED_WITH", "army", False)}

    assert data["incidents"]["deliberate"]["count"] == 1
    assert data["incidents"]["reckless"]["fatalities"] == 2
    deed = data["commitments"][0]
    # Since the 2021 deed: one deliberate attack and one act of restraint; the
    # 2019 shelling came before it.
    assert deed["harm_since"] == 1 and deed["restraint_since"] == 1
    assert data["engagements"][0]["our_side"][0]["node"] == "icrc"

    assert [i["node"] for i in data["influencers"]] == ["cleric"]
    assert [a["from"] for a in data["access"]] == ["icrc"]
    assert data["reach"]["engagers"][0]["engager"] == "icrc"


def test_without_history_only_current_allegiances_show(build: Builder) -> None:
    data = profile(movement(build).graph(), "smk").as_dict()
    assert [(a["type"], a["current"]) for a in data["allegiances"]] == [("OPPOSES", True)]


def test_profile_refuses_what_is_not_an_armed_actor(build: Builder) -> None:
    graph = movement(build).graph(date(2024, 6, 1))
    with pytest.raises(InvalidQuery):
        profile(graph, "leader")
    with pytest.raises(NotFound):
        profile(graph, "act_unknown")
