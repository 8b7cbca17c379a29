"""Where the FICTIONAL demo's shipped files are: package data beside this module.

`ui/demo_data/scenario.jsonl` is built, never edited: `scripts/build-demo`
imports the CSV template in `samples/demo/template/` (the scenario's source,
kept in the repository only) into a fresh embedded store with the product's own
importer, attaches `ui/demo_data/shapes.geojson`, and writes the snapshot. Only
these two files ship in the wheel; `actorgraph demo` loads them. Paths only
here, so the CLI can name them without importing the importer at start-up.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_SCENARIO = DEMO_DATA / "scenario.jsonl"
DEMO_SHAPES = DEMO_DATA / "shapes.geojson"
