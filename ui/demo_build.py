"""Build the FICTIONAL demo snapshot from its source, with the product's own importer.

The scenario is authored as data in the import template's CSV layout
(`samples/demo/template/`, one file per node kind and relationship type; edit
it by hand or in a spreadsheet). Building it runs exactly what a user runs:
`actorgraph import` of the folder into a fresh embedded store, then
`import-shapes` of the demo's GeoJSON, then the snapshot writer. So every
change to the importer is exercised on 872 records, and the shipped snapshot
is what the importer makes of the template, not what a script thinks it
should be.

The store stamps every write with who and when (`recorded_at`,
`recorded_by`); those are cleared before writing, so the same template always
gives the same bytes (tests/unit/test_demo_scenario.py checks the committed
file against a fresh build).

    python -m ui.demo_build                 # rewrites ui/demo_data/scenario.jsonl
    python -m ui.demo_build --out FILE      # writes elsewhere (to compare)
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.stores.embedded_store import EmbeddedStore
from ingest.context import ImportOptions
from ingest.pipeline import run_import
from ingest.shapes import attach_shapes
from ingest.snapshot import export_records, write_snapshot
from ui.demo_files import DEMO_SCENARIO, DEMO_SHAPES

TEMPLATE = Path(__file__).resolve().parent.parent / "samples" / "demo" / "template"
ACTOR = "demo"
HEADER = """\
FICTIONAL DEMO DATA. Every name, place, armed group, person, organisation staff member
and event in this file is invented. The Republic of Kalmora, its provinces, districts,
communities and neighbours do not exist; any resemblance to real persons, places, groups
or events is coincidental. UN agencies, OCHA and the ICRC appear only as institutional
roles in an imaginary country; every one of their staff named here is invented.
Built by scripts/build-demo from samples/demo/template/ (deterministic); do not edit by hand.
See samples/demo/README.md for the story and the planted answers."""
STAMPS = {"recorded_at": None, "recorded_by": None}


def build_records(template: Path = TEMPLATE, shapes: Path = DEMO_SHAPES) -> list[m.AnyRecord]:
    """Import `template` and `shapes` into a fresh store; return its records, unstamped.

    Raises ImportRejected (every bad file, row and field) if the template does
    not import cleanly: a demo that needs a hand fix is not built.
    """
    with tempfile.TemporaryDirectory(prefix="actorgraph-demo-build-") as folder:
        store = EmbeddedStore(Path(folder) / "demo.db")
        try:
            run_import(store, template, ImportOptions(format="template", actor=ACTOR))
            attach_shapes(store, shapes, actor=ACTOR, viewer=SYSTEM)
            return [r.model_copy(update=STAMPS) for r in export_records(store, viewer=SYSTEM)]
        finally:
            store.close()


def build_snapshot(template: Path = TEMPLATE, shapes: Path = DEMO_SHAPES) -> str:
    """The snapshot's text, as `ui/demo_data/scenario.jsonl` holds it."""
    out = io.StringIO()
    write_snapshot(build_records(template, shapes), out, header=HEADER)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEMO_SCENARIO, help="snapshot to write")
    args = parser.parse_args(argv)
    records = build_records()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        count = write_snapshot(records, fh, header=HEADER)
    print(f"wrote {count} records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
