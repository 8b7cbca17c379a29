"""The Map page in a real Chromium: the demo's boundaries draw, a click on an area lists
its contacts, and the page makes no request to any host but 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from graph.sensitivity import Sensitivity, Viewer
from graph.stores.embedded_store import EmbeddedStore
from ingest.shapes import attach_shapes
from ingest.snapshot import load_snapshot
from tests.browser.conftest import (
    DEMO,
    LOOPBACK,
    Server,
    settle,
    start_server,
    stop_server,
)
from ui.demo_files import DEMO_SHAPES

pytestmark = pytest.mark.browser

SHAPES = DEMO_SHAPES


@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo scenario with its fictional boundaries, sites and routes."""
    path = tmp_path_factory.mktemp("browser-map") / "demo.db"
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_snapshot(store, DEMO, actor="demo")
    owner = Viewer(name="demo", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)
    attach_shapes(store, SHAPES, actor="demo", viewer=owner)
    store.close()
    server = start_server(path, "map")
    yield server
    stop_server(server)


def test_map_draws_and_a_click_on_an_area_lists_its_contacts(page: Any, map_server: Server) -> None:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    page.goto(map_server.url + "/map")
    settle(page)
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for()
    label = plot.locator("g.textpoint text", has_text="Varro").first
    label.wait_for()
    box = label.bounding_box()
    assert box is not None, "the Varro label is not drawn"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text("Varro: contacts as of").first.wait_for()
    settle(page)
    main = page.get_by_test_id("stMain").inner_text()
    assert "Free Hills Union" in main and "reached by:" in main
    external = sorted(
        {
            url
            for url in seen
            if not url.startswith(("data:", "blob:", "about:"))
            and urlparse(url).hostname not in {h.strip("[]") for h in LOOPBACK}
        }
    )
    assert seen and external == [], f"requests left 127.0.0.1: {external}"
