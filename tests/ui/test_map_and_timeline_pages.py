"""Map and Timeline pages (AppTest): the demo's map draws, choosing an area or a site lists
its contacts, clearance hides confidential sites, and the timeline opens a record."""

from __future__ import annotations

from datetime import date

import pytest

from graph.sensitivity import Sensitivity, Viewer
from graph.stores.embedded_store import EmbeddedStore
from ingest.shapes import attach_shapes
from tests.ui.conftest import app_at, no_exceptions, texts
from ui.demo_files import DEMO_SHAPES

SHAPES = DEMO_SHAPES
OWNER = Viewer(name="demo", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)


@pytest.fixture
def demo_map(demo_store: EmbeddedStore) -> EmbeddedStore:
    attach_shapes(demo_store, SHAPES, actor="demo", viewer=OWNER)
    return demo_store


@pytest.mark.usefixtures("demo_map")
def test_map_draws_and_an_area_lists_its_contacts() -> None:
    at = app_at("map")
    no_exceptions(at)
    assert at.get("plotly_chart"), "no map drawn"
    at.date_input(key="map.as_of").set_value(date(2026, 6, 1)).run()
    at.selectbox(key="map.place").set_value("are_kl0101").run()
    no_exceptions(at)
    said = texts(at)
    assert "Varro: contacts as of 2026-06-01" in said
    assert "Free Hills Union" in said and "reached by:" in said


@pytest.mark.usefixtures("demo_map")
def test_map_follows_the_date_for_a_site_that_changed_hands() -> None:
    at = app_at("map")
    at.date_input(key="map.as_of").set_value(date(2023, 1, 1)).run()
    at.selectbox(key="map.place").set_value("sit_oskeny_screening").run()
    assert "Sunward Movement of Kalmora" in texts(at)
    assert "Renewal Faction" not in texts(at)
    at.date_input(key="map.as_of").set_value(date(2025, 1, 1)).run()
    assert "Sunward Renewal Faction" in texts(at)


@pytest.mark.usefixtures("demo_map")
def test_map_at_public_clearance_hides_restricted_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "public")
    at = app_at("map")
    no_exceptions(at)
    options = at.selectbox(key="map.place").options
    assert any("Varro" in o for o in options)  # public areas are drawn
    assert not any("screening site" in o for o in options)  # restricted sites are not


@pytest.mark.usefixtures("demo_map")
def test_timeline_page_lists_control_changes_and_opens_a_record() -> None:
    at = app_at("timeline")
    no_exceptions(at)
    at.selectbox(key="timeline.subject").set_value("sit_oskeny_screening").run()
    at.date_input(key="timeline.from").set_value(date(2015, 1, 1)).run()
    options = at.selectbox(key="timeline.item").options
    assert any("Sunward Renewal Faction controls" in o for o in options), options
    at.selectbox(key="timeline.item").set_value("rel_ctl_act_srf_sit_oskeny_screening").run()
    no_exceptions(at)
    assert at.json and "act_srf" in str(at.json[0].value)
