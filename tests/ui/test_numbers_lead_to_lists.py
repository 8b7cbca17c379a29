"""Every number on Overview leads to its list; a Coverage heatmap cell opens its paths.

Data is FICTIONAL (tests/ui/world.py and the demo scenario).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from graph.projection import projection
from graph.sensitivity import SYSTEM
from graph.stores.embedded_store import EmbeddedStore
from tests.ui.conftest import app_at, no_exceptions
from tests.ui.test_pickers_and_links import opened_with
from ui.components.gaps_view import paths_question, report, selected_cell


def _table_in(at: AppTest, label_start: str) -> Any:
    expander = next(e for e in at.expander if e.label.startswith(label_start))
    return expander.dataframe[0].value


def test_records_without_a_source_show_a_denominator_and_their_list(
    world_store: EmbeddedStore,
) -> None:
    at = app_at("overview")
    no_exceptions(at)
    metrics = {m.label: m.value for m in at.metric}
    uncited, claims = (int(x) for x in metrics["Records without a source"].split(" of "))
    assert 0 < uncited < claims
    listed = _table_in(at, f"The {uncited} record(s) without a source")
    assert len(listed) == uncited
    # Every listed record really cites nothing; the cited influence is not listed.
    for record_id in listed["id"]:
        record = world_store.get(record_id, viewer=SYSTEM)
        assert record is not None and not record.sources, record_id
    assert "rel_inf" not in set(listed["id"]) and "rel_cp_part" in set(listed["id"])


@pytest.mark.usefixtures("demo_store")
def test_single_points_and_stale_access_numbers_open_their_lists() -> None:
    at = app_at("overview")
    no_exceptions(at)
    metrics = {m.label: m.value for m in at.metric}
    spof = _table_in(at, f"The {metrics['Single points of failure']} single point(s)")
    assert len(spof) == int(metrics["Single points of failure"])
    assert "Lumeth Valley Guard" in list(spof["armed actor"])
    stale = _table_in(at, f"The {metrics['Stale access']} stale access")
    assert len(stale) == int(metrics["Stale access"])
    assert "never recorded" not in list(stale["last contact"])


IDS = [[("org_a", "act_1"), ("org_b", "act_1")], [("org_a", "act_2"), ("org_b", "act_2")]]
COLUMNS = ["Agency A", "Agency B"]


def test_a_matrix_click_names_its_engager_and_actor() -> None:
    def click(row: object, column: str) -> dict[str, object]:
        return {"selection": {"cells": [(row, column)], "rows": [], "columns": []}}

    assert selected_cell(click(1, "Agency B"), IDS, COLUMNS) == ("org_b", "act_2")
    assert selected_cell(click(0, "Agency A"), IDS, COLUMNS) == ("org_a", "act_1")
    # No click, the actor's own column, a row outside the matrix: nothing opens.
    assert selected_cell({"selection": {"cells": []}}, IDS, COLUMNS) is None
    assert selected_cell(click(0, "armed actor"), IDS, COLUMNS) is None
    assert selected_cell(click(5, "Agency A"), IDS, COLUMNS) is None
    assert selected_cell(None, IDS, COLUMNS) is None


@pytest.mark.usefixtures("demo_store")
def test_the_coverage_matrix_table_has_a_column_per_engager() -> None:
    at = app_at("coverage")
    no_exceptions(at)
    table = next(d for d in at.dataframe if d.key == "coverage.table").value
    assert next(iter(table.columns)) == "armed actor"
    assert list(table.columns)[-2:] == ["engagers reaching", "only reached by"]
    engagers = list(table.columns)[1:-2]
    assert engagers, "one column per engager"
    # Each actor's count of engagers reaching it is the number of filled score cells.
    for _, row in table.iterrows():
        filled = sum(1 for c in engagers if row[c] != "")
        assert filled == row["engagers reaching"]
    # No path is a blank cell, never a grey "None" (or NaN) in the grid.
    assert not table[engagers].isna().any().any()
    assert all(isinstance(v, str) for c in engagers for v in table[c])


def test_a_coverage_cell_opens_the_paths_behind_its_score(world_store: EmbeddedStore) -> None:
    # Relief Without Walls reaches the decentralised Front through its local
    # commander: the cell's score and the best path the click opens are one number.
    found = report(projection(world_store, viewer=SYSTEM, as_of=date.today()))
    score = found.matrix["act_hills"]["org_ngo"]
    assert score is not None
    question = paths_question(found, "org_ngo", "act_hills")
    at = opened_with("paths", question)
    assert at.multiselect(key="paths.engagers").value == ["org_ngo"]
    assert at.date_input(key="paths.as_of").value == found.as_of
    assert at.slider(key="paths.max_hops").value == found.max_hops
    assert "none of the engagers can reach" not in " ".join(i.value for i in at.info)
    best = at.radio(key="paths.choice").options[0]
    assert f"Relief Without Walls (fictional) — score {score:.3f}" in best, best
