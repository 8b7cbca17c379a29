"""Place fixtures: the FICTIONAL Verdania boundary files, written fresh per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.sensitivity import Sensitivity, Viewer
from tests.fixtures.places.make_boundaries import write_all

ADMIN = Viewer(name="analyst", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)
PUBLIC = Viewer(name="partner", clearance=Sensitivity.PUBLIC)


@pytest.fixture
def boundary_files(tmp_path: Path) -> dict[str, Path]:
    """The GeoJSON (levels 1-2), the ADM0 GeoJSON, the zip of shapefiles, the broken file."""
    return write_all(tmp_path / "boundaries")
