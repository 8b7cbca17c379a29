"""The embedded store under faults: a busy file, a full disk, a trigger, a non-store.

SQLite-specific by nature (the Neo4j store's own faults are in
test_neo4j_specifics.py). Each fault is real: a second process holding the
write lock, a process whose file-size limit makes the disk "full" mid-write, a
trigger an operator added, a file that is not SQLite. The store answers with
one of our errors (CLI exit 4 and a message, never a traceback), reads never
wait for a writer, and a refused write leaves the store as it was.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.errors import StoreBusy, StoreUnavailable
from graph.sensitivity import SYSTEM
from graph.stores import embedded_store
from graph.stores.embedded_store import EmbeddedStore
from tests.ingest.helpers import ACLED, cli_app, cli_export, contents, seeded_db

EXIT_UNAVAILABLE = 4
ROOT = Path(__file__).resolve().parents[2]

_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE meta SET value = value WHERE key = 'change_counter'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@contextmanager
def write_lock_held(db: Path, seconds: float = 120) -> Iterator[subprocess.Popen[str]]:
    """Another process in the middle of a write for `seconds` (killed on exit)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _cli(db: Path, *args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(
        cli_app(), ["--store", f"sqlite:///{db}", *args], env=env, catch_exceptions=False
    )


def test_read_while_another_process_writes_answers_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = seeded_db(tmp_path)
    expected = EmbeddedStore(db).counts(viewer=SYSTEM)
    # The writer holds its lock throughout: were a read to take the write lock,
    # it would wait out this timeout and fail busy (no wall clock involved).
    monkeypatch.setattr(embedded_store, "BUSY_TIMEOUT_MS", 3_000)
    with write_lock_held(db):
        store = EmbeddedStore(db)
        assert store.counts(viewer=SYSTEM) == expected
        assert list(store.iter_nodes(viewer=SYSTEM))
        result = _cli(db, "stats", "--json", env={"ACTORGRAPH_BUSY_TIMEOUT": "3"})
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_busy_write_says_retrying_then_busy_try_again_and_writes_nothing(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    before = cli_export(db, tmp_path)
    with write_lock_held(db):
        result = _cli(db, "import", str(ACLED), env={"ACTORGRAPH_BUSY_TIMEOUT": "1.5"})
    assert result.exit_code == EXIT_UNAVAILABLE, result.output  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert "busy, retrying" in stderr
    assert "busy: try again" in stderr
    assert stderr.index("busy, retrying") < stderr.index("busy: try again")
    assert "Traceback" not in stderr
    assert cli_export(db, tmp_path) == before


def test_write_waits_out_a_short_write_then_succeeds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = seeded_db(tmp_path)
    store = EmbeddedStore(db, busy_timeout=20)
    counter = store.change_counter()
    with write_lock_held(db, seconds=2.5) as holder, caplog.at_level(logging.INFO):
        from tests.ingest.helpers import load

        load(store, ACLED)
        holder.wait(timeout=10)
    assert any("busy, retrying" in r.getMessage() for r in caplog.records)
    assert store.change_counter() > counter


def test_busy_store_raises_store_busy_within_its_timeout(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    store = EmbeddedStore(db, busy_timeout=1)
    before = contents(store)
    with write_lock_held(db):
        from graph.audit import AuditEvent

        with pytest.raises(StoreBusy, match="busy: try again"):
            store.append_audit(AuditEvent(actor="t", action="x"))
    assert contents(store) == before


def test_file_that_is_not_a_store_is_named_on_open_and_on_read(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is a spreadsheet, not SQLite\n" * 200)
    with pytest.raises(StoreUnavailable, match="not an actorgraph store"):
        EmbeddedStore(garbage)
    result = _cli(garbage, "stats")
    assert result.exit_code == EXIT_UNAVAILABLE  # type: ignore[attr-defined]
    assert "not an actorgraph store" in result.stderr  # type: ignore[attr-defined]
    # A store that is overwritten while open (a sync tool, a bad copy).
    db = tmp_path / "store.db"
    store = EmbeddedStore(db)
    for extra in (db.with_name("store.db-wal"), db.with_name("store.db-shm")):
        extra.unlink(missing_ok=True)
    db.write_bytes(garbage.read_bytes())
    with pytest.raises(StoreUnavailable, match="not an actorgraph store"):
        store.counts(viewer=SYSTEM)


def test_trigger_abort_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER frozen BEFORE INSERT ON records "
        "BEGIN SELECT RAISE(ABORT, 'store frozen for the audit'); END"
    )
    conn.commit()
    conn.close()
    before = cli_export(db, tmp_path)
    result = _cli(db, "import", str(ACLED))
    assert result.exit_code == EXIT_UNAVAILABLE, result.output  # type: ignore[attr-defined]
    assert "store frozen for the audit" in result.stderr  # type: ignore[attr-defined]
    assert "nothing was written" in result.stderr  # type: ignore[attr-defined]
    assert cli_export(db, tmp_path) == before


def _limit_file_size(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails (EFBIG) instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_disk_full_during_an_import_exits_4_and_leaves_the_store_intact(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    before = cli_export(db, tmp_path)
    sizes = [p.stat().st_size for p in tmp_path.glob("seeded.db*")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--store", f"sqlite:///{db}", "import", str(ACLED)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        preexec_fn=lambda: _limit_file_size(max(sizes) + 4096),  # no threads here: safe
        timeout=300,
        check=False,
    )
    assert done.returncode == EXIT_UNAVAILABLE, done.stderr
    assert "Traceback" not in done.stderr
    assert "disk is full" in done.stderr or "I/O error" in done.stderr, done.stderr
    assert cli_export(db, tmp_path) == before
