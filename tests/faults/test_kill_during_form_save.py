"""kill -9 during an app form save: nothing of the save is visible, the audit chain
verifies, and saving again completes. Both stores.

The child (tests/faults/form_save_child.py) drives the real Data page with
Streamlit's AppTest and kills itself inside the store's write transaction, after
the record, its history row and its audit entry are written and before the
commit: the latest point a partial save could leak from. FICTIONAL data only.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from tests.faults.harness import child_env, cli, run
from tests.ui import world

pytestmark = pytest.mark.slow
NAME = "Hill Guard of Orrin (fictional)"


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "embedded":
        db = tmp_path / "store.db"
        store = EmbeddedStore(db)
        world.load(store)
        yield Target(f"sqlite:///{db}", store, {})
        store.close()
        return
    creds = request.getfixturevalue("neo4j_credentials")
    neo = request.getfixturevalue("neo4j_session_store")
    neo.wipe()
    world.load(neo)
    login = {"ACTORGRAPH_NEO4J_USER": creds["user"], "ACTORGRAPH_NEO4J_PASSWORD": creds["password"]}
    yield Target(creds["uri"], neo, login)


@dataclass
class Target:
    url: str
    store: GraphStore
    env: dict[str, str]  # what the app needs besides the URL (Neo4j's login)

    def child_env(self) -> dict[str, str]:
        env = child_env({**self.env, "ACTORGRAPH_STORE_URL": self.url})
        env.update({"ACTORGRAPH_USER": "form-user", "ACTORGRAPH_WARM_UP": "false"})
        return env

    def save(self, *, kill: bool) -> tuple[int, str]:
        args = ["tests.faults.form_save_child", NAME, *(["--kill"] if kill else [])]
        done = run([sys.executable, "-m", *args], self.child_env())
        return done.returncode, done.stdout + done.stderr

    def verify(self) -> subprocess.CompletedProcess[str]:
        return run(cli(self.url, "audit", "verify"), self.child_env())

    def named(self) -> list[m.AnyNode]:
        return [n for n in self.store.iter_nodes(viewer=SYSTEM) if n.name == NAME]


def test_kill_9_during_a_form_save_leaves_nothing_and_saving_again_completes(
    target: Target,
) -> None:
    store = target.store
    counter, head = store.change_counter(), store.audit_head()

    code, output = target.save(kill=True)

    assert code == -signal.SIGKILL, output
    assert target.named() == []
    assert (store.change_counter(), store.audit_head()) == (counter, head)
    verified = target.verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr

    code, output = target.save(kill=False)

    assert code == 0, output
    assert "Saved" in output, output
    (saved,) = target.named()
    assert [r.version for r in store.history(saved.id, viewer=SYSTEM)] == [1]
    assert store.change_counter() == counter + 1
    assert store.audit_head().seq > head.seq
    assert target.verify().returncode == 0
