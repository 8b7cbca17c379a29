"""`merge KEEP OTHER`: relationships move to KEEP, OTHER is closed, the merge is on record."""

from __future__ import annotations

import pytest

from graph import model as m
from graph.errors import InvalidRecords, NotFound
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from ingest.merge import merge_entities
from tests.ingest.helpers import ACLED, TEMPLATE_XLSX, load


def _ids(store: GraphStore, name: str) -> list[str]:
    return [n.id for n in store.search(name, viewer=SYSTEM) if n.kind == "ArmedActor"]


def test_merge_moves_relationships_and_keeps_the_record(store: GraphStore) -> None:
    load(store, TEMPLATE_XLSX)
    load(store, ACLED)
    # ACLED's "Military Forces of Kalmora (2019-)" is the template's "Kalmoran Armed Forces".
    (keep,) = _ids(store, "Kalmoran Armed Forces")
    (other,) = _ids(store, "Military Forces of Kalmora")
    before = [
        r for r in store.iter_relationships(viewer=SYSTEM) if other in (r.source_id, r.target_id)
    ]
    report = merge_entities(store, keep, other, actor="analyst-1")
    assert len(report.moved) == len(before) > 0
    kept = store.get(keep, viewer=SYSTEM)
    assert isinstance(kept, m.ArmedActor)
    assert "Military Forces of Kalmora (2019-)" in kept.aliases
    assert kept.notes and f"merged with {other}" in kept.notes
    merged = store.get(other, viewer=SYSTEM)
    assert merged is not None and merged.valid_to is not None
    assert merged.notes and f"merged into {keep}" in merged.notes
    for rel in before:
        old = store.get(rel.id, viewer=SYSTEM)
        assert old is not None and old.valid_to is not None  # closed, not deleted
    moved = {r.id: r for r in store.iter_relationships(viewer=SYSTEM)}
    for pair in report.moved:
        new = moved[pair["to"]]
        assert keep in (new.source_id, new.target_id) and other not in (
            new.source_id,
            new.target_id,
        )
    assert [h.operation for h in store.history(other, viewer=SYSTEM)][-1] == "close"
    counter = store.change_counter()
    again = merge_entities(store, keep, other, actor="analyst-1")
    assert not again.write.changed and store.change_counter() == counter


def test_merge_refuses_different_kinds_and_unknown_ids(store: GraphStore) -> None:
    load(store, TEMPLATE_XLSX)
    with pytest.raises(InvalidRecords) as caught:
        merge_entities(store, "act_kl_f7h", "unt_kl_zeta", actor="a")
    assert "cannot merge a Unit into a ArmedActor" in str(caught.value)
    with pytest.raises(NotFound):
        merge_entities(store, "act_kl_f7h", "act_nobody", actor="a")
    with pytest.raises(InvalidRecords):
        merge_entities(store, "act_kl_f7h", "act_kl_f7h", actor="a")
