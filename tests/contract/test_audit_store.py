"""The audit contract (`graph.store.AuditStore`): every write and every event is
chained into one tamper-evident log kept in the store; on the embedded (plain
and SQLCipher) AND the Neo4j store.

`audit verify` (`AuditStore.check_audit`: the chain, and every record, history
row and account against what it committed to) has its own module,
`test_audit_integrity.py`; the admin-only reading of the log through an
account, `test_audit_and_access.py`.
"""

from __future__ import annotations

from graph import model as m
from graph.audit import GENESIS, AuditEvent, verify
from graph.audit_trail import with_versions
from graph.sensitivity import SYSTEM, Sensitivity
from graph.store import GraphStore, WriteBatch
from graph.users import Role
from tests.contract.test_audit_and_access import make_user, tamper
from tests.factories import full_batch, one_of_each_node


def test_every_write_is_audited_with_before_and_after(store: GraphStore) -> None:
    store.write(full_batch(), actor="editor-1")
    renamed = one_of_each_node()[4].model_copy(update={"name": "Commander I. Varrant"})
    store.write(WriteBatch.of([renamed]), actor="editor-2")
    store.write(WriteBatch.of([renamed]), actor="editor-2")  # no change: no entry
    log = store.audit_log()
    assert [(e.seq, e.actor, e.action) for e in log.entries] == [
        (1, "editor-1", "write"),
        (2, "editor-2", "write"),
    ]
    # The entry commits to the version by hash; it does not hold the record.
    (line,) = log.entries[1].as_dict()["details"]["records"]
    assert (line["id"], line["operation"], line["version"]) == ("per_1", "update", 2)
    assert "Varrant" not in log.entries[1].details
    assert len(line["sha256"]) == 64 and line["sensitivity"] == "restricted"
    # Shown, the line gets its before and after back from history.
    (change,) = with_versions(store, log.entries[1:], viewer=SYSTEM)[0]["details"]["records"]
    assert change["before"]["name"] == "Commander Ilyo Varrant"
    assert change["after"]["name"] == "Commander I. Varrant"
    assert verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash) == []


def test_altering_an_audit_entry_is_detected_and_named(store: GraphStore) -> None:
    for i in range(3):
        store.write(WriteBatch.of([m.Person(id=f"per_{i}", name=f"Fictional {i}")]), actor="e")
    tamper(
        store,
        "UPDATE audit SET actor = 'someone-else' WHERE seq = :seq"
        "|MATCH (a:AuditEntry {seq: $seq}) SET a.actor = 'someone-else'",
        seq=2,
    )
    log = store.audit_log()
    problems = verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash)
    assert [str(p) for p in problems] == ["entry 2: content does not match its hash (altered)"]


def test_deleting_an_audit_entry_is_detected_and_named(store: GraphStore) -> None:
    for i in range(4):
        store.write(WriteBatch.of([m.Person(id=f"per_{i}", name=f"Fictional {i}")]), actor="e")
    tamper(
        store, "DELETE FROM audit WHERE seq = :seq|MATCH (a:AuditEntry {seq: $seq}) DELETE a", seq=2
    )
    log = store.audit_log()
    problems = [str(p) for p in verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash)]
    assert "entry 2: missing (next entry is 3)" in problems
    # Cutting the newest entry off the end is caught by the head the store keeps.
    tamper(
        store, "DELETE FROM audit WHERE seq = :seq|MATCH (a:AuditEntry {seq: $seq}) DELETE a", seq=4
    )
    log = store.audit_log()
    problems = [str(p) for p in verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash)]
    assert any(p.startswith("entry 4:") and "entries removed" in p for p in problems)


def test_custom_audit_events_chain_with_writes(store: GraphStore) -> None:
    store.write(full_batch(), actor="setup")
    store.append_audit(
        AuditEvent(
            actor="exporter", action="export", details={"audience": "public_advocacy", "records": 3}
        )
    )
    store.write(WriteBatch.of([m.Person(id="per_q", name="Fictional Q")]), actor="setup")
    log = store.audit_log()
    assert [e.action for e in log.entries] == ["write", "export", "write"]
    assert verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash) == []


def test_one_actions_entries_are_read_without_the_rest_of_the_log(store: GraphStore) -> None:
    for name in ("ada", "bo"):
        store.save_user(make_user(name, Role.ANALYST, Sensitivity.RESTRICTED), actor="setup")
        store.append_audit(AuditEvent(actor=name, action="sign-in", details={"outcome": "failed"}))
    log = store.audit_log().entries
    assert [e.action for e in log] == ["user", "sign-in", "user", "sign-in"]
    assert store.audit_entries("sign-in") == [log[1], log[3]]
    assert store.audit_entries("user") == [log[0], log[2]]
    assert store.audit_entries("nothing") == []


def test_the_head_is_the_newest_entry_and_moves_with_every_entry(store: GraphStore) -> None:
    empty = store.audit_head()
    assert (empty.seq, empty.hash) == (0, GENESIS)
    store.write(full_batch(), actor="setup")
    entry = store.append_audit(AuditEvent(actor="exporter", action="export", details={}))
    head = store.audit_head()
    assert (
        (head.seq, head.hash, head.at)
        == (entry.seq, entry.hash, entry.at)
        == (
            2,
            store.audit_log().head_hash,
            store.audit_log().entries[-1].at,
        )
    )
    store.write(WriteBatch.of([m.Person(id="per_q", name="Fictional Q")]), actor="setup")
    assert store.audit_head().seq == 3 and store.audit_head().hash != head.hash
