"""Seeded random sequences of small writes: after each, the updated projection
is exactly what a full rebuild gives (same nodes, edges and attributes), on
both stores, for two clearances and with and without a question date.

The writes are the ones field work makes: events whose sides create, feed or
end inferred alliances and oppositions, re-dated events, relationships closed
(withdrawn) or re-scored, records raised out of a viewer's sight and lowered
back, renamed people, new access, and merges of two actors (ingest.merge).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest

from graph import model as m
from graph import projection as proj
from graph.projection import build_projection, projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from ingest.merge import merge_entities
from tests.contract.test_projection_updates import as_comparable

RESTRICTED = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)
DAY = date(2024, 1, 1)
VIEWS = [(v, d) for v in (SYSTEM, RESTRICTED) for d in (None, DAY)]
ROLES = ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "side_a", "side_b", None]
ACTORS = [f"act_{c}" for c in "abcde"]
STEPS = 10


def month(rng: random.Random) -> str:
    return f"{rng.choice([2022, 2023, 2024])}-{rng.randint(1, 12):02d}"


def world() -> list[m.AnyRecord]:
    records: list[m.AnyRecord] = [
        m.ArmedActor(
            id=a,
            name=f"Fictional Band {a[-1].upper()}",
            actor_kind="non_state_armed_group",
            structure="decentralised",
        )
        for a in ACTORS
    ]
    records += [
        m.Organisation(id="org_1", name="Fictional Relief Org", org_kind="ingo", engager=True),
        m.Person(id="per_1", name="Fictional Commander One"),
        m.Commands(id="rel_cmd", source_id="per_1", target_id="act_a"),
        m.HasAccessTo(id="rel_acc", source_id="org_1", target_id="per_1", quality="regular"),
    ]
    return records


class Writer:
    """Random writes against `store`, remembering what it wrote so edits and
    withdrawals pick existing records."""

    def __init__(self, store: GraphStore, rng: random.Random) -> None:
        self.store, self.rng = store, rng
        self.records: dict[str, m.AnyRecord] = {r.id: r for r in world()}
        self.n = 0
        self.merged: set[str] = set()

    def write(self, records: list[m.AnyRecord]) -> None:
        self.store.write(WriteBatch.of(records), actor="analyst-1")
        self.records.update((r.id, r) for r in records)

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}_{self.n}"

    def pick(self, kind: type[m.Envelope] | tuple[type[m.Envelope], ...]) -> m.AnyRecord | None:
        found = sorted(
            (r for r in self.records.values() if isinstance(r, kind) and r.id not in self.merged),
            key=lambda r: r.id,
        )
        return self.rng.choice(found) if found else None

    def actors(self, k: int) -> list[str]:
        return self.rng.sample([a for a in ACTORS if a not in self.merged], k)

    # ------------------------------------------------------------------ writes

    def event(self) -> None:
        """An incident with two or three participants on random sides."""
        inc = m.Incident(
            id=self.fresh("inc"),
            name="Fictional clash",
            date=month(self.rng),
            harm_pattern="unassessed",
        )
        parts: list[m.AnyRecord] = [
            m.ParticipatedIn(
                id=self.fresh("rel_part"),
                source_id=a,
                target_id=inc.id,
                role=self.rng.choice(ROLES),
            )
            for a in self.actors(self.rng.randint(2, 4))
        ]
        self.write([inc, *parts])

    def inferred_tie(self) -> None:
        a, b = self.actors(2)
        kind = self.rng.choice([m.AlliedWith, m.Opposes])
        # Evidence that often runs past the question day: shown trimmed to it.
        first = f"{self.rng.choice([2022, 2023])}-{self.rng.randint(1, 12):02d}"
        last = max(first, f"{self.rng.choice([2023, 2024, 2025])}-{self.rng.randint(1, 12):02d}")
        self.write(
            [
                kind(
                    id=self.fresh("rel_tie"),
                    source_id=a,
                    target_id=b,
                    basis=m.Basis.INFERRED,
                    first_cited=first,
                    last_cited=last,
                    evidence_count=self.rng.randint(1, 5),
                )
            ]
        )

    def asserted_tie(self) -> None:
        a, b = self.actors(2)
        kind = self.rng.choice([m.AlliedWith, m.Opposes])
        self.write(
            [kind(id=self.fresh("rel_tie"), source_id=a, target_id=b, valid_from=month(self.rng))]
        )

    def redate_event(self) -> None:
        inc = self.pick(m.Incident)
        if inc is not None:
            self.write([inc.model_copy(update={"date": month(self.rng)})])

    def recolour_participation(self) -> None:
        part = self.pick(m.ParticipatedIn)
        if part is not None:
            self.write([part.model_copy(update={"role": self.rng.choice(ROLES)})])

    def withdraw(self) -> None:
        """Close a relationship (nothing is deleted: its interval ends)."""
        rel = self.pick((m.AlliedWith, m.Opposes, m.ParticipatedIn, m.HasAccessTo, m.Commands))
        if rel is not None and rel.valid_from is None:
            self.write([rel.model_copy(update={"valid_to": "2022-06"})])

    def raise_or_lower(self) -> None:
        record = self.pick((m.ArmedActor, m.Incident, m.AlliedWith, m.Opposes, m.Person))
        if record is not None:
            level = self.rng.choice([Sensitivity.CONFIDENTIAL, Sensitivity.RESTRICTED])
            self.write([record.model_copy(update={"sensitivity": level})])

    def rename_and_reach(self) -> None:
        person = m.Person(id=self.fresh("per"), name=f"Fictional Newcomer {self.n}")
        access = m.HasAccessTo(
            id=self.fresh("rel_acc"), source_id="org_1", target_id=person.id, quality="regular"
        )
        commander = self.records["per_1"].model_copy(update={"name": f"Fictional Renamed {self.n}"})
        self.write([person, access, commander])

    def merge(self) -> None:
        if len(ACTORS) - len(self.merged) < 4:
            return
        keep, other = self.actors(2)
        merge_entities(self.store, keep, other, actor="analyst-1", today=date(2023, 8, 1))
        self.merged.add(other)
        # The merge wrote records this writer did not build: read them back.
        self.records = {
            r.id: r
            for r in [
                *self.store.iter_nodes(viewer=SYSTEM),
                *self.store.iter_relationships(viewer=SYSTEM),
            ]
        }

    def step(self) -> str:
        ops: list[Callable[[], None]] = [
            self.event,
            self.event,
            self.inferred_tie,
            self.inferred_tie,
            self.asserted_tie,
            self.redate_event,
            self.recolour_participation,
            self.withdraw,
            self.raise_or_lower,
            self.rename_and_reach,
            self.merge,
        ]
        op = self.rng.choice(ops)
        op()
        return op.__name__


@pytest.mark.parametrize("seed", range(6))
def test_random_small_writes_update_the_projection_exactly_as_a_rebuild(
    store: GraphStore, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    writer = Writer(store, rng)
    writer.write(world())
    for _ in range(4):  # some history to start from
        writer.event()
        writer.inferred_tie()
    for viewer, day in VIEWS:
        projection(store, viewer=viewer, as_of=day)

    updates = 0
    real_update = proj._update

    def counting_update(*args: object, **kwargs: object) -> object:
        nonlocal updates
        result = real_update(*args, **kwargs)  # type: ignore[arg-type]
        updates += result is not None
        return result

    monkeypatch.setattr(proj, "_update", counting_update)
    done = []
    for _ in range(STEPS):
        done.append(writer.step())
        for viewer, day in VIEWS:
            updated = projection(store, viewer=viewer, as_of=day)
            rebuilt = build_projection(store, viewer=viewer, as_of=day)
            assert as_comparable(updated) == as_comparable(rebuilt), (
                f"seed {seed}, after {done}, viewer {viewer.clearance.value}, as of {day}"
            )
    assert updates >= STEPS * len(VIEWS) // 2, "most small writes should update, not rebuild"


def clash(n: int, day: str, sides: dict[str, str]) -> list[m.AnyRecord]:
    inc = m.Incident(id=f"inc_{n}", name="Fictional clash", date=day, harm_pattern="unassessed")
    return [
        inc,
        *(
            m.ParticipatedIn(id=f"rel_p{n}{a}", source_id=a, target_id=inc.id, role=role)
            for a, role in sides.items()
        ),
    ]


def test_a_new_event_feeds_an_inferred_alliance_already_trimmed_to_the_question_day(
    store: GraphStore,
) -> None:
    """An alliance whose evidence runs past the question day is shown as it was
    known then (graph.timeline.evidence_known_on): one event by 2024. A second
    event before the day, imported later, must count on update as on rebuild."""
    ally = m.AlliedWith(
        id="rel_ally",
        source_id="act_a",
        target_id="act_b",
        basis=m.Basis.INFERRED,
        first_cited="2023-01",
        last_cited="2024-06",
        evidence_count=3,
    )
    together = {"act_a": "actor1", "act_b": "assoc_actor_1"}
    store.write(WriteBatch.of([*world(), ally, *clash(1, "2023-03", together)]), actor="a-1")
    before = projection(store, viewer=SYSTEM, as_of=DAY)
    assert before.edges["act_a", "act_b", "rel_ally"]["record"].evidence_count == 1

    store.write(WriteBatch.of(clash(2, "2023-09", together)), actor="a-1")
    after = projection(store, viewer=SYSTEM, as_of=DAY)

    assert after.edges["act_a", "act_b", "rel_ally"]["record"].evidence_count == 2
    assert as_comparable(after) == as_comparable(build_projection(store, viewer=SYSTEM, as_of=DAY))
