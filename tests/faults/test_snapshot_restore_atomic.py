"""Restoring a snapshot with history is one import: all of it lands, or none of it.

The restore replays many original writes (each with its author and time). Its
dry simulation sees only what the importer may see, so the store can still
refuse a later step, for instance an id already taken by a record above the
importer's clearance. Then the earlier steps must not stay written, and the
message "nothing was written" must be true. FICTIONAL data only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import model as m
from graph.errors import ImportRejected
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from ingest.export import write_history_snapshot
from ingest.pipeline import ImportOptions, run_import
from tests.ingest.helpers import contents, full_history

RESTRICTED = Viewer(name="field officer", clearance=Sensitivity.RESTRICTED)


def _actor(record_id: str, name: str) -> m.ArmedActor:
    return m.ArmedActor(
        id=record_id, name=name, actor_kind="non_state_armed_group", structure="centralised"
    )


def _history_snapshot(path: Path) -> Path:
    """A snapshot of three writes (two actors, then a person), exported from a
    store of its own; the store dates each write itself."""
    store = EmbeddedStore(path.with_suffix(".db"))
    writes = [
        [_actor("act_w1", "Ridge Watch")],
        [_actor("act_w2", "Marsh Brigade")],
        [m.Person(id="per_w3", name="Captain Odo Fennel")],
    ]
    for records in writes:
        store.write(WriteBatch.of(records), actor="archivist")
    with path.open("w", encoding="utf-8") as out:
        write_history_snapshot(store, SYSTEM, out)
    store.close()
    return path


def _hide_id(store: GraphStore, record_id: str) -> None:
    """A strictly confidential record of another kind under `record_id`."""
    store.write(
        WriteBatch.of(
            [
                m.Organisation(
                    id=record_id,
                    name="Confidential interlocutor (fictional)",
                    org_kind="nngo",
                    sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL,
                )
            ]
        ),
        actor="protection officer",
    )


def test_restore_refused_at_a_later_step_leaves_no_earlier_step_written(
    store: GraphStore, tmp_path: Path
) -> None:
    source = _history_snapshot(tmp_path / "history.jsonl")
    _hide_id(store, "per_w3")  # the last step's id, taken by a record the importer cannot see
    before, history_before = contents(store), full_history(store)
    counter = store.change_counter()

    with pytest.raises(ImportRejected) as refused:
        run_import(store, source, ImportOptions(viewer=RESTRICTED, actor="field officer"))

    assert "nothing was written" in str(refused.value)
    assert any(e.record == "per_w3" and e.field == "id" for e in refused.value.errors)
    # The error names the snapshot line of the refused record.
    line = next(
        n
        for n, text in enumerate(source.read_text("utf-8").splitlines(), start=1)
        if '"per_w3"' in text
    )
    assert any(e.row == line for e in refused.value.errors)
    # ... and it is true: the first two steps (act_w1, act_w2) are not in the store.
    assert contents(store) == before
    assert full_history(store) == history_before
    assert store.change_counter() == counter
    assert store.get("act_w1", viewer=SYSTEM) is None


def test_restore_into_a_clean_store_still_replays_every_write(
    store: GraphStore, tmp_path: Path
) -> None:
    source = _history_snapshot(tmp_path / "history.jsonl")
    expected = full_history(EmbeddedStore(source.with_suffix(".db")), stamps=False)

    report = run_import(store, source, ImportOptions())

    assert report.created == 3
    # Same versions, authors and content; the times are the store's (docs/audit.md).
    assert full_history(store, stamps=False) == expected
    again = run_import(store, source, ImportOptions())
    assert again.created == 0 and again.unchanged == 3
