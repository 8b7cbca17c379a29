"""Render the results part of docs/performance.md from the benchmark's JSON files.

``python -m bench.report docs/bench/S.json docs/bench/M.json docs/bench/L.json``
rewrites what lies between ``<!-- bench:begin -->`` and ``<!-- bench:end -->``
in docs/performance.md: per size and store, every measure with ours, the
same-run baseline and their ratio; the app's pages (first load, rerun, first
load after a write, wall and CPU seconds); the machine and its load average;
and one table of every target of `bench.__main__.TARGETS`, met or not.
``--check`` changes nothing and fails when the document does not say what the
JSON files say (as ``python -m graph.schema_doc --check`` does for the
schema), so figures in the document are never typed by hand or left behind
by a new run. Without file arguments it reads every ``docs/bench/*.json``.

The document is rendered from the JSON alone (and the targets in the code):
a run that left a phase out (``--skip``, ``--queries-on``, or a JSON older
than the phase) says "not measured in this run" where that figure would be,
never fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.__main__ import TARGETS, _dig
from bench.generate import SIZES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BENCH_DIR = ROOT / "docs" / "bench"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
NOT_MEASURED = "not measured in this run"
DASH = "–"


class ReportError(Exception):
    """A JSON file or the document cannot be used; the message names which and why."""


@dataclass(frozen=True)
class Run:
    """One benchmark run: its JSON, and the path it is named by in the document."""

    name: str
    data: dict[str, Any]

    @property
    def size(self) -> str:
        return str(self.data["size"]["name"])


# --------------------------------------------------------------------------- numbers


def num(value: Any, decimals: int | None = None) -> str:
    """A figure as the document prints it: thousands separated, two decimals under
    100, three significant digits under 1 (so a ratio of 0.34 % still shows)."""
    if value is None:
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if isinstance(value, int) or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def with_cpu(wall: Any, cpu: Any) -> str:
    """Wall seconds with the CPU seconds in brackets, or what is missing."""
    if wall is None and cpu is None:
        return NOT_MEASURED
    return f"{num(wall)} ({num(cpu)})"


def pair(first: Any, second: Any) -> str:
    """Two figures of one measure (p50 / p95)."""
    return f"{num(first)} / {num(second)}"


def _phase(r: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A phase's results, or None when the run left it out (absent, or skipped)."""
    part = r.get(key)
    if not isinstance(part, dict) or part.get("skipped"):
        return None
    return part


def _why(part: Any) -> str:
    if isinstance(part, dict) and part.get("why"):
        return f"{NOT_MEASURED} ({part['why']})"
    return NOT_MEASURED


# --------------------------------------------------------------------------- one store

Row = tuple[str, str, str, str]


def _import_rows(r: dict[str, Any]) -> list[Row]:
    imp = _phase(r, "import")
    if imp is None:
        return [("import", _why(r.get("import")), DASH, DASH)]
    base = imp.get("baseline", {})
    sample = f" ({num(base.get('rows'))}-row sample)" if base.get("sampled") else ""
    return [
        (
            f"import, rows/s ({num(imp.get('rows'))} rows in batches of "
            f"{num(imp.get('batch_size'))}; time inside `store.write`)",
            num(imp.get("rows_per_s"), 0),
            num(base.get("rows_per_s"), 0) + sample,
            num(imp.get("ratio")),
        )
    ]


def _projection_rows(r: dict[str, Any]) -> list[Row]:
    proj = _phase(r, "projection")
    if proj is None:
        return [("projection build", _why(r.get("projection")), DASH, DASH)]
    return [
        (
            f"projection build, s ({num(proj.get('nodes'))} nodes, {num(proj.get('edges'))} edges)",
            num(proj.get("seconds")),
            DASH,
            DASH,
        )
    ]


def _leverage_rows(r: dict[str, Any]) -> list[Row]:
    lev = _phase(r, "leverage")
    if lev is None:
        return [("leverage paths", _why(r.get("leverage")), DASH, DASH)]
    e2e, search, naive = (lev.get(k, {}) for k in ("end_to_end", "search_only", "baseline"))
    k = lev.get("k")
    return [
        (
            f"leverage paths k={k}, p50 / p95 s, end to end (n={e2e.get('n', '?')}; "
            f"baseline n={naive.get('n', '?')})",
            pair(e2e.get("p50_s"), e2e.get("p95_s")),
            pair(naive.get("p50_s"), naive.get("p95_s")),
            f"{num(lev.get('ratio_p95'))} (p95)",
        ),
        (
            f"leverage paths k={k}, p95 s, search only (n={search.get('n', '?')})",
            num(search.get("p95_s")),
            num(naive.get("p95_s")),
            num(lev.get("ratio_p95_search_only")),
        ),
        (
            f"influence-graph collapse, s ({num(lev.get('collapsed_edges'))} edges)",
            num(lev.get("collapse_s")),
            DASH,
            DASH,
        ),
    ]


def _reach_rows(r: dict[str, Any]) -> list[Row]:
    rea = _phase(r, "reach")
    if rea is None:
        return [("reach", _why(r.get("reach")), DASH, DASH)]
    base = rea.get("baseline", {})
    return [
        (
            f"reach, all {num(r.get('engagers'))} engagers, p50 / p95 s (n={rea.get('n', '?')})",
            pair(rea.get("p50_s"), rea.get("p95_s")),
            pair(base.get("p50_s"), base.get("p95_s")),
            f"{num(rea.get('ratio_p95'))} (p95)",
        )
    ]


def _timed_rows(r: dict[str, Any], key: str) -> list[Row]:
    part = _phase(r, key)
    if part is None:
        return [(key, _why(r.get(key)), DASH, DASH)]
    label = "gaps, s"
    if key == "influencers":
        label = f"influencers, top 10 over {num(part.get('actors'))} armed actors, s"
    base = _dig(part, ("baseline", "seconds"))
    return [(label, num(part.get("seconds")), num(base), num(part.get("ratio")))]


def _update_rows(r: dict[str, Any]) -> list[Row]:
    inc = _phase(r, "incremental")
    if inc is None:
        return [("projection after a 10-record write", _why(r.get("incremental")), DASH, DASH)]
    rows: list[Row] = [
        (
            "projection after a 10-record write, s (update; baseline: full rebuild)",
            num(inc.get("update_s")),
            num(_dig(inc, ("baseline", "rebuild_s"))),
            num(inc.get("ratio_update_vs_rebuild")),
        )
    ]
    second = inc.get("second_update_s")
    rows.append(
        (
            "projection after a second 10-record write, s (the store's queries prepared)",
            NOT_MEASURED if second is None else num(second),
            DASH,
            DASH,
        )
    )
    return rows


def _warm_up_rows(r: dict[str, Any]) -> list[Row]:
    app = _phase(r, "app")
    if app is None:
        return [("app pages", _why(r.get("app")), DASH, DASH)]
    warm = app.get("warm_up")
    if not isinstance(warm, dict):
        return [("app warm-up after start, s (CPU s)", NOT_MEASURED, DASH, DASH)]
    return [
        (
            "app warm-up after start, until done, s (CPU s)",
            with_cpu(warm.get("wall_s"), warm.get("cpu_s")),
            DASH,
            DASH,
        ),
        (
            "app re-warm after a 10-record write, until done, s (CPU s)",
            with_cpu(warm.get("after_write_wall_s"), warm.get("after_write_cpu_s")),
            DASH,
            DASH,
        ),
    ]


def _cli_rows(r: dict[str, Any]) -> list[Row]:
    cli = _phase(r, "cli_startup")
    if cli is None:
        return [("CLI start-up", _why(r.get("cli_startup")), DASH, DASH)]
    base = num(_dig(cli, ("baseline", "cpu_s"))) + " (`python -c pass`)"
    return [
        (
            f"`actorgraph {command}`, CPU s per process (median of {cli.get('runs')})",
            num(part.get("cpu_s")),
            base,
            num(part.get("ratio")),
        )
        for command, part in cli.get("commands", {}).items()
    ]


def _event_rows(r: dict[str, Any]) -> list[Row]:
    events = _phase(r, "event_import")
    if events is None:
        return [
            (
                "event files end to end (`actorgraph import`)",
                _why(r.get("event_import")),
                DASH,
                DASH,
            )
        ]
    rows: list[Row] = []
    for fmt, ev in events.items():
        name = fmt.upper()
        if "failed" in ev:
            rows.append((f"{name} file import ({num(ev.get('rows'))} rows)", "failed", DASH, DASH))
            rows.append((f"{name}: why", str(ev["failed"]), DASH, DASH))
            continue
        base = ev.get("baseline", {})
        sample = f" (first {num(base.get('rows'))} rows)" if base.get("sampled") else ""
        rows += [
            (
                f"{name} file import, rows/s, whole process, wall ({num(ev.get('rows'))} rows)",
                num(ev.get("rows_per_s"), 0),
                num(base.get("rows_per_s"), 0) + sample,
                num(ev.get("ratio")),
            ),
            (
                f"{name} file import, rows per CPU s ({num(ev.get('cpu_s'))} CPU s)",
                num(ev.get("rows_per_cpu_s"), 0),
                num(base.get("rows_per_cpu_s"), 0),
                num(ev.get("ratio_cpu")),
            ),
        ]
    return rows


def _memory_rows(r: dict[str, Any]) -> list[Row]:
    mem = _phase(r, "memory")
    if mem is None:
        return [("peak memory", _why(r.get("memory")), DASH, DASH)]
    return [
        (
            "peak memory, MiB, through import, queries and update",
            num(mem.get("peak_mib")),
            DASH,
            DASH,
        ),
        (
            "peak memory, MiB, with the rebuild baseline and the app runner on top",
            num(mem.get("peak_with_baselines_mib")),
            DASH,
            DASH,
        ),
    ]


STORE_ROWS: tuple[Callable[[dict[str, Any]], list[Row]], ...] = (
    _import_rows,
    _projection_rows,
    _leverage_rows,
    _reach_rows,
    lambda r: _timed_rows(r, "influencers"),
    lambda r: _timed_rows(r, "gaps"),
    _update_rows,
    _warm_up_rows,
    _cli_rows,
    _event_rows,
    _memory_rows,
)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table; `align` has an ``l`` or ``r`` per column (figures go right)."""
    align_row = ["---:" if a == "r" else "---" for a in align]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(align_row) + "|",
        *("| " + " | ".join(map(_cell, row)) + " |" for row in rows),
    ]


def _cell(text: str) -> str:
    """Text from the JSON (an error message, a page's problem) kept inside its cell."""
    return " ".join(text.split()).replace("|", "\\|")


def store_section(size: str, store: str, r: dict[str, Any]) -> list[str]:
    """One store's measures, then its app pages."""
    rows = [row for make in STORE_ROWS for row in make(r)]
    title = "embedded store" if store == "embedded" else "Neo4j store"
    server = f" ({r['server']})" if r.get("server") else ""
    lines = [
        f"#### {size}, {title}{server}",
        "",
        *table(("measure", "ours", "baseline (same run)", "ours / baseline"), rows, "lrrr"),
        "",
    ]
    pages = _dig(r, ("app", "pages"))
    if isinstance(pages, dict) and pages:
        lines += [
            f"App pages, {title}: seconds, wall (CPU); the baseline is the same page's cold "
            "first load, nothing cached and no warm-up.",
            "",
            *table(
                (
                    "page",
                    "first load, new session",
                    "cold first load (baseline)",
                    "first / cold (wall)",
                    "rerun",
                    "first load after a write",
                ),
                [_page_row(page, part) for page, part in pages.items()],
                "lrrrrr",
            ),
            "",
        ]
    return lines


def _page_row(page: str, part: dict[str, Any]) -> tuple[str, ...]:
    cold = part.get("baseline", {})
    problems = "; ".join(part.get("problems") or [])
    label = f"*{page}*" + (f" (problems: {problems})" if problems else "")
    return (
        label,
        with_cpu(part.get("first_load_s"), part.get("first_load_cpu_s")),
        with_cpu(cold.get("cold_first_load_s"), cold.get("cold_first_load_cpu_s")),
        num(part.get("ratio_first_load_vs_cold")),
        with_cpu(part.get("rerun_s"), part.get("rerun_cpu_s")),
        with_cpu(part.get("first_load_after_write_s"), part.get("first_load_after_write_cpu_s")),
    )


# --------------------------------------------------------------------------- one run


def _load_average(values: Any) -> str:
    if not isinstance(values, list) or not values:
        return "not recorded in this run"
    return " / ".join(num(v, 2) for v in values) + " (1, 5, 15 min)"


def machine_line(run: Run) -> str:
    """What the run was measured on, and how busy the machine was."""
    m = run.data.get("machine", {})
    parts = [
        f"{m.get('platform', 'platform not recorded')}, {m.get('cpus', '?')} CPUs "
        f"({m.get('cpu', 'model not recorded')}), {m.get('memory_gib', '?')} GiB RAM",
        f"Python {m.get('python', '?')}, networkx {m.get('networkx', '?')}, "
        f"pydantic {m.get('pydantic', '?')}, SQLite {m.get('sqlite', '?')}, "
        f"neo4j driver {m.get('neo4j_driver', '?')}",
    ]
    neo = run.data.get("neo4j")
    if isinstance(neo, dict):
        server = neo.get("server", "?")
        extras = [
            f"JVM `{neo['java_mem']}`" if "java_mem" in neo else "",
            f"page cache {neo['pagecache_mb']} MiB" if "pagecache_mb" in neo else "",
            f"transaction memory {neo['tx_total_max']}" if "tx_total_max" in neo else "",
        ]
        parts.append(f"Neo4j: {server}" + "".join(f", {e}" for e in extras if e))
    load = (
        f"Load average at the start: {_load_average(m.get('load_average_at_start'))}; "
        f"at the end: {_load_average(m.get('load_average_at_end'))}."
    )
    return "Machine: " + "; ".join(parts) + ". " + load


def run_section(run: Run) -> list[str]:
    """One size: how it was run, on what, then each store."""
    d = run.data
    size = d["size"]
    code = d.get("code", {})
    commit = code.get("commit") or "not recorded"
    if code.get("modified_files"):
        commit += " with modified files"
    command = d.get("command")
    asked = f"`{command}`" if command else "Command line not recorded in this run"
    lines = [
        f"### {run.size}",
        "",
        f"{asked} (`{run.name}`): {num(size.get('nodes'))} nodes, "
        f"{num(size.get('relationships'))} relationships, seed {d.get('seed', '?')}, "
        f"question date {d.get('as_of', '?')}. Commit {commit}, started "
        f"{d.get('started_at', '?')}, {num(d.get('wall_s'), 0)} s wall.",
        "",
        machine_line(run),
        "",
    ]
    stores = d.get("stores") or {}
    if not stores:
        return [*lines, f"No store was measured: {NOT_MEASURED}.", ""]
    for store, result in stores.items():
        lines += store_section(run.size, store, result)
    return lines


# --------------------------------------------------------------------------- targets


def _verdict(value: float, op: str, bound: float) -> str:
    met = value <= bound if op == "<=" else value >= bound
    return "met" if met else "**not met**"


def target_rows(runs: Sequence[Run]) -> list[tuple[str, ...]]:
    """Every target of `TARGETS`, for each store it applies to: the value and verdict.

    A target for any store is shown for each store that measured it (the
    queries run on one store when the graph is the same on all); a target no
    run measured says so, as does one whose size was not run at all.
    """
    by_size = {run.size: run for run in runs}
    rows: list[tuple[str, ...]] = []
    for size, store, label, path, op, bound in TARGETS:
        target = f"{label} {op} {bound:,g}"
        results = by_size[size].data.get("stores", {}) if size in by_size else {}
        stores = [store] if store is not None else list(results)
        values = [(s, _dig(results[s], path)) for s in stores if s in results]
        measured = [(s, v) for s, v in values if isinstance(v, int | float)]
        if not measured:
            rows.append((size, store or "any", target, NOT_MEASURED, DASH))
            continue
        for s, value in measured:
            rows.append((size, s, target, num(value), _verdict(value, op, bound)))
    return rows


# --------------------------------------------------------------------------- document


def render(runs: Sequence[Run]) -> str:
    """The generated part of docs/performance.md, markers included."""
    names = " ".join(run.name for run in runs)
    lines = [
        BEGIN,
        f"<!-- Generated by `python -m bench.report {names}`; do not edit by hand. -->",
        "",
        "## Results",
        "",
        "Ours, the straightforward baseline timed in the same run, and ours / baseline "
        "(for rows/s higher is better, for seconds lower). Times are wall seconds unless "
        "they say CPU; on a shared machine CPU seconds are the steadier figure.",
        "",
    ]
    for run in runs:
        try:
            lines += run_section(run)
        except (AttributeError, KeyError, TypeError) as e:
            # A part of the file is not shaped as `python -m bench` writes it.
            raise ReportError(f"{run.name}: unexpected shape near {e!r}") from e
    lines += [
        "## Targets (issues 7 and 13)",
        "",
        "Every target of `bench/__main__.py` (`TARGETS`), against the runs above: "
        "reported, never enforced.",
        "",
        *table(("size", "store", "target", "measured", "verdict"), target_rows(runs), "lllrl"),
        "",
        END,
    ]
    return "\n".join(lines)


def splice(document: str, generated: str, doc_name: str) -> str:
    """`document` with what lies between the markers (markers included) replaced."""
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise ReportError(
            f"{doc_name}: no '{BEGIN}' line followed by an '{END}' line; add both where "
            "the generated results belong"
        )
    return document[:start] + generated + document[end + len(END) :]


def _shown(path: Path) -> str:
    """A JSON file as the document names it: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load(path: Path) -> Run:
    """Read one run's JSON; a file that is not one says which file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ReportError(f"{path}: cannot read it ({e.strerror})") from e
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    name = _dig(data, ("size", "name")) if isinstance(data, dict) else None
    if name not in SIZES:
        raise ReportError(
            f"{path}: field size.name is {name!r}, not one of {', '.join(SIZES)}; "
            "is this the JSON of `python -m bench --json`?"
        )
    if not isinstance(data.get("stores", {}), dict):
        raise ReportError(f"{path}: field stores is not an object of store results")
    return Run(name=_shown(path), data=data)


def load_runs(paths: Sequence[Path]) -> list[Run]:
    """The runs in the order given; two runs of one size would make the targets ambiguous."""
    runs = [load(p) for p in paths]
    seen: dict[str, str] = {}
    for run in runs:
        if run.size in seen:
            raise ReportError(
                f"{run.name}: a second run of size {run.size} (after {seen[run.size]})"
            )
        seen[run.size] = run.name
    return runs


def default_paths() -> list[Path]:
    """Every docs/bench/*.json, smallest size first."""
    order = {name: i for i, name in enumerate(SIZES)}
    return sorted(BENCH_DIR.glob("*.json"), key=lambda p: (order.get(p.stem, len(order)), p.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("json", nargs="*", type=Path, help="runs (default: docs/bench/*.json)")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document to write")
    parser.add_argument(
        "--check", action="store_true", help="fail if the document does not match the JSON"
    )
    args = parser.parse_args(argv)
    try:
        runs = load_runs(args.json or default_paths())
        if not runs:
            raise ReportError(f"no JSON files given and none in {_shown(BENCH_DIR)}")
        try:
            document = args.doc.read_text(encoding="utf-8")
        except OSError as e:
            raise ReportError(f"{args.doc}: cannot read it ({e.strerror})") from e
        updated = splice(document, render(runs), str(args.doc))
    except ReportError as e:
        print(f"bench.report: {e}", file=sys.stderr)
        return 2
    if args.check:
        if updated != document:
            print(
                f"bench.report: {args.doc} does not match "
                f"{' '.join(run.name for run in runs)}; run python -m bench.report "
                "to regenerate it",
                file=sys.stderr,
            )
            return 1
        return 0
    if updated != document:
        args.doc.write_text(updated, encoding="utf-8")
        print(f"bench.report: wrote {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
