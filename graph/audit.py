"""A tamper-evident audit log: every write, export and sensitive view, hash-chained.

A silent edit can send a convoy to the wrong checkpoint, so every entry
carries the SHA-256 of its own content and of the entry before it. Changing
an entry breaks its own hash; deleting one breaks the next entry's link; and
the store keeps the head of the chain (last sequence number and hash) beside
the log, so cutting entries off the end is caught too. Write entries are
appended inside the write's own transaction: there is no write without its
audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from graph.sensitivity import Sensitivity

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """What happened, before it is placed in the chain."""

    actor: str
    action: str  # write, export, view, user, merge …
    details: dict[str, Any] = field(default_factory=dict)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    # The details already serialised (a JSON object), used verbatim instead of
    # `canonical(details)`: a write's entry holds every record before and after,
    # which the store has as JSON already and should not serialise twice.
    details_json: str | None = None


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


def chain(event: AuditEvent, *, prev_seq: int, prev_hash: str) -> AuditEntry:
    """Place an event after the entry (prev_seq, prev_hash)."""
    details = event.details_json if event.details_json is not None else canonical(event.details)
    seq = prev_seq + 1
    digest = entry_hash(seq, event.at, event.actor, event.action, details, prev_hash)
    return AuditEntry(seq, event.at, event.actor, event.action, details, prev_hash, digest)


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


def verify(entries: list[AuditEntry], *, head_seq: int, head_hash: str) -> list[ChainProblem]:
    """Every problem in the chain, naming the entry; empty when the log is intact."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = GENESIS, 1
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, f"missing (next entry is {entry.seq})"))
        intact = entry.withheld == "intact" if entry.withheld else _content_intact(entry)
        if not intact:
            problems.append(ChainProblem(entry.seq, "content does not match its hash (altered)"))
        if entry.prev_hash != prev_hash:
            problems.append(ChainProblem(entry.seq, "does not link to the entry before it"))
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
