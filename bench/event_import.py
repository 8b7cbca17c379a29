"""Event files end to end: `actorgraph import FILE` in a process of its own.

Ours: the real command on a generated ACLED or UCDP file (`bench.events`)
into a fresh store, timed whole-process (start-up, reading, parsing,
validation, name resolution, evidence, the store write): wall and CPU
seconds, rows of the file per second.

Baseline, same run: the same command on the file's first rows with the
straightforward path put back (``python -m bench.event_import baseline``):
one store lookup per new place or actor, every place scored by the full
fuzzy resolver, no memoised name keys, the cyclic garbage collector
running. It gives the same records (tests/ingest/test_event_import_speedups.py).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from bench.events import acled_rows, ucdp_rows, write_csv

#: Rows of the event file per benchmark size (the issue's figure is at 50,000).
EVENT_ROWS = {"S": 5_000, "M": 50_000, "L": 50_000}


class ImportFailed(RuntimeError):
    """The command failed (say, a server's transaction memory limit): reported, not fatal."""


def _run_cli(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (CPU: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        raise ImportFailed(lines[-1][-500:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _figure(rows: int, wall: float, cpu: float) -> dict[str, Any]:
    return {
        "rows": rows,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "rows_per_s": round(rows / wall, 1),
        "rows_per_cpu_s": round(rows / cpu, 1),
    }


def measure(
    fmt: str,
    rows: int,
    baseline_rows: int,
    workdir: Path,
    store_url: str | None,
    wipe: Any = None,
    credentials: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One format: ours on `rows` rows, the baseline on the first `baseline_rows`.

    `store_url` None means a fresh SQLite file per run; else a Neo4j URI whose
    database `wipe()` empties before each run.
    """
    make = acled_rows if fmt == "acled" else ucdp_rows
    data = make(rows, seed=0)
    full = write_csv(workdir / f"{fmt}_{rows}.csv", data)
    sample = write_csv(workdir / f"{fmt}_{baseline_rows}.csv", data[:baseline_rows])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.update(credentials or {})
    out: dict[str, Any] = {}
    for label, path, n, mode in (
        ("ours", full, rows, "ui.cli"),
        ("baseline", sample, min(rows, baseline_rows), "bench.event_import"),
    ):
        if wipe is not None:
            wipe()
        url = store_url or f"sqlite:///{workdir / f'{fmt}_{label}.db'}"
        args = [sys.executable, "-m", mode]
        if mode == "bench.event_import":
            args.append("baseline")
        args += ["--store", url, "import", str(path), "--format", fmt]
        try:
            wall, cpu = _run_cli(args, env)
        except ImportFailed as e:
            if wipe is not None:
                wipe()
            return {"rows": n, "failed": f"{label}: {e}"}
        out[label] = _figure(n, wall, cpu)
    if wipe is not None:
        wipe()
    ours, base = out.pop("ours"), out["baseline"]
    base["sampled"] = base["rows"] < rows
    return {
        **ours,
        "baseline": base,
        "ratio": round(ours["rows_per_s"] / base["rows_per_s"], 2),
        "ratio_cpu": round(ours["rows_per_cpu_s"] / base["rows_per_cpu_s"], 2),
    }


def _straightforward() -> None:
    """Put the straightforward import path back, for the baseline process only."""
    # The modules whose fast paths the baseline process puts back, patched in place.
    import ingest.events as events
    import ingest.pipeline as pipeline
    import ingest.resolve as resolve

    for name in (
        "folded",
        "match_key",
        "_content_key",
        "skeleton",
        "numbers",
        "qualifiers",
        "_word_skeleton",
        "_words_pair",
    ):
        setattr(resolve, name, getattr(resolve, name).__wrapped__)
    events.match_key = resolve.match_key  # type: ignore[attr-defined]

    def preload(self: pipeline.ImportContext, ids: Any) -> None:
        if len([i for i in ids if i not in self._records]) > self.BULK:
            self._load_all()

    def exact(self: resolve.Resolver, name: str, scopes: Any) -> str | None:
        match = self.resolve(name, scopes)
        return match.id if match.status == "exact" else None

    pipeline.ImportContext.preload = preload  # type: ignore[method-assign]
    resolve.Resolver.exact = exact  # type: ignore[method-assign]
    pipeline.no_cyclic_gc = nullcontext  # type: ignore[attr-defined,assignment]


if __name__ == "__main__":
    if sys.argv[1:2] != ["baseline"]:
        raise SystemExit("usage: python -m bench.event_import baseline --store URL import FILE")
    _straightforward()
    sys.argv = ["actorgraph", *sys.argv[2:]]
    from ui.cli import main

    main()
