"""First loads: the app warms what pages need in the background (ui.warmup), and
concurrent askers compute each projection and each answer once."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator
from datetime import date

import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest

from graph import model as m
from graph import projection as proj
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.memo import remembered
from tests.ui.conftest import APP, HANG_LIMIT_S, no_exceptions
from ui import warmup
from ui.components import gaps_view, shown
from ui.components.gaps_view import report


@pytest.fixture
def warm_up_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACTORGRAPH_WARM_UP", "true")
    warmup.forget()
    yield
    for thread in list(warmup._started.values()):
        thread.join(timeout=HANG_LIMIT_S)
    warmup.forget()


@pytest.mark.usefixtures("world_store", "warm_up_on")
def test_a_new_sessions_first_load_finds_the_warmed_analyses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    AppTest.from_file(str(APP), default_timeout=HANG_LIMIT_S).switch_page("views/data.py").run()
    (thread,) = warmup._started.values()
    thread.join(timeout=HANG_LIMIT_S)

    def nothing_more(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("computed again on a first load after the warm-up")

    monkeypatch.setattr(proj, "_build", nothing_more)
    # queries.gaps the module (the package exports a function of that name)
    monkeypatch.setattr(importlib.import_module("queries.gaps"), "_gaps", nothing_more)
    # Coverage's audit list and stale-access table (17,000 rows at M) are warmed too.
    monkeypatch.setattr(gaps_view, "stale_rows", nothing_more)
    monkeypatch.setattr(shown, "records_named", nothing_more)
    for page in ("overview", "coverage"):
        at = AppTest.from_file(str(APP), default_timeout=HANG_LIMIT_S)  # a new session
        if page != "overview":
            at.switch_page(f"views/{page}.py")
        at.run()
        no_exceptions(at)
        assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("warm_up_on")
def test_after_a_write_todays_projection_and_gaps_are_warmed_in_the_background(
    world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = warmup.start(world_store, SYSTEM)
    assert thread is not None
    thread.join(timeout=HANG_LIMIT_S)
    person = m.Person(id="per_rewarm", name="Fictional Newcomer")
    world_store.write(WriteBatch.of([person]), actor="analyst-1")

    proj.projection(world_store, viewer=SYSTEM)  # the Data page's rerun after its write
    warmup.settle()

    def nothing_more(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("today's projection and its gaps were not warmed after the write")

    monkeypatch.setattr(proj, "_update", nothing_more)
    monkeypatch.setattr(proj, "_build", nothing_more)
    monkeypatch.setattr(importlib.import_module("queries.gaps"), "_gaps", nothing_more)
    updated = proj.projection(world_store, viewer=SYSTEM, as_of=date.today())
    assert "per_rewarm" in updated
    report(updated)


@pytest.mark.usefixtures("warm_up_on")
def test_warm_up_starts_once_per_store_and_clearance(world_store: EmbeddedStore) -> None:
    assert warmup.start(world_store, SYSTEM) is not None
    assert warmup.start(world_store, SYSTEM) is None
    assert warmup.start(world_store, SYSTEM, enabled=False) is None


def test_concurrent_askers_compute_an_answer_once() -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    nx.freeze(graph)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(remembered(graph, "k", slow)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [42, 42, 42] and len(calls) == 1


def test_concurrent_sessions_build_one_projection_per_view(
    world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = []
    real = proj._build

    def counted(*args: object, **kwargs: object) -> object:
        builds.append(1)
        time.sleep(0.2)  # long enough for the others to arrive while it builds
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proj, "_build", counted)
    graphs: list[nx.MultiDiGraph[str]] = []
    threads = [
        threading.Thread(target=lambda: graphs.append(proj.projection(world_store, viewer=SYSTEM)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and graphs[0] is graphs[1] is graphs[2]
    report(graphs[0])  # and the warmed report is the page's own
