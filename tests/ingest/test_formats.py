"""The format registry: detection by name and columns, and nothing kept between imports."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from graph.errors import ImportRejected
from ingest.formats import FORMATS, REGISTRY, detect, detect_format
from tests.ingest.helpers import ACLED, HXL, TEMPLATE_CSV, TEMPLATE_XLSX, UCDP


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (ACLED, "acled"),
        (UCDP, "ucdp"),
        (HXL, "hxl"),
        (TEMPLATE_XLSX, "template"),
        (TEMPLATE_CSV, "template"),
    ],
)
def test_each_fixture_is_detected_as_its_format(path: Path, name: str) -> None:
    assert detect_format(path) == name
    assert REGISTRY[name].name == name and name in FORMATS


def test_a_csv_nobody_recognises_is_refused_naming_every_format(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("colour,size\nblue,3\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        detect(path)
    (error,) = caught.value.errors
    assert error.field == "format" and all(name in error.suggestion for name in FORMATS)


def test_detection_hands_its_tables_to_the_caller_and_keeps_none(tmp_path: Path) -> None:
    """No module-level read cache shared by every app session: once the caller is
    done with what detection read, it is gone."""
    path = tmp_path / "acled.csv"
    path.write_bytes(ACLED.read_bytes())
    detected = detect(path)
    assert detected.tables is not None and detected.read(path) is detected.tables
    table = weakref.ref(detected.tables[0])
    del detected
    gc.collect()
    assert table() is None
