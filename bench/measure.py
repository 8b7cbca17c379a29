"""One store's benchmark: import, projection, queries, incremental update, memory.

`run_store` runs in a process of its own (see `bench.__main__`), so its peak
memory is its own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read after
each phase is the high-water mark of that process *so far* (it never goes
down), which is what a user running the same steps in one session would need.
tracemalloc is not used: it slows NetworkX several-fold and misses SQLite's
and the driver's native memory.

Every per-target loop stops early when its time budget is spent, and records
how many targets it measured (``n``), so M and L finish in bounded time.
"""

from __future__ import annotations

import gc
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from bench import baselines, cli_startup, event_import
from bench.generate import AS_OF, SIZES, Generator, Size, batches
from graph import model as m
from graph.projection import build_projection, clear_cache, projection
from graph.schema import ARMED, NodeKind
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from queries.constraints import PathConstraints
from queries.engagers import default_engagers
from queries.gaps import formation_commanders, gaps
from queries.influencers import influencers
from queries.leverage import leverage_paths, paths_on
from queries.reach import reach
from queries.traversal import influence_graph

VIEWER = Viewer(name="bench", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)
APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
APP_PAGES = ("overview", "profile", "network", "paths", "coverage", "data")
K = 5
MAX_HOPS = 5
# Every timed question is asked once, with one value: the same date, floor and limits.
ASKED = PathConstraints(as_of=AS_OF)
ASKED_PATHS = PathConstraints(as_of=AS_OF, max_hops=MAX_HOPS)


@dataclass(frozen=True)
class Options:
    """What one store's run measures (picklable: it crosses into a child process)."""

    store: str
    size: str
    seed: int = 0
    batch_size: int = 10_000
    targets: int = 100
    reach_targets: int = 20
    baseline_rows: int = 2_000
    budget_s: float = 300.0
    neo4j: tuple[str, str, str] | None = None  # uri, user, password
    reset_neo4j: bool = False
    workdir: str | None = None
    queries: bool = True  # the projection is the same graph on every store
    skip: tuple[str, ...] = ()  # phases left out: "reach", "influencers", "gaps", "cli", …
    event_rows: int = 5_000  # rows of the generated ACLED / UCDP file (bench.event_import)
    event_baseline_rows: int = 5_000


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    """The process's resident-set high-water mark so far, in MiB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """p50, p95 and max in seconds, with the number of samples."""
    if not samples:
        return {"n": 0, "p50_s": None, "p95_s": None, "max_s": None}
    ordered = sorted(samples)
    p95_index = min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))
    return {
        "n": len(ordered),
        "p50_s": round(statistics.median(ordered), 6),
        "p95_s": round(ordered[p95_index], 6),
        "max_s": round(ordered[-1], 6),
    }


def timed_each(items: Sequence[str], call: Callable[[str], object], budget_s: float) -> list[float]:
    """Time `call` on each item until the budget is spent (always at least one)."""
    times: list[float] = []
    spent = 0.0
    for item in items:
        started = time.perf_counter()
        call(item)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        spent += elapsed
        if spent > budget_s:
            break
    return times


def ratio(ours: float | None, baseline: float | None) -> float | None:
    if ours is None or baseline is None or baseline == 0:
        return None
    return round(ours / baseline, 4)


# --------------------------------------------------------------------------- stores


def open_store(options: Options, workdir: Path) -> GraphStore:
    if options.store == "embedded":
        # Only what the measured run uses is loaded, so it is not counted in the others.
        from graph.stores.embedded_store import EmbeddedStore

        return EmbeddedStore(workdir / "bench.db")
    if options.store == "neo4j":
        # Only what the measured run uses is loaded, so it is not counted in the others.
        from graph.stores.neo4j_store import Neo4jStore

        if options.neo4j is None:
            raise SystemExit("bench: no Neo4j server (set NEO4J_URI or let bench start one)")
        uri, user, password = options.neo4j
        store = Neo4jStore(uri, user=user, password=password)
        if not store.is_empty() and not options.reset_neo4j:
            store.close()
            raise SystemExit(
                "bench: the Neo4j database is not empty; the benchmark wipes it. "
                "Pass --reset-neo4j if that is what you want."
            )
        store.wipe()
        return store
    raise SystemExit(f"bench: unknown store {options.store!r} (embedded, neo4j)")


def _driver(creds: tuple[str, str, str]) -> Any:
    """A driver of the benchmark's own, for the baseline (never the store's)."""
    import neo4j

    uri, user, password = creds
    return neo4j.GraphDatabase.driver(uri, auth=(user, password), telemetry_disabled=True)


def _baseline_sample(size: Size, seed: int, rows: int) -> list[m.AnyRecord]:
    """`rows` records spread evenly over the generated stream (same node/relationship mix)."""
    total = size.nodes + size.relationships
    # Aim a little short of the estimate, then cut: always exactly `rows` when there are enough.
    step = max(1, int(0.9 * total) // max(1, rows))
    picked = [r for i, r in enumerate(Generator(size, seed).records()) if i % step == 0]
    return picked[:rows]


def _import_baseline(options: Options, store: GraphStore, workdir: Path) -> dict[str, Any]:
    size = SIZES[options.size]
    sample = _baseline_sample(size, options.seed, options.baseline_rows)
    if options.store == "embedded":
        seconds = baselines.import_row_by_row_sqlite(workdir / "baseline.db", sample)
        how = "row-by-row INSERT, one transaction (commit) per row"
    else:
        assert options.neo4j is not None
        with _driver(options.neo4j) as driver:
            seconds = baselines.import_row_by_row_neo4j(driver, "neo4j", sample)
        store.wipe()  # type: ignore[attr-defined]
        how = "row-by-row MERGE, one transaction per record (driver execute_query)"
    return {
        "rows": len(sample),
        "seconds": round(seconds, 3),
        "rows_per_s": round(len(sample) / seconds, 1) if seconds else None,
        "method": how,
        "sampled": len(sample) < size.nodes + size.relationships,
    }


def _import(options: Options, store: GraphStore) -> dict[str, Any]:
    rows = 0
    writing = 0.0
    started = time.perf_counter()
    stream: Iterator[WriteBatch] = batches(
        options.size, options.seed, batch_size=options.batch_size
    )
    for batch in stream:
        t0 = time.perf_counter()
        store.write(batch, actor="bench")
        writing += time.perf_counter() - t0
        rows += len(batch)
        log(f"  imported {rows:,} rows ({rows / writing:,.0f} rows/s in store.write)")
    return {
        "rows": rows,
        "seconds": round(writing, 3),
        "rows_per_s": round(rows / writing, 1),
        "wall_s_with_generation": round(time.perf_counter() - started, 3),
        "batch_size": options.batch_size,
    }


def _event_import(options: Options, store: GraphStore, workdir: Path) -> dict[str, Any]:
    """`actorgraph import FILE` on generated ACLED and UCDP files, whole process."""
    out: dict[str, Any] = {}
    url: str | None = None
    wipe = None
    credentials = None
    if options.store == "neo4j":
        assert options.neo4j is not None
        url, user, password = options.neo4j
        wipe = store.wipe  # type: ignore[attr-defined]
        credentials = {"NEO4J_USER": user, "NEO4J_PASSWORD": password}
    for fmt in ("acled", "ucdp"):
        log(f"[{options.store}] event file import: {fmt}, {options.event_rows:,} rows")
        out[fmt] = event_import.measure(
            fmt,
            options.event_rows,
            options.event_baseline_rows,
            workdir,
            url,
            wipe=wipe,
            credentials=credentials,
        )
        if "failed" in out[fmt]:
            log(f"  failed: {out[fmt]['failed']}")
            continue
        ours, base = out[fmt]["rows_per_s"], out[fmt]["baseline"]["rows_per_s"]
        log(f"  {ours:,.0f} rows/s (baseline {base:,.0f})")
    return out


def _targets(graph: nx.MultiDiGraph[str], n: int, seed: int) -> list[str]:
    """Random leverage targets: armed actors, units, posts and people who command or hold posts."""
    candidates = []
    for node, data in graph.nodes(data=True):
        kind = data.get("kind")
        commands = kind == "Person" and any(
            d.get("type") in ("HOLDS", "COMMANDS") for _, _, d in graph.out_edges(node, data=True)
        )
        if kind in ARMED | {NodeKind.POST.value} or commands:
            candidates.append(node)
    candidates.sort()
    rng = random.Random(seed)
    return rng.sample(candidates, min(n, len(candidates)))


def run_store(options: Options) -> dict[str, Any]:
    """Every measurement for one store; returns a JSON-able dict."""
    # The server warns about properties that do not exist yet in an empty database.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="actorgraph-bench-", dir=options.workdir) as tmp:
        workdir = Path(tmp)
        return _run(options, workdir)


def _run(options: Options, workdir: Path) -> dict[str, Any]:
    size = SIZES[options.size]
    out: dict[str, Any] = {"store": options.store, "memory": {}}
    memory = out["memory"]
    memory["start_mib"] = peak_rss_mib()
    log(f"[{options.store}] opening the store")
    store = open_store(options, workdir)
    if options.neo4j is not None and options.store == "neo4j":
        with _driver(options.neo4j) as driver:
            info = driver.get_server_info()
        out["server"] = f"{info.agent} (protocol {'.'.join(map(str, info.protocol_version))})"
    try:
        if "events" not in options.skip:
            out["event_import"] = _event_import(options, store, workdir)
        log(f"[{options.store}] baseline import of {options.baseline_rows:,} sampled rows")
        base = _import_baseline(options, store, workdir)
        log(f"[{options.store}] import of {size.nodes + size.relationships:,} rows")
        ours = _import(options, store)
        out["import"] = {
            **ours,
            "baseline": base,
            "ratio": ratio(ours["rows_per_s"], base["rows_per_s"]),
        }
        memory["after_import_mib"] = peak_rss_mib()
        gc.collect()

        log(f"[{options.store}] projection build")
        clear_cache()
        t0 = time.perf_counter()
        graph = projection(store, viewer=VIEWER, as_of=AS_OF)
        first_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = projection(store, viewer=VIEWER, as_of=AS_OF)
        cached = time.perf_counter() - t0
        assert again is graph
        out["projection"] = {
            "seconds": round(first_build, 3),
            "cached_s": round(cached, 6),
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
        }
        memory["after_projection_mib"] = peak_rss_mib()
        if options.store == "embedded" and "cli" not in options.skip:
            log(f"[{options.store}] CLI start-up: --help, stats, search, show (CPU per process)")
            actor = _actors(graph)[0]
            out["cli_startup"] = cli_startup.measure(
                f"sqlite:///{workdir / 'bench.db'}", str(graph.nodes[actor]["name"]), actor
            )

        if options.queries:
            out.update(_queries(options, graph))
            memory["after_queries_mib"] = peak_rss_mib()
        else:
            log(f"[{options.store}] queries skipped (--queries-on): same graph as another store")

        log(f"[{options.store}] incremental: write 10 records, then get the projection")
        out["incremental"] = _incremental(store, graph, first_build)
        memory["after_incremental_mib"] = out["incremental"]["peak_before_baseline_mib"]
        memory["after_rebuild_baseline_mib"] = peak_rss_mib()
        if "app" not in options.skip and options.queries:
            log(f"[{options.store}] app pages (warm-up, first loads, reruns, cold first loads)")
            out["app"] = _app_pages(store, graph, options.budget_s)
            memory["after_app_mib"] = peak_rss_mib()
        # The session's peak: the rebuild baseline and the app runner are
        # measuring aids a user's session does not carry on top of the rest.
        memory["peak_mib"] = memory["after_incremental_mib"]
        memory["peak_with_baselines_mib"] = peak_rss_mib()
    finally:
        if options.store == "neo4j":
            store.wipe()  # type: ignore[attr-defined]
        store.close()
        clear_cache()
    return out


def _queries(options: Options, graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name = options.store
    engagers = default_engagers(graph)
    targets = _targets(graph, options.targets, options.seed)
    out["engagers"] = len(engagers)

    log(f"[{name}] influence graph (collapse) and leverage paths k={K} on {len(targets)} targets")
    t0 = time.perf_counter()
    ig = influence_graph(graph, constraints=ASKED)
    collapse = time.perf_counter() - t0
    leverage_paths(graph, targets[0], k=K, constraints=ASKED_PATHS)  # warm-up
    e2e = timed_each(
        targets,
        lambda t: leverage_paths(graph, t, k=K, constraints=ASKED_PATHS),
        options.budget_s,
    )
    search = timed_each(
        targets,
        lambda t: paths_on(ig, t, engagers=engagers, k=K, max_hops=MAX_HOPS),
        options.budget_s,
    )
    log(f"[{name}] baseline: nx.shortest_simple_paths from a super-source")
    t0 = time.perf_counter()
    naive_graph = baselines.with_super_source(ig.digraph, engagers)
    naive_prep = time.perf_counter() - t0
    naive = timed_each(
        targets, lambda t: baselines.naive_k_paths(naive_graph, t, k=K), options.budget_s
    )
    ours_e2e, ours_search, base = summary(e2e), summary(search), summary(naive)
    out["leverage"] = {
        "k": K,
        "max_hops": MAX_HOPS,
        "collapse_s": round(collapse, 3),
        "collapsed_edges": ig.digraph.number_of_edges(),
        "end_to_end": ours_e2e,
        "search_only": ours_search,
        "baseline": {**base, "prep_s": round(naive_prep, 3)},
        "ratio_p95": ratio(ours_e2e["p95_s"], base["p95_s"]),
        "ratio_p95_search_only": ratio(ours_search["p95_s"], base["p95_s"]),
    }

    for phase in options.skip:
        out[phase] = {"skipped": True}
    if "reach" not in options.skip:
        out["reach"] = _reach(options, graph, ig, targets, engagers)
    if "influencers" not in options.skip:
        out["influencers"] = _influencers(options, graph, ig)
    if "gaps" not in options.skip:
        out["gaps"] = _gaps(options, graph, ig, engagers)
    return out


def _reach(
    options: Options,
    graph: nx.MultiDiGraph[str],
    ig: Any,
    targets: list[str],
    engagers: list[str],
) -> dict[str, Any]:
    name = options.store
    reach_targets = targets[: options.reach_targets]
    log(f"[{name}] reach for all {len(engagers)} engagers on {len(reach_targets)} targets")
    ours_reach = timed_each(
        reach_targets,
        lambda t: reach(graph, t, constraints=ASKED_PATHS),
        options.budget_s,
    )
    naive_reach = timed_each(
        reach_targets,
        lambda t: baselines.naive_reach(ig.digraph, t, engagers),
        options.budget_s,
    )
    r_ours, r_base = summary(ours_reach), summary(naive_reach)
    return {**r_ours, "baseline": r_base, "ratio_p95": ratio(r_ours["p95_s"], r_base["p95_s"])}


def _actors(graph: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "ArmedActor")


def _influencers(options: Options, graph: nx.MultiDiGraph[str], ig: Any) -> dict[str, Any]:
    name = options.store
    actors = _actors(graph)
    log(f"[{name}] influencers over {len(actors)} armed actors")
    t0 = time.perf_counter()
    influencers(graph, top=10, constraints=ASKED)
    inf_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    baselines.naive_influencers(ig.digraph, actors, top=10)
    inf_base = time.perf_counter() - t0
    return {
        "seconds": round(inf_ours, 3),
        "actors": len(actors),
        "baseline": {"seconds": round(inf_base, 3)},
        "ratio": ratio(inf_ours, inf_base),
    }


def _gaps(
    options: Options, graph: nx.MultiDiGraph[str], ig: Any, engagers: list[str]
) -> dict[str, Any]:
    actors = _actors(graph)
    log(f"[{options.store}] gaps")
    t0 = time.perf_counter()
    gaps(graph, constraints=ASKED)
    gaps_ours = time.perf_counter() - t0
    gap_targets = actors + [c for c in formation_commanders(graph) if c not in actors]
    t0 = time.perf_counter()
    baselines.naive_gaps(ig.digraph, gap_targets, engagers)
    gaps_base = time.perf_counter() - t0
    return {
        "seconds": round(gaps_ours, 3),
        "baseline": {"seconds": round(gaps_base, 3), "covers": "engager x target matrix only"},
        "ratio": ratio(gaps_ours, gaps_base),
    }


def _write_ten(
    store: GraphStore, graph: nx.MultiDiGraph[str], *, prefix: str
) -> list[m.HasAccessTo]:
    """Ten new access relationships from our engagers to people: a field officer's
    afternoon of data entry."""
    engagers = default_engagers(graph)
    people = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "Person")[:10]
    records = [
        m.HasAccessTo(
            id=f"{prefix}_{i:03d}",
            source_id=engagers[i % len(engagers)],
            target_id=person,
            strength=0.8,
            confidence=0.9,
            quality=m.AccessQuality.REGULAR,
            last_contact=AS_OF.isoformat(),
        )
        for i, person in enumerate(people)
    ]
    store.write(WriteBatch.of(records), actor="bench")
    return records


def _incremental(
    store: GraphStore, graph: nx.MultiDiGraph[str], first_build: float
) -> dict[str, Any]:
    """Write 10 records (new access), then time getting the updated projection."""
    t0 = time.perf_counter()
    records = _write_ten(store, graph, prefix="rel_bench_update")
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    updated = projection(store, viewer=VIEWER, as_of=AS_OF)
    update_s = time.perf_counter() - t0
    assert updated is not graph and all(updated.has_edge(r.source_id, r.target_id) for r in records)
    # What a user's session holds at most (the projection, its update, the
    # queries' structures), read before the baseline adds a third graph.
    peak_before_baseline = peak_rss_mib()
    # Baseline, same run, same store state: a full rebuild.
    t0 = time.perf_counter()
    rebuilt = build_projection(store, viewer=VIEWER, as_of=AS_OF)
    rebuild_s = time.perf_counter() - t0
    assert rebuilt.number_of_edges() == updated.number_of_edges()
    # A second small write: what every later update costs once the store's
    # queries are prepared (Neo4j plans each query shape on first use).
    _write_ten(store, updated, prefix="rel_bench_update_again")
    t0 = time.perf_counter()
    projection(store, viewer=VIEWER, as_of=AS_OF)
    again_s = time.perf_counter() - t0
    return {
        "second_update_s": round(again_s, 3),
        "records": len(records),
        "write_s": round(write_s, 4),
        "update_s": round(update_s, 3),
        "first_build_s": round(first_build, 3),
        "baseline": {"rebuild_s": round(rebuild_s, 3)},
        "ratio_update_vs_rebuild": ratio(update_s, rebuild_s),
        "peak_before_baseline_mib": peak_before_baseline,
    }


def _app_pages(store: GraphStore, graph: nx.MultiDiGraph[str], budget_s: float) -> dict[str, Any]:
    """Each page of the Streamlit app on this store, through Streamlit's own
    AppTest runner: its first load in a new session once the app has started
    and its warm-up (ui.warmup) is done, a rerun, and its first load right
    after a 10-record write; baseline: the first load with nothing cached and
    no warm-up (as before the warm-up existed, or for the first page opened
    the moment the server starts). Wall and CPU seconds (CPU is the steadier
    figure on a shared machine)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    # Only what the measured run uses is loaded, so it is not counted in the others.
    from ui import warmup

    path = getattr(store, "path", None)
    if path is None:
        return {"skipped": True, "why": "the app phase runs on the embedded store"}
    os.environ["ACTORGRAPH_STORE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("ACTORGRAPH_USER", "bench")

    def fresh() -> None:
        for thread in list(warmup._started.values()):
            thread.join()
        warmup.forget()
        clear_cache()
        st.cache_data.clear()
        st.cache_resource.clear()

    def session(page: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=600)
        if page != "overview":
            at.switch_page(f"views/{page}.py")  # open the app straight on this page
        return at

    def timed(at: AppTest) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        return time.perf_counter() - t0, time.process_time() - c0

    pages: dict[str, Any] = {page: {} for page in APP_PAGES}
    started = time.perf_counter()
    # The app starts: its first session (on the Data page, which shows no
    # analysis) starts the warm-up, which is timed until it is done.
    fresh()
    os.environ["ACTORGRAPH_WARM_UP"] = "true"
    t0, c0 = time.perf_counter(), time.process_time()
    session("data").run()
    for thread in list(warmup._started.values()):
        thread.join()
    warm_up = {
        "wall_s": round(time.perf_counter() - t0, 3),
        "cpu_s": round(time.process_time() - c0, 3),
    }
    log(f"  warm-up after start: {warm_up['wall_s']:.2f} s ({warm_up['cpu_s']:.2f} s CPU)")
    for page in APP_PAGES:
        at = session(page)
        first, first_cpu = timed(at)
        rerun, rerun_cpu = timed(at)
        problems = [str(e.value) for e in [*at.exception, *at.error]]
        pages[page].update(
            first_load_s=round(first, 3),
            first_load_cpu_s=round(first_cpu, 3),
            rerun_s=round(rerun, 3),
            rerun_cpu_s=round(rerun_cpu, 3),
            problems=problems[:3],
        )
        log(f"  page {page}: first load {first:.2f} s ({first_cpu:.2f} CPU), rerun {rerun:.2f} s")
    # A small write: the projection is updated, the pages' analyses of the old
    # one are gone; each page's first load in a new session after it, once
    # the app has re-warmed.
    # The write as the Data page makes it: its own rerun (timed first) sees the
    # new projection, and the app re-warms in the background, timed until done.
    _write_ten(store, graph, prefix="rel_bench_app")
    order = ["data", *[p for p in APP_PAGES if p != "data"]]
    for page in order:
        first, first_cpu = timed(session(page))
        if page == "data":
            t0, c0 = time.perf_counter(), time.process_time()
            warmup.settle()
            warm_up["after_write_wall_s"] = round(time.perf_counter() - t0, 3)
            warm_up["after_write_cpu_s"] = round(time.process_time() - c0, 3)
        pages[page].update(
            first_load_after_write_s=round(first, 3),
            first_load_after_write_cpu_s=round(first_cpu, 3),
        )
        log(f"  page {page} after a write: first load {first:.2f} s ({first_cpu:.2f} CPU)")
    os.environ["ACTORGRAPH_WARM_UP"] = "false"
    for page in APP_PAGES:
        if time.perf_counter() - started > budget_s:
            pages[page]["baseline"] = {"skipped": True, "why": "time budget spent"}
            continue
        fresh()
        cold, cold_cpu = timed(session(page))
        pages[page]["baseline"] = {
            "cold_first_load_s": round(cold, 3),
            "cold_first_load_cpu_s": round(cold_cpu, 3),
        }
        pages[page]["ratio_first_load_vs_cold"] = ratio(pages[page]["first_load_s"], cold)
        log(f"  page {page}: cold first load {cold:.2f} s ({cold_cpu:.2f} CPU)")
    del os.environ["ACTORGRAPH_WARM_UP"]
    fresh()

    def slowest(field: str) -> float | None:
        values = [p[field] for p in pages.values() if field in p]
        return max(values) if values else None

    return {
        "pages": pages,
        "warm_up": warm_up,
        "slowest_first_load_s": slowest("first_load_s"),
        "slowest_first_load_cpu_s": slowest("first_load_cpu_s"),
        "slowest_first_load_after_write_s": slowest("first_load_after_write_s"),
        "slowest_first_load_after_write_cpu_s": slowest("first_load_after_write_cpu_s"),
        "slowest_rerun_s": slowest("rerun_s"),
        "slowest_rerun_cpu_s": slowest("rerun_cpu_s"),
    }
