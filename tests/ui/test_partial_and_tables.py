"""Partial views said as such, readable tables, and paths read as sentences (AppTest).

The world is FICTIONAL (tests/ui/world.py); the records added here are invented too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph import model as m
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.ui.conftest import app_at, no_exceptions, texts

PARTIAL = "Computed on what you may see"
ANALYSIS_PAGES = ["overview", "profile", "network", "paths", "coverage"]


def hide_one_record(store: EmbeddedStore) -> None:
    store.write(
        WriteBatch.of(
            [
                m.Person(
                    id="per_hidden", name="Quiet Broker", sensitivity=Sensitivity.CONFIDENTIAL
                ),
                m.Influences(
                    id="rel_hidden",
                    source_id="per_hidden",
                    target_id="per_local",
                    sensitivity=Sensitivity.CONFIDENTIAL,
                ),
            ]
        ),
        actor="fixture",
    )


def plain(at_text: str) -> str:
    return at_text.replace("\\", "")


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
def test_a_reader_below_the_highest_label_is_told_the_answer_is_partial(
    page: str, world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_one_record(world_store)
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "restricted")
    at = app_at(page)
    no_exceptions(at)
    said = plain(texts(at))
    assert PARTIAL in said
    # ... and nothing about what is hidden: no name, no id, no count.
    assert "Quiet Broker" not in said and "per_hidden" not in said
    assert "1 record" not in said and "2 records" not in said


@pytest.mark.parametrize("page", ["overview", "paths"])
def test_a_reader_cleared_for_everything_gets_no_partial_note(
    page: str, world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_one_record(world_store)
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "confidential")
    at = app_at(page)
    assert PARTIAL not in plain(texts(at))


def test_empty_answers_say_none_you_may_see_on_a_partial_view(
    world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_one_record(world_store)
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "restricted")
    at = app_at("profile")
    at.selectbox(key="profile.actor").set_value("act_army").run()
    said = plain(texts(at))
    assert "No influencers you may see." in said
    assert "No influencers recorded." not in said
    assert "No engagements you may see." in said


@pytest.mark.usefixtures("world_store")
def test_empty_answers_say_none_recorded_on_a_full_view() -> None:
    at = app_at("profile")
    at.selectbox(key="profile.actor").set_value("act_army").run()
    said = plain(texts(at))
    assert "No influencers recorded." in said
    assert "you may see" not in said


def test_an_empty_map_for_this_reader_does_not_claim_the_store_is_empty(
    empty_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_one_record_alone = m.Person(
        id="per_only", name="Only Record", sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL
    )
    empty_store.write(WriteBatch.of([hide_one_record_alone]), actor="fixture")
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "public")
    for page in ("overview", "network", "paths", "coverage"):
        said = plain(texts(app_at(page)))
        assert "Nothing here you may see at your clearance." in said, page
        assert "The map is empty" not in said, page


def _cells(frame: pd.DataFrame) -> list[object]:
    return [v for row in frame.itertuples(index=False) for v in row]


@pytest.mark.usefixtures("world_store")
def test_no_table_on_the_profile_shows_a_literal_none() -> None:
    # The engagement has no topic, outcome or commitments; allegiances have open ends.
    at = app_at("profile")
    at.selectbox(key="profile.actor").set_value("act_hills").run()
    no_exceptions(at)
    frames = [d.value for d in at.dataframe]
    assert frames, "the profile shows tables"
    for frame in frames:
        for value in _cells(frame):
            assert value is not None and str(value) not in ("None", "nan", "[]"), frame


@pytest.mark.usefixtures("world_store")
def test_a_path_reads_as_a_sentence_next_to_its_table() -> None:
    at = app_at("paths")
    at.selectbox(key="paths.target").set_value("per_local").run()
    no_exceptions(at)
    said = plain(texts(at))
    assert (
        "Relief Without Walls (fictional) has regular access to Sheikha Morwen Dask, "
        "who influences Ilyo Varrant."
    ) in said


def test_a_score_column_with_gaps_is_text_with_blanks_not_a_mixed_column() -> None:
    from ui.components.tables import readable

    rows = readable([{"engager": "A", "best_score": 0.42}, {"engager": "B", "best_score": None}])
    assert [r["Best score"] for r in rows] == ["0.42", ""]
    # A full column of numbers stays numbers (it sorts as numbers in the grid).
    assert readable([{"n": 1}, {"n": 2}]) == [{"n": 1}, {"n": 2}]
