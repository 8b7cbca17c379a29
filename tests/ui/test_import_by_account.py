"""The app's "Import a file" for every account that may write, whatever its clearance.

Regressions: an editor cleared below strictly_confidential could not import at
all (the import ran as SYSTEM); and once it ran as the editor, a file matching a
record that cites a source above the editor's clearance was refused, because the
mask the editor was shown came back as a source that does not exist. Each
clearance signs in as an editor, uploads FICTIONAL files, sees the
dry-run report, writes, and finds the records in the store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.sensitivity import SYSTEM, Sensitivity
from graph.stores.embedded_store import EmbeddedStore
from graph.users import Role, User, hash_password
from tests.ui.conftest import no_exceptions
from tests.ui.test_accounts import PASSWORD, sign_in

INGEST_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _editor(store: EmbeddedStore, clearance: Sensitivity) -> str:
    name = f"editor-{clearance.value}"
    store.save_user(
        User(
            name=name,
            role=Role.EDITOR,
            clearance=clearance,
            password_hash=hash_password(PASSWORD),
        ),
        actor="fixture",
    )
    return name


@pytest.mark.parametrize(
    "clearance", [Sensitivity.PUBLIC, Sensitivity.RESTRICTED, Sensitivity.CONFIDENTIAL]
)
# ACLED and UCDP rows match an actor that cites a source above every editor's
# clearance: the editor is shown it masked, and the import must keep the real one.
@pytest.mark.parametrize(
    "name", ["template_filled.xlsx", "hxl_3w.csv", "acled_sample.csv", "ucdp_ged_sample.csv"]
)
def test_editor_below_strictly_confidential_imports_a_file(
    world_store: EmbeddedStore, clearance: Sensitivity, name: str
) -> None:
    user = _editor(world_store, clearance)
    counter = world_store.change_counter()
    refs_before = _refs(world_store)
    at = sign_in(user, PASSWORD)
    no_exceptions(at)
    at.switch_page("views/data.py").run()
    no_exceptions(at)
    at.file_uploader(key="data.import.file").set_value(
        (name, (INGEST_FIXTURES / name).read_bytes(), "application/octet-stream")
    ).run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert "every row is valid" in at.success[0].value
    assert world_store.change_counter() == counter  # the dry run wrote nothing
    at.button(key="data.import.write").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Imported" in s.value for s in at.success)
    assert world_store.change_counter() == counter + 1
    # Written under the editor's own name.
    assert any(n.recorded_by == user for n in world_store.iter_nodes(viewer=SYSTEM))
    # Sources the editor may not see stay on the records they matched, with their
    # locators; no pseudonym shown to the editor was stored in their place.
    refs_after = _refs(world_store)
    for record_id, refs in refs_before.items():
        assert refs <= refs_after[record_id], record_id
    assert not any(ref[0].startswith("src~") for refs in refs_after.values() for ref in refs)


def _refs(store: EmbeddedStore) -> dict[str, set[tuple[str, str | None]]]:
    """Every record's source references as stored (source id, locator)."""
    records = [*store.iter_nodes(viewer=SYSTEM), *store.iter_relationships(viewer=SYSTEM)]
    return {r.id: {(s.source_id, s.locator) for s in r.sources} for r in records}
