"""ACLED and UCDP mapping on the FICTIONAL fixtures (real column layouts)."""

from __future__ import annotations

import csv
from pathlib import Path

from graph import model as m
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM, Sensitivity
from graph.store import GraphStore
from ingest.pipeline import SourceSpec
from tests.ingest.helpers import ACLED, TEMPLATE_XLSX, UCDP, load


def _actor(store: GraphStore, name: str) -> m.AnyNode:
    (hit,) = [
        n
        for n in store.search(name, viewer=SYSTEM, kinds=[NodeKind.ARMED_ACTOR])
        if n.name == name or name in n.aliases
    ]
    return hit


def _rels(store: GraphStore, rel_type: RelType) -> list[m.AnyRelationship]:
    return list(store.iter_relationships(rel_type, viewer=SYSTEM))


def test_acled_actors_incidents_participation_and_areas(store: GraphStore) -> None:
    report = load(store, ACLED)
    assert report.rows == 7 and report.errors == []
    forces = _actor(store, "Military Forces of Kalmora (2019-)")
    assert isinstance(forces, m.ArmedActor) and forces.actor_kind == m.ActorKind.STATE_FORCE
    militia = _actor(store, "Orrin Valley Defence Militia")
    assert militia.basis == m.Basis.INFERRED
    un = _actor(store, "United Nations Mission in Kalmora")
    assert isinstance(un, m.ArmedActor) and un.actor_kind == m.ActorKind.PEACE_OPERATION
    # Civilians and protesters are not armed actors.
    assert not store.search("Civilians (Kalmora)", viewer=SYSTEM, kinds=[NodeKind.ARMED_ACTOR])
    assert not store.search("Protesters", viewer=SYSTEM, kinds=[NodeKind.ARMED_ACTOR])
    # "Seven Hills Front" is the same group as "Front of the Seven Hills": an alias.
    front = _actor(store, "Front of the Seven Hills")
    assert "Seven Hills Front" in front.aliases
    incidents = list(store.iter_nodes(NodeKind.INCIDENT, viewer=SYSTEM))
    assert len(incidents) == 7
    attack = next(i for i in incidents if isinstance(i, m.Incident) and i.civilian_targeting)
    assert attack.harm_pattern == m.HarmPattern.DELIBERATE and attack.fatalities == 2
    perpetrators = [r for r in _rels(store, RelType.PERPETRATED) if r.target_id == attack.id]
    assert [r.source_id for r in perpetrators] == [front.id]
    roles = {(r.source_id, getattr(r, "role", None)) for r in _rels(store, RelType.PARTICIPATED_IN)}
    assert (militia.id, "assoc_actor_2") in roles and (forces.id, "actor1") in roles
    areas = {a.name: a for a in store.iter_nodes(NodeKind.AREA, viewer=SYSTEM)}
    assert {"Kalmora", "Orrin", "Orrin District", "Lower Orrin", "Vell"} <= set(areas)
    lower = areas["Lower Orrin"]
    assert isinstance(lower, m.Area) and lower.admin_level == 3 and lower.pcode.startswith("ZZ")
    parents = {(r.source_id, r.target_id) for r in _rels(store, RelType.PART_OF)}
    assert (lower.id, areas["Orrin District"].id) in parents
    assert (areas["Orrin"].id, areas["Kalmora"].id) in parents


def test_co_participation_is_dated_weighted_evidence(store: GraphStore) -> None:
    load(store, ACLED)
    front = _actor(store, "Front of the Seven Hills")
    militia = _actor(store, "Orrin Valley Defence Militia")
    forces = _actor(store, "Military Forces of Kalmora (2019-)")
    (ally,) = [
        r
        for r in _rels(store, RelType.ALLIED_WITH)
        if {r.source_id, r.target_id} == {front.id, militia.id}
    ]
    # Two battles on the same side (2024-03-02, 2024-03-09) and one joint attack (2024-05-03).
    assert ally.basis == m.Basis.INFERRED and ally.evidence_count == 3
    assert (ally.first_cited, ally.last_cited) == ("2024-03-02", "2024-05-03")
    assert isinstance(ally, m.AlliedWith) and ally.strength == 0.75
    (enemy,) = [
        r
        for r in _rels(store, RelType.OPPOSES)
        if {r.source_id, r.target_id} == {front.id, forces.id}
    ]
    assert enemy.evidence_count == 2 and isinstance(enemy, m.Opposes) and enemy.strength == 0.667


def test_evidence_accumulates_over_files_without_double_counting(
    store: GraphStore, tmp_path: Path
) -> None:
    with ACLED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    first, second = tmp_path / "march.csv", tmp_path / "may.csv"
    for path, part in ((first, rows[1:3]), (second, rows[3:])):
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([rows[0], *part])
    load(store, first)
    load(store, second)
    load(store, second)
    front = _actor(store, "Front of the Seven Hills")
    militia = _actor(store, "Orrin Valley Defence Militia")
    (ally,) = [
        r
        for r in _rels(store, RelType.ALLIED_WITH)
        if {r.source_id, r.target_id} == {front.id, militia.id}
    ]
    assert ally.evidence_count == 3
    assert (ally.first_cited, ally.last_cited) == ("2024-03-02", "2024-05-03")


def test_event_data_attaches_to_known_actors_and_keeps_the_analysts_fields(
    store: GraphStore,
) -> None:
    load(store, TEMPLATE_XLSX)
    load(store, ACLED)
    load(store, UCDP)
    front = store.get("act_kl_f7h", viewer=SYSTEM)
    assert isinstance(front, m.ArmedActor)
    assert front.structure == m.Structure.DECENTRALISED  # the analyst's, not a default
    assert front.basis == m.Basis.ASSERTED
    assert "Seven Hills Front" in front.aliases
    # UCDP's "Jabhat al-Saba" is the template's alias "Jabhat Sab'a": attached, not duplicated.
    ucdp_sides = {
        r.source_id
        for r in _rels(store, RelType.PARTICIPATED_IN)
        if getattr(r, "role", "") in ("side_a", "side_b")
    }
    assert "act_kl_f7h" in ucdp_sides
    history = store.history("act_kl_f7h", viewer=SYSTEM)
    assert history[0].operation == "create" and len(history) >= 2


def test_ucdp_sides_violence_types_and_one_sided_violence(store: GraphStore) -> None:
    report = load(store, UCDP)
    assert report.errors == []
    government = _actor(store, "Government of Kalmora")
    assert isinstance(government, m.ArmedActor)
    assert government.actor_kind == m.ActorKind.STATE_FORCE
    nlf = _actor(store, "Northern Liberation Front")
    one_sided = [
        i
        for i in store.iter_nodes(NodeKind.INCIDENT, viewer=SYSTEM)
        if isinstance(i, m.Incident) and i.civilian_targeting
    ]
    assert len(one_sided) == 1 and one_sided[0].fatalities == 2
    assert [r.source_id for r in _rels(store, RelType.PERPETRATED)] == [nlf.id]
    two_day = next(
        i
        for i in store.iter_nodes(NodeKind.INCIDENT, viewer=SYSTEM)
        if isinstance(i, m.Incident) and i.valid_to
    )
    assert (two_day.valid_from, two_day.valid_to) == ("2024-03-20", "2024-03-22")
    assert not store.search("Civilians", viewer=SYSTEM, kinds=[NodeKind.ARMED_ACTOR])


def test_source_and_sensitivity_are_stamped_on_everything(store: GraphStore) -> None:
    spec = SourceSpec("ACLED export, May 2024 (fictional)", m.Reliability.B, m.Credibility.C3)
    load(store, ACLED, source=spec, sensitivity=Sensitivity.CONFIDENTIAL)
    source = store.get(spec.id, viewer=SYSTEM)
    assert isinstance(source, m.Source)
    assert (source.reliability, source.credibility) == (m.Reliability.B, m.Credibility.C3)
    records = [*store.iter_nodes(viewer=SYSTEM), *store.iter_relationships(viewer=SYSTEM)]
    for record in records:
        assert record.sensitivity == Sensitivity.CONFIDENTIAL, record.id
        if record.id != spec.id:
            assert m.SourceRef(source_id=spec.id) in record.sources, record.id
