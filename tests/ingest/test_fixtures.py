"""The committed FICTIONAL fixtures are what make_fixtures.py writes, and say they are fictional."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.fixtures.ingest.make_fixtures import FICTION, write_all
from tests.ingest.helpers import ACLED, FIXTURES, HXL, TEMPLATE_CSV, TEMPLATE_XLSX, UCDP


def _cells(path: Path) -> dict[str, list[list[object]]]:
    workbook = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}


def test_committed_fixtures_match_the_generator(tmp_path: Path) -> None:
    write_all(tmp_path)
    for name in ("hxl_3w.csv", "acled_sample.csv", "ucdp_ged_sample.csv"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name
    for generated in (tmp_path / "template_filled_csv").iterdir():
        assert generated.read_bytes() == (TEMPLATE_CSV / generated.name).read_bytes()
    assert _cells(tmp_path / "template_filled.xlsx") == _cells(TEMPLATE_XLSX)


def test_every_fixture_says_it_is_fictional() -> None:
    assert "FICTIONAL" in (FIXTURES / "README.md").read_text("utf-8")
    for path in (ACLED, UCDP, HXL):
        assert FICTION in path.read_text("utf-8")
    assert FICTION in (TEMPLATE_CSV / "README.txt").read_text("utf-8")
    readme = [c for row in _cells(TEMPLATE_XLSX)["README"] for c in row]
    assert FICTION in readme
