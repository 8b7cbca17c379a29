"""In a real Chromium: a Coverage heatmap cell opens the leverage paths for its engager
and armed actor. The store is the FICTIONAL world of tests/ui/world.py."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import READY_LIMIT_MS, Server, settle

pytestmark = pytest.mark.browser


def test_a_heatmap_cell_opens_its_paths(page: Any, world_server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(world_server.url + "/coverage")
    settle(page)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    # The centre of the first filled cell, from plotly's own axes (pixels in the chart).
    cell = chart.evaluate(
        """(gd) => {
            const z = gd.data[0].z, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            for (let r = 0; r < z.length; r++) {
                for (let c = 0; c < z[r].length; c++) {
                    if (z[r][c] !== null) {
                        return {x: xa._offset + xa.l2p(c), y: ya._offset + ya.l2p(r),
                                pair: gd.data[0].customdata[r][c]};
                    }
                }
            }
            return null;
        }"""
    )
    assert cell is not None, "the world has at least one engager reaching an armed actor"
    engager, actor = cell["pair"]
    box = chart.bounding_box()
    page.mouse.click(box["x"] + cell["x"], box["y"] + cell["y"])
    expect(page).to_have_url(re.compile(r"/paths\?"), timeout=READY_LIMIT_MS)
    settle(page)
    expect(page).to_have_url(
        re.compile(rf"^(?=.*target={actor})(?=.*engagers={engager})"), timeout=READY_LIMIT_MS
    )
    expect(page.get_by_text(re.compile(r"^Paths to "))).to_be_visible(timeout=READY_LIMIT_MS)
