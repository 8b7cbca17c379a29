"""An editor below a source's clearance keeps the citations they cannot see.

They are shown a mask of that source (see test_source_protection.py); whatever
they save, the store puts the real references back, locators included, and
never shows them to the editor. Both stores.
"""

from __future__ import annotations

import pytest

from graph import model as m
from graph.errors import InvalidRecords
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from tests.factories import full_batch

EDITOR = Viewer(name="editor", clearance=Sensitivity.CONFIDENTIAL)
CITED = m.SourceRef(source_id="src_1", locator="p. 4, para 2")  # strictly confidential


def _edit(store: GraphStore, record: m.AnyRecord) -> int:
    report = store.write(WriteBatch.of([record]), actor="editor", clearance=EDITOR.clearance)
    return report.updated


def test_editor_updating_what_they_were_shown_keeps_the_hidden_citations(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="admin")
    shown = store.get("act_1", viewer=EDITOR)
    assert isinstance(shown, m.ArmedActor)
    assert [r.source_id for r in shown.sources] != ["src_1"]  # a mask, as before

    assert _edit(store, shown.model_copy(update={"aliases": (*shown.aliases, "Sab'a")})) == 1

    after = store.get("act_1", viewer=SYSTEM)
    assert isinstance(after, m.ArmedActor)
    assert "Sab'a" in after.aliases
    assert after.sources == (CITED,)
    assert after.profiles[0].capability.evidence == (CITED,)
    # The editor still sees only the mask, and no version of the record gets the mask stored.
    again = store.get("act_1", viewer=EDITOR)
    assert again is not None and again.sources == shown.sources
    assert all(
        "src~" not in str(rev.record.sources) for rev in store.history("act_1", viewer=SYSTEM)
    )


def test_editor_updating_without_the_citation_keeps_it_too(store: GraphStore) -> None:
    """A CSV re-import by the editor knows nothing of the hidden source."""
    store.write(full_batch(), actor="admin")
    shown = store.get("rel_acc", viewer=EDITOR)
    assert isinstance(shown, m.HasAccessTo)
    assert _edit(store, shown.model_copy(update={"sources": (), "strength": 0.7})) == 1
    after = store.get("rel_acc", viewer=SYSTEM)
    assert isinstance(after, m.HasAccessTo)
    assert after.strength == 0.7
    assert [r.source_id for r in after.sources] == ["src_1"]


def test_editor_saving_what_they_were_shown_unchanged_makes_no_new_version(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="admin")
    shown = store.get("act_1", viewer=EDITOR)
    assert shown is not None
    report = store.write(WriteBatch.of([shown]), actor="editor", clearance=EDITOR.clearance)
    assert (report.updated, report.unchanged) == (0, 1)
    assert len(store.history("act_1", viewer=SYSTEM)) == 1


def test_editor_naming_the_hidden_source_is_still_refused(store: GraphStore) -> None:
    """Keeping hidden citations must not turn a guessed id into an accepted one."""
    store.write(full_batch(), actor="admin")
    shown = store.get("act_1", viewer=EDITOR)
    assert shown is not None
    guess = shown.model_copy(update={"sources": (m.SourceRef(source_id="src_1"),)})
    with pytest.raises(InvalidRecords, match="no Source with id 'src_1'"):
        store.write(WriteBatch.of([guess]), actor="editor", clearance=EDITOR.clearance)
    after = store.get("act_1", viewer=SYSTEM)
    assert after is not None and after.sources == (CITED,)


def test_a_mask_on_a_record_without_hidden_citations_is_refused(store: GraphStore) -> None:
    """A mask stands only for a citation the record already has; elsewhere it is no source."""
    store.write(full_batch(), actor="admin")
    mask = store.get("act_1", viewer=EDITOR)
    assert mask is not None
    person = store.get("per_1", viewer=EDITOR)
    assert person is not None and person.sources == ()
    with pytest.raises(InvalidRecords, match="no Source with id 'src~"):
        _edit(store, person.model_copy(update={"sources": mask.sources}))
