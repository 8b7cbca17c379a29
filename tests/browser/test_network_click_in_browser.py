"""In a real Chromium: click a node on the Network page → its details panel → expand its
neighbours in place → open its profile.

The store is the FICTIONAL world of tests/ui/world.py. The click goes through the
real component path: the sandboxed drawing posts the node id to the component
frame, which hands it to Streamlit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import READY_LIMIT_MS, READY_LIMIT_S, Server, network_frame, settle

pytestmark = pytest.mark.browser


def click_node(page: Any, frame: Any, node: str) -> None:
    """Click where vis-network drew `node` (its canvas position, mapped to the page)."""
    # The drawing fits the canvas once drawn (no animation), so every node is on screen.
    point = frame.locator("body").evaluate(
        "(body, id) => window.agNetwork.canvasToDOM(window.agNetwork.getPositions([id])[id])",
        node,
    )
    box = frame.locator("#ag-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    settle(page)


def click_until(page: Any, button: Any, done: Callable[[], bool]) -> None:
    """Click `button` once the app is idle, again if the click was lost, until `done()`.

    A rerun can still move the page under the pointer (the drawing's frame sets its
    height as it loads), and a click that lands on the moving layout is lost; the
    action is idempotent (expanding an expanded node does nothing), so it is
    repeated. The only limit is the suite's safety net for a hung server.
    """
    deadline = time.monotonic() + READY_LIMIT_S
    while True:
        settle(page)
        if done():
            return
        assert time.monotonic() < deadline, "the click never reached the app"
        button.click()


def shown(page: Any) -> int:
    caption = page.get_by_text(re.compile(r"^Showing \d+ entities")).first.inner_text()
    found = re.match(r"Showing (\d+) entities", caption)
    assert found, caption
    return int(found.group(1))


def test_click_a_node_then_expand_then_open_its_profile(page: Any, world_server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(world_server.url + "/network?centre=per_elder&depth=1")
    settle(page)
    frame = network_frame(page)
    before = shown(page)
    click_node(page, frame, "per_local")
    panel = page.locator(".st-key-ag-node-details")
    expect(panel.get_by_text("Ilyo Varrant (Person)")).to_be_visible(timeout=READY_LIMIT_MS)
    expect(page).to_have_url(re.compile(r"node=per_local"), timeout=READY_LIMIT_MS)

    expand = panel.get_by_role("button", name="Expand neighbours")
    click_until(page, expand, lambda: expand.is_disabled())
    expect(page.get_by_text(re.compile(rf"^Showing {before} entities"))).to_have_count(
        0, timeout=READY_LIMIT_MS
    )
    settle(page)
    network_frame(page)
    assert shown(page) > before
    expect(page).to_have_url(re.compile(r"centre=per_elder"))  # the same view, grown

    page.locator(".st-key-ag-node-details").get_by_role("button", name="Open profile").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"/profile\?"), timeout=READY_LIMIT_MS)
    # A commander's profile is his group's, introduced by his own name.
    expect(page.get_by_text("Ilyo Varrant (Person) belongs to")).to_be_visible(
        timeout=READY_LIMIT_MS
    )
