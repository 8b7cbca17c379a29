"""Pickers that search names and aliases and stay cleared, and views that live in the URL.

Each test drives the app as a reader would (AppTest), on the FICTIONAL world of
tests/ui/world.py plus the records added here, all invented.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from graph import model as m
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.ui.conftest import APP, HANG_LIMIT_S, app_at, no_exceptions, texts

SECRET_ID = "per_secret"


def add(store: EmbeddedStore, *records: m.AnyRecord) -> None:
    store.write(WriteBatch.of(list(records)), actor="fixture")


def labels_of(at: AppTest, key: str) -> list[str]:
    return list(at.selectbox(key=key).options)


def opened_with(page: str, params: dict[str, str]) -> AppTest:
    """A fresh session opened on a link: `page` with `params` in its query string."""
    at = AppTest.from_file(str(APP), default_timeout=HANG_LIMIT_S)
    at.query_params.update(params)
    at.switch_page(f"views/{page}.py")
    at.run()
    no_exceptions(at)
    return at


# ----------------------------------------------------------------------------- pickers


@pytest.mark.usefixtures("world_store")
def test_a_cleared_centre_stays_cleared_on_the_next_run_and_on_other_pages() -> None:
    at = app_at("network")
    at.selectbox(key="net.center").set_value("per_elder").run()
    assert at.selectbox(key="net.center").value == "per_elder"
    at.selectbox(key="net.center").set_value(None).run()
    assert at.selectbox(key="net.center").value is None
    at.slider(key="net.min_conf").set_value(0.1).run()  # any other change: a rerun
    assert at.selectbox(key="net.center").value is None
    # Coming back to the page (or to another picker) does not bring it back either.
    at.switch_page("views/paths.py").run()
    assert at.selectbox(key="paths.target").value is None
    at.switch_page("views/network.py").run()
    no_exceptions(at)
    assert at.selectbox(key="net.center").value is None


@pytest.mark.usefixtures("world_store")
def test_a_cleared_target_stays_cleared() -> None:
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("per_local").run()
    assert "Paths to" in texts(at)
    at.selectbox(key="paths.target").set_value(None).run()
    at.slider(key="paths.k").set_value(3).run()
    assert at.selectbox(key="paths.target").value is None
    assert "Paths to" not in texts(at)


def test_picker_options_carry_aliases_and_plain_spellings(world_store: EmbeddedStore) -> None:
    add(world_store, m.Person(id="per_diac", name="Ṣāliḥ Qāsim Ğüner", aliases=("Abu Ṭāriq",)))
    at = app_at("paths")
    options = labels_of(at, "paths.target")
    hills = next(o for o in options if o.startswith("Front of the Seven Hills"))
    # Streamlit filters options by their label as the reader types: the alias must be there.
    assert "F7H" in hills and "Jabhat Sab'a" in hills
    diac = next(o for o in options if o.startswith("Ṣāliḥ Qāsim"))
    assert "salih qasim guner" in diac  # typed without diacritics, it still matches
    assert "abu tariq" in diac
    # The plain spelling is only added where it differs from the name.
    local = next(o for o in options if o.startswith("Ilyo Varrant"))
    assert local == "Ilyo Varrant (Person)"


def test_engager_and_exclusion_pickers_search_aliases_too(world_store: EmbeddedStore) -> None:
    add(world_store, m.Person(id="per_alias", name="Dorrin Vael", aliases=("Bādiya contact",)))
    at = app_at("paths")
    excluded = [o for o in at.multiselect(key="paths.exclude").options if "Dorrin" in o]
    assert excluded == ["Dorrin Vael (Person) · Bādiya contact, badiya contact"]


# ----------------------------------------------------------------------------- the URL


@pytest.mark.usefixtures("world_store")
def test_a_network_link_reopens_the_same_view() -> None:
    at = opened_with(
        "network",
        {"centre": "per_elder", "depth": "3", "as_of": "2024-03-01", "min_confidence": "0.25"},
    )
    assert at.selectbox(key="net.center").value == "per_elder"
    assert at.slider(key="net.depth").value == 3
    assert at.slider(key="net.as_of").value == date(2024, 3, 1)
    assert at.slider(key="net.min_conf").value == pytest.approx(0.25)


@pytest.mark.usefixtures("world_store")
def test_changing_the_view_writes_it_to_the_url() -> None:
    at = app_at("network")
    at.selectbox(key="net.center").set_value("per_local").run()
    at.slider(key="net.depth").set_value(1).run()
    at.multiselect(key="net.structures").set_value(["decentralised"]).run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["centre"] == "per_local"
    assert params["depth"] == "1"
    assert params["structure"] == "decentralised"
    assert params["as_of"] == date.today().isoformat()
    # And that URL, opened in a new session, shows the same view.
    again = opened_with("network", params)
    assert again.selectbox(key="net.center").value == "per_local"
    assert again.slider(key="net.depth").value == 1
    assert again.multiselect(key="net.structures").value == ["decentralised"]


@pytest.mark.usefixtures("world_store")
def test_a_paths_link_reopens_target_date_and_filters() -> None:
    at = opened_with(
        "paths",
        {
            "target": "per_local",
            "as_of": "2025-06-01",
            "engagers": "org_ngo",
            "paths": "2",
            "max_hops": "4",
            "through_parties": "1",
            "exclude": "per_hostile_cmdr",
        },
    )
    assert at.selectbox(key="paths.target").value == "per_local"
    assert at.date_input(key="paths.as_of").value == date(2025, 6, 1)
    assert at.multiselect(key="paths.engagers").value == ["org_ngo"]
    assert at.slider(key="paths.k").value == 2
    assert at.slider(key="paths.max_hops").value == 4
    assert at.toggle(key="paths.allow_parties").value is True
    assert at.multiselect(key="paths.exclude").value == ["per_hostile_cmdr"]
    assert "Paths to Ilyo Varrant" in texts(at).replace("\\", "")


def test_an_id_the_reader_may_not_see_is_dropped_without_a_hint(
    world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(
        world_store,
        m.Person(id=SECRET_ID, name="Veiled Informant", sensitivity=Sensitivity.CONFIDENTIAL),
    )
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "restricted")
    at = opened_with("paths", {"target": SECRET_ID, "exclude": f"{SECRET_ID},per_elder"})
    assert at.selectbox(key="paths.target").value is None
    assert at.multiselect(key="paths.exclude").value == ["per_elder"]
    said = texts(at)
    assert SECRET_ID not in said and "Veiled" not in said
    assert "target" not in at.query_params  # nor does the URL keep it
    net = opened_with("network", {"centre": SECRET_ID})
    assert net.selectbox(key="net.center").value is None
    assert SECRET_ID not in texts(net)


@pytest.mark.usefixtures("world_store")
def test_a_nonsense_link_still_opens_the_page() -> None:
    at = opened_with(
        "network", {"depth": "99", "as_of": "yesterday", "min_confidence": "x", "types": "Nope"}
    )
    assert at.slider(key="net.depth").value == 2
    assert at.slider(key="net.min_conf").value == 0.0
    assert "Source" not in at.multiselect(key="net.kinds").value
    assert "ArmedActor" in at.multiselect(key="net.kinds").value
