"""Disk full in the middle of a write: exit 4 with a message a user can act on, store intact.

Embedded: SQLite's own SQLITE_FULL ("database or disk is full"), produced for
real by capping the file's page count just above its size on the import's
connections (a process file-size limit is tested in
tests/contract/test_embedded_faults.py). Neo4j: the server fails a transaction
whose store files cannot grow with a DatabaseError; that error is raised here
inside the real, open write transaction after its records were sent (the
driver then rolls it back as it would), so what is checked is our mapping of
it and that nothing stays written. FICTIONAL data only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from neo4j.exceptions import Neo4jError
from typer.testing import CliRunner

from graph.stores import neo4j_store
from graph.stores.embedded_store import EmbeddedStore
from graph.stores.neo4j_store import Neo4jStore
from tests.ingest.helpers import ACLED, TEMPLATE_XLSX, cli_app, contents, load

EXIT_UNAVAILABLE = 4


def _invoke(url: str, *args: str) -> Any:
    return CliRunner().invoke(cli_app(), ["--store", url, *args], catch_exceptions=False)


def test_embedded_disk_full_mid_import_exits_4_and_leaves_the_store_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "full.db"
    store = EmbeddedStore(db)
    load(store, TEMPLATE_XLSX)
    before = contents(store)
    with sqlite3.connect(db) as probe:
        pages = probe.execute("PRAGMA page_count").fetchone()[0]
    real_open = EmbeddedStore._open

    def nearly_full(self: EmbeddedStore, timeout: float) -> sqlite3.Connection:
        conn = real_open(self, timeout)
        conn.execute(f"PRAGMA max_page_count = {pages + 8}")  # room for a few pages only
        return conn

    monkeypatch.setattr(EmbeddedStore, "_open", nearly_full)
    result = _invoke(f"sqlite:///{db}", "import", str(ACLED))

    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    assert "disk is full" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setattr(EmbeddedStore, "_open", real_open)
    assert contents(EmbeddedStore(db)) == before


@pytest.mark.neo4j
def test_neo4j_disk_full_mid_import_exits_4_and_leaves_the_store_intact(
    neo4j_session_store: Neo4jStore,
    neo4j_credentials: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = neo4j_session_store
    store.wipe()
    load(store, TEMPLATE_XLSX)
    before = contents(store)
    real_apply = neo4j_store._apply
    sent: list[int] = []

    def then_disk_full(tx: Any, plan: Any, *args: Any) -> Any:
        real_apply(tx, plan, *args)  # the records reach the server ...
        sent.append(len(plan.rows))
        # ... and the server cannot grow its store files.
        raise Neo4jError._hydrate_neo4j(
            code="Neo.DatabaseError.Transaction.TransactionCommitFailed",
            message="Could not apply the transaction: No space left on device",
        )

    monkeypatch.setattr(neo4j_store, "_apply", then_disk_full)
    monkeypatch.setenv("ACTORGRAPH_NEO4J_USER", neo4j_credentials["user"])
    monkeypatch.setenv("ACTORGRAPH_NEO4J_PASSWORD", neo4j_credentials["password"])
    result = _invoke(neo4j_credentials["uri"], "import", str(ACLED))

    assert sent, "the failure must come after the records were sent"
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    assert "TransactionCommitFailed" in result.stderr
    assert "nothing was written" in result.stderr and "disk space" in result.stderr
    assert "Traceback" not in result.output
    assert neo4j_credentials["password"] not in result.output
    assert contents(store) == before
