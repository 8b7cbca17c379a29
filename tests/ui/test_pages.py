"""AppTest flows for every page: renders, finds, answers (render times: `python -m bench`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui import world
from tests.ui.conftest import PAGES, app_at, no_exceptions, texts
from ui.components import network_view

# --------------------------------------------------------------------------- every page


@pytest.mark.usefixtures("demo_store")
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_demo_without_exceptions(page: str) -> None:
    """Render time is measured by `python -m bench` (app phase), not here."""
    at = app_at()
    no_exceptions(at)
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    at.run()  # a rerun, as a user clicking about gets
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("empty_store")
@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_friendly_empty_state(page: str) -> None:
    at = app_at(page)
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    if page != "data":
        assert any("empty" in str(i.value) or "No " in str(i.value) for i in at.info), texts(at)


@pytest.mark.usefixtures("world_store")
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_small_world_with_a_hostile_name(page: str) -> None:
    at = app_at(page)
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("world_store")
def test_a_bad_clearance_setting_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "top_secret")
    at = app_at()
    no_exceptions(at)
    assert "not a sensitivity label" in at.error[0].value


def test_a_store_that_cannot_be_opened_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTORGRAPH_STORE_URL", "mysql://nowhere/db")
    at = app_at()
    no_exceptions(at)
    assert "cannot be opened" in at.error[0].value


# --------------------------------------------------------------------------- overview


@pytest.mark.usefixtures("demo_store")
def test_overview_counts_recent_changes_and_gaps() -> None:
    at = app_at("overview")
    no_exceptions(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Armed actors"] == "16"
    assert "Armed actors none of us reaches" in metrics
    assert int(metrics["Single points of failure"]) >= 1
    assert int(metrics["Stale access"]) >= 1
    assert {"Counts by type", "Recent changes", "Gaps", "Data freshness"} <= {
        s.value for s in at.subheader
    }


# --------------------------------------------------------------------------- profile


@pytest.mark.usefixtures("world_store")
def test_profile_search_finds_an_actor_by_alias() -> None:
    at = app_at("profile")
    at.text_input(key="profile.search").input("jabhat saba").run()
    no_exceptions(at)
    assert at.header[0].value == "Front of the Seven Hills"
    subheaders = {s.value for s in at.subheader}
    assert {
        "Capability · Opportunity · Motivation",
        "Recommended approach",
        "Command tree",
        "Allegiances over time",
        "Influencers and access",
        "Incidents by pattern of harm",
        "Engagement log",
    } <= subheaders
    said = texts(at)
    assert "Weakest dimension: **opportunity**" in said
    assert "Checkpoint Zeta" in said  # command tree
    assert "IHL training of cadres in 2024" in said  # indicator behind the score


@pytest.mark.usefixtures("demo_store")
def test_profile_search_finds_a_demo_actor_by_transliterated_alias() -> None:
    at = app_at("profile")
    at.text_input(key="profile.search").input("Solven Tiruvo").run()
    no_exceptions(at)
    assert at.header[0].value == "Sunward Movement of Kalmora"


@pytest.mark.usefixtures("world_store")
def test_profile_search_with_no_match_says_so() -> None:
    at = app_at("profile")
    at.text_input(key="profile.search").input("nobody by this name").run()
    no_exceptions(at)
    assert "Nothing matches" in at.info[0].value


@pytest.mark.usefixtures("world_store")
def test_profile_escapes_a_hostile_name_in_markdown() -> None:
    at = app_at("profile")
    at.selectbox(key="profile.actor").set_value(world.HOSTILE_ID).run()
    no_exceptions(at)
    header = at.header[0].value
    # Every markup character arrives backslash-escaped, so Markdown shows it as text.
    assert header.startswith("\\<img") and re.search(r"(?<!\\)[<>()\[\]]", header) is None
    said = texts(at)
    assert "](javascript" not in said


# --------------------------------------------------------------------------- network


@pytest.mark.usefixtures("world_store")
def test_network_draws_the_filtered_map() -> None:
    at = app_at("network")
    no_exceptions(at)
    assert any(c.value.startswith("Showing ") for c in at.caption), texts(at)


@pytest.mark.usefixtures("world_store")
def test_network_ego_view_and_as_of_shift() -> None:
    at = app_at("network")
    at.selectbox(key="net.center").set_value("per_local").run()
    at.slider(key="net.depth").set_value(1).run()
    no_exceptions(at)
    # The commander, his post, his group, the elder who influences him, his engagement.
    assert shown(at).startswith("Showing 5 entities"), shown(at)
    at.slider(key="net.depth").set_value(2).run()
    assert int(shown(at).split()[1]) > 5
    at.toggle(key="net.all_dates").set_value(True).run()
    no_exceptions(at)


def shown(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Showing "))


@pytest.mark.usefixtures("world_store")
def test_network_above_the_node_limit_offers_filters_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(network_view, "NODE_LIMIT", 5)
    at = app_at("network")
    no_exceptions(at)
    assert "draws at most 5" in at.warning[0].value
    assert not any(c.value.startswith("Showing ") for c in at.caption)


# --------------------------------------------------------------------------- paths


@pytest.mark.usefixtures("world_store")
def test_path_query_returns_ranked_paths_and_briefings() -> None:
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("per_local").run()
    no_exceptions(at)
    labels = [e.label for e in at.expander]
    assert labels and "Relief Without Walls" in labels[0], labels
    assert len(at.radio(key="paths.choice").options) == len(labels)
    assert at.get("download_button"), "briefing downloads are offered"


@pytest.mark.usefixtures("demo_store")
def test_path_query_on_the_demo_goes_local_for_a_decentralised_target() -> None:
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("unt_fhu_varro_cp").run()
    no_exceptions(at)
    assert "Fernwell" in at.expander[0].label  # planted answer 1: the local route first


@pytest.mark.usefixtures("world_store")
def test_path_query_without_a_route_says_why() -> None:
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("act_army").run()
    no_exceptions(at)
    assert at.warning and "No path" in at.warning[0].value


# --------------------------------------------------------------------------- coverage


@pytest.mark.usefixtures("demo_store")
def test_coverage_shows_matrix_single_points_and_stale_access() -> None:
    at = app_at("coverage")
    no_exceptions(at)
    assert {"Engagers × armed actors", "Single points of failure", "Stale access"} <= {
        s.value for s in at.subheader
    }
    spof = table_with(at, "every path runs through")
    assert "Lumeth Valley Guard" in list(spof["armed actor"])
    stale = table_with(at, "last contact")
    assert "2023-02" in list(stale["last contact"])


def table_with(at: AppTest, column: str) -> Any:
    return next(d.value for d in at.dataframe if column in d.value.columns)
