"""The audit log as shown: a write's before and after, read from history.

A write's entry holds, per record, only id, version, label and hash (issue 13).
Whoever reads the log (`audit log --json`, the app's audit page) wants to see
what changed: this puts each version back beside its line, read from history
at the reader's clearance, so a version above it stays out (its line shows
`null`) exactly as `history` would leave it out.
"""

from __future__ import annotations

import json
from typing import Any

from graph.audit import AuditEntry
from graph.sensitivity import Viewer
from graph.store import ChangeLogStore


def _hash_lines(entry: AuditEntry) -> list[dict[str, Any]]:
    """The record lines of a write entry that commit by hash (schema 2 and later)."""
    if entry.action != "write" or entry.withheld:
        return []
    records = json.loads(entry.details).get("records", [])
    return [r for r in records if isinstance(r, dict) and "sha256" in r]


def with_versions(
    store: ChangeLogStore, entries: list[AuditEntry], *, viewer: Viewer
) -> list[dict[str, Any]]:
    """`entries` as dicts, each write's record lines given `before` and `after`
    (the record as stored, or None when it is not there for this viewer).
    Entries from before hash commitments already hold both and are left as is."""
    keys: set[tuple[str, int]] = set()
    for entry in entries:
        for line in _hash_lines(entry):
            version = int(line["version"])
            keys.add((line["id"], version))
            if version > 1:
                keys.add((line["id"], version - 1))
    found = {
        (rev.record_id, rev.version): rev.record.model_dump(mode="json")
        for rev in (store.versions(sorted(keys), viewer=viewer) if keys else [])
    }
    shown: list[dict[str, Any]] = []
    for entry in entries:
        out = entry.as_dict()
        if _hash_lines(entry):
            for line in out["details"]["records"]:
                version = int(line["version"])
                line["after"] = found.get((line["id"], version))
                line["before"] = found.get((line["id"], version - 1)) if version > 1 else None
        shown.append(out)
    return shown
