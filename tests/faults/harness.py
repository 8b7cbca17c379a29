"""Run a real `actorgraph` command in a child process and SIGKILL it at a chosen point.

The point is found by watching the store, never by a fixed sleep (a busy
machine would move it): on the embedded store, "the child holds SQLite's WAL
write lock" (read with `F_GETLK` on the `-shm` file, which takes no lock),
optionally once the WAL has grown past some bytes; on Neo4j, "a transaction
of another client holds at least N locks" (from `SHOW TRANSACTIONS`). Both
hold only while the child's write transaction is open, so the kill lands in
the middle of it.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# SQLite's unix VFS locks byte 120 of the -shm file for the WAL write lock.
_WAL_WRITE_LOCK = 120
_FLOCK = "hhqqi"  # struct flock on Linux x86_64 / aarch64: type, whence, start, len, pid


def cli(store_url: str, *args: str) -> list[str]:
    """The command line of `actorgraph --store URL ARGS`, run as a module."""
    return [sys.executable, "-m", "ui.cli", "--store", store_url, *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(extra or {})}
    env.pop("ACTORGRAPH_STORE", None)
    return env


def run(
    cmd: Sequence[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd), env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )


def sqlite_write_lock_held(db: Path) -> bool:
    """Whether some process holds the store's WAL write lock (we take no lock)."""
    try:
        fd = os.open(f"{db}-shm", os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        probe = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, _WAL_WRITE_LOCK, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, probe)
        return struct.unpack(_FLOCK, answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


def sqlite_writing(db: Path, wal_bytes: int = 0) -> Callable[[], bool]:
    """Trigger: the write lock is held and the WAL holds more than `wal_bytes` bytes."""
    wal = Path(f"{db}-wal")

    def ready() -> bool:
        if not sqlite_write_lock_held(db):
            return False
        try:
            return wal.stat().st_size > wal_bytes
        except FileNotFoundError:
            return wal_bytes < 0

    return ready


def neo4j_writing(driver: Any, locks: int = 1) -> Callable[[], bool]:
    """Trigger: another client's open transaction holds at least `locks` locks."""

    def ready() -> bool:
        rows, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD activeLockCount, currentQuery "
            "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' "
            "RETURN max(activeLockCount) AS most"
        )
        most = rows[0]["most"] if rows else None
        return most is not None and int(most) >= locks

    return ready


@dataclass
class Outcome:
    killed: bool
    returncode: int
    stderr: str


def kill_when(
    cmd: Sequence[str],
    env: dict[str, str],
    ready: Callable[[], bool],
    timeout: float = 300,
    poll: float = 0.002,
) -> Outcome:
    """Start `cmd`; SIGKILL it the moment `ready()` is true. If it ends first, say so."""
    proc = subprocess.Popen(
        list(cmd), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if ready():
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return Outcome(True, proc.returncode, proc.stderr.read() if proc.stderr else "")
            if time.monotonic() > deadline:
                raise AssertionError(f"{cmd} neither finished nor reached the kill point")
            time.sleep(poll)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Outcome(False, proc.returncode, proc.stderr.read() if proc.stderr else "")


def throwaway_neo4j_home(tmp_path: Path) -> Path:
    """A private state dir for a throwaway `scripts/neo4j-local` server that
    reuses the launcher already built for this checkout (`neo4j-local home`):
    a fresh dir would otherwise run the Maven build again (a minute or more on
    a busy machine) for jars that are the same. neo4j-local checks the build's
    stamp, so a stale one is still rebuilt (into this dir, not the shared one)."""
    home = tmp_path / "neo4j-home"
    home.mkdir(mode=0o700)
    shared = subprocess.run(
        [str(ROOT / "scripts" / "neo4j-local"), "home"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    built = Path(shared) / "build"
    if (built / ".stamp").is_file():
        (home / "build").symlink_to(built, target_is_directory=True)
    return home


def neo4j_local(home: Path, command: str, **settings: str) -> dict[str, str]:
    """Run `scripts/neo4j-local COMMAND` for the server in `home` (with extra
    ACTORGRAPH_NEO4J_* variables); for `start`, its credentials."""
    from bench.neo4j_local import NEO4J_LOCAL, parse_exports

    env = {**os.environ, "ACTORGRAPH_NEO4J_HOME": str(home), **settings}
    done = subprocess.run(
        [str(NEO4J_LOCAL), command], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return parse_exports(done.stdout) if command == "start" else {}
