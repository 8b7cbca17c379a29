"""Shared fixtures: a `store` parametrised over the embedded (plain and encrypted) and Neo4j stores.

The Neo4j store runs against a real server. Its URI comes from
`ACTORGRAPH_TEST_NEO4J_URI` (credentials from `NEO4J_USER` / `NEO4J_PASSWORD`);
when that is unset the session starts one with `scripts/neo4j-local`. If no
server can be had, the Neo4j tests are skipped locally but FAIL when `CI=true`:
CI must never pass by skipping the real database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.neo4j_local import NEO4J_LOCAL, parse_exports
from graph.projection import clear_cache
from graph.settings import Settings
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reset-neo4j",
        action="store_true",
        help="Allow the Neo4j tests to wipe a database that is not empty.",
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def neo4j_credentials() -> Iterator[dict[str, str]]:
    """URI, user and password of a real Neo4j server for this test session."""
    uri = os.environ.get("ACTORGRAPH_TEST_NEO4J_URI")
    if uri:
        yield {
            "uri": uri,
            "user": os.environ.get("NEO4J_USER", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD", ""),
        }
        return
    # neo4j-local keeps one server per checkout (its `.neo4j-local`, or
    # ACTORGRAPH_NEO4J_HOME). One already running there (another test run, a
    # developer in this checkout) is reused and left running: stopping it would
    # pull the database from under them.
    already = subprocess.run([str(NEO4J_LOCAL), "status"], capture_output=True, check=False)
    started = subprocess.run(
        [str(NEO4J_LOCAL), "start"], capture_output=True, text=True, timeout=900, check=False
    )
    if started.returncode != 0:
        message = f"no Neo4j server: scripts/neo4j-local start failed:\n{started.stderr[-2000:]}"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    env = parse_exports(started.stdout)
    try:
        yield {
            "uri": env["NEO4J_URI"],
            "user": env["NEO4J_USER"],
            "password": env["NEO4J_PASSWORD"],
        }
    finally:
        if already.returncode != 0:
            subprocess.run(
                [str(NEO4J_LOCAL), "stop"], capture_output=True, timeout=120, check=False
            )


@pytest.fixture(scope="session")
def neo4j_session_store(
    neo4j_credentials: dict[str, str], request: pytest.FixtureRequest
) -> Iterator[GraphStore]:
    from graph.stores.neo4j_store import Neo4jStore

    store = Neo4jStore(
        neo4j_credentials["uri"],
        user=neo4j_credentials["user"],
        password=neo4j_credentials["password"],
    )
    if not store.is_empty() and not request.config.getoption("--reset-neo4j"):
        store.close()
        pytest.fail(
            "the test Neo4j database is not empty; the tests wipe it between runs. "
            "Pass --reset-neo4j if that is what you want."
        )
    try:
        yield store
    finally:
        store.wipe()
        store.close()


# A made-up key for the encrypted store in tests (never a real one).
TEST_STORE_KEY = "fictional test key 0451"


def open_embedded(path: Path, *, encrypted: bool) -> EmbeddedStore:
    """The embedded store at `path`, plain or SQLCipher-encrypted under the test key."""
    if encrypted:
        from graph.stores.encrypted_store import EncryptedStore

        return EncryptedStore(path, key=TEST_STORE_KEY)
    return EmbeddedStore(path)


def reopen(store: EmbeddedStore) -> EmbeddedStore:
    """A second store object on the same file, as another process would open it."""
    return open_embedded(store.path, encrypted=store.url.startswith("sqlcipher:"))


def connect_file(store: EmbeddedStore) -> sqlite3.Connection:
    """A raw connection to the store's file, to tamper with it as an attacker would.

    For the encrypted store this uses the key (an attacker holding the key);
    without it the file cannot be opened at all.
    """
    return store._open(30.0)


@pytest.fixture(params=["embedded", "sqlcipher", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind; every contract test runs on all three.

    "sqlcipher" is the embedded store in an encrypted file: the same contract
    must hold whether or not the laptop's file is encrypted.
    """
    if request.param in ("embedded", "sqlcipher"):
        embedded = open_embedded(tmp_path / "store.db", encrypted=request.param == "sqlcipher")
        yield embedded
        embedded.close()
        return
    neo = request.getfixturevalue("neo4j_session_store")
    neo.wipe()
    yield neo


@pytest.fixture
def neo4j_settings(neo4j_credentials: dict[str, str]) -> Settings:
    return Settings(
        NEO4J_URI=neo4j_credentials["uri"],
        NEO4J_USER=neo4j_credentials["user"],
        NEO4J_PASSWORD=neo4j_credentials["password"],
    )


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Projection and Streamlit caches are process-wide: start every test clean."""
    clear_cache()
    yield
    clear_cache()
