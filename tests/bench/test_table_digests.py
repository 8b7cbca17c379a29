"""bench.table_digests: the old-against-new check of an embedded store's tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.table_digests import run, table_digests


def test_the_same_import_gives_the_same_digests_and_an_edit_changes_its_table(
    tmp_path: Path,
) -> None:
    first = run("XS", tmp_path / "a.db")
    assert run("XS", tmp_path / "b.db") == first
    assert any(line.startswith("audit verify: AuditCheck(problems=[]") for line in first)
    before = table_digests(tmp_path / "a.db")
    assert {"records", "revisions", "names", "changes", "audit", "audit_head"} <= before.keys()

    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("UPDATE revisions SET data = data || ' ' WHERE rowid = 1")
    conn.commit()
    conn.close()
    after = table_digests(tmp_path / "a.db")
    assert {name for name in before if before[name] != after[name]} == {"revisions"}
