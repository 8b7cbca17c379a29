"""Embedded store layouts: numbered migrations on open, newer files refused (issues 13, 17).

`tests/fixtures/stores/layout1.db` was made by the release before hash
commitments (commit 616ce19, store layout 1) with FICTIONAL records: two
people (one renamed, one strictly confidential), an admin account and an
export entry; its write entries hold each record's JSON, not a hash. It must
open, migrate, verify, and keep catching tampering.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import model as m
from graph.audit_trail import with_versions
from graph.errors import StoreTooNew
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from graph.stores import embedded_sql as sql
from graph.stores.embedded_store import EmbeddedStore
from tests.ingest.helpers import cli_app

LAYOUT_1 = Path(__file__).parents[1] / "fixtures" / "stores" / "layout1.db"


def _old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(LAYOUT_1, path)
    return path


def _layout(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(sql.GET_SCHEMA_VERSION).fetchone()[0])


def test_a_layout_1_file_opens_migrated_and_verifies(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    assert _layout(path) == 1
    store = EmbeddedStore(path)
    assert _layout(path) == sql.SCHEMA_VERSION == max(sql.MIGRATIONS)  # every layout applied
    assert store.geometries(viewer=SYSTEM) == {}  # layout 3: the shapes table exists
    assert store.check_audit().problems == []
    assert store.audit_head().seq == 4 and store.audit_head().at  # the head's time, migrated
    history = store.history("per_old", viewer=SYSTEM)
    assert [r.record.name for r in history] == [  # type: ignore[union-attr]
        "Fictional Elder",
        "Fictional Elder Renamed",
    ]
    # New writes commit by hash after the old entries; the mix verifies and shows.
    store.write(WriteBatch.of([m.Person(id="per_old", name="Fictional Elder III")]), actor="e")
    assert store.check_audit().problems == []
    shown = with_versions(store, store.audit_log().entries, viewer=SYSTEM)
    old_line, new_line = shown[1]["details"]["records"][0], shown[4]["details"]["records"][0]
    assert old_line["after"]["name"] == new_line["before"]["name"] == "Fictional Elder Renamed"
    assert new_line["after"]["name"] == "Fictional Elder III"


def test_tampering_with_what_an_old_entry_vouches_for_is_caught(tmp_path: Path) -> None:
    path = _old_store(tmp_path)
    store = EmbeddedStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE revisions SET data = replace(data, 'Elder', 'Eldest')")
        conn.execute("""UPDATE users SET data = replace(data, '"admin"', '"viewer"')""")
    assert [str(p) for p in store.check_audit().problems] == [
        "record 'per_old' version 1: history does not match the hash entry 1 committed to "
        "(edited in the file)",
        "record 'per_old' version 2: history does not match the hash entry 2 committed to "
        "(edited in the file)",
        "account 'ada': does not match entry 3, its last recorded change (edited in the file)",
    ]


def test_a_file_from_a_newer_release_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    EmbeddedStore(path).write(WriteBatch.of([m.Person(id="per_1", name="Fictional")]), actor="a")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'")
        conn.execute("PRAGMA user_version = 4242")  # a newer release's stamp
    before = path.read_bytes()
    with pytest.raises(
        StoreTooNew, match=f"newer actorgraph .*layout 99.*up to {sql.SCHEMA_VERSION}"
    ):
        EmbeddedStore(path)
    result = CliRunner().invoke(cli_app(), ["--store", f"sqlite:///{path}", "stats"])
    assert result.exit_code == 4
    assert "newer actorgraph" in result.stderr
    assert path.read_bytes() == before
