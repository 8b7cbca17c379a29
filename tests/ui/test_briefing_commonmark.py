"""The Markdown briefing is CommonMark with real structure; both briefings say who made
them, from which store, for which date, and carry the label at both ends / on every page.

Parsed with markdown-it-py in its CommonMark preset (a dependency of rich). Data is the
FICTIONAL world of tests/ui/world.py.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt

from graph.audit import Checkpoint
from graph.projection import projection
from graph.sensitivity import Sensitivity, Viewer
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.constraints import PathConstraints
from queries.leverage import leverage_paths
from tests.ui import world
from ui.components import briefing

MADE = date(2026, 11, 30)
ADMIN = Viewer("admin", Sensitivity.STRICTLY_CONFIDENTIAL)


HEAD = Checkpoint(seq=12, hash="ab" * 32, at="2026-05-04T10:00:00+00:00")


def _answer(tmp_path: Path) -> tuple[object, object]:
    store = EmbeddedStore(tmp_path / "briefing.db")
    store.ensure_schema()
    store.write(WriteBatch.of(world.records()), actor="fixture")
    graph = projection(store, viewer=ADMIN, as_of=MADE)
    return leverage_paths(graph, "per_local", constraints=PathConstraints(as_of=MADE), k=2), graph


def test_markdown_briefing_parses_as_commonmark_with_its_structure(tmp_path: Path) -> None:
    result, graph = _answer(tmp_path)
    text = briefing.markdown(
        result,  # type: ignore[arg-type]
        graph,  # type: ignore[arg-type]
        made_on=MADE,
        head=HEAD,
        author="ana (fictional)",
        store="sqlite:///briefing.db",
    )
    tokens = MarkdownIt("commonmark").parse(text)
    kinds = [t.type for t in tokens]
    headings = [t.tag for t in tokens if t.type == "heading_open"]
    assert headings[0] == "h1" and headings.count("h2") == len(result.paths)  # type: ignore[attr-defined]
    # Each path's hops are an ordered list, each hop with a nested bullet list of facts.
    assert kinds.count("ordered_list_open") == len(result.paths)  # type: ignore[attr-defined]
    hops = sum(len(p.hops) for p in result.paths)  # type: ignore[attr-defined]
    nested = [
        t for t in tokens if t.type == "bullet_list_open" and t.level > 0 and t.level % 2 == 0
    ]
    assert len(nested) >= hops
    rendered = MarkdownIt("commonmark").render(text)
    assert "Prepared by: ana (fictional)" in rendered
    assert "Store: sqlite:///briefing.db" in rendered
    assert "Question date: 2026-11-30" in rendered
    label = briefing.label_of(result, graph)  # type: ignore[arg-type]
    lines = [line for line in text.splitlines() if line.strip()]
    assert (
        f"Sensitivity: {label.upper()}" in lines[1] and f"Sensitivity: {label.upper()}" in lines[-1]
    )
    # Plain text stays readable: no raw HTML, hop lines start with their number.
    assert re.search(r"(?<!\\)<", text) is None
    assert any(line.startswith("1. ") for line in lines)


def test_html_briefing_names_author_store_and_repeats_the_label_when_printed(
    tmp_path: Path,
) -> None:
    result, graph = _answer(tmp_path)
    page = briefing.html_document(
        result,  # type: ignore[arg-type]
        graph,  # type: ignore[arg-type]
        made_on=MADE,
        head=HEAD,
        author="ana (fictional)",
        store="sqlite:///briefing.db",
    )
    label = briefing.label_of(result, graph).upper()  # type: ignore[arg-type]
    assert "<li>Prepared by: ana (fictional)</li>" in page
    assert "<li>Store: sqlite:///briefing.db</li>" in page
    assert f'<div class="pagelabel">{label}</div>' in page
    assert "@media print{.pagelabel{display:block;position:fixed" in page
