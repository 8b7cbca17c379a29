"""The Neo4j server stopped in the middle of an import, then started again.

A dedicated server (scripts/neo4j-local in a temporary ACTORGRAPH_NEO4J_HOME,
never the session's) is stopped while the import's write transaction holds
its locks. The driver retries (for `MAX_RETRY_SECONDS`), then the command
exits 4 with a message that says nothing was written and what to do, never a
traceback. Once a server is back, the same command completes. (neo4j-local
starts every server with an empty database, so what "nothing partial" can
mean across the restart is checked where it holds: the command's own answer;
the data side is covered by tests/faults/test_kill_during_write.py.)
FICTIONAL data only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.events import write_acled
from tests.faults.harness import (
    child_env,
    cli,
    kill_when,
    neo4j_local,
    neo4j_writing,
    run,
    throwaway_neo4j_home,
)

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]


def _local(home: Path, command: str) -> dict[str, str]:
    return neo4j_local(home, command)


@pytest.fixture
def server_home(tmp_path: Path) -> Iterator[Path]:
    home = throwaway_neo4j_home(tmp_path)
    try:
        yield home
    finally:
        _local(home, "stop")


def test_server_stopped_mid_import_gives_exit_4_then_a_rerun_completes(
    server_home: Path, tmp_path: Path
) -> None:
    from neo4j import GraphDatabase

    events = write_acled(tmp_path / "acled.csv", 800, seed=11)
    first = _local(server_home, "start")
    env = child_env(
        {
            "ACTORGRAPH_NEO4J_USER": first["NEO4J_USER"],
            "ACTORGRAPH_NEO4J_PASSWORD": first["NEO4J_PASSWORD"],
        }
    )
    args = ["import", str(events), "--format", "acled"]
    driver = GraphDatabase.driver(
        first["NEO4J_URI"], auth=(first["NEO4J_USER"], first["NEO4J_PASSWORD"])
    )
    writing = neo4j_writing(driver, 50)
    stopped = threading.Event()

    def stop_when_writing() -> bool:
        """The kill_when trigger, used to stop the *server* instead of the command."""
        if not stopped.is_set() and writing():
            driver.close()
            _local(server_home, "stop")
            stopped.set()
        return False  # never kill the command: it must end by itself

    outcome = kill_when(cli(first["NEO4J_URI"], *args), env, stop_when_writing, poll=0.01)

    assert stopped.is_set(), f"the import ended before it wrote: {outcome.stderr}"
    assert outcome.returncode == 4, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "nothing was written" in outcome.stderr or "may or may not" in outcome.stderr
    assert first["NEO4J_PASSWORD"] not in outcome.stderr

    again = _local(server_home, "start")
    env["ACTORGRAPH_NEO4J_PASSWORD"] = again["NEO4J_PASSWORD"]
    env["ACTORGRAPH_NEO4J_USER"] = again["NEO4J_USER"]
    rerun = run(cli(again["NEO4J_URI"], *args, "--json"), env)
    assert rerun.returncode == 0, rerun.stderr
    assert '"created"' in rerun.stdout
