"""scripts/neo4j-local keeps its state per checkout and never hands out credentials
it did not create (issue 16: it attached to another user's server through a
shared cache in $HOME and printed that server's password).

No Neo4j runs here: a stand-in process with the launcher's command line plays
the other user's server, so these tests take a second.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.neo4j_local import NEO4J_LOCAL

ROOT = NEO4J_LOCAL.parent.parent
NOBODY = 65534
SECRET = "password-of-another-user-7f3a"  # FICTIONAL


def _env(tmp_path: Path, home: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ACTORGRAPH_NEO4J_HOME"}
    env["HOME"] = str(tmp_path / "user-home")
    if home is not None:
        env["ACTORGRAPH_NEO4J_HOME"] = str(home)
    return env


def _script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEO4J_LOCAL), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_state_dir_is_the_checkouts_own_unless_told_otherwise(tmp_path: Path) -> None:
    default = _script("home", env=_env(tmp_path, None))
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == str(ROOT / ".neo4j-local")
    chosen = _script("home", env=_env(tmp_path, tmp_path / "mine"))
    assert chosen.stdout.strip() == str(tmp_path / "mine")


@pytest.fixture
def foreign_server(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    """A state dir in which another user (uid 65534) 'runs' the launcher."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a process as another user")
    state = tmp_path / "shared-state"
    run = state / "run"
    (run / "home").mkdir(parents=True)
    fake = subprocess.Popen(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "/bin/sh",
            "-c",
            "sleep 120; :",
            "actorgraph.neo4jlocal.LocalNeo4j",
            "--home",
            str(run / "home"),
        ]
    )
    deadline = time.monotonic() + 10
    while "LocalNeo4j" not in Path(f"/proc/{fake.pid}/cmdline").read_text(errors="replace"):
        assert time.monotonic() < deadline, "the stand-in server did not start"
        time.sleep(0.05)
    (run / "neo4j.pid").write_text(f"{fake.pid}\n")
    (run / "ready").write_text(f"port=7687\nversion=5.26.0\npid={fake.pid}\n")
    creds = run / "env"
    creds.write_text(
        "export NEO4J_URI=bolt://127.0.0.1:7687\nexport NEO4J_USER=neo4j\n"
        f"export NEO4J_PASSWORD={SECRET}\n"
    )
    os.chown(creds, NOBODY, NOBODY)
    creds.chmod(0o600)
    try:
        yield state, fake
    finally:
        fake.kill()
        fake.wait()


def test_start_refuses_another_users_server_and_prints_no_password(
    tmp_path: Path, foreign_server: tuple[Path, subprocess.Popen[bytes]]
) -> None:
    state, fake = foreign_server
    started = _script("start", env=_env(tmp_path, state))
    assert started.returncode != 0
    assert SECRET not in started.stdout + started.stderr
    assert "NEO4J_PASSWORD" not in started.stdout
    assert "did not start" in started.stderr
    # Nor does `stop` pull the database from under its owner.
    stopped = _script("stop", env=_env(tmp_path, state))
    assert stopped.returncode != 0
    assert fake.poll() is None, "another user's server was stopped"
