"""Guards that a hand mutation once removed without any test noticing (issue 16).

Each test here was checked by applying the mutation named in its docstring:
it fails with the mutation and passes without. Every name is FICTIONAL.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from graph import model as m
from graph.audit import AuditEntry, entry_hash, verify
from graph.projection import build_projection, projection
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore

READER = Viewer(name="reader", clearance=Sensitivity.RESTRICTED)
SC = Sensitivity.STRICTLY_CONFIDENTIAL
PUBLIC = Sensitivity.PUBLIC


def _people_and_tie(secret_end: Sensitivity) -> list[m.AnyRecord]:
    return [
        m.Person(id="per_open", name="Fictional Open Contact", sensitivity=PUBLIC),
        m.Person(id="per_hidden", name="Fictional Hidden Informant", sensitivity=secret_end),
        m.Influences(
            id="rel_tie",
            source_id="per_open",
            target_id="per_hidden",
            channel="kinship",
            strength=0.6,
            sensitivity=PUBLIC,
        ),
    ]


# --------------------------------------------------------------------------- history


def test_history_hides_older_versions_above_the_readers_clearance(store: GraphStore) -> None:
    """Mutation: history without the version's own label filter (`sensitivity_rank <= rank`)."""
    secret = m.Person(
        id="per_lowered", name="Fictional Codename Juniper", title="informant", sensitivity=SC
    )
    store.write(WriteBatch.of([secret]), actor="admin")
    lowered = secret.model_copy(
        update={"name": "Fictional Public Figure", "title": None, "sensitivity": PUBLIC}
    )
    store.write(WriteBatch.of([lowered]), actor="admin")

    assert [r.version for r in store.history("per_lowered", viewer=SYSTEM)] == [1, 2]
    seen = store.history("per_lowered", viewer=READER)
    assert [r.version for r in seen] == [2]
    assert "Juniper" not in repr(seen)


# --------------------------------------------------------------------------- one end hidden


def test_a_relationship_with_one_end_above_clearance_is_not_listed(store: GraphStore) -> None:
    """Mutation: dropping the endpoint visibility test from iter_relationships or neighbours."""
    store.write(WriteBatch.of(_people_and_tie(SC)), actor="admin")
    assert [r.id for r in store.iter_relationships(viewer=READER)] == []
    assert store.neighbours("per_open", viewer=READER) == []
    # The same store shows the tie to someone cleared for both ends.
    assert [r.id for r in store.iter_relationships(viewer=SYSTEM)] == ["rel_tie"]
    assert [r.id for r, _ in store.neighbours("per_open", viewer=SYSTEM)] == ["rel_tie"]


# --------------------------------------------------------------------------- projection


def test_a_node_lowered_into_view_brings_back_its_relationships(store: GraphStore) -> None:
    """Mutation: the projection update not re-reading the relationships touching a node
    whose label changed, so the cached graph kept the node but lost its ties."""
    store.write(WriteBatch.of(_people_and_tie(SC)), actor="admin")
    before = projection(store, viewer=READER)
    assert "per_hidden" not in before and before.number_of_edges() == 0

    lowered = _people_and_tie(PUBLIC)[1]
    store.write(WriteBatch.of([lowered]), actor="admin")
    after = projection(store, viewer=READER)

    assert "per_hidden" in after
    assert after.has_edge("per_open", "per_hidden", "rel_tie")
    rebuilt = build_projection(store, viewer=READER)
    assert sorted(after.edges(keys=True)) == sorted(rebuilt.edges(keys=True))


# --------------------------------------------------------------------------- audit chain


def _log_of_three(store: GraphStore) -> tuple[list[AuditEntry], int, str]:
    for i in range(3):
        store.write(WriteBatch.of([m.Person(id=f"per_{i}", name=f"Fictional {i}")]), actor="e")
    log = store.audit_log()
    return list(log.entries), log.head_seq, log.head_hash


def test_audit_entry_with_altered_details_is_detected(store: GraphStore) -> None:
    """Mutation: `details` left out of what an entry's hash covers."""
    entries, head_seq, head_hash = _log_of_three(store)
    assert verify(entries, head_seq=head_seq, head_hash=head_hash) == []
    entries[1] = dataclasses.replace(entries[1], details='{"records": []}')
    problems = [str(p) for p in verify(entries, head_seq=head_seq, head_hash=head_hash)]
    assert problems == ["entry 2: content does not match its hash (altered)"]


def _forge(entry: AuditEntry, details: str) -> AuditEntry:
    """Alter an entry and recompute its own hash, as a forger with the file would."""
    digest = entry_hash(entry.seq, entry.at, entry.actor, entry.action, details, entry.prev_hash)
    return dataclasses.replace(entry, details=details, hash=digest)


def test_audit_entry_forged_with_a_recomputed_hash_is_detected(store: GraphStore) -> None:
    """Mutations: the link to the previous entry not checked; the head hash not checked."""
    entries, head_seq, head_hash = _log_of_three(store)
    middle = list(entries)
    middle[1] = _forge(middle[1], '{"records": []}')
    problems = [str(p) for p in verify(middle, head_seq=head_seq, head_hash=head_hash)]
    assert problems == ["entry 3: does not link to the entry before it"]

    last = list(entries)
    last[2] = _forge(last[2], '{"records": []}')
    problems = [str(p) for p in verify(last, head_seq=head_seq, head_hash=head_hash)]
    assert problems == ["entry 3: last entry does not match the store's head hash"]


# --------------------------------------------------------------------------- rollback


def test_embedded_write_rolls_back_when_a_statement_fails_inside_it(tmp_path: Path) -> None:
    """Mutation: `_transaction` committing (not rolling back) after an exception.

    The batch is valid, so planning passes and the records are inserted; then
    a statement inside the same transaction fails (a trigger refuses one
    name row, written after the records). Nothing of the batch may remain.
    """
    store = EmbeddedStore(tmp_path / "rollback.db")
    store.ensure_schema()
    store.write(WriteBatch.of([m.Person(id="per_before", name="Fictional Before")]), actor="a")
    counter = store.change_counter()
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON names "
            "WHEN NEW.record_id = 'per_boom' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    batch = WriteBatch.of(
        [
            m.Person(id="per_ok", name="Fictional Fine"),
            m.Person(id="per_boom", name="Fictional Boom"),
        ]
    )
    with pytest.raises(Exception, match="disk full"):
        store.write(batch, actor="a")
    assert store.get("per_ok", viewer=SYSTEM) is None
    assert store.get("per_boom", viewer=SYSTEM) is None
    assert store.change_counter() == counter
    assert [n.id for n in store.iter_nodes(viewer=SYSTEM)] == ["per_before"]
    # The store still takes writes afterwards (no transaction left open).
    store.write(WriteBatch.of([m.Person(id="per_after", name="Fictional After")]), actor="a")
    assert store.get("per_after", viewer=SYSTEM) is not None
    store.close()
