"""The Data page: an editor below a source's label edits a record citing it and
the citation survives (issue 16). The small FICTIONAL world: the influence
`rel_inf` cites a restricted field report at page 4; the session reads at
public, so the form shows that source only as its mask.
"""

from __future__ import annotations

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.stores.embedded_store import EmbeddedStore
from tests.ui.conftest import app_at, no_exceptions
from ui.components import data_view, forms


def test_editing_a_record_in_the_form_keeps_the_source_the_editor_cannot_see(
    world_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTORGRAPH_CLEARANCE", "public")
    at = app_at("data")
    at.button_group(key="data.rel.mode").set_value("Edit").run()
    at.selectbox(key="data.rel.entity").set_value("per_elder").run()
    at.selectbox(key="data.rel.pick").set_value("rel_inf").run()
    edit = data_view.form_id("relationship", "INFLUENCES", "rel_inf")
    shown = at.multiselect(key=forms.key(edit, "sources")).value
    assert shown and all(s.startswith("src~") for s in shown), shown  # only the mask
    at.number_input(key=forms.key(edit, "strength")).set_value(0.5)
    at.button(key=f"{edit}.submit").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert "updated" in at.success[0].value

    after = world_store.get("rel_inf", viewer=SYSTEM)
    assert isinstance(after, m.Influences) and after.strength == 0.5
    assert after.sources == (m.SourceRef(source_id="src_report", locator="p. 4"),)
