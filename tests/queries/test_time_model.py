"""Answers about a past date D use only what was known on D (graph.timeline),
on FICTIONAL records: later evidence neither freshens a hop, nor lifts its
source grade, nor hides stale access, nor shows in a profile as the past."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graph import model as m
from graph.timeline import holds_on
from queries.constraints import PathConstraints
from queries.examples import graph_from_records
from queries.gaps import access_ages
from queries.leverage import leverage_paths
from queries.profiles import profile

D2020 = date(2020, 1, 1)


def _scenario(**access: Any) -> list[m.AnyRecord]:
    """An NGO with access to a commander of a small group, since 2018."""
    return [
        m.Organisation(id="org_ngo", name="Tarn Relief (fictional)", org_kind="nngo", engager=True),
        m.Person(id="per_cdr", name="Orsk Vallane"),
        m.ArmedActor(
            id="act_grp",
            name="Ashen Ridge Brigade",
            actor_kind="non_state_armed_group",
            structure="centralised",
        ),
        m.Source(
            id="src_late",
            name="Field report (fictional)",
            reliability="A",
            credibility="1",
            first_cited="2024-03",
        ),
        m.Commands(id="r_cmd", source_id="per_cdr", target_id="act_grp", confidence=0.9),
        m.HasAccessTo(
            id="r_acc",
            source_id="org_ngo",
            target_id="per_cdr",
            quality="regular",
            confidence=0.9,
            valid_from="2018-02",
            last_cited="2018-06",
            **access,
        ),
    ]


def _score(records: list[m.AnyRecord], day: date) -> float:
    graph = graph_from_records(records, as_of=day)
    return leverage_paths(graph, "act_grp", constraints=PathConstraints(as_of=day)).paths[0].score


def test_a_path_as_of_2020_is_not_scored_with_a_2024_last_contact() -> None:
    before = _score(_scenario(), D2020)
    later_contact = _scenario(last_contact="2024-05")
    path = leverage_paths(
        graph_from_records(later_contact, as_of=D2020),
        "act_grp",
        constraints=PathConstraints(as_of=D2020),
    )
    hop = path.paths[0].hops[0]
    assert (hop.last_verified, hop.recency_basis) == ("2018-06", "last_cited")
    assert path.paths[0].score == before
    # On the day of the contact, it counts.
    assert _score(later_contact, date(2024, 6, 1)) > _score(_scenario(), date(2024, 6, 1))


def test_a_source_first_cited_after_the_question_date_does_not_lift_the_grade() -> None:
    cited = [
        r.model_copy(update={"sources": (m.SourceRef(source_id="src_late"),)})
        if r.id == "r_acc"
        else r
        for r in _scenario()
    ]
    # The unfiltered graph holds the source; the question is still about 2020.
    graph = graph_from_records(cited)
    hop = (
        leverage_paths(graph, "act_grp", constraints=PathConstraints(as_of=D2020)).paths[0].hops[0]
    )
    assert hop.source_grade is None
    assert (
        leverage_paths(graph, "act_grp", constraints=PathConstraints(as_of=date(2024, 6, 1)))
        .paths[0]
        .hops[0]
        .source_grade
        == "A1"
    )


def test_access_last_contacted_after_the_question_date_is_undated_then_not_fresh() -> None:
    graph = graph_from_records(_scenario(last_contact="2024-05"), as_of=D2020)
    stale, undated = access_ages(graph, D2020, 365)
    assert [r.relationship for r in undated] == ["r_acc"] and stale == []
    assert undated[0].last_contact is None


@settings(max_examples=40, deadline=None)
@given(
    contact=st.dates(date(2020, 1, 2), date(2030, 12, 31)),
    cited=st.dates(date(2020, 1, 2), date(2030, 12, 31)),
)
def test_evidence_dated_after_the_question_date_never_moves_the_answer(
    contact: date, cited: date
) -> None:
    """The invariant: adding evidence dated after D (a contact, a citation)
    leaves the 2020 path score and the stale-access report as they were."""
    base = _scenario()
    later = _scenario(last_contact=contact.isoformat())
    later = [
        r.model_copy(update={"last_cited": cited.isoformat(), "first_cited": "2018-06"})
        if r.id == "r_acc"
        else r
        for r in later
    ]
    assert _score(later, D2020) == _score(base, D2020)
    graph_base = graph_from_records(base, as_of=D2020)
    graph_later = graph_from_records(later, as_of=D2020)
    assert [r.age_days for r in access_ages(graph_later, D2020, 365)[0]] == [
        r.age_days for r in access_ages(graph_base, D2020, 365)[0]
    ]


def test_a_record_dated_2025_03_does_not_hold_on_2024_06_01() -> None:
    incident = m.Incident(id="inc_late", name="Raid", date="2025-03", harm_pattern="unassessed")
    commitment = m.Commitment(id="cmt_late", name="Pledge", commitment_kind="other", date="2025-03")
    for record in (incident, commitment):
        assert not holds_on(record, date(2024, 6, 1))
        assert holds_on(record, date(2025, 3, 1))
    assert not graph_from_records([incident, commitment], as_of=date(2024, 6, 1)).nodes


def _actors_and_ties() -> list[m.AnyRecord]:
    def actor(node_id: str, name: str) -> m.ArmedActor:
        return m.ArmedActor(
            id=node_id, name=name, actor_kind="non_state_armed_group", structure="centralised"
        )

    return [
        actor("act_a", "Ashen Ridge Brigade"),
        actor("act_t", "Tarn Hollow Guard"),
        actor("act_m", "Mire Watch"),
        m.AlliedWith(
            id="r_inferred",
            source_id="act_a",
            target_id="act_t",
            basis="inferred",
            first_cited="2019-03-02",
            last_cited="2019-07-15",
        ),
        m.Opposes(id="r_later", source_id="act_a", target_id="act_m", valid_from="2021-02"),
    ]


def test_profile_lists_neither_future_ties_as_past_nor_inferred_ties_as_open() -> None:
    records = _actors_and_ties()
    day = date(2019, 10, 1)
    data = profile(
        graph_from_records(records, as_of=day),
        "act_a",
        history_graph=graph_from_records(records),
        constraints=PathConstraints(as_of=day),
    ).as_dict()
    rows = {r["relationship"]: r for r in data["allegiances"]}
    assert "r_later" not in rows, "a tie that begins after D is neither current nor past"
    tie = rows["r_inferred"]
    assert tie["current"] is True and tie["basis"] == "inferred"
    assert (tie["holds_from"], tie["holds_to"]) == ("2019-03-02", "2020-07-14")
    assert (tie["first_cited"], tie["last_cited"]) == ("2019-03-02", "2019-07-15")
    later = profile(
        graph_from_records(records, as_of=date(2021, 6, 1)),
        "act_a",
        history_graph=graph_from_records(records),
        constraints=PathConstraints(as_of=date(2021, 6, 1)),
    ).as_dict()
    past = {r["relationship"]: r["current"] for r in later["allegiances"]}
    assert past == {"r_later": True, "r_inferred": False}
