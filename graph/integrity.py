"""`audit verify`: the chain, and everything the chain committed to.

The audit chain proves its own entries; since issue 13 a write's entry also
commits, by SHA-256, to every version it stored, and an account change to the
account as stored. So a check reads everything back and asks:

- is the chain whole (hashes, links, head, times in order and not ahead)?
- does every history row and every current record match the hash the chain
  committed to for its version, with the time and author of the write that
  made it? (A row edited in the file with sqlite3 or a Cypher SET fails.)
- does every version the chain committed to still exist, superseded in
  history or current? (A deleted revision or current row fails.)
- does every account match the last account change the chain recorded?
- is there a log at all when the store holds records (a wiped log fails)?
- optionally, does the chain still hold a head the user kept elsewhere (a
  chain rewritten with every hash recomputed fails against that witness)?

Entries written before hash commitments (schema 1) carry each record's JSON
instead of a hash: they are compared by content, so old stores still verify.
Problems name the record, account or entry; a record above the reader's
clearance is named only as such (`redact`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from graph.audit import AuditEntry, Checkpoint, parse_time, verify, version_hash, witnessed
from graph.sensitivity import RANK, Sensitivity

_TOP = Sensitivity.STRICTLY_CONFIDENTIAL.rank


@dataclass(frozen=True)
class StoredVersion:
    """One stored version of a record, as the check reads it back (a current
    record kept only in the current table carries its time and author too)."""

    record_id: str
    version: int
    data: str
    rank: int
    recorded_at: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class StoredAccount:
    name: str
    data: str


@dataclass(frozen=True)
class Evidence:
    """Everything a store holds that the chain vouches for, read in one snapshot."""

    entries: list[AuditEntry]
    head_seq: int
    head_hash: str
    current: list[StoredVersion]
    history: list[StoredVersion]
    users: list[StoredAccount]


@dataclass(frozen=True)
class Problem:
    """One thing that does not match, named (`where`) so the user can find it."""

    where: str  # "entry 3", "record 'per_1' version 2", "account 'ada'", "log"
    message: str
    rank: int = 0  # the label of the record named (see `redact`)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message}


@dataclass(frozen=True)
class AuditCheck:
    """The result of `check`: the problems, and how much was checked."""

    problems: list[Problem]
    entries: int = 0
    records: int = 0
    versions: int = 0
    accounts: int = 0
    head: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "records": self.records,
            "versions": self.versions,
            "accounts": self.accounts,
            "head": self.head.as_dict() if self.head else None,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class _Commit:
    """What the chain said about one version: where, when, by whom, which content."""

    seq: int
    at: str
    actor: str
    rank: int
    sha: str | None  # None for a schema-1 entry, which held the content itself
    content: Any = None

    def matches(self, data: str) -> bool:
        if self.sha is not None:
            return version_hash(data) == self.sha
        try:
            return bool(json.loads(data) == self.content)
        except json.JSONDecodeError:
            return False


@dataclass
class _Commitments:
    versions: dict[tuple[str, int], _Commit] = field(default_factory=dict)
    accounts: dict[str, _Commit] = field(default_factory=dict)


def _rank_of(label: Any) -> int:
    try:
        return RANK[Sensitivity(label)]
    except ValueError:
        return _TOP


def _commitments(entries: Iterable[AuditEntry]) -> _Commitments:
    found = _Commitments()
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.action not in ("write", "user") or entry.withheld:
            continue
        try:
            details = json.loads(entry.details)
        except json.JSONDecodeError:
            continue  # the chain check reports the entry as altered
        if entry.action == "user" and isinstance(details.get("name"), str):
            sha = details.get("sha256")
            legacy = None if sha else {k: v for k, v in details.items() if k != "sha256"}
            found.accounts[details["name"]] = _Commit(
                entry.seq, entry.at, entry.actor, 0, sha, legacy
            )
            continue
        for item in details.get("records", []) if entry.action == "write" else []:
            after = item.get("after")
            label = item.get("sensitivity") or (after or {}).get("sensitivity")
            found.versions[(str(item["id"]), int(item["version"]))] = _Commit(
                entry.seq,
                entry.at,
                entry.actor,
                _rank_of(label),
                item.get("sha256"),
                after,
            )
    return found


def _account_matches(commit: _Commit, data: str) -> bool:
    if commit.sha is not None:
        return commit.matches(data)
    try:
        stored = json.loads(data)
    except json.JSONDecodeError:
        return False
    stored.pop("password_hash", None)
    return bool(stored == commit.content)


def _same_time(a: str, b: str) -> bool:
    ta, tb = parse_time(a), parse_time(b)
    return ta is not None and ta == tb


def _every_version(ev: Evidence) -> tuple[list[StoredVersion], set[tuple[str, int]]]:
    """Every stored version, and the keys of those kept only as current records.

    A store may keep history as every version (the current one copied) or, as
    SQL:2011 system-versioned tables do, as superseded versions only (issue 13):
    then a current record is its version's only copy, so it counts as history
    too (it must exist, with the time and author of its write). Its content is
    compared once, as the current record."""
    held = {(r.record_id, r.version) for r in ev.history}
    current = [r for r in ev.current if (r.record_id, r.version) not in held]
    return [*ev.history, *current], {(r.record_id, r.version) for r in current}


def check(
    evidence: Evidence, *, against: Checkpoint | None = None, now: datetime | None = None
) -> AuditCheck:
    """Every problem with the store's audit chain and what it committed to."""
    ev = evidence
    problems = [
        Problem(f"entry {p.seq}", p.message)
        for p in verify(ev.entries, head_seq=ev.head_seq, head_hash=ev.head_hash, now=now)
    ]
    if against is not None:
        problems += [Problem(f"entry {p.seq}", p.message) for p in witnessed(ev.entries, against)]
    if not ev.entries and (ev.current or ev.users):
        problems.append(
            Problem(
                "log",
                f"the audit log is empty but the store holds {len(ev.current)} records "
                f"and {len(ev.users)} accounts (log wiped?)",
            )
        )
    commits = _commitments(ev.entries)
    history, only_current = _every_version(ev)
    in_history: set[tuple[str, int]] = set()
    for row in history:
        key = (row.record_id, row.version)
        in_history.add(key)
        where = f"record {row.record_id!r} version {row.version}"
        commit = commits.versions.get(key)
        if commit is None:
            problems.append(
                Problem(where, "in history but no audit entry committed to it", row.rank)
            )
            continue
        if key not in only_current and not commit.matches(row.data):
            problems.append(
                Problem(
                    where,
                    f"history does not match the hash entry {commit.seq} committed to "
                    "(edited in the file)",
                    max(row.rank, commit.rank),
                )
            )
        if not _same_time(row.recorded_at, commit.at) or row.recorded_by != commit.actor:
            problems.append(
                Problem(
                    where,
                    f"history says {row.recorded_at} by {row.recorded_by!r}, but entry "
                    f"{commit.seq} recorded the write at {commit.at} by {commit.actor!r}",
                    max(row.rank, commit.rank),
                )
            )
    for key, commit in commits.versions.items():
        if key not in in_history:
            problems.append(
                Problem(
                    f"record {key[0]!r} version {key[1]}",
                    f"committed by entry {commit.seq} but missing from history (deleted?)",
                    commit.rank,
                )
            )
    for row in ev.current:
        where = f"record {row.record_id!r} version {row.version}"
        commit = commits.versions.get((row.record_id, row.version))
        if commit is None:
            problems.append(Problem(where, "current record's version has no audit entry", row.rank))
        elif not commit.matches(row.data):
            problems.append(
                Problem(
                    where,
                    f"current record does not match the hash entry {commit.seq} committed to "
                    "(edited in the file)",
                    max(row.rank, commit.rank),
                )
            )
    for user in ev.users:
        commit = commits.accounts.get(user.name)
        if commit is None:
            problems.append(Problem(f"account {user.name!r}", "no audit entry records it"))
        elif not _account_matches(commit, user.data):
            problems.append(
                Problem(
                    f"account {user.name!r}",
                    f"does not match entry {commit.seq}, its last recorded change "
                    "(edited in the file)",
                )
            )
    last = next((e for e in ev.entries if e.seq == ev.head_seq), None)
    return AuditCheck(
        problems,
        entries=len(ev.entries),
        records=len(ev.current),
        versions=len(history),
        accounts=len(ev.users),
        head=Checkpoint(ev.head_seq, ev.head_hash, last.at if last else ""),
    )


def redact(result: AuditCheck, clearance: Sensitivity) -> AuditCheck:
    """The check as a reader cleared to `clearance` may read it: a problem with a
    record above that label still counts, but the record is not named."""
    shown = [
        p
        if p.rank <= clearance.rank
        else Problem("a record above your clearance", p.message.split(" (")[0], p.rank)
        for p in result.problems
    ]
    return replace(result, problems=shown)
