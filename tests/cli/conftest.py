"""CLI fixtures: a store URL for each backend, as a user would pass to --store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A `--store` URL for an empty store of each kind; Neo4j credentials via environment."""
    if request.param == "embedded":
        from graph.stores.embedded_store import EmbeddedStore

        # An existing empty store: read commands never create one (they exit 6).
        EmbeddedStore(tmp_path / "cli.db").close()
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    creds = request.getfixturevalue("neo4j_credentials")
    request.getfixturevalue("neo4j_session_store").wipe()
    monkeypatch.setenv("ACTORGRAPH_NEO4J_USER", creds["user"])
    monkeypatch.setenv("ACTORGRAPH_NEO4J_PASSWORD", creds["password"])
    yield creds["uri"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
