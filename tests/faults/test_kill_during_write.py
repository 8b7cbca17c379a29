"""kill -9 in the middle of every kind of write: nothing partial, the audit chain holds,
and running the same command again completes.

Each case runs the real CLI (`python -m ui.cli`) in a child process and kills
it with SIGKILL while its write transaction is open (see tests/faults/harness.py:
the kill point is read from the store, not from a clock). Then the store holds
either what it held before or the whole result (a kill that lands just as the
commit is written), never a part; `actorgraph audit verify` passes; the same
command run again exits 0 and leaves the store exactly as an uninterrupted run
does. Both stores. FICTIONAL data only (bench/events.py invents every name).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.events import write_acled
from bench.import_memory import write_template
from graph.row_codec import content_of
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from ingest.export import visible_records, write_history_snapshot
from ingest.pipeline import ImportOptions, run_import
from tests.faults.harness import (
    child_env,
    cli,
    kill_when,
    neo4j_writing,
    run,
    sqlite_writing,
)

pytestmark = pytest.mark.slow

EVENT_ROWS = 800
TEMPLATE_ROWS = 1500


def state(store: GraphStore) -> dict[str, Any]:
    """Every record's content without the store's stamps (times differ between runs)."""
    return {r.id: content_of(r) for r in visible_records(store, SYSTEM)}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The inputs: an ACLED file, a template folder, and a history snapshot of the ACLED import."""
    root = tmp_path_factory.mktemp("inputs")
    acled = write_acled(root / "acled.csv", EVENT_ROWS, seed=7)
    template = write_template(root / "template", TEMPLATE_ROWS)
    origin = EmbeddedStore(root / "origin.db")
    run_import(origin, acled, ImportOptions())
    snapshot = root / "history.jsonl"
    with snapshot.open("w", encoding="utf-8") as out_:
        write_history_snapshot(origin, SYSTEM, out_)
    origin.close()
    return {"acled": acled, "template": template, "snapshot": snapshot}


def _busiest_pair(store: GraphStore) -> tuple[str, str]:
    """The two armed actors with the most relationships: the biggest merge in the file."""
    degree: dict[str, int] = {}
    actors = {n.id for n in store.iter_nodes(viewer=SYSTEM) if n.kind == "ArmedActor"}
    for rel in store.iter_relationships(viewer=SYSTEM):
        for end in (rel.source_id, rel.target_id):
            if end in actors:
                degree[end] = degree.get(end, 0) + 1
    first, second = sorted(degree, key=lambda a: (-degree[a], a))[:2]
    return first, second


@dataclass(frozen=True)
class Case:
    """A write to interrupt: what the store holds first, and the command."""

    name: str
    seed_with: str | None  # an input imported before the command, or None
    args: Callable[[dict[str, Path], GraphStore], list[str]]


CASES = [
    Case("template import", None, lambda f, _s: ["import", str(f["template"])]),
    Case("event import", None, lambda f, _s: ["import", str(f["acled"]), "--format", "acled"]),
    Case("snapshot restore", None, lambda f, _s: ["import", str(f["snapshot"])]),
    Case("merge", "acled", lambda _f, s: ["merge", *_busiest_pair(s)]),
]


@dataclass
class Target:
    """One store the child writes to, with how to open, seed and watch it."""

    url: str
    store: GraphStore
    trigger: Callable[[int], Callable[[], bool]]  # kill point (bytes or locks) -> trigger


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "embedded":
        db = tmp_path / "store.db"
        store = EmbeddedStore(db)
        # A reader that stays open, as the app does: the child's connections are
        # then never the file's first or last, so the write lock is taken only by
        # its writes (the first opener's WAL recovery and the last closer's
        # checkpoint take it too, which would fire a trigger outside any write).
        reader = sqlite3.connect(db)
        reader.execute("SELECT count(*) FROM meta").fetchone()
        try:
            yield Target(f"sqlite:///{db}", store, lambda n: sqlite_writing(db, n))
        finally:
            reader.close()
        return
    from neo4j import GraphDatabase

    creds = request.getfixturevalue("neo4j_credentials")
    neo = request.getfixturevalue("neo4j_session_store")
    neo.wipe()
    driver = GraphDatabase.driver(creds["uri"], auth=(creds["user"], creds["password"]))
    try:
        yield Target(creds["uri"], neo, lambda n: neo4j_writing(driver, n))
    finally:
        driver.close()


def _seed(store: GraphStore, case: Case, files: dict[str, Path]) -> None:
    if case.seed_with is not None:
        run_import(store, files[case.seed_with], ImportOptions(format=case.seed_with))


Expected = Callable[[Case, list[str]], dict[str, Any]]


@pytest.fixture(scope="module")
def expected_after(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Expected:
    """What an uninterrupted run of a case's command leaves, on an embedded
    store seeded the same way; run once per command and shared by both stores
    and both kill points (the outcome depends on neither)."""
    done: dict[tuple[str, ...], dict[str, Any]] = {}

    def expected(case: Case, args: list[str]) -> dict[str, Any]:
        key = (case.name, *args)
        if key not in done:
            db = tmp_path_factory.mktemp("reference") / "ref.db"
            reference = EmbeddedStore(db)
            _seed(reference, case, files)
            ran = run(cli(f"sqlite:///{db}", *args), child_env())
            assert ran.returncode == 0, ran.stderr
            done[key] = state(reference)
        return done[key]

    return expected


# Kill points: early in the write transaction, and deep into it. Embedded: the
# write lock is held (and the WAL has grown past 1 MB of the transaction's
# pages); Neo4j: the transaction holds 50 locks (past the schema check's few),
# then 1,000 (well into the records).
POINTS = {"early": (0, 50), "deep": (1 << 20, 1000)}


@pytest.mark.parametrize("point", list(POINTS))
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_kill_9_during_a_write_leaves_nothing_partial_and_a_rerun_completes(
    target: Target, case: Case, point: str, files: dict[str, Path], expected_after: Expected
) -> None:
    env = child_env()
    _seed(target.store, case, files)
    args = case.args(files, target.store)
    expected = expected_after(case, args)
    before = state(target.store)
    assert expected != before, "the command must change the store for this test to mean anything"

    wal_bytes, locks = POINTS[point]
    at = wal_bytes if target.url.startswith("sqlite") else locks
    outcome = kill_when(cli(target.url, *args), env, target.trigger(at))

    assert outcome.killed, f"the write ended before the kill point: {outcome.stderr}"
    after_kill = state(target.store)
    assert after_kill in (before, expected), "a killed write left part of itself behind"
    if case.name == "merge":  # a merge that is visible has its own audit entry
        assert bool(target.store.audit_entries("merge")) == (after_kill == expected)

    verified = run(cli(target.url, "audit", "verify"), env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    rerun = run(cli(target.url, *args), env)
    assert rerun.returncode == 0, rerun.stderr
    assert state(target.store) == expected
    assert run(cli(target.url, "audit", "verify"), env).returncode == 0
    if case.name == "merge":
        assert len(target.store.audit_entries("merge")) == 1


def test_merge_killed_after_its_write_commits_still_has_its_audit_entry(
    target: Target, files: dict[str, Path]
) -> None:
    """The merge's own audit entry lands with its write: killed the moment the
    change counter moves (the write has committed), the store holds both."""
    env = child_env()
    _seed(target.store, CASES[3], files)
    args = CASES[3].args(files, target.store)
    counter = target.store.change_counter()

    def ready() -> bool:
        return target.store.change_counter() > counter

    outcome = kill_when(cli(target.url, *args), env, ready, poll=0)
    merged = target.store.change_counter() > counter
    assert merged, outcome.stderr
    assert len(target.store.audit_entries("merge")) == 1
    assert run(cli(target.url, *args), env).returncode == 0
    assert len(target.store.audit_entries("merge")) == 1
