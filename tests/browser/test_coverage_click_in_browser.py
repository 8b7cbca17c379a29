"""In a real Chromium: a cell of the Coverage matrix opens the leverage paths it scores.

The Plotly heatmap sends nothing back when clicked, so the clickable matrix is
the table under it (`gaps_view.matrix_table`). Its grid draws on a canvas: the
test finds the row by the grid's accessible cells, clicks the actor's name
(which opens nothing) and moves one cell right, onto the first engager's score,
as a keyboard user would. The store is the FICTIONAL world of tests/ui/world.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import Server, settle

pytestmark = pytest.mark.browser

ROW_PX = 35  # Streamlit's grid: header and rows are 35 px high


def matrix(page: Any) -> Any:
    """The clickable matrix table (the one with an "engagers reaching" column)."""
    grid = page.get_by_test_id("stDataFrame").filter(has_text="engagers reaching").first
    grid.wait_for()
    return grid


def row_of(grid: Any, actor: str) -> int:
    """The row of `actor` in the grid, from its accessible (off-canvas) cells."""
    names = grid.locator("[id^='glide-cell-0-']").all_text_contents()
    return names.index(actor)


def test_a_matrix_cell_opens_the_paths_from_that_engager_to_that_actor(
    page: Any, world_server: Server
) -> None:
    from playwright.sync_api import expect

    page.goto(world_server.url + "/coverage")
    settle(page)
    grid = matrix(page)
    header = grid.locator("[role='columnheader']").all_text_contents()
    assert header[:3] == [
        "armed actor",
        "Relief Without Walls (fictional)",
        "OCHA CMCoord (fictional)",
    ]
    row = row_of(grid, "Front of the Seven Hills")
    score = grid.locator(f"#glide-cell-1-{row}").text_content()
    assert score and float(score) > 0  # the cell this test opens has a path behind it

    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)
    settle(page)
    # The actor's own name is not a score: the Coverage page stays.
    expect(page.get_by_role("heading", name="Coverage")).to_be_visible()

    page.keyboard.press("ArrowRight")  # onto Relief Without Walls' score for that actor
    expect(page.get_by_role("heading", name="Leverage paths")).to_be_visible()
    expect(page.get_by_text("Paths to Front of the Seven Hills")).to_be_visible()
    settle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("target") == ["act_hills"]
    assert query.get("engagers") == ["org_ngo"]
    # The engager picker holds that engager alone.
    engagers = page.get_by_test_id("stMultiSelect").filter(has_text="Engagers").first
    expect(engagers).to_contain_text(re.compile(r"Relief Without Walls"))
    expect(engagers).not_to_contain_text("OCHA CMCoord")
