"""UI fixtures: an embedded store in tmp_path, named to the app by ACTORGRAPH_STORE_URL.

The app reads its store URL from the environment once per session, so each
test gets its own store file and a fresh AppTest session. Streamlit's caches
are process-wide: they are cleared around every test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph.stores.embedded_store import EmbeddedStore
from ingest.snapshot import load_snapshot
from tests.ui import world
from ui.demo_files import DEMO_SCENARIO

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
DEMO = DEMO_SCENARIO
# A ceiling against a hung script run, never a budget: a loaded machine may take
# minutes for a page that takes a second here (the browser tests' same limit).
HANG_LIMIT_S = float(os.environ.get("ACTORGRAPH_BROWSER_READY_LIMIT", "600"))
PAGES = ["overview", "profile", "network", "paths", "coverage", "data", "map", "timeline"]


@pytest.fixture(autouse=True)
def _streamlit_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("ACTORGRAPH_CLEARANCE", "ACTORGRAPH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACTORGRAPH_USER", "ui-tester")
    # No background warm-up (ui.warmup) in page tests: tests/ui/test_warmup.py has its own.
    monkeypatch.setenv("ACTORGRAPH_WARM_UP", "false")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def use_store(path: Path, monkeypatch: pytest.MonkeyPatch) -> EmbeddedStore:
    monkeypatch.setenv("ACTORGRAPH_STORE_URL", f"sqlite:///{path}")
    return EmbeddedStore(path)


@pytest.fixture
def world_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedStore]:
    """The small fictional world, with a hostile name in it."""
    store = use_store(tmp_path / "world.db", monkeypatch)
    world.load(store)
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedStore]:
    store = use_store(tmp_path / "empty.db", monkeypatch)
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional demo scenario, loaded once; tests copy the file."""
    if not DEMO.exists():
        pytest.fail(f"the demo scenario {DEMO} is missing")
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_snapshot(store, DEMO, actor="demo")
    store.close()
    return path


@pytest.fixture
def demo_store(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmbeddedStore]:
    for suffix in ("", "-wal", "-shm"):
        source = demo_template.with_name(demo_template.name + suffix)
        if source.exists():
            shutil.copy(source, tmp_path / ("demo.db" + suffix))
    store = use_store(tmp_path / "demo.db", monkeypatch)
    yield store
    store.close()


def app_at(page: str | None = None, *, timeout: float = HANG_LIMIT_S) -> AppTest:
    """A fresh session of the app, run once, optionally switched to `page` and run again."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.run()
    if page is not None and page != "overview":
        at.switch_page(f"views/{page}.py")
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page says in text elements, for assertions."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "text",
    ):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(str(e.label) for e in at.expander)
    return "\n".join(parts)


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
