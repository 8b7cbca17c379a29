"""`audit verify` catches every kind of tampering with a store's file or database.

Issue 13 and 16: the audit chain commits to every stored version (SHA-256) and
account; the store alone sets times. Each test edits the store behind its back,
as someone holding the file or the database password would, and checks that
`check_audit` fails naming what was touched, on both stores.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from graph import model as m
from graph.access import SecuredStore
from graph.audit import GENESIS, AuditEntry, AuditEvent, entry_hash, parse_time, stamp
from graph.sensitivity import SYSTEM, Sensitivity
from graph.store import GraphStore, WriteBatch
from graph.users import Role
from tests.contract.test_audit_and_access import make_user, tamper


def _people(store: GraphStore) -> None:
    """Three people, one renamed (two versions), one strictly confidential, two accounts."""
    store.write(
        WriteBatch.of(
            [
                m.Person(id="per_1", name="Fictional One"),
                m.Person(id="per_2", name="Fictional Two"),
                m.Person(
                    id="per_sc",
                    name="Fictional Guarded",
                    sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL,
                ),
            ]
        ),
        actor="editor-1",
    )
    store.write(
        WriteBatch.of([m.Person(id="per_1", name="Fictional One Renamed")]), actor="editor-2"
    )
    store.save_user(make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL), actor="ada")
    store.save_user(make_user("rhea", Role.VIEWER, Sensitivity.RESTRICTED), actor="ada")


def _problems(store: GraphStore) -> list[str]:
    return [str(p) for p in store.check_audit().problems]


def test_an_honest_store_verifies_and_history_shows_every_version(store: GraphStore) -> None:
    _people(store)
    result = store.check_audit()
    assert result.problems == []
    assert (result.records, result.versions, result.accounts) == (3, 4, 2)
    assert [r.record.name for r in store.history("per_1", viewer=SYSTEM)] == [  # type: ignore[union-attr]
        "Fictional One",
        "Fictional One Renamed",
    ]


def test_a_record_edited_in_the_file_is_named(store: GraphStore) -> None:
    _people(store)
    tamper(
        store,
        "UPDATE records SET data = replace(data, 'Fictional Two', 'Fictional Xwo') "
        "WHERE id = 'per_2'"
        "|MATCH (n:Entity {id: 'per_2'}) SET n.data = replace(n.data, 'Fictional Two', 'X')",
    )
    assert _problems(store) == [
        "record 'per_2' version 1: current record does not match the hash entry 1 "
        "committed to (edited in the file)"
    ]


def test_a_history_row_edited_in_the_file_is_named(store: GraphStore) -> None:
    _people(store)
    tamper(
        store,
        "UPDATE revisions SET data = replace(data, 'Fictional One', 'Fictional Uno') "
        "WHERE record_id = 'per_1' AND version = 1"
        "|MATCH (v:Revision {key: 'per_1@1'}) "
        "SET v.data = replace(v.data, 'Fictional One', 'Fictional Uno')",
    )
    assert _problems(store) == [
        "record 'per_1' version 1: history does not match the hash entry 1 committed to "
        "(edited in the file)"
    ]


def test_a_history_time_or_author_edited_in_the_file_is_named(store: GraphStore) -> None:
    _people(store)
    # per_1's version 1 was superseded: history is the only place that holds it.
    tamper(
        store,
        "UPDATE revisions SET recorded_at = '2001-01-01T00:00:00+00:00', recorded_by = 'x' "
        "WHERE record_id = 'per_1' AND version = 1"
        "|MATCH (v:Revision {key: 'per_1@1'}) "
        "SET v.recorded_at = '2001-01-01T00:00:00+00:00', v.recorded_by = 'x'",
    )
    (problem,) = _problems(store)
    assert problem.startswith("record 'per_1' version 1: history says 2001-01-01")


def test_a_deleted_history_row_and_an_uncommitted_version_are_named(store: GraphStore) -> None:
    _people(store)
    tamper(
        store,
        "DELETE FROM revisions WHERE record_id = 'per_1' AND version = 1"
        "|MATCH (v:Revision {key: 'per_1@1'}) DELETE v",
    )
    assert _problems(store) == [
        "record 'per_1' version 1: committed by entry 1 but missing from history (deleted?)"
    ]
    # A current version no write committed to (bumped in the file).
    tamper(
        store,
        "UPDATE records SET version = 7 WHERE id = 'per_2'"
        "|MATCH (n:Entity {id: 'per_2'}) SET n.version = 7",
    )
    assert "record 'per_2' version 7: current record's version has no audit entry" in (
        _problems(store)
    )


def test_an_account_edited_in_the_file_is_named(store: GraphStore) -> None:
    _people(store)
    tamper(
        store,
        """UPDATE users SET data = replace(data, '"role":"viewer"', '"role":"admin"') """
        "WHERE name = 'rhea'"
        """|MATCH (u:User {name: 'rhea'}) SET u.data = replace(u.data, '"role":"viewer"', """
        """'"role":"admin"')""",
    )
    assert _problems(store) == [
        "account 'rhea': does not match entry 4, its last recorded change (edited in the file)"
    ]


def test_a_wiped_log_fails(store: GraphStore) -> None:
    _people(store)
    tamper(
        store,
        "DELETE FROM audit|MATCH (a:AuditEntry) DELETE a",
    )
    tamper(
        store,
        "UPDATE audit_head SET seq = 0, hash = :genesis, at = ''"
        "|MATCH (m:Meta {key: 'store'}) SET m.audit_seq = 0, m.audit_hash = $genesis",
        genesis=GENESIS,
    )
    problems = _problems(store)
    assert problems[0] == (
        "log: the audit log is empty but the store holds 3 records and 2 accounts (log wiped?)"
    )
    assert "record 'per_1' version 2: in history but no audit entry committed to it" in problems


def _rewrite_chain(store: GraphStore, change: Callable[[AuditEntry], AuditEntry]) -> None:
    """Rewrite every entry with `change` and recompute every hash and the head, as
    someone with the file and this code could: the chain alone then verifies."""
    log = store.audit_log()
    prev = GENESIS
    for entry in log.entries:
        new = change(entry)
        digest = entry_hash(new.seq, new.at, new.actor, new.action, new.details, prev)
        new = dataclasses.replace(new, prev_hash=prev, hash=digest)
        row = {k: v for k, v in dataclasses.asdict(new).items() if k != "withheld"}
        tamper(
            store,
            "UPDATE audit SET at = :at, actor = :actor, details = :details, "
            "prev_hash = :prev_hash, hash = :hash WHERE seq = :seq"
            "|MATCH (a:AuditEntry {seq: $seq}) SET a.at = $at, a.actor = $actor, "
            "a.details = $details, a.prev_hash = $prev_hash, a.hash = $hash",
            **row,
        )
        prev = digest
    last: Any = store.audit_log().entries[-1]
    tamper(
        store,
        "UPDATE audit_head SET hash = :hash, at = :at"
        "|MATCH (m:Meta {key: 'store'}) SET m.audit_hash = $hash, m.audit_at = $at",
        hash=last.hash,
        at=last.at,
    )


def _shift(seq: int, by: timedelta) -> Callable[[AuditEntry], AuditEntry]:
    def change(entry: AuditEntry) -> AuditEntry:
        if entry.seq != seq:
            return entry
        return dataclasses.replace(entry, at=stamp(parse_time(entry.at) + by))  # type: ignore[operator]

    return change


def test_entry_times_in_the_past_or_future_are_caught_even_with_hashes_recomputed(
    store: GraphStore,
) -> None:
    _people(store)
    store.append_audit(AuditEvent(actor="exporter", action="export", details={"file": "a"}))
    _rewrite_chain(store, _shift(5, timedelta(days=-3650)))
    assert _problems(store) == [
        "entry 5: time " + store.audit_log().entries[4].at + " is before the entry before it"
    ]
    _rewrite_chain(store, _shift(5, timedelta(days=2 * 3650)))
    assert _problems(store) == [
        "entry 5: time " + store.audit_log().entries[4].at + " is in the future"
    ]


def test_times_are_the_stores_and_history_matches_its_entries(store: GraphStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    _people(store)
    entries = store.audit_log().entries
    times = [parse_time(e.at) for e in entries]
    assert all(t is not None and t >= before for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    (_, renamed) = store.history("per_1", viewer=SYSTEM)
    assert parse_time(renamed.recorded_at) == times[1]


def test_a_rewritten_chain_is_caught_against_a_checkpoint(store: GraphStore) -> None:
    _people(store)
    store.append_audit(AuditEvent(actor="exporter", action="export", details={"file": "a"}))
    kept = store.audit_head()
    assert kept.seq == 5 and store.check_audit(kept).ok

    def launder(entry: AuditEntry) -> AuditEntry:  # hide who exported what
        if entry.action != "export":
            return entry
        return dataclasses.replace(entry, details='{"file":"innocent"}')

    _rewrite_chain(store, launder)
    assert store.check_audit().ok  # the rewritten chain is consistent with itself ...
    assert [str(p) for p in store.check_audit(kept).problems] == [  # ... but not with the witness
        "entry 5: differs from the checkpoint (the chain was rewritten after it was taken)"
    ]


def test_a_restricted_admin_learns_a_problem_but_not_the_guarded_records_name(
    store: GraphStore,
) -> None:
    _people(store)
    tamper(
        store,
        "UPDATE records SET data = replace(data, 'Guarded', 'Gone') WHERE id = 'per_sc'"
        "|MATCH (n:Entity {id: 'per_sc'}) SET n.data = replace(n.data, 'Guarded', 'Gone')",
    )
    low = SecuredStore(store, make_user("rhea", Role.ADMIN, Sensitivity.RESTRICTED))
    high = SecuredStore(store, make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))
    assert [str(p) for p in low.check_audit().problems] == [
        "a record above your clearance: current record does not match the hash entry 1 committed to"
    ]
    assert "per_sc" in str(high.check_audit().problems[0])
