"""Embedded store layouts: numbered migrations on open, newer files refused (issues 13, 17).

`tests/fixtures/stores/layout1.db` was made by the release before hash
commitments (commit 616ce19, store layout 1) with FICTIONAL records: two
people (one renamed, one strictly confidential), an admin account and an
export entry; its write entries hold each record's JSON, not a hash. It must
open, migrate, verify, and keep catching tampering.

`tests/fixtures/stores/layout3.db` was made by the last release of layout 3
(commit 8f09b70), where history copied every current version, by
`make_layout3.py` beside it; `layout3.json` holds that release's own answers
(every record's history, `audit verify`), which migration 4 must keep.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import model as m
from graph.audit_trail import with_versions
from graph.errors import StoreTooNew, StoreUnavailable
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from graph.stores import embedded_sql as sql
from graph.stores.embedded_store import EmbeddedStore
from tests.ingest.helpers import cli_app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "stores"
LAYOUT_1 = FIXTURES / "layout1.db"
LAYOUT_3 = FIXTURES / "layout3.db"
LAYOUT_3_SHOWN = json.loads((FIXTURES / "layout3.json").read_text())
LAYOUT_3_IDS = ["src_1", "per_a", "per_b", "act_1", "rel_member"]


def _old_store(tmp_path: Path, fixture: Path = LAYOUT_1) -> Path:
    path = tmp_path / "old.db"
    shutil.copyfile(fixture, path)
    return path


def _revision_keys(path: Path) -> set[tuple[str, int]]:
    with sqlite3.connect(path) as conn:
        return {(rid, v) for rid, v in conn.execute("SELECT record_id, version FROM revisions")}


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
        # Since layout 4 the current version (2) is kept only in `records`.
        conn.execute("UPDATE revisions SET data = replace(data, 'Elder', 'Eldest')")
        conn.execute("UPDATE records SET data = replace(data, 'Elder', 'Eldest')")
        conn.execute("""UPDATE users SET data = replace(data, '"admin"', '"viewer"')""")
    assert [str(p) for p in store.check_audit().problems] == [
        "record 'per_old' version 1: history does not match the hash entry 1 committed to "
        "(edited in the file)",
        "record 'per_old' version 2: current record does not match the hash entry 2 committed "
        "to (edited in the file)",
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


def _shown(store: EmbeddedStore) -> dict[str, object]:
    """What `make_layout3.py` recorded of a store, asked of this one."""
    revisions = store.histories(LAYOUT_3_IDS, viewer=SYSTEM)
    return {
        "histories": [
            [r.record_id, r.version, r.recorded_at, r.recorded_by, r.operation, r.record.id]
            for r in revisions
        ],
        "records": {
            f"{r.record_id}@{r.version}": r.record.model_dump(mode="json") for r in revisions
        },
        "audit": store.check_audit().as_dict(),
    }


def test_migration_4_keeps_superseded_versions_only_and_every_answer_the_same(
    tmp_path: Path,
) -> None:
    path = _old_store(tmp_path, LAYOUT_3)
    assert _layout(path) == 3
    assert len(_revision_keys(path)) == 8  # every version, the five current ones copied
    store = EmbeddedStore(path)
    assert _layout(path) == 4
    # History, time, author, operation, content and `audit verify`: as the old release showed.
    assert _shown(store) == LAYOUT_3_SHOWN
    assert LAYOUT_3_SHOWN["audit"]["ok"] and LAYOUT_3_SHOWN["audit"]["versions"] == 8
    # Only the replaced versions remain in `revisions`.
    assert _revision_keys(path) == {("per_a", 1), ("per_a", 2), ("rel_member", 1)}
    assert [r.operation for r in store.history("rel_member", viewer=SYSTEM)] == ["create", "close"]
    # The migrated file takes writes in the new layout, and still verifies.
    store.write(WriteBatch.of([m.Person(id="per_b", name="Fictional Bravo II")]), actor="e")
    assert [r.version for r in store.history("per_b", viewer=SYSTEM)] == [1, 2]
    assert _revision_keys(path) == {("per_a", 1), ("per_a", 2), ("rel_member", 1), ("per_b", 1)}
    assert store.check_audit().problems == []


def test_migration_4_keeps_a_history_copy_that_differs_from_the_current_record(
    tmp_path: Path,
) -> None:
    """A copy edited in the file before the upgrade is evidence: it stays, and is reported."""
    path = _old_store(tmp_path, LAYOUT_3)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE revisions SET data = replace(data, 'Bravo', 'Brave') WHERE record_id = 'per_b'"
        )
    store = EmbeddedStore(path)
    assert ("per_b", 1) in _revision_keys(path)
    assert [str(p) for p in store.check_audit().problems] == [
        "record 'per_b' version 1: history does not match the hash entry 1 committed to "
        "(edited in the file)"
    ]


def test_a_failed_migration_4_leaves_the_file_in_layout_3(tmp_path: Path) -> None:
    path = _old_store(tmp_path, LAYOUT_3)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE DELETE ON revisions "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(StoreUnavailable, match="disk full"):
        EmbeddedStore(path)
    assert _layout(path) == 3
    assert len(_revision_keys(path)) == 8
    with sqlite3.connect(path) as conn:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(records)")]
    assert "recorded_by" not in columns
