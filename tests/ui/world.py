"""A small FICTIONAL world for the UI tests; every name in it is invented.

It has one of each thing a page shows (a COM profile with evidence, a command
tree, an allegiance that shifts, influence and access, incidents and an
engagement) and one hostile name, which must show as text everywhere.
"""

from __future__ import annotations

from pathlib import Path

from graph import model as m
from graph.sensitivity import Sensitivity
from graph.store import GraphStore, WriteBatch
from ingest.snapshot import write_snapshot

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ID = "act_hostile"


def records() -> list[m.AnyRecord]:
    src = m.SourceRef(source_id="src_report", locator="p. 4")
    com = m.ComProfile(
        assessed_on="2025-05",
        capability=m.ComScore(
            score=0.6, indicators=("IHL training of cadres in 2024",), evidence=(src,)
        ),
        opportunity=m.ComScore(score=0.3, indicators=("few community ties",)),
        motivation=m.ComScore(score=0.4, indicators=("seeks recognition",)),
        assessed_by="fictional analyst",
    )
    public = Sensitivity.PUBLIC
    nodes: list[m.AnyRecord] = [
        m.Source(
            id="src_report",
            name="Field report (fictional)",
            reliability="B",
            credibility="2",
            sensitivity=Sensitivity.RESTRICTED,
        ),
        m.ArmedActor(
            id="act_hills",
            name="Front of the Seven Hills",
            aliases=("F7H", "Jabhat Sab'a"),
            actor_kind="non_state_armed_group",
            structure="decentralised",
            threat_level="high",
            profiles=(com,),
            sensitivity=public,
            valid_from="2019",
        ),
        m.ArmedActor(
            id=HOSTILE_ID,
            name=HOSTILE,
            aliases=("[click](javascript:alert(2))",),
            actor_kind="community_militia",
            structure="community_embedded",
            sensitivity=public,
        ),
        m.ArmedActor(
            id="act_army",
            name="Kalmoran Armed Forces (fictional)",
            actor_kind="state_force",
            structure="integrated",
            sensitivity=public,
        ),
        m.Unit(id="unt_cp", name="Checkpoint Zeta", echelon="checkpoint", sensitivity=public),
        m.Post(id="pst_cp", name="Commander, Checkpoint Zeta", sensitivity=public),
        m.Person(id="per_local", name="Ilyo Varrant", title="local commander", sensitivity=public),
        m.Person(id="per_elder", name="Sheikha Morwen Dask", sensitivity=public),
        m.Person(
            id="per_hostile_cmdr",
            name="Commander <script>alert(3)</script>",
            sensitivity=public,
        ),
        m.Organisation(
            id="org_ngo",
            name="Relief Without Walls (fictional)",
            org_kind="ingo",
            hct_member=True,
            engager=True,
            sensitivity=public,
        ),
        m.Organisation(
            id="org_ocha",
            name="OCHA CMCoord (fictional)",
            org_kind="ocha_cmcoord",
            engager=True,
            sensitivity=public,
        ),
        m.Area(id="are_orrin", name="Orrin District", pcode="KL0101", sensitivity=public),
        m.Incident(
            id="inc_market",
            name="Shelling of Orrin market",
            date="2024-03-02",
            harm_pattern="reckless",
            fatalities=3,
            sensitivity=public,
        ),
        m.Incident(
            id="inc_release",
            name="Release of detained drivers",
            date="2024-06",
            harm_pattern="restraint",
            sensitivity=public,
        ),
        m.Engagement(
            id="eng_passage",
            name="Checkpoint dialogue",
            date="2024-04",
            topic="safe passage",
            outcome="passage agreed for Tuesdays",
            sensitivity=public,
        ),
    ]
    rels: list[m.AnyRecord] = [
        m.PartOf(id="rel_cp_part", source_id="unt_cp", target_id="act_hills", sensitivity=public),
        m.Commands(id="rel_cmd", source_id="pst_cp", target_id="unt_cp", sensitivity=public),
        m.Holds(id="rel_holds", source_id="per_local", target_id="pst_cp", sensitivity=public),
        m.MemberOf(
            id="rel_member", source_id="per_local", target_id="act_hills", sensitivity=public
        ),
        m.Influences(
            id="rel_inf",
            source_id="per_elder",
            target_id="per_local",
            channel="religious",
            strength=0.85,
            confidence=0.8,
            sources=(src,),
            sensitivity=public,
        ),
        m.HasAccessTo(
            id="rel_acc",
            source_id="org_ngo",
            target_id="per_elder",
            quality="regular",
            strength=0.8,
            confidence=0.9,
            last_contact="2026-10",
            sensitivity=public,
        ),
        m.HasAccessTo(
            id="rel_acc_hostile",
            source_id="org_ocha",
            target_id="per_hostile_cmdr",
            quality="occasional",
            strength=0.6,
            last_contact="2023-01",
            sensitivity=public,
        ),
        m.Commands(
            id="rel_cmd_hostile",
            source_id="per_hostile_cmdr",
            target_id=HOSTILE_ID,
            sensitivity=public,
        ),
        m.AlliedWith(
            id="rel_ally",
            source_id="act_hills",
            target_id="act_army",
            valid_from="2019",
            valid_to="2023-06",
            sensitivity=public,
        ),
        m.Opposes(
            id="rel_opp",
            source_id="act_hills",
            target_id="act_army",
            valid_from="2023-07",
            sensitivity=public,
        ),
        m.Controls(id="rel_ctl", source_id="act_hills", target_id="are_orrin", sensitivity=public),
        m.OperatesIn(id="rel_ops", source_id="org_ngo", target_id="are_orrin", sensitivity=public),
        m.Perpetrated(
            id="rel_perp", source_id="unt_cp", target_id="inc_market", sensitivity=public
        ),
        m.Perpetrated(
            id="rel_perp2", source_id="unt_cp", target_id="inc_release", sensitivity=public
        ),
        m.ParticipatedIn(
            id="rel_eng_ngo", source_id="org_ngo", target_id="eng_passage", sensitivity=public
        ),
        m.ParticipatedIn(
            id="rel_eng_local", source_id="per_local", target_id="eng_passage", sensitivity=public
        ),
    ]
    return [*nodes, *rels]


def load(store: GraphStore) -> None:
    store.ensure_schema()
    store.write(WriteBatch.of(records()), actor="fixture")


def write_jsonl(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        write_snapshot(records(), fh, header="FICTIONAL test data for the UI")
    return path
