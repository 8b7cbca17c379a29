"""A real Streamlit server on a free 127.0.0.1 port, and Debian's Chromium driven by Playwright.

`playwright install` cannot download its own browser here, so the tests
launch /usr/bin/chromium (scripts/install-browser installs it) through
`executable_path`. A missing browser skips these tests on a developer's
machine and FAILS them in CI (CI=true): CI must never pass by skipping the
real browser.

The server is started with `ui.cli_app.streamlit_command`, the exact command
`actorgraph ui` runs, and is ready when `/_stcore/health` answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.stores.embedded_store import EmbeddedStore
from ingest.snapshot import load_snapshot
from tests.ui import world
from ui.cli_app import app_environment, streamlit_command
from ui.demo_files import DEMO_SCENARIO

ROOT = Path(__file__).resolve().parents[2]
DEMO = DEMO_SCENARIO
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("ACTORGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# Every wait below returns as soon as what it waits for is ready (the health
# endpoint answers, the script run ends, an element appears). This limit is only
# a safety net for a hung server, never a budget: at a load average of 10-15 a
# page that takes 30 s to render is slow, not broken, and must not fail the run.
READY_LIMIT_S = float(os.environ.get("ACTORGRAPH_BROWSER_READY_LIMIT", "600"))
READY_LIMIT_MS = int(READY_LIMIT_S * 1000)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(message: str) -> None:
    if _in_ci():
        pytest.fail(f"{message} (CI=true: the browser tests must run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def start_server(store_path: Path, name: str) -> Server:
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"server-{name}.log"
    env = app_environment(f"sqlite:///{store_path}")
    env.pop("ACTORGRAPH_CLEARANCE", None)
    env["ACTORGRAPH_USER"] = "browser-tester"
    with log.open("wb") as out:
        process = subprocess.Popen(
            streamlit_command(port), env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return Server(url, process, log)
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(
        f"streamlit not healthy after {READY_LIMIT_S:.0f} s:\n{log.read_text()[-3000:]}"
    )


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing: run scripts/install-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the fictional demo scenario."""
    path = tmp_path_factory.mktemp("browser-demo") / "demo.db"
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_snapshot(store, DEMO, actor="demo")
    store.close()
    server = start_server(path, "demo")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def world_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the small fictional world with a hostile name in it."""
    path = tmp_path_factory.mktemp("browser-world") / "world.db"
    store = EmbeddedStore(path)
    world.load(store)
    store.close()
    server = start_server(path, "world")
    yield server
    stop_server(server)


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(READY_LIMIT_MS)
    tab.set_default_navigation_timeout(READY_LIMIT_MS)
    yield tab
    context.close()


def settle(page: Any) -> None:
    """Wait until the app has run the page script and is idle.

    Idle means Streamlit's running indicator has been absent for 0.8 s. There is
    no time budget: a slow machine just takes longer; only a run still busy after
    the safety net fails, and says so instead of letting the next step guess.
    """
    page.get_by_test_id("stMain").wait_for()
    page.get_by_test_id("stHeading").first.wait_for()
    quiet_since = time.monotonic()
    deadline = time.monotonic() + READY_LIMIT_S
    while time.monotonic() < deadline:
        if page.get_by_test_id("stStatusWidget").count():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.8:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the app was still running its script after {READY_LIMIT_S:.0f} s")


DRAWINGS = "[data-testid='stIFrame'], [data-testid='stCustomComponentV1']"


def network_frame(page: Any) -> Any:
    """The network view's iframe, once vis-network has drawn.

    The Network page draws through its two-way component, whose frame holds the
    drawing in a nested iframe (`#ag-drawing`); other pages use a plain iframe.
    """
    drawing = page.locator(DRAWINGS).first
    drawing.wait_for()
    if drawing.get_attribute("data-testid") == "stCustomComponentV1":
        frame = page.frame_locator("[data-testid='stCustomComponentV1']").first
        frame = frame.frame_locator("#ag-drawing")
    else:
        frame = page.frame_locator("[data-testid='stIFrame']").first
    frame.locator("body[data-ready='1']").wait_for(timeout=READY_LIMIT_MS)
    return frame


def choose(page: Any, label: str, text: str, option: str | None = None) -> None:
    """Pick an option in the Streamlit selectbox labelled `label` by typing `text`."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.keyboard.type(text)
    target = page.get_by_role("option").filter(has_text=option or text).first
    target.click()
    settle(page)
