"""History as superseded versions only (issue 13), in the embedded store's file.

A record's current version lives only in `records`; `revisions` holds the
versions it replaced. These tests write through the store and look at the
file's tables, then tamper with the rows that only this layout has (the
current row as its version's only copy) and check that `audit verify` still
names what was touched. They run on the plain and the encrypted file;
tests/contract/test_audit_integrity.py holds the tamper cases every store shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.conftest import connect_file, open_embedded
from tests.contract.test_audit_integrity import _people, _problems


@pytest.fixture(params=["embedded", "sqlcipher"])
def embedded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = open_embedded(tmp_path / "store.db", encrypted=request.param == "sqlcipher")
    yield store
    store.close()


def _rows(store: EmbeddedStore, query: str) -> list[tuple[object, ...]]:
    with closing(connect_file(store)) as conn:
        return [tuple(r) for r in conn.execute(query)]


def _tamper(store: EmbeddedStore, statement: str) -> None:
    """Edit the file behind the store's back (autocommit), as someone holding it could."""
    with closing(connect_file(store)) as conn:
        conn.execute(statement)


def test_a_new_record_writes_no_history_row_and_an_update_moves_the_old_one(
    embedded: EmbeddedStore,
) -> None:
    person = m.Person(id="per_1", name="Fictional One")
    embedded.write(WriteBatch.of([person]), actor="editor-1")
    assert _rows(embedded, "SELECT record_id FROM revisions") == []
    assert _rows(embedded, "SELECT version, recorded_by, operation FROM records") == [
        (1, "editor-1", "create")
    ]
    embedded.write(
        WriteBatch.of([person.model_copy(update={"name": "Fictional Uno"})]), actor="editor-2"
    )
    embedded.write(WriteBatch.of([person.model_copy(update={"name": "Fictional Uno"})]), actor="x")
    embedded.write(
        WriteBatch.of([person.model_copy(update={"name": "Fictional Uno", "valid_to": "2026"})]),
        actor="editor-3",
    )
    assert _rows(
        embedded, "SELECT version, recorded_by, operation FROM revisions ORDER BY version"
    ) == [(1, "editor-1", "create"), (2, "editor-2", "update")]
    assert _rows(embedded, "SELECT version, recorded_by, operation FROM records") == [
        (3, "editor-3", "close")
    ]
    history = embedded.history("per_1", viewer=SYSTEM)
    assert [(r.version, r.recorded_by, r.operation) for r in history] == [
        (1, "editor-1", "create"),
        (2, "editor-2", "update"),
        (3, "editor-3", "close"),
    ]
    assert [r.record.name for r in history] == [  # type: ignore[union-attr]
        "Fictional One",
        "Fictional Uno",
        "Fictional Uno",
    ]
    assert embedded.check_audit().problems == []


def test_a_deleted_current_row_is_a_missing_committed_version(embedded: EmbeddedStore) -> None:
    _people(embedded)
    _tamper(embedded, "DELETE FROM records WHERE id = 'per_2'")
    assert _problems(embedded) == [
        "record 'per_2' version 1: committed by entry 1 but missing from history (deleted?)"
    ]
    # A renamed record's current row: its superseded version alone does not hide it.
    _tamper(embedded, "DELETE FROM records WHERE id = 'per_1'")
    assert (
        "record 'per_1' version 2: committed by entry 2 but missing from history (deleted?)"
        in _problems(embedded)
    )


def test_a_current_row_put_back_to_an_earlier_version_number_is_caught(
    embedded: EmbeddedStore,
) -> None:
    """per_1 is at version 2; its row claims version 1: content and the lost version both show."""
    _people(embedded)
    _tamper(embedded, "UPDATE records SET version = 1 WHERE id = 'per_1'")
    assert _problems(embedded) == [
        "record 'per_1' version 2: committed by entry 2 but missing from history (deleted?)",
        "record 'per_1' version 1: current record does not match the hash entry 1 committed to "
        "(edited in the file)",
    ]


def test_a_current_rows_time_or_author_edited_in_the_file_is_named(
    embedded: EmbeddedStore,
) -> None:
    _people(embedded)
    _tamper(
        embedded,
        "UPDATE records SET recorded_at = '2001-01-01T00:00:00+00:00', recorded_by = 'x' "
        "WHERE id = 'per_2'",
    )
    (problem,) = _problems(embedded)
    assert problem.startswith("record 'per_2' version 1: history says 2001-01-01")
    assert "by 'x', but entry 1 recorded the write at" in problem


def test_a_current_row_copied_back_into_history_changes_nothing_shown(
    embedded: EmbeddedStore,
) -> None:
    """A file that still holds a copy of a current version (an old layout's habit)
    shows that version once in `audit verify`'s count and verifies."""
    _people(embedded)
    _tamper(
        embedded,
        "INSERT INTO revisions (record_id, version, category, kind, recorded_at, recorded_by, "
        "operation, sensitivity_rank, data) SELECT id, version, category, kind, recorded_at, "
        "recorded_by, operation, sensitivity_rank, data FROM records WHERE id = 'per_2'",
    )
    result = embedded.check_audit()
    assert result.problems == []
    assert (result.records, result.versions) == (3, 4)
