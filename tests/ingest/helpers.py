"""Helpers shared by the ingest tests (FICTIONAL data only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from ingest.export import revision_lines, visible_records
from ingest.pipeline import ImportOptions, ImportReport, run_import

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
TEMPLATE_XLSX = FIXTURES / "template_filled.xlsx"
TEMPLATE_CSV = FIXTURES / "template_filled_csv"
HXL = FIXTURES / "hxl_3w.csv"
ACLED = FIXTURES / "acled_sample.csv"
UCDP = FIXTURES / "ucdp_ged_sample.csv"


def contents(store: GraphStore) -> list[dict[str, Any]]:
    """Every record with its store stamps: equal before and after means nothing was written."""
    return [r.model_dump(mode="json") for r in visible_records(store, SYSTEM)]


def full_history(store: GraphStore, *, stamps: bool = True) -> list[dict[str, Any]]:
    """Every version of every record, in order, as the history snapshot exports them."""
    out = []
    for line in revision_lines(store, SYSTEM):
        data = line.record.model_dump(mode="json")
        if not stamps:
            data.pop("recorded_at")
        out.append({"version": line.version, "operation": line.operation, **data})
    return sorted(out, key=lambda d: (d["id"], d["version"]))


def load(store: GraphStore, path: Path, **options: Any) -> ImportReport:
    return run_import(store, path, ImportOptions(**options))


def cli_app() -> Any:
    from ui.cli import app
    from ui.cli_ingest import register

    names = {getattr(c.callback, "__module__", "") for c in app.registered_commands}
    if "ui.cli_ingest" not in names:
        register(app)
    return app


def run_cli(db: Path, *args: str) -> Any:
    runner = CliRunner()
    return runner.invoke(cli_app(), ["--store", f"sqlite:///{db}", *args], catch_exceptions=False)


def cli_export(db: Path, tmp: Path) -> list[dict[str, Any]]:
    """The store as `actorgraph export` writes it (history included), without the header."""
    out = tmp / f"export-{len(list(tmp.glob('export-*')))}.jsonl"
    result = run_cli(db, "export", "--format", "snapshot", "--out", str(out))
    assert result.exit_code == 0, result.output
    return [json.loads(x) for x in out.read_text("utf-8").splitlines() if not x.startswith("//")]


def seeded_db(tmp: Path) -> Path:
    db = tmp / "seeded.db"
    store = EmbeddedStore(db)
    load(store, TEMPLATE_XLSX)
    store.close()
    return db
