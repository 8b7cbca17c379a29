"""The Data page's upload shows what each row matched, the new records, and bad values.

FICTIONAL names only (invented people of Orrinland).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from graph.schema import NodeKind
from graph.sensitivity import SYSTEM
from graph.stores.embedded_store import EmbeddedStore
from tests.ingest.helpers import load
from tests.ui.conftest import app_at, no_exceptions

SEED = "name\nDario Venn\n"
UPLOAD = "name,title\nDarjo Venn,Colonel\nMirel Osk,Elder\n"


def _table(at: AppTest, column: str) -> Any:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _upload(at: AppTest, name: str, text: str) -> None:
    at.file_uploader(key="data.import.file").set_value(
        (name, text.encode("utf-8"), "text/csv")
    ).run()
    no_exceptions(at)


def test_upload_shows_each_fuzzy_match_with_spelling_record_and_score(
    empty_store: EmbeddedStore, tmp_path: Path
) -> None:
    seed = tmp_path / "seed" / "Person.csv"
    seed.parent.mkdir()
    seed.write_text(SEED, encoding="utf-8")
    load(empty_store, seed.parent)
    (dario,) = empty_store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)
    at = app_at("data")
    _upload(at, "Person.csv", UPLOAD)
    matches = _table(at, "matched record")
    # One CSV is one sheet, named by its file.
    assert list(matches["sheet"]) == ["Person.csv"] and list(matches["row"]) == [2]
    assert list(matches["spelling"]) == ["Darjo Venn"]
    assert list(matches["matched record"]) == [f"{dario.id} (Dario Venn)"]
    assert 0.75 <= float(str(matches["score"][0]).split()[0]) < 1.0
    planned = _table(at, "kind")
    assert list(planned["name"]) == ["Mirel Osk"]
    at.button(key="data.import.write").click().run()
    no_exceptions(at)
    created = [d.value for d in at.dataframe if "kind" in d.value.columns][-1]
    (new_id,) = list(created["id"])
    stored = empty_store.get(new_id, viewer=SYSTEM)
    assert stored is not None and stored.name == "Mirel Osk"  # type: ignore[union-attr]


def test_bad_upload_names_sheet_row_field_and_the_bad_value(empty_store: EmbeddedStore) -> None:
    at = app_at("data")
    _upload(at, "Person.csv", "name,valid_from\nMirel Osk,2021-13-40\n")
    assert "cannot be imported" in at.error[0].value
    problems = _table(at, "problem")
    row = problems.iloc[0]
    assert (row["file"], row["row"], row["field"], row["value"]) == (
        "Person.csv",
        2,
        "valid_from",
        "2021-13-40",
    )
    assert empty_store.change_counter() == 0
