"""In a real Chromium: the Data page's open tab survives a save and lives in the URL.

Before, any rerun that changed what stands above the tabs (a save's message,
a selection) reopened the first tab; the analyst lost their place after every
save. The store is the FICTIONAL world of tests/ui/world.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import Server, choose, settle

pytestmark = pytest.mark.browser


def open_tab(page: Any) -> str:
    return str(page.get_by_role("tab", selected=True).inner_text()).strip()


def test_the_chosen_tab_stays_open_after_a_save_and_is_in_the_url(
    page: Any, world_server: Server
) -> None:
    from playwright.sync_api import expect

    page.goto(world_server.url + "/data")
    settle(page)
    assert open_tab(page) == "Entity"
    page.get_by_role("tab", name="Relationship").click()
    settle(page)
    # A save reruns the page with its message above the tabs.
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")
    choose(page, re.compile(r"^From"), "Ilyo", "Ilyo Varrant")  # type: ignore[arg-type]
    choose(page, re.compile(r"^To"), "Seven Hills", "Front of the Seven Hills")  # type: ignore[arg-type]
    page.locator("[role=tabpanel]:visible").get_by_role("button", name="Add").click()
    settle(page)
    expect(
        page.get_by_text("Saved: Ilyo Varrant commands Front of the Seven Hills")
    ).to_be_visible()
    assert open_tab(page) == "Relationship"
    assert parse_qs(urlparse(page.url).query).get("tab") == ["Relationship"]

    # The URL opens the same tab for a colleague, or after a reload.
    page.goto(world_server.url + "/data?tab=History")
    settle(page)
    assert open_tab(page) == "History"
    expect(page.get_by_text("Every version of a record")).to_be_visible()
