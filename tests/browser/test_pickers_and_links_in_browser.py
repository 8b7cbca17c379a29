"""In a real Chromium: a cleared picker stays cleared, a URL with state reopens the same
view, and pickers find entities typed without diacritics or by alias.

The store is the FICTIONAL world of tests/ui/world.py plus one invented name with
diacritics. Every wait follows the app's readiness (`settle`, Playwright's
auto-waiting `expect`), never a fixed sleep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from graph import model as m
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.browser.conftest import Server, choose, network_frame, settle, start_server, stop_server
from tests.ui import world

pytestmark = pytest.mark.browser

DIACRITIC = m.Person(id="per_diac", name="Ṣāliḥ Qāsim Ğüner", aliases=("Abu Ṭāriq",))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("browser-links") / "world.db"
    store = EmbeddedStore(path)
    world.load(store)
    store.write(WriteBatch.of([DIACRITIC]), actor="fixture")
    store.close()
    running = start_server(path, "links")
    yield running
    stop_server(running)


def picker(page: Any, label: str) -> Any:
    return page.get_by_role("combobox", name=label)


def go_to(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    settle(page)


def test_a_cleared_picker_stays_cleared(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/network")
    settle(page)
    choose(page, "Centre on", "Morwen", "Sheikha Morwen Dask")
    centre = picker(page, "Centre on (ego network)")
    expect(centre).to_have_value("Sheikha Morwen Dask (Person)")

    page.get_by_test_id("stSelectbox").filter(has_text="Centre on").get_by_role(
        "button", name="Clear value"
    ).click()
    settle(page)
    expect(centre).to_have_value("")
    expect(page).not_to_have_url(re.compile(r"centre="))
    expect(page.get_by_text("Ego network of")).to_have_count(0)

    # Another page and back: the old entity does not come back anywhere.
    go_to(page, "Leverage paths")
    expect(picker(page, "Target (armed actor, unit, commander or post)")).to_have_value("")
    go_to(page, "Network")
    expect(picker(page, "Centre on (ego network)")).to_have_value("")

    # The same for the paths page's target.
    go_to(page, "Leverage paths")
    target = picker(page, "Target (armed actor, unit, commander or post)")
    choose(page, "Target", "Varrant", "Ilyo Varrant")
    expect(page.get_by_text("Paths to Ilyo Varrant")).to_be_visible()
    page.get_by_test_id("stSelectbox").filter(has_text="Target").get_by_role(
        "button", name="Clear value"
    ).click()
    settle(page)
    expect(target).to_have_value("")
    expect(page.get_by_text("Paths to Ilyo Varrant")).to_have_count(0)


def test_a_url_with_state_reopens_the_same_view(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/network?centre=per_elder&depth=3&as_of=2024-03-01")
    settle(page)
    expect(picker(page, "Centre on (ego network)")).to_have_value("Sheikha Morwen Dask (Person)")
    frame = network_frame(page)
    expect(frame.get_by_text("Ego network of Sheikha Morwen Dask (Person)")).to_be_visible()
    # The app keeps the view in the URL as it runs, so the link can be passed on as is.
    expect(page).to_have_url(
        re.compile(r"^(?=.*as_of=2024-03-01)(?=.*centre=per_elder)(?=.*depth=3)")
    )
    shared = page.url

    other = page.context.new_page()
    other.goto(shared)
    settle(other)
    expect(picker(other, "Centre on (ego network)")).to_have_value("Sheikha Morwen Dask (Person)")

    page.goto(server.url + "/paths?target=per_local&as_of=2025-06-01&paths=2")
    settle(page)
    expect(page.get_by_text("Paths to Ilyo Varrant")).to_be_visible()
    expect(picker(page, "Target (armed actor, unit, commander or post)")).to_have_value(
        "Ilyo Varrant (Person)"
    )


def test_pickers_find_names_typed_without_diacritics_and_by_alias(
    page: Any, server: Server
) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/network")
    settle(page)
    choose(page, "Centre on", "salih qasim", "Ṣāliḥ Qāsim Ğüner")
    expect(picker(page, "Centre on (ego network)")).to_have_value(re.compile("^Ṣāliḥ Qāsim Ğüner"))
    page.goto(server.url + "/paths")
    settle(page)
    choose(page, "Target", "F7H", "Front of the Seven Hills")
    expect(page.get_by_text("Paths to Front of the Seven Hills")).to_be_visible()
