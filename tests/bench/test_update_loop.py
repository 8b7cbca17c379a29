"""`python -m bench.update_loop`: builds the store file once and keeps it, so
the next run times updates without importing again; every update it times
holds the records just written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import update_loop
from graph.stores.embedded_store import EmbeddedStore


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: Path
) -> dict[str, Any]:
    argv = ["update_loop", "--size", "XS", "--db", str(db), "--repeat", "2"]
    monkeypatch.setattr(sys, "argv", argv)
    update_loop.main()
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_update_loop_keeps_its_store_and_times_each_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "xs.db"
    first = _run(monkeypatch, capsys, db)
    store = EmbeddedStore(db)
    try:
        imported = store.change_counter()
    finally:
        store.close()
    second = _run(monkeypatch, capsys, db)

    store = EmbeddedStore(db)
    try:
        # The second run imported nothing: only its two ten-record writes moved the counter.
        assert store.change_counter() == imported + 2
    finally:
        store.close()
    for out in (first, second):
        assert len(out["updates"]) == 2
        assert all(u["cpu_s"] >= 0 and u["wall_s"] >= 0 for u in out["updates"])
        assert {"cpu_s", "wall_s"} <= out["rebuild"].keys()
