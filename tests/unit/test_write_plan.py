"""The write planner's shortcut for plain creates (graph.write_plan) against its checks.

`plan_write` sends a record that can only be created (a new id citing nothing,
a relationship whose endpoint kinds are known to fit) straight to its row;
every other record takes the named checks. Both ways must plan the same
write: the same rows, report and audit entry, or the same problems.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bench.generate import records
from graph import model as m
from graph import write_plan
from graph.errors import InvalidRecords
from graph.row_codec import to_row
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.write_plan import Existing, WritePlan, plan_write

NOW = datetime(2026, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


def _held(stored: list[m.AnyRecord]) -> dict[str, Existing]:
    """What a store holding `stored` (first versions) answers a lookup with."""
    held = {}
    for record in stored:
        row = to_row(record, version=1, actor="seed", at=NOW, operation="create")
        held[row.id] = Existing(row.id, row.category, row.kind, 1, row.data, row.sensitivity_rank)
    return held


def _plan(
    batch: WriteBatch, held: dict[str, Existing], clearance: Sensitivity | None
) -> WritePlan | list[object]:
    def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
        return {i: held[i] for i in [*own, *referenced] if i in held}

    try:
        return plan_write(batch, lookup, actor="analyst-1", now=NOW, clearance=clearance)
    except InvalidRecords as e:
        return list(e.errors)


def _broken(record: m.AnyRecord, rng: random.Random, node_ids: list[str]) -> m.AnyRecord:
    """Sometimes a relationship to a missing node or to a node of another
    kind, or a record citing a missing source."""
    data = record.model_dump()
    if isinstance(record, m.RelBase) and rng.random() < 0.05:
        data["target_id"] = rng.choice(["nd_missing", *node_ids[:20]])
    elif rng.random() < 0.05:
        data["sources"] = [{"source_id": "src_missing"}]
    else:
        return record
    return type(record).model_validate(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_plain_creates_are_planned_as_the_checks_plan_them(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    sample = list(records("XS", seed=seed))
    node_ids = [r.id for r in sample if isinstance(r, m.NodeBase)]
    stored = rng.sample(sample, len(sample) // 3)  # some ids exist: updates, unchanged
    edited = [r.model_copy(update={"notes": "edited"}) if rng.random() < 0.3 else r for r in sample]
    batches = [
        (WriteBatch.of(edited), None),  # valid: creates, updates, unchanged
        (WriteBatch.of([_broken(r, rng, node_ids) for r in edited]), None),  # problems
        (WriteBatch.of([r for r in edited if isinstance(r, m.RelBase)]), None),  # ends stored
        (WriteBatch.of(edited), Sensitivity.CONFIDENTIAL),  # hidden sources, ids above
    ]
    held = _held(stored + [r for r in sample if isinstance(r, m.NodeBase)][: len(node_ids) // 2])
    plans = [_plan(batch, held, clearance) for batch, clearance in batches]
    monkeypatch.setattr(write_plan, "_plain_create", lambda *_: False)
    checked = [_plan(batch, held, clearance) for batch, clearance in batches]

    assert isinstance(plans[0], WritePlan) and plans[0].report.created > 0
    assert isinstance(plans[1], list) and plans[1], "the broken batch has problems"
    for fast, slow in zip(plans, checked, strict=True):
        if isinstance(fast, WritePlan):
            assert isinstance(slow, WritePlan)
            assert fast.rows == slow.rows
            assert fast.report == slow.report
            assert fast.audit_event("analyst-1") == slow.audit_event("analyst-1")
        else:
            assert fast == slow
