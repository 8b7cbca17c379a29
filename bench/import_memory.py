"""Memory of one whole `actorgraph import`: the process's peak RSS, and on Neo4j
the transaction's peak memory as the server counts it.

    python -m bench.import_memory --format acled --rows 100000 [--store URL] [--json OUT]

An import is one transaction (all or nothing), so on Neo4j the whole import
must fit in the server's transaction memory (`db.memory.transaction.max`,
`dbms.memory.transaction.total.max`, both bounded by the heap). This measures
what it needs: while the command runs in a child process, the server's own
estimate of the transaction's heap (`SHOW TRANSACTIONS ...
estimatedUsedHeapMemory`, the figure those limits are checked against) is
polled and its maximum kept; the child's peak RSS comes from `wait4`. The
polling only reads, so it never moves what is measured. Poll gaps can miss
the very top, so the Neo4j figure is a lower bound (docs/performance-history.md,
"Neo4j: one transaction per import", says how the rule of thumb adds headroom).

Files are generated, FICTIONAL: ACLED and UCDP by `bench.events`, the
template as one `ArmedActor.csv` (one record per row).

Without `--store` the import goes to a fresh embedded file. For Neo4j pass a
`bolt://` URL with `NEO4J_USER` / `NEO4J_PASSWORD` set; the database is wiped
before and after each run (pass `--reset-neo4j` to say that is what you want).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.events import write_acled, write_ucdp

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("acled", "ucdp", "template")


def write_template(folder: Path, rows: int) -> Path:
    """A template folder with `rows` fictional armed actors (one record per row)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "ArmedActor.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "actor_kind", "structure", "notes"])
        for i in range(rows):
            out.writerow(
                [
                    f"act_mem_{i:07d}",
                    f"Fictional Column {i:07d}",
                    "non_state_armed_group",
                    "decentralised",
                    "FICTIONAL benchmark data",
                ]
            )
    return folder


def write_input(fmt: str, rows: int, workdir: Path) -> Path:
    if fmt == "acled":
        return write_acled(workdir / f"acled_{rows}.csv", rows, seed=0)
    if fmt == "ucdp":
        return write_ucdp(workdir / f"ucdp_{rows}.csv", rows, seed=0)
    return write_template(workdir / f"template_{rows}", rows)


class TxMemoryWatch:
    """Polls the server for the largest transaction's tracked heap, in a thread."""

    QUERY = (
        "SHOW TRANSACTIONS YIELD estimatedUsedHeapMemory AS heap, currentQuery "
        "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' "
        "RETURN max(heap) AS heap"
    )

    def __init__(self, uri: str, user: str, password: str) -> None:
        from neo4j import GraphDatabase

        self._driver = GraphDatabase.driver(uri, auth=(user, password), telemetry_disabled=True)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rows, _, _ = self._driver.execute_query(self.QUERY)
            heap = rows[0]["heap"] if rows else None
            if heap is not None:
                self.peak = max(self.peak, int(heap))
            self._stop.wait(0.05)

    def __enter__(self) -> TxMemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._driver.close()


def run_import(args: list[str], env: dict[str, str]) -> tuple[int, float, int, str]:
    """Exit code, wall seconds, peak RSS in KiB (`wait4`) and stderr's tail of one child."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-800:]
    return proc.returncode, time.perf_counter() - t0, usage.ru_maxrss, tail


def measure(fmt: str, rows: int, store: str | None, workdir: Path) -> dict[str, Any]:
    """One import of a generated `fmt` file of `rows` rows; its memory figures."""
    path = write_input(fmt, rows, workdir)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    url = store or f"sqlite:///{workdir / f'{fmt}_{rows}.db'}"
    args = [sys.executable, "-m", "ui.cli", "--store", url, "import", str(path)]
    if fmt != "template":
        args += ["--format", fmt]
    out: dict[str, Any] = {"format": fmt, "rows": rows, "store": "embedded"}
    if store is None:
        code, wall, rss_kib, tail = run_import(args, env)
    else:
        # Only what the measured run uses is loaded, so it is not counted in the others.
        from graph.stores.neo4j_store import Neo4jStore

        user, password = os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]
        target = Neo4jStore(store, user=user, password=password)
        try:
            target.wipe()
            with TxMemoryWatch(store, user, password) as watch:
                code, wall, rss_kib, tail = run_import(args, env)
            target.wipe()  # leave the database as found: empty
        finally:
            target.close()
        out["store"] = "neo4j"
        out["tx_peak_mib"] = round(watch.peak / 2**20, 1)
        out["tx_mib_per_10k_rows"] = round(watch.peak / 2**20 * 10_000 / rows, 1)
    out.update(
        exit=code,
        wall_s=round(wall, 1),
        peak_rss_mib=round(rss_kib / 1024, 1),
        rss_mib_per_100k_rows=round(rss_kib / 1024 * 100_000 / rows, 1),
    )
    if code != 0:
        out["stderr"] = tail
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_memory", description=__doc__)
    parser.add_argument("--format", choices=FORMATS, action="append", required=True)
    parser.add_argument("--rows", type=int, action="append", required=True)
    parser.add_argument("--store", help="a bolt:// URL (default: a fresh embedded file)")
    parser.add_argument("--reset-neo4j", action="store_true", help="allow wiping the database")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.store and not args.reset_neo4j:
        parser.error("the Neo4j database is wiped before each run: pass --reset-neo4j")
    results = []
    with tempfile.TemporaryDirectory(prefix="actorgraph-import-memory-") as tmp:
        for fmt in args.format:
            for rows in args.rows:
                result = measure(fmt, rows, args.store, Path(tmp))
                print(json.dumps(result), file=sys.stderr, flush=True)
                results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
