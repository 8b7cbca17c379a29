"""A briefing is labelled by everything it shows, the sources it cites included.

The small FICTIONAL world of `tests.ui.world`: every record on the path from
Relief Without Walls to Ilyo Varrant is public, but the influence hop cites a
source with its page. When that source is strictly confidential, a reader
cleared to it gets a briefing that names it, and the label must say so.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest

from graph.projection import projection
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.constraints import PathConstraints
from queries.leverage import leverage_paths
from tests.ui import world
from ui.components import briefing

MADE = date(2026, 11, 30)


def _store_with_source_at(tmp_path: Path, label: Sensitivity) -> GraphStore:
    records = [
        r.model_copy(update={"sensitivity": label}) if r.id == "src_report" else r
        for r in world.records()
    ]
    store = EmbeddedStore(tmp_path / "briefing.db")
    store.ensure_schema()
    store.write(WriteBatch.of(records), actor="fixture")
    return store


@pytest.mark.parametrize(
    "label", [Sensitivity.CONFIDENTIAL, Sensitivity.STRICTLY_CONFIDENTIAL], ids=str
)
def test_briefing_citing_a_secret_source_is_labelled_by_that_source(
    tmp_path: Path, label: Sensitivity
) -> None:
    store = _store_with_source_at(tmp_path, label)
    admin = Viewer("admin", Sensitivity.STRICTLY_CONFIDENTIAL)
    graph = projection(store, viewer=admin, as_of=MADE)
    result = leverage_paths(graph, "per_local", constraints=PathConstraints(as_of=MADE))
    assert result.paths and all(p.sensitivity == "public" for p in result.paths)

    md = briefing.markdown(result, graph, made_on=MADE, head=store.audit_head())
    page = briefing.html_document(result, graph, made_on=MADE, head=store.audit_head())
    # The briefing does name the source and where in it to look ...
    assert "Field report \\(fictional\\) \\(B2, p\\. 4\\)" in md
    assert "Field report (fictional) (B2, p. 4)" in page
    # ... so it carries the source's label, not the path's.
    assert briefing.label_of(result, graph) == label.value
    assert f"**Sensitivity: {label.value.upper()}**" in md
    assert f"Sensitivity: {label.value.upper()}:" in page
    # Both carry the audit head they were made at, as `audit verify --against` reads it.
    head = store.audit_head()
    assert head.seq == 1 and f"Audit head when made: {head.line()}" in md
    assert html.escape(head.line()) in page
    store.close()


def test_briefing_for_a_reader_who_cannot_see_the_source_keeps_the_path_label(
    tmp_path: Path,
) -> None:
    """Only what is shown counts: a protected source shows as a mask and adds no label."""
    store = _store_with_source_at(tmp_path, Sensitivity.STRICTLY_CONFIDENTIAL)
    reader = Viewer("reader", Sensitivity.RESTRICTED)
    graph = projection(store, viewer=reader, as_of=MADE)
    result = leverage_paths(graph, "per_local", constraints=PathConstraints(as_of=MADE))
    md = briefing.markdown(result, graph, made_on=MADE, head=store.audit_head())
    assert "Field report" not in md and "p\\. 4" not in md
    assert "Protected source" in md
    assert briefing.label_of(result, graph) == "public"
    store.close()


def test_briefing_without_a_path_is_labelled_by_its_target(tmp_path: Path) -> None:
    records = [
        r.model_copy(update={"sensitivity": Sensitivity.CONFIDENTIAL}) if r.id == "act_army" else r
        for r in world.records()
    ]
    store = EmbeddedStore(tmp_path / "target.db")
    store.ensure_schema()
    store.write(WriteBatch.of(records), actor="fixture")
    admin = Viewer("admin", Sensitivity.STRICTLY_CONFIDENTIAL)
    graph = projection(store, viewer=admin, as_of=MADE)
    result = leverage_paths(graph, "act_army", constraints=PathConstraints(as_of=MADE))
    assert not result.paths
    md = briefing.markdown(result, graph, made_on=MADE, head=store.audit_head())
    assert "Kalmoran Armed Forces" in md
    assert "**Sensitivity: CONFIDENTIAL**" in md
    store.close()
