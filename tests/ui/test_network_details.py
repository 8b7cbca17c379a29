"""The Network page's details panel: a chosen entity's record, sources and four actions.

The click itself is a browser event (tests/browser); here the panel is opened
the way a click leaves it: the chosen node in the page's session key. Data is
FICTIONAL (tests/ui/world.py).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.ui import world
from tests.ui.conftest import app_at, no_exceptions, texts
from ui.components.network_click import SELECTED


def _open(at: AppTest, node: str) -> AppTest:
    at.session_state[SELECTED] = node
    at.run()
    no_exceptions(at)
    return at


def _shown(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if str(c.value).startswith("Showing "))
    found = re.match(r"Showing (\d+) entities", str(caption))
    assert found, caption
    return int(found.group(1))


def test_the_panel_shows_fields_sources_sensitivity_and_validity(
    world_store: EmbeddedStore,
) -> None:
    hills = world_store.get("act_hills", viewer=SYSTEM)
    assert hills is not None
    cited = hills.model_copy(
        update={"sources": (m.SourceRef(source_id="src_report", locator="p. 9"),)}
    )
    world_store.write(WriteBatch.of([cited]), actor="tester")
    at = _open(app_at("network"), "act_hills")
    said = texts(at)
    assert "Front of the Seven Hills \\(ArmedActor\\)" in said
    assert "**Sensitivity:** public" in said
    fields = next(d.value for d in at.dataframe if "field" in d.value.columns)
    assert "decentralised" in list(fields["value"])
    sources = next(d.value for d in at.dataframe if "source" in d.value.columns)
    assert list(sources["source"]) == ["Field report (fictional)"]
    assert list(sources["grade"]) == ["B2"]
    assert list(sources["locator"]) == ["p. 9"]


@pytest.mark.usefixtures("world_store")
def test_a_hostile_name_in_the_panel_is_text() -> None:
    at = _open(app_at("network"), world.HOSTILE_ID)
    headings = [str(m.value) for m in at.markdown if str(m.value).startswith("####")]
    assert headings and "<img" not in headings[0].replace("\\<img", "")


@pytest.mark.usefixtures("world_store")
def test_expand_brings_the_neighbours_into_the_drawing_in_place() -> None:
    at = app_at("network")
    at.selectbox(key="net.center").set_value("per_elder").run()
    at.slider(key="net.depth").set_value(1).run()
    before = _shown(at)
    _open(at, "per_local")
    at.button(key="net.details.expand").click().run()
    no_exceptions(at)
    assert _shown(at) > before
    assert at.selectbox(key="net.center").value == "per_elder"  # still the same view
    assert at.button(key="net.details.expand").disabled


@pytest.mark.usefixtures("world_store")
def test_centre_on_it_makes_it_the_ego_network_centre() -> None:
    at = _open(app_at("network"), "per_local")
    at.button(key="net.details.centre").click().run()
    no_exceptions(at)
    assert at.selectbox(key="net.center").value == "per_local"
    assert at.query_params["centre"] in ("per_local", ["per_local"])
    assert at.query_params["node"] in ("per_local", ["per_local"])


@pytest.mark.usefixtures("world_store")
def test_open_profile_and_find_paths_go_to_their_pages_with_the_entity() -> None:
    at = _open(app_at("network"), "act_hills")
    at.button(key="net.details.profile").click().run()
    no_exceptions(at)
    assert at.header[0].value == "Front of the Seven Hills"
    at = _open(app_at("network"), "per_local")
    at.button(key="net.details.paths").click().run()
    no_exceptions(at)
    assert at.selectbox(key="paths.target").value == "per_local"


@pytest.mark.usefixtures("world_store")
def test_close_shuts_the_panel() -> None:
    at = _open(app_at("network"), "act_hills")
    at.button(key="net.details.close").click().run()
    no_exceptions(at)
    assert not [m for m in at.markdown if str(m.value).startswith("####")]
