"""Audit log, accounts and role/clearance enforcement on both stores."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from graph import model as m
from graph.access import SecuredStore, authenticate
from graph.audit import AuditEvent, verify
from graph.errors import InvalidRecords, NotPermitted
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.users import Role, User, hash_password
from tests.factories import full_batch, one_of_each_node

PASSWORD = "correct horse battery"


def make_user(name: str, role: Role, clearance: Sensitivity) -> User:
    return User(name=name, role=role, clearance=clearance, password_hash=hash_password(PASSWORD))


def tamper(store: GraphStore, query: str, **params: Any) -> None:
    """Change the audit log behind the store's back, as an attacker with file/db access would."""
    inner: Any = store
    if hasattr(inner, "path"):
        with sqlite3.connect(inner.path) as conn:
            conn.execute(query.split("|")[0], params)
    else:
        inner._driver.execute_query(query.split("|")[1], params, database_=inner.database)


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
    (change,) = log.entries[1].as_dict()["details"]["records"]
    assert change["id"] == "per_1" and change["operation"] == "update"
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


def test_accounts_round_trip_and_authenticate(store: GraphStore) -> None:
    admin = make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL)
    store.save_user(admin, actor="bootstrap")
    assert store.get_user("ada") == admin
    assert authenticate(store, "ada", PASSWORD) == admin
    with pytest.raises(NotPermitted):
        authenticate(store, "ada", "wrong password here")
    store.save_user(admin.model_copy(update={"disabled": True}), actor="bootstrap")
    with pytest.raises(NotPermitted):
        authenticate(store, "ada", PASSWORD)
    *_, account_entry, refused = (e.as_dict() for e in store.audit_log().entries)
    assert account_entry["action"] == "user" and "password_hash" not in account_entry["details"]
    assert refused["action"] == "sign-in" and refused["details"]["outcome"] == "failed"


def test_roles_and_clearance_are_enforced_below_the_ui(store: GraphStore) -> None:
    store.write(full_batch(), actor="setup")
    analyst = SecuredStore(store, make_user("ana", Role.ANALYST, Sensitivity.RESTRICTED))
    editor = SecuredStore(store, make_user("eddie", Role.EDITOR, Sensitivity.CONFIDENTIAL))
    restricted = Viewer(name="ana", clearance=Sensitivity.RESTRICTED)

    with pytest.raises(NotPermitted):
        analyst.write(WriteBatch.of([m.Person(id="per_z", name="Fictional Z")]))
    with pytest.raises(NotPermitted):
        analyst.get("act_1", viewer=SYSTEM)  # asking above one's clearance is refused
    with pytest.raises(NotPermitted):
        analyst.audit_log()
    assert analyst.get("src_1", viewer=restricted) is None

    editor.write(WriteBatch.of([m.Person(id="per_z", name="Fictional Z")]), actor="spoofed")
    entry = store.audit_log().entries[-1]
    assert entry.actor == "eddie"  # recorded under the authenticated user, not the claim


def test_views_of_strictly_confidential_records_are_audited(store: GraphStore) -> None:
    store.write(full_batch(), actor="setup")
    admin = SecuredStore(store, make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))
    before = len(store.audit_log().entries)
    assert admin.get("act_1", viewer=SYSTEM) is not None  # public: not audited
    assert len(store.audit_log().entries) == before
    assert admin.get("src_1", viewer=SYSTEM) is not None  # a source identity: audited
    entry = store.audit_log().entries[-1].as_dict()
    assert (entry["actor"], entry["action"], entry["details"]["records"]) == (
        "ada",
        "view",
        ["src_1"],
    )


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


def test_a_writer_cannot_overwrite_or_link_to_what_is_above_their_clearance(
    store: GraphStore,
) -> None:
    secret = m.Person(
        id="per_secret", name="Fictional Secret", sensitivity=Sensitivity.CONFIDENTIAL
    )
    store.write(WriteBatch.of([secret]), actor="setup")
    editor = SecuredStore(store, make_user("eddie", Role.EDITOR, Sensitivity.RESTRICTED))
    overwrite = m.Person(id="per_secret", name="Overwritten")
    link = m.Influences(id="rel_new", source_id="per_secret", target_id="per_secret")
    with pytest.raises(InvalidRecords) as caught:
        editor.write(WriteBatch.of([overwrite]))
    assert [(e.record, e.field, e.message) for e in caught.value.errors] == [
        ("per_secret", "id", "this id is already in use")
    ]
    mine = m.Person(id="per_mine", name="Fictional Mine")
    with pytest.raises(InvalidRecords) as caught:
        editor.write(WriteBatch.of([mine, link.model_copy(update={"target_id": "per_mine"})]))
    # To the editor the hidden node does not exist: the same words as for a missing id.
    assert [(e.record, e.field, e.message) for e in caught.value.errors] == [
        ("rel_new", "source_id", "no node with id 'per_secret'")
    ]
    assert store.get("per_secret", viewer=SYSTEM).name == "Fictional Secret"  # type: ignore[union-attr]
