"""`python -m bench.report` renders docs/performance.md's results from the bench JSON.

The document's figures come from the JSON files alone, so a test can build a
small run by hand and check what a reader sees: each measure with its
baseline and ratio, the app pages in wall and CPU seconds, the machine and
its load, every target met or not, and "not measured in this run" where a
run left a phase out. `--check` is the drift check the lint line runs.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.__main__ import TARGETS

ROOT = Path(__file__).resolve().parents[2]


def _page(first: float, first_cpu: float, cold: float) -> dict[str, Any]:
    return {
        "first_load_s": first,
        "first_load_cpu_s": first_cpu,
        "rerun_s": 0.21,
        "rerun_cpu_s": 0.13,
        "first_load_after_write_s": 0.52,
        "first_load_after_write_cpu_s": 0.34,
        "problems": [],
        "baseline": {"cold_first_load_s": cold, "cold_first_load_cpu_s": 4.44},
        "ratio_first_load_vs_cold": round(first / cold, 4),
    }


def _embedded() -> dict[str, Any]:
    """One store's results, every phase measured (figures invented, shaped as bench writes)."""
    timing = {"n": 30, "p50_s": 0.0123, "p95_s": 0.0456, "max_s": 0.05}
    return {
        "store": "embedded",
        "memory": {"peak_mib": 3210.4, "peak_with_baselines_mib": 4321.0},
        "import": {
            "rows": 119_964,
            "rows_per_s": 61_234.5,
            "batch_size": 10_000,
            "baseline": {"rows": 2_000, "rows_per_s": 43.0, "sampled": True},
            "ratio": 12.01,
        },
        "projection": {"seconds": 1.876, "nodes": 20_000, "edges": 95_468},
        "engagers": 33,
        "leverage": {
            "k": 5,
            "collapse_s": 1.2,
            "collapsed_edges": 68_179,
            "end_to_end": timing,
            "search_only": {**timing, "p95_s": 0.0333},
            "baseline": {"n": 30, "p50_s": 0.062, "p95_s": 0.777, "max_s": 0.9},
            "ratio_p95": 0.0587,
            "ratio_p95_search_only": 0.0429,
        },
        "reach": {
            "n": 5,
            "p50_s": 0.062,
            "p95_s": 0.465,
            "baseline": {"n": 5, "p50_s": 2.04, "p95_s": 2.23},
            "ratio_p95": 0.2084,
        },
        "influencers": {"seconds": 1.654, "actors": 40, "baseline": {"seconds": 57.67}},
        "gaps": {"seconds": 4.34, "baseline": {"seconds": 2.11}, "ratio": 2.06},
        "cli_startup": {
            "runs": 5,
            "baseline": {"cpu_s": 0.018},
            "commands": {
                "--help": {"cpu_s": 0.312, "ratio": 17.3},
                "stats": {"cpu_s": 0.455, "ratio": 25.3},
            },
            "slowest_cpu_s": 0.455,
        },
        "event_import": {
            "acled": {
                "rows": 50_000,
                "wall_s": 4.0,
                "cpu_s": 3.5,
                "rows_per_s": 12_500.0,
                "rows_per_cpu_s": 14_285.7,
                "baseline": {
                    "rows": 5_000,
                    "rows_per_s": 810.0,
                    "rows_per_cpu_s": 896.0,
                    "sampled": True,
                },
                "ratio": 15.43,
                "ratio_cpu": 15.94,
            },
            "ucdp": {"rows": 50_000, "failed": "ours: Neo4j refused | the write\nof 50,000 rows"},
        },
        "incremental": {
            "update_s": 0.071,
            "second_update_s": 0.043,
            "baseline": {"rebuild_s": 20.8},
            "ratio_update_vs_rebuild": 0.0034,
        },
        "app": {
            "warm_up": {
                "wall_s": 83.3,
                "cpu_s": 22.5,
                "after_write_wall_s": 9.1,
                "after_write_cpu_s": 4.2,
            },
            "pages": {"overview": _page(1.25, 0.29, 6.58), "network": _page(2.5, 1.98, 5.0)},
            "slowest_first_load_s": 2.5,
            "slowest_first_load_cpu_s": 1.98,
            "slowest_first_load_after_write_cpu_s": 0.34,
            "slowest_rerun_s": 0.21,
        },
    }


def _run(size: str = "M") -> dict[str, Any]:
    return {
        "size": {"name": size, "nodes": 20_000, "relationships": 100_000},
        "seed": 0,
        "as_of": "2025-06-01",
        "command": f"python -m bench --size {size} --stores embedded,neo4j",
        "started_at": "2026-12-02T10:00:00+00:00",
        "machine": {
            "platform": "Linux-test",
            "cpus": 2,
            "cpu": "Test CPU",
            "memory_gib": 23.5,
            "python": "3.11.7",
            "load_average_at_start": [0.31, 0.52, 0.93],
            "load_average_at_end": [1.84, 1.4, 1.25],
        },
        "code": {"commit": "abc1234", "modified_files": False},
        "neo4j": {"server": "scripts/neo4j-local (throwaway)", "java_mem": "-Xmx12g"},
        "stores": {
            "embedded": _embedded(),
            # The queries ran on the embedded store only (--queries-on embedded).
            "neo4j": {
                "store": "neo4j",
                "server": "Neo4j/5.26.30",
                "memory": {"peak_mib": 436.0, "peak_with_baselines_mib": 641.0},
                "import": {
                    "rows": 119_964,
                    "rows_per_s": 5_674.2,
                    "batch_size": 10_000,
                    "baseline": {"rows": 2_000, "rows_per_s": 174.0, "sampled": True},
                    "ratio": 32.7,
                },
                "projection": {"seconds": 2.9, "nodes": 20_000, "edges": 95_468},
                "incremental": {
                    "update_s": 6.69,
                    "baseline": {"rebuild_s": 39.6},
                    "ratio_update_vs_rebuild": 0.169,
                },
                "app": {"skipped": True, "why": "the app phase runs on the embedded store"},
            },
        },
        "wall_s": 304.2,
    }


def _row(text: str, starts: str) -> list[str]:
    """The cells of the one table row whose first cell starts with `starts`."""
    rows = [line for line in text.splitlines() if line.startswith(f"| {starts}")]
    assert len(rows) == 1, (starts, rows)
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", rows[0])[1:-1]]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n#### ", start + len(heading))
    return text[start : end if end >= 0 else None]


def _write(tmp_path: Path, runs: dict[str, dict[str, Any]]) -> list[Path]:
    paths = []
    for size, data in runs.items():
        path = tmp_path / f"{size}.json"
        path.write_text(json.dumps(data))
        paths.append(path)
    return paths


def _doc(tmp_path: Path) -> Path:
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Performance\n\nHand-written intro.\n\n"
        f"{report.BEGIN}\nstale figures\n{report.END}\n\n## Where the time goes\n\nProse.\n"
    )
    return doc


def test_report_renders_each_measure_with_baseline_and_ratio(tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    paths = _write(tmp_path, {"M": _run("M")})

    assert report.main([*map(str, paths), "--doc", str(doc)]) == 0

    text = doc.read_text()
    embedded = _section(text, "#### M, embedded store")
    assert _row(embedded, "import, rows/s (119,964 rows")[1:] == [
        "61,234",
        "43 (2,000-row sample)",  # rows per second are whole numbers
        "12.01",
    ]
    assert _row(embedded, "leverage paths k=5, p50 / p95 s, end to end")[1:] == [
        "0.0123 / 0.0456",
        "0.062 / 0.777",
        "0.0587 (p95)",
    ]
    assert _row(embedded, "leverage paths k=5, p95 s, search only")[1:] == [
        "0.0333",
        "0.777",
        "0.0429",
    ]
    assert _row(embedded, "reach, all 33 engagers")[1:] == [
        "0.062 / 0.465",
        "2.04 / 2.23",
        "0.208 (p95)",
    ]
    # A ratio the run did not write is shown as missing, never computed here.
    assert _row(embedded, "influencers, top 10 over 40")[1:] == ["1.65", "57.67", "–"]
    assert _row(embedded, "projection after a 10-record write")[1:] == ["0.071", "20.80", "0.0034"]
    assert _row(embedded, "projection after a second 10-record write")[1] == "0.043"
    assert _row(embedded, "`actorgraph stats`, CPU s per process")[1:] == [
        "0.455",
        "0.018 (`python -c pass`)",
        "25.30",
    ]
    assert _row(embedded, "ACLED file import, rows/s")[1:] == [
        "12,500",
        "810 (first 5,000 rows)",
        "15.43",
    ]
    assert _row(embedded, "ACLED file import, rows per CPU s")[1:] == ["14,286", "896", "15.94"]
    # A failed import is reported with its reason, the table left intact.
    assert _row(embedded, "UCDP file import")[1] == "failed"
    assert _row(embedded, "UCDP: why")[1] == r"ours: Neo4j refused \| the write of 50,000 rows"
    assert _row(embedded, "app warm-up after start")[1] == "83.30 (22.50)"
    assert _row(embedded, "peak memory, MiB, through import")[1] == "3,210"
    # The app pages: first load, cold first load, rerun, after a write; wall (CPU).
    assert _row(embedded, "*network*")[1:] == [
        "2.50 (1.98)",
        "5.00 (4.44)",
        "0.5",
        "0.21 (0.13)",
        "0.52 (0.34)",
    ]
    # The hand-written parts are left as they were; the stale figures are gone.
    assert text.startswith("# Performance\n\nHand-written intro.\n\n")
    assert text.endswith("\n\n## Where the time goes\n\nProse.\n")
    assert "stale figures" not in text


def test_report_names_the_machine_load_commit_and_command() -> None:
    text = report.render([report.Run("docs/bench/M.json", _run("M"))])

    assert "`python -m bench --size M --stores embedded,neo4j` (`docs/bench/M.json`)" in text
    assert "Commit abc1234" in text and "304 s wall" in text
    assert "2 CPUs (Test CPU), 23.5 GiB RAM" in text
    assert "Load average at the start: 0.31 / 0.52 / 0.93" in text
    assert "at the end: 1.84 / 1.40 / 1.25" in text
    assert "#### M, Neo4j store (Neo4j/5.26.30)" in text


def test_every_target_is_listed_once_per_store_with_its_verdict() -> None:
    run = _run("M")
    text = report.render([report.Run("M.json", run)])
    targets = text[text.index("## Targets") :]

    assert _row(targets, "M | embedded | import (rows/s) >= 50,000")[3:] == ["61,234", "met"]
    assert _row(targets, "M | neo4j | import (rows/s) >= 20,000")[3:] == ["5,674", "**not met**"]
    # A target for any store is shown for each store that measured it.
    assert _row(targets, "M | embedded | update after 10 records / rebuild")[3:] == [
        "0.0034",
        "met",
    ]
    assert _row(targets, "M | neo4j | update after 10 records / rebuild")[3:] == [
        "0.169",
        "**not met**",
    ]
    assert _row(targets, "M | embedded | network page, first load (CPU s) <= 2")[3:] == [
        "1.98",
        "met",
    ]
    assert _row(targets, "M | embedded | slowest app page, first load (s) <= 2")[3:] == [
        "2.50",
        "**not met**",
    ]
    # L was not run: its targets say so rather than vanish.
    assert _row(targets, "L | any | update after 10 records (s)")[3:] == [
        report.NOT_MEASURED,
        "–",
    ]
    # One row per target and store: nothing in TARGETS is left out.
    rows = [line for line in targets.splitlines() if re.match(r"\| [SML] \|", line)]
    assert {row.split(" | ")[2] for row in rows} == {
        f"{label} {op} {bound:,g}" for _, _, label, _, op, bound in TARGETS
    }


def test_a_run_with_phases_left_out_says_not_measured(tmp_path: Path) -> None:
    run = _run("S")
    embedded = run["stores"]["embedded"]
    for phase in ("reach", "influencers", "gaps", "app"):
        embedded[phase] = {"skipped": True}
    for phase in ("cli_startup", "event_import", "leverage"):
        del embedded[phase]
    del embedded["incremental"]["second_update_s"]
    del run["machine"]["load_average_at_end"]
    del run["command"]
    doc = _doc(tmp_path)

    assert report.main([*map(str, _write(tmp_path, {"S": run})), "--doc", str(doc)]) == 0

    text = doc.read_text()
    section = _section(text, "#### S, embedded store")
    for label in ("reach", "influencers", "gaps", "app pages", "CLI start-up", "leverage paths"):
        assert _row(section, f"{label} |")[1] == report.NOT_MEASURED, label
    assert _row(section, "event files end to end")[1] == report.NOT_MEASURED
    assert _row(section, "projection after a second 10-record write")[1] == report.NOT_MEASURED
    assert "App pages, embedded store" not in section
    assert "at the end: not recorded in this run" in text
    assert "Command line not recorded in this run" in text
    neo4j = _section(text, "#### S, Neo4j store")
    assert _row(neo4j, "app pages")[1] == (
        f"{report.NOT_MEASURED} (the app phase runs on the embedded store)"
    )


def test_a_partial_phase_shows_dashes_for_what_it_lacks() -> None:
    run = _run("M")
    embedded = run["stores"]["embedded"]
    embedded["import"] = {"rows": 5_978}  # an older or cut-short run
    embedded["leverage"] = {"k": 5, "end_to_end": {"n": 3, "p95_s": 0.5}}

    text = report.render([report.Run("M.json", run)])

    assert _row(text, "import, rows/s (5,978 rows")[1:] == ["–", "–", "–"]
    assert _row(text, "leverage paths k=5, p50 / p95 s, end to end (n=3; baseline n=?)")[1:] == [
        "– / 0.5",
        "– / –",
        "– (p95)",
    ]


def test_check_passes_on_a_rendered_document_and_fails_on_a_stale_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(tmp_path)
    paths = [str(p) for p in _write(tmp_path, {"S": _run("S"), "M": _run("M")})]
    assert report.main([*paths, "--doc", str(doc), "--check"]) == 1  # never rendered
    assert report.main([*paths, "--doc", str(doc)]) == 0
    rendered = doc.read_text()

    assert report.main([*paths, "--doc", str(doc), "--check"]) == 0
    assert doc.read_text() == rendered

    # A new run of M with one figure changed: the document no longer matches.
    newer = copy.deepcopy(_run("M"))
    newer["stores"]["embedded"]["import"]["rows_per_s"] = 48_000.0
    (tmp_path / "M.json").write_text(json.dumps(newer))
    capsys.readouterr()
    assert report.main([*paths, "--doc", str(doc), "--check"]) == 1
    assert "does not match" in capsys.readouterr().err
    assert doc.read_text() == rendered  # --check writes nothing


def test_bad_input_names_the_file_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(tmp_path)
    before = doc.read_text()
    broken = tmp_path / "broken.json"
    broken.write_text('{"size": {"name": "M"}, "stores": ')
    not_a_run = tmp_path / "other.json"
    not_a_run.write_text(json.dumps({"size": {"name": "XL"}}))
    no_markers = tmp_path / "plain.md"
    no_markers.write_text("# Performance\n")
    good = _write(tmp_path, {"M": _run("M")})[0]
    odd = _run("S")
    odd["stores"]["neo4j"] = ["not", "a", "store's results"]
    misshapen = _write(tmp_path, {"S": odd})[0]

    cases = [
        ([str(broken)], doc, "broken.json: not JSON (line 1"),
        ([str(not_a_run)], doc, "other.json: field size.name is 'XL'"),
        ([str(tmp_path / "missing.json")], doc, "missing.json: cannot read it"),
        ([str(good), str(good)], doc, "a second run of size M"),
        ([str(good)], no_markers, "plain.md: no '<!-- bench:begin -->' line"),
        ([str(misshapen)], doc, "S.json: unexpected shape"),
    ]
    for args, target, message in cases:
        capsys.readouterr()
        assert report.main([*args, "--doc", str(target)]) == 2, message
        assert message in capsys.readouterr().err
    assert doc.read_text() == before
    assert no_markers.read_text() == "# Performance\n"


def test_the_committed_document_matches_the_committed_runs() -> None:
    """What `--check` in scripts/test enforces, here so a test run catches it too."""
    assert report.main(["--check"]) == 0


def test_links_between_the_performance_documents_resolve() -> None:
    """Sections moved to performance-history.md are linked by their anchors."""
    docs = ROOT / "docs"

    def anchors(path: Path) -> set[str]:
        headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
        return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}

    for name in ("performance.md", "performance-history.md"):
        text = (docs / name).read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w\-.]*\.md)?#([\w\-]+)\)", text):
            linked = docs / (target or name)
            assert anchor in anchors(linked), f"{name}: #{anchor} is not a heading of {linked}"
