"""Names reach Plotly as text: no bold, no live link, whatever a record is called.

Plotly parses tick labels, titles and hover text for a subset of HTML, so a
name `<a href="https://x.example">X</a>` would draw an outbound link. Every
name is FICTIONAL (and hostile on purpose).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from graph import model as m
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.ui import world
from tests.ui.conftest import app_at, no_exceptions, use_store
from ui.components import charts

LINK = '<a href="https://x.example">X</a>'
BOLD = "<b>Bold Brigade</b>"


def _strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a figure's JSON (data and layout)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _markup_in(figure: dict[str, Any]) -> list[str]:
    """Strings Plotly would read as markup: a data name with its tags left in."""
    return [s for s in _strings(figure) if "<a " in s or "<b>" in s]


def test_plotly_text_leaves_no_tag_and_keeps_every_character() -> None:
    text = charts.plotly_text(f"{LINK} & {BOLD}")
    assert "<" not in text and ">" not in text
    assert text == (
        '&lt;a href="https://x.example"&gt;X&lt;/a&gt; &amp; &lt;b&gt;Bold Brigade&lt;/b&gt;'
    )


def test_coverage_heatmap_axis_names_are_text() -> None:
    fig = charts.coverage_heatmap([BOLD, "Plain Front"], [LINK], [[0.4], [None]])
    heat = fig.data[0]
    assert list(heat.y) == ["&lt;b&gt;Bold Brigade&lt;/b&gt;", "Plain Front"]
    assert list(heat.x) == ['&lt;a href="https://x.example"&gt;X&lt;/a&gt;']
    assert _markup_in(fig.to_plotly_json()) == []


def test_allegiance_timeline_names_and_hover_data_are_text() -> None:
    rows = [
        {"with": "act_x", "with_name": LINK, "type": "ALLIED_WITH", "valid_from": "2020"},
        {"with": "act_y", "with_name": BOLD, "type": "OPPOSES", "valid_from": "2021-03"},
    ]
    fig = charts.allegiance_timeline(rows, today=date(2026, 1, 1))
    labels = [trace.y[0] for trace in fig.data]
    assert labels == [
        '&lt;a href="https://x.example"&gt;X&lt;/a&gt;',
        "&lt;b&gt;Bold Brigade&lt;/b&gt;",
    ]
    assert _markup_in(fig.to_plotly_json()) == []


def test_com_radar_title_with_an_assessor_name_is_text() -> None:
    fig = charts.com_radar({"capability": 0.5}, title=f"assessed 2025-05 by {LINK}")
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text == (
        'assessed 2025-05 by &lt;a href="https://x.example"&gt;X&lt;/a&gt;'
    )
    assert _markup_in(fig.to_plotly_json()) == []


@pytest.fixture
def hostile_coverage_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmbeddedStore]:
    """The small world with an engager called LINK and an armed actor called BOLD."""
    renamed = {"org_ocha": LINK, "act_hills": BOLD}
    records: list[m.AnyRecord] = [
        r.model_copy(update={"name": renamed[r.id]}) if r.id in renamed else r
        for r in world.records()
    ]
    store = use_store(tmp_path / "hostile.db", monkeypatch)
    store.ensure_schema()
    store.write(WriteBatch.of(records), actor="fixture")
    yield store
    store.close()


@pytest.mark.usefixtures("hostile_coverage_store")
def test_coverage_page_draws_names_as_text_not_links() -> None:
    at = app_at("coverage")
    no_exceptions(at)
    charts_on_page = at.get("plotly_chart")
    assert charts_on_page, "the coverage heatmap is drawn"
    figure = json.loads(charts_on_page[0].proto.spec)
    heat = figure["data"][0]
    assert '&lt;a href="https://x.example"&gt;X&lt;/a&gt;' in heat["x"]
    assert "&lt;b&gt;Bold Brigade&lt;/b&gt;" in heat["y"]
    assert _markup_in(figure) == []
