"""Exports filtered for an audience, optionally encrypted, always audited.

The data file is JSON Lines (one record per line, the audience's fields only);
beside it `<file>.manifest.json` says what was withheld, in counts. With a
passphrase or recipients' public keys both files are encrypted in the age
format, which a partner opens with the standard `age` tool (see
ingest.encryption). Every export is appended to the audit log: who exported
what, for whom, how much, and to which public keys.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from graph.audit import AuditEvent
from graph.sensitivity import Sensitivity, Viewer
from graph.sharing import Audience, Manifest, share
from graph.store import GraphStore
from ingest.encryption import encrypt
from ingest.snapshot import export_records


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never leave a half-written export under the real name


def export_for_audience(
    store: GraphStore,
    *,
    viewer: Viewer,
    audience: Audience,
    out: Path,
    passphrase: str | None = None,
    recipients: Sequence[str] = (),
) -> Manifest:
    """Write what `audience` may receive of what `viewer` may see; return the manifest.

    With `passphrase` or `recipients` (age public keys) both files are age
    files; nothing is written unencrypted first, not even under a temporary name.
    """
    ceiling = min(viewer.clearance, audience.max_sensitivity, key=lambda s: s.rank)
    records = export_records(store, viewer=Viewer(name=viewer.name, clearance=Sensitivity(ceiling)))
    rows, manifest = share(records, audience)
    header = f"// actorgraph export for audience {audience.name} (max {ceiling.value})\n"
    body = header + "".join(
        json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows
    )
    # The audit chain's head when the export was made: a witness kept outside
    # the store, which `audit verify --against <manifest>` checks the chain against.
    stamped = {**manifest.as_dict(), "audit_head": store.audit_head().as_dict()}
    manifest_text = json.dumps(stamped, indent=2, ensure_ascii=False) + "\n"
    data, meta = body.encode("utf-8"), manifest_text.encode("utf-8")
    encrypted = passphrase is not None or bool(recipients)
    if encrypted:
        data = encrypt(data, passphrase, recipients=recipients)
        meta = encrypt(meta, passphrase, recipients=recipients)
    _write_atomic(out, data)
    _write_atomic(manifest_path(out), meta)
    store.append_audit(
        AuditEvent(
            actor=viewer.name,
            action="export",
            details={
                "audience": audience.name,
                "file": out.name,
                "encrypted": encrypted,
                "recipients": list(recipients),  # public keys: who can open it
                "exported": dict(manifest.exported),
                "withheld_by_kind": dict(manifest.withheld_kinds),
            },
        )
    )
    return manifest
