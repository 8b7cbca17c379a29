"""A Neo4j import is one transaction at any size: all of it, or nothing.

Neo4j holds an open transaction's changes in its heap, and refuses one that
grows past its transaction memory limit. The import is not split to fit
(that would make it visible piece by piece); the server is sized for it
(scripts/neo4j-local's defaults, docs/performance.md), and when a file is
still too large the user is told which limit stopped it, which setting to
raise and how many rows the file had, with exit 4 and nothing written.

- A throwaway server (scripts/neo4j-local in a private ACTORGRAPH_NEO4J_HOME)
  with a tiny `db.memory.transaction.max` refuses a 2,000-row ACLED file.
- On the session's server, a 10,000-row import that fails after its last
  record was sent leaves nothing; killed with SIGKILL deep into its
  transaction, it leaves nothing; run through, all 10,000 rows are there.

FICTIONAL data only (bench/events.py and bench/import_memory.py invent every name).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j.exceptions import Neo4jError
from typer.testing import CliRunner

from bench.events import write_acled
from bench.import_memory import write_template
from graph.sensitivity import SYSTEM
from graph.stores import neo4j_store
from graph.stores.neo4j_store import Neo4jStore
from tests.faults.harness import (
    child_env,
    cli,
    kill_when,
    neo4j_local,
    neo4j_writing,
    run,
    throwaway_neo4j_home,
)
from tests.ingest.helpers import cli_app

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]

LARGE = 10_000  # template rows: one record each


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A server whose transactions may hold 8 MiB each (a 2,000-row ACLED import needs more)."""
    home = throwaway_neo4j_home(tmp_path_factory.mktemp("small-server"))
    creds = neo4j_local(home, "start", ACTORGRAPH_NEO4J_TX_MAX="8m")
    try:
        yield creds
    finally:
        neo4j_local(home, "stop")


def _env(creds: dict[str, str]) -> dict[str, str]:
    return child_env(
        {
            "ACTORGRAPH_NEO4J_USER": creds["NEO4J_USER"],
            "ACTORGRAPH_NEO4J_PASSWORD": creds["NEO4J_PASSWORD"],
        }
    )


def test_import_over_the_servers_transaction_memory_exits_4_naming_limit_setting_and_rows(
    small_server: dict[str, str], tmp_path: Path
) -> None:
    events = write_acled(tmp_path / "acled.csv", 2_000, seed=5)
    env = _env(small_server)
    uri = small_server["NEO4J_URI"]
    store = Neo4jStore(
        uri, user=small_server["NEO4J_USER"], password=small_server["NEO4J_PASSWORD"]
    )
    try:
        counter, head = store.change_counter(), store.audit_head()

        done = run(cli(uri, "import", str(events), "--format", "acled"), env)

        assert done.returncode == 4, done.stderr
        message = done.stderr
        assert "Traceback" not in message
        assert "db.memory.transaction.max = 8" in message  # the limit the server reported
        assert "Raise db.memory.transaction.max" in message  # the setting to raise
        assert "2,000 rows" in message and "acled.csv" in message
        assert "nothing was written" in message
        assert "stayed busy" not in message  # not retried as if the server were busy
        assert small_server["NEO4J_PASSWORD"] not in message
        assert store.is_empty()
        assert store.change_counter() == counter
        assert store.audit_head() == head

        # The server is otherwise fine: a file that fits goes in.
        small = write_acled(tmp_path / "small.csv", 20, seed=5)
        assert run(cli(uri, "import", str(small), "--format", "acled"), env).returncode == 0
        assert not store.is_empty()
    finally:
        store.close()


@pytest.fixture
def large_file(tmp_path: Path) -> Path:
    return write_template(tmp_path / "template", LARGE)


@pytest.fixture
def session_server(
    neo4j_session_store: Neo4jStore,
    neo4j_credentials: dict[str, str],  # noqa: ARG001 (starts the server first)
) -> Iterator[Neo4jStore]:
    neo4j_session_store.wipe()
    yield neo4j_session_store
    neo4j_session_store.wipe()


def _actors(store: Neo4jStore) -> int:
    return store.counts(viewer=SYSTEM).get("ArmedActor", 0)


def test_large_import_failing_after_its_last_record_leaves_nothing_then_lands_whole(
    session_server: Neo4jStore,
    neo4j_credentials: dict[str, str],
    large_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = session_server
    real_apply = neo4j_store._apply
    sent: list[int] = []

    def then_fail(tx: Any, plan: Any, *args: Any) -> Any:
        head = real_apply(tx, plan, *args)  # every record, revision and the audit entry sent
        sent.append(len(plan.rows))
        raise Neo4jError._hydrate_neo4j(
            code="Neo.DatabaseError.Transaction.TransactionCommitFailed",
            message="Could not apply the transaction",
        )
        return head

    monkeypatch.setattr(neo4j_store, "_apply", then_fail)
    monkeypatch.setenv("ACTORGRAPH_NEO4J_USER", neo4j_credentials["user"])
    monkeypatch.setenv("ACTORGRAPH_NEO4J_PASSWORD", neo4j_credentials["password"])
    args = ["--store", neo4j_credentials["uri"], "import", str(large_file)]
    failed = CliRunner().invoke(cli_app(), args, catch_exceptions=False)

    assert sent == [LARGE]
    assert failed.exit_code == 4, failed.output
    assert store.is_empty() and store.change_counter() == 0

    monkeypatch.setattr(neo4j_store, "_apply", real_apply)
    done = CliRunner().invoke(cli_app(), args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert _actors(store) == LARGE


def test_large_import_killed_deep_in_its_transaction_leaves_nothing_then_lands_whole(
    session_server: Neo4jStore, neo4j_credentials: dict[str, str], large_file: Path
) -> None:
    from neo4j import GraphDatabase

    store = session_server
    env = child_env(
        {
            "ACTORGRAPH_NEO4J_USER": neo4j_credentials["user"],
            "ACTORGRAPH_NEO4J_PASSWORD": neo4j_credentials["password"],
        }
    )
    args = cli(neo4j_credentials["uri"], "import", str(large_file))
    driver = GraphDatabase.driver(
        neo4j_credentials["uri"], auth=(neo4j_credentials["user"], neo4j_credentials["password"])
    )
    try:
        # Past LARGE locks: every actor is written (one lock each, on its id's
        # constraint entry) and the transaction is into its revisions.
        outcome = kill_when(args, env, neo4j_writing(driver, LARGE))
    finally:
        driver.close()

    assert outcome.killed, f"the import ended before the kill point: {outcome.stderr}"
    assert _actors(store) == 0 and store.change_counter() == 0

    assert run(args, env).returncode == 0
    assert _actors(store) == LARGE
    assert run(cli(neo4j_credentials["uri"], "audit", "verify"), env).returncode == 0
