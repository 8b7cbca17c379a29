"""`python -m bench --size S` runs end to end on both stores and writes its JSON.

CI runs this at size S only, and checks the shape of the report, never an
absolute time: speed is measured on demand at M and L (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.neo4j
def test_bench_size_s_measures_both_stores_and_writes_json(
    tmp_path: Path, neo4j_credentials: dict[str, str]
) -> None:
    out = tmp_path / "bench.json"
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_credentials["uri"],
        "NEO4J_USER": neo4j_credentials["user"],
        "NEO4J_PASSWORD": neo4j_credentials["password"],
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--size",
            "S",
            "--stores",
            "embedded,neo4j",
            "--json",
            str(out),
            "--targets",
            "30",
            "--reach-targets",
            "5",
            "--baseline-rows",
            "500",
            # The test server is throwaway: tests wipe it between runs.
            "--reset-neo4j",
            "--event-rows",
            "1000",
            "--event-baseline-rows",
            "500",
            "--workdir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,  # a hang ceiling: a loaded machine runs the bench for minutes
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert set(report["stores"]) == {"embedded", "neo4j"}
    # What docs/performance.md says of the run: how it was asked for, and the load it ran under.
    assert report["command"].startswith("python -m bench --size S --stores embedded,neo4j")
    assert len(report["machine"]["load_average_at_end"]) == 3
    for store, result in report["stores"].items():
        assert result["import"]["rows"] > 5_000, store
        assert result["import"]["rows_per_s"] > 0
        assert result["import"]["baseline"]["rows"] == 500
        assert result["projection"]["nodes"] > 500
        assert result["leverage"]["end_to_end"]["n"] == 30
        assert result["leverage"]["baseline"]["n"] == 30
        assert result["reach"]["n"] == 5
        for key in ("influencers", "gaps"):
            assert result[key]["seconds"] >= 0 and result[key]["ratio"] is not None
        assert result["incremental"]["ratio_update_vs_rebuild"] is not None
        assert result["memory"]["peak_mib"] >= result["memory"]["after_import_mib"] > 0
        # Event files end to end through `actorgraph import`, against the straightforward path.
        for fmt in ("acled", "ucdp"):
            event = result["event_import"][fmt]
            assert event["rows"] == 1000 and event["rows_per_s"] > 0, (store, fmt)
            assert event["baseline"]["rows"] == 500 and event["baseline"]["sampled"]
            assert event["ratio"] > 0 and event["cpu_s"] > 0
    # The app's pages are measured on the embedded store, each rendering cleanly.
    pages = report["stores"]["embedded"]["app"]["pages"]
    assert set(pages) == {"overview", "profile", "network", "paths", "coverage", "data"}
    for page, part in pages.items():
        assert part["problems"] == [], page
        assert part["rerun_s"] > 0 and part["first_load_s"] > 0, page
        assert part["first_load_cpu_s"] > 0 and part["first_load_after_write_s"] > 0, page
        assert part["rerun_cpu_s"] >= 0 and part["first_load_after_write_cpu_s"] >= 0, page
        assert part["baseline"]["cold_first_load_s"] > 0, page
    app = report["stores"]["embedded"]["app"]
    assert app["warm_up"]["wall_s"] > 0 and app["slowest_first_load_s"] > 0
    assert report["stores"]["neo4j"]["app"]["skipped"]
    assert "app warm-up after start" in done.stdout
    # CLI start-up: whole-process CPU per everyday command, against an idle interpreter.
    startup = report["stores"]["embedded"]["cli_startup"]
    assert set(startup["commands"]) == {"--help", "stats", "search", "show"}
    assert startup["baseline"]["cpu_s"] > 0
    for command, part in startup["commands"].items():
        assert part["cpu_s"] > startup["baseline"]["cpu_s"], command
    assert "cli_startup" not in report["stores"]["neo4j"]
    assert "actorgraph --help, CPU s per process" in done.stdout
    # The table goes to stdout, progress to stderr.
    assert "ours/baseline" in done.stdout and "bench:" not in done.stdout
    assert "ACLED file import rows/s" in done.stdout
    assert "bench:" in done.stderr
