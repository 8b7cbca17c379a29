"""A tamper-evident audit log: every write, export and sensitive view, hash-chained.

A silent edit can send a convoy to the wrong checkpoint, so every entry
carries the SHA-256 of its own content and of the entry before it. Changing
an entry breaks its own hash; deleting one breaks the next entry's link; and
the store keeps the head of the chain (last sequence number and hash) beside
the log, so cutting entries off the end is caught too. Write entries are
appended inside the write's own transaction: there is no write without its
audit entry.

A write's entry commits to content by hash (issue 13): for each record its id,
version, label and the SHA-256 of the stored JSON of that version, not the
JSON itself (history holds every version once; before/after are read from
there when shown). `graph.integrity` checks the records, history and accounts
against those commitments. Entry times are the store's clock, never the
caller's, and never go backwards along the chain (`store_time`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graph.sensitivity import Sensitivity

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it is placed in the chain.

    It has no time: the store stamps the entry with its own clock when it
    appends it (`store_time`), so no caller can date an entry 2001 or 2999."""

    actor: str
    action: str  # write, export, view, user, merge …
    details: dict[str, Any] = field(default_factory=dict)
    # The details already serialised (a JSON object), used verbatim instead of
    # `canonical(details)`: a write's entry lists thousands of records, which
    # the planner writes as JSON in one pass.
    details_json: str | None = None


def version_hash(data: str) -> str:
    """The SHA-256 a write's entry commits to for one stored version (its exact JSON)."""
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def stamp(when: datetime) -> str:
    """The one text form of a store time: UTC, microseconds always written (so
    two stamps also compare as text)."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime | None:
    """A stored time, or None when it is not one (an edited or legacy value)."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def store_time(last_at: str | None) -> datetime:
    """The time the store gives its next entry: now, but never before the last
    entry's time (a clock set back must not make the chain go backwards)."""
    now = datetime.now(UTC)
    last = parse_time(last_at) if last_at else None
    return max(now, last) if last is not None else now


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    details: str  # a JSON object, stored and hashed as these exact characters
    prev_hash: str
    hash: str
    # Set only by `withhold_above`: "" (content shown), "intact" or "altered"
    # (content withheld; whether it still matched its hash when withheld).
    withheld: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "details": json.loads(self.details),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }
        if self.withheld:
            out["withheld"] = True
        return out


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(seq: int, at: str, actor: str, action: str, details: str, prev_hash: str) -> str:
    payload = json.dumps([seq, at, actor, action, details, prev_hash], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain(event: AuditEvent, *, prev_seq: int, prev_hash: str, at: datetime) -> AuditEntry:
    """Place an event after the entry (prev_seq, prev_hash), at the store's time `at`."""
    details = event.details_json if event.details_json is not None else canonical(event.details)
    seq = prev_seq + 1
    when = stamp(at)
    digest = entry_hash(seq, when, event.actor, event.action, details, prev_hash)
    return AuditEntry(seq, when, event.actor, event.action, details, prev_hash, digest)


WITHHELD = canonical({"withheld": "about records above your clearance"})
# Actions whose details name records only by id (no sensitivity inside): a view
# entry lists strictly confidential records, so its ids alone are above most readers.
_ID_ONLY_ACTIONS = {"view": Sensitivity.STRICTLY_CONFIDENTIAL}


def entry_label(
    entry: AuditEntry, source_label: Callable[[str], Sensitivity] | None = None
) -> Sensitivity:
    """The highest sensitivity an entry's content reveals: every `sensitivity`
    anywhere in its details (a write holds each record before and after), the
    label of every source cited there (a citation's locator points into it), and
    strictly confidential for entries that list such records by id. Without
    `source_label`, any citation counts as strictly confidential."""
    label = _ID_ONLY_ACTIONS.get(entry.action, Sensitivity.PUBLIC)
    stack: list[Any] = [json.loads(entry.details)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found = item.get("sensitivity")
            if isinstance(found, str):
                try:
                    seen = Sensitivity(found)
                except ValueError:  # not a label we know: treat it as the highest
                    seen = Sensitivity.STRICTLY_CONFIDENTIAL
                if seen.rank > label.rank:
                    label = seen
            cited = item.get("source_id")
            if isinstance(cited, str):
                seen = source_label(cited) if source_label else Sensitivity.STRICTLY_CONFIDENTIAL
                if seen.rank > label.rank:
                    label = seen
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return label


def withhold_above(
    entries: list[AuditEntry],
    clearance: Sensitivity,
    source_label: Callable[[str], Sensitivity] | None = None,
) -> list[AuditEntry]:
    """The log as a reader cleared to `clearance` may see it. An entry above it keeps
    its place, time, actor, action and hashes (so the chain still verifies) but its
    details are replaced; whether they matched the hash is checked here, first."""
    shown: list[AuditEntry] = []
    for entry in entries:
        if entry_label(entry, source_label).rank <= clearance.rank:
            shown.append(entry)
            continue
        intact = _content_intact(entry)
        shown.append(replace(entry, details=WITHHELD, withheld="intact" if intact else "altered"))
    return shown


def _content_intact(entry: AuditEntry) -> bool:
    recomputed = entry_hash(
        entry.seq, entry.at, entry.actor, entry.action, entry.details, entry.prev_hash
    )
    return recomputed == entry.hash


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.message}"


# How far ahead of this machine's clock an entry may be (another server's clock).
CLOCK_SKEW = timedelta(minutes=5)


def verify(
    entries: list[AuditEntry], *, head_seq: int, head_hash: str, now: datetime | None = None
) -> list[ChainProblem]:
    """Every problem in the chain, naming the entry; empty when the log is intact.

    Besides hashes and links: entry times never go backwards along the chain
    and none lies in the future (`now`, default this machine's clock)."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = GENESIS, 1
    prev_at: datetime | None = None
    limit = (now or datetime.now(UTC)) + CLOCK_SKEW
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, f"missing (next entry is {entry.seq})"))
        intact = entry.withheld == "intact" if entry.withheld else _content_intact(entry)
        if not intact:
            problems.append(ChainProblem(entry.seq, "content does not match its hash (altered)"))
        if entry.prev_hash != prev_hash:
            problems.append(ChainProblem(entry.seq, "does not link to the entry before it"))
        at = parse_time(entry.at)
        if at is None:
            problems.append(ChainProblem(entry.seq, f"time {entry.at!r} is not a time"))
        else:
            if prev_at is not None and at < prev_at:
                problems.append(
                    ChainProblem(entry.seq, f"time {entry.at} is before the entry before it")
                )
            if at > limit:
                problems.append(ChainProblem(entry.seq, f"time {entry.at} is in the future"))
            prev_at = at
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    last_seq = expected_seq - 1
    if head_seq != last_seq:
        problems.append(
            ChainProblem(
                last_seq + 1 if head_seq > last_seq else head_seq,
                f"log ends at entry {last_seq} but the store's head "
                f"records entry {head_seq} (entries removed?)",
            )
        )
    elif head_seq and head_hash != prev_hash:
        problems.append(ChainProblem(head_seq, "last entry does not match the store's head hash"))
    return problems


# --------------------------------------------------------------------------- the witnessed head


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at one moment, for the user to keep elsewhere.

    Someone holding the file can rewrite the whole chain and recompute every
    hash; they cannot make an old head they never saw reappear in it. Every
    export manifest and briefing carries one (`audit_head`)."""

    seq: int
    hash: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": self.at}

    def line(self) -> str:
        return canonical(self.as_dict())

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """A checkpoint from its JSON line, from a file holding one, or from an
        export manifest (its `audit_head`); ValueError says what is wrong."""
        candidate = text.strip()
        if not candidate.startswith("{"):
            path = Path(candidate)
            if not path.is_file():
                raise ValueError(f"{candidate!r} is neither a checkpoint nor a file holding one")
            candidate = path.read_text("utf-8")
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError as e:
            raise ValueError(f"not a checkpoint (JSON expected): {e}") from e
        if isinstance(data, dict) and isinstance(data.get("audit_head"), dict):
            data = data["audit_head"]
        try:
            return cls(int(data["seq"]), str(data["hash"]), str(data.get("at", "")))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("a checkpoint needs seq, hash and at") from e


def head_of(entries: list[AuditEntry], *, head_seq: int, head_hash: str) -> Checkpoint:
    """The chain's head as a checkpoint (seq 0 and the genesis hash for an empty log)."""
    last = next((e for e in entries if e.seq == head_seq), None)
    return Checkpoint(head_seq, head_hash, last.at if last else "")


def witnessed(entries: list[AuditEntry], checkpoint: Checkpoint) -> list[ChainProblem]:
    """Whether the chain still holds the head a user kept: the same entry, same hash."""
    if checkpoint.seq == 0:
        return []
    found = next((e for e in entries if e.seq == checkpoint.seq), None)
    if found is None:
        return [ChainProblem(checkpoint.seq, "the checkpoint's entry is not in the chain")]
    if found.hash != checkpoint.hash or (checkpoint.at and found.at != checkpoint.at):
        return [
            ChainProblem(
                checkpoint.seq,
                "differs from the checkpoint (the chain was rewritten after it was taken)",
            )
        ]
    return []
