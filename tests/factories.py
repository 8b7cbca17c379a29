"""Small FICTIONAL records for tests: one of every node kind and relationship type.

Every name here is invented.
"""

from __future__ import annotations

from graph import model as m
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch


def one_of_each_node() -> list[m.AnyNode]:
    src = m.SourceRef(source_id="src_1", locator="p. 4, para 2")
    com = m.ComProfile(
        assessed_on="2024-05",
        capability=m.ComScore(score=0.6, indicators=("IHL training 2023",), evidence=(src,)),
        opportunity=m.ComScore(score=0.3, indicators=("no community ties",)),
        motivation=m.ComScore(score=0.4),
    )
    return [
        m.Source(
            id="src_1",
            name="Field report Q2 (fictional)",
            reliability="B",
            credibility="2",
            source_kind="report",
        ),
        m.ArmedActor(
            id="act_1",
            name="Front of the Seven Hills",
            aliases=("F7H", "Jabhat Sab'a"),
            actor_kind="non_state_armed_group",
            structure="decentralised",
            profiles=(com,),
            positions=(m.Position(objective="convoy passage", stance="neutral"),),
            sources=(src,),
            valid_from="2019",
            confidence=0.8,
            sensitivity=Sensitivity.PUBLIC,
        ),
        m.ArmedActor(
            id="act_2",
            name="Kalmoran Armed Forces",
            actor_kind="state_force",
            structure="integrated",
            sensitivity=Sensitivity.PUBLIC,
        ),
        m.Unit(id="unt_1", name="Checkpoint Zeta", echelon="checkpoint", threat_level="high"),
        m.Person(
            id="per_1",
            name="Commander Ilyo Varrant",
            title="local commander",
            aliases=("Ilyô Varrant",),
        ),
        m.Person(id="per_2", name="Sheikha Morwen Dask", at_risk=True),
        m.Post(id="pst_1", name="Commander, Checkpoint Zeta"),
        m.Organisation(
            id="org_1",
            name="Relief Without Walls (fictional INGO)",
            org_kind="ingo",
            hct_member=True,
            engager=True,
        ),
        m.Community(id="com_1", name="Orrin valley clan", community_kind="clan"),
        m.Area(id="are_1", name="Orrin District", pcode="KL0101", admin_level=2),
        m.Area(id="are_0", name="Orrin Province", pcode="KL01", admin_level=1),
        m.Site(id="sit_1", name="Orrin bridge checkpoint", site_kind="checkpoint"),
        m.Incident(
            id="inc_1",
            name="Shelling of Orrin market",
            date="2024-03-02",
            harm_pattern="reckless",
            fatalities=3,
        ),
        m.Engagement(
            id="eng_1",
            name="Checkpoint dialogue",
            date="2024-04",
            mode="meeting",
            topic="safe passage",
            outcome="passage agreed for Tuesdays",
        ),
        m.Commitment(
            id="cmt_1",
            name="Deed on child protection",
            commitment_kind="deed_of_commitment",
            date="2022",
        ),
    ]


def one_of_each_relationship() -> list[m.AnyRelationship]:
    p = m
    return [
        p.Commands(id="rel_cmd", source_id="pst_1", target_id="unt_1", valid_from="2022"),
        p.PartOf(id="rel_part", source_id="unt_1", target_id="act_1"),
        p.Holds(id="rel_holds", source_id="per_1", target_id="pst_1", valid_from="2022-09"),
        p.AlliedWith(
            id="rel_ally",
            source_id="act_1",
            target_id="act_2",
            valid_from="2019",
            valid_to="2023-06",
            strength=0.7,
        ),
        p.Opposes(id="rel_opp", source_id="act_2", target_id="act_1", valid_from="2023-07"),
        p.SplinterOf(id="rel_split", source_id="act_1", target_id="act_2"),
        p.Supports(
            id="rel_sup", source_id="com_1", target_id="act_1", channel="tribal", strength=0.6
        ),
        p.Influences(
            id="rel_inf",
            source_id="per_2",
            target_id="per_1",
            channel="religious",
            strength=0.85,
            topic="treatment of detainees",
        ),
        p.AssociatedWith(
            id="rel_assoc",
            source_id="per_1",
            target_id="per_2",
            tie_kind="co_participation",
            strength=0.6,
            valid_from="2021",
        ),
        p.HasAccessTo(
            id="rel_acc",
            source_id="org_1",
            target_id="per_2",
            quality="regular",
            last_contact="2026-10-01",
            strength=0.8,
            sources=(m.SourceRef(source_id="src_1"),),
        ),
        p.MemberOf(id="rel_mem", source_id="per_1", target_id="act_1"),
        p.FocalPointFor(id="rel_fp", source_id="per_2", target_id="com_1"),
        p.BelongsTo(id="rel_bel", source_id="act_1", target_id="com_1"),
        p.Controls(id="rel_ctl", source_id="act_1", target_id="are_1", valid_from="2021-03"),
        p.OperatesIn(id="rel_ops", source_id="org_1", target_id="are_1"),
        p.OccurredIn(id="rel_occ", source_id="inc_1", target_id="are_1"),
        p.Perpetrated(id="rel_perp", source_id="unt_1", target_id="inc_1", attribution="alleged"),
        p.ParticipatedIn(id="rel_part_in", source_id="org_1", target_id="eng_1"),
        p.CommittedTo(id="rel_commit", source_id="act_1", target_id="cmt_1"),
        p.Cites(id="rel_cites", source_id="inc_1", target_id="src_1", locator="para 3"),
        p.PartOf(id="rel_area", source_id="are_1", target_id="are_0"),
    ]


def full_batch() -> WriteBatch:
    return WriteBatch(nodes=one_of_each_node(), relationships=one_of_each_relationship())


def _check_coverage() -> None:
    kinds = {n.kind for n in one_of_each_node()}
    types = {r.type for r in one_of_each_relationship()}
    assert kinds == {k.value for k in NodeKind}, set(NodeKind) - kinds
    assert types == {t.value for t in RelType}, set(RelType) - types
    assert SCHEMA is not None


_check_coverage()
