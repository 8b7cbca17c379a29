"""Time the projection's update after a small write on a kept store file.

``python -m bench.update_loop --size L --db PATH [--repeat 3]``

The full benchmark (``python -m bench``) imports into a temporary file and
throws it away, so every try of an update change at L would pay the import
again. This builds the generated graph of `--size` into `--db` once (kept for
the next run), builds the projection, then `--repeat` times writes ten access
relationships and times the update; last, a full rebuild as the same-run
baseline. Figures are CPU seconds of this process (user + sys), which a loaded
machine moves far less than wall seconds; wall seconds are shown beside them.
Every new record is checked to be in the updated graph, and the last update is
compared with the rebuild (same nodes, edges and keys).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bench.generate import AS_OF, batches
from bench.measure import VIEWER, _write_ten, log
from graph.projection import build_projection, clear_cache, projection
from graph.stores.embedded_store import EmbeddedStore

T = TypeVar("T")


def cpu_s() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(call: Callable[[], T]) -> tuple[T, dict[str, float]]:
    """`call()` and the CPU and wall seconds it took."""
    cpu0, wall0 = cpu_s(), time.perf_counter()
    value = call()
    return value, {
        "cpu_s": round(cpu_s() - cpu0, 3),
        "wall_s": round(time.perf_counter() - wall0, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="L", help="generated size (XS, S, M, L)")
    parser.add_argument("--db", required=True, help="SQLite file, built once and kept")
    parser.add_argument("--repeat", type=int, default=3, help="updates to time")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the rebuild baseline")
    parser.add_argument("--profile", action="store_true", help="cProfile each update (stderr)")
    args = parser.parse_args()
    path = Path(args.db)
    fresh = not path.exists()
    store = EmbeddedStore(path)
    out: dict[str, Any] = {"size": args.size, "db": str(path)}
    try:
        if fresh:
            log(f"importing {args.size} into {path} (once)")
            for batch in batches(args.size, 0):
                store.write(batch, actor="bench")
        clear_cache()
        graph, out["build"] = timed(lambda: projection(store, viewer=VIEWER, as_of=AS_OF))
        log(f"projection built: {out['build']}")
        out["updates"] = []
        run = uuid.uuid4().hex[:12]  # new ids each run: a rewrite of equal records is no change
        for i in range(args.repeat):
            records = _write_ten(store, graph, prefix=f"rel_loop_{run}_{i}")
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            updated, took = timed(lambda: projection(store, viewer=VIEWER, as_of=AS_OF))
            if profiler:
                profiler.disable()
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
            assert all(updated.has_edge(r.source_id, r.target_id, r.id) for r in records)
            log(f"update {i + 1}: {took}")
            out["updates"].append(took)
            graph = updated
        if not args.no_rebuild:
            rebuilt, out["rebuild"] = timed(
                lambda: build_projection(store, viewer=VIEWER, as_of=AS_OF)
            )
            assert set(rebuilt.nodes) == set(graph.nodes)
            assert set(rebuilt.edges(keys=True)) == set(graph.edges(keys=True))
            log(f"rebuild: {out['rebuild']}")
    finally:
        store.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
