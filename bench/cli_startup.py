"""CPU a whole `actorgraph` process takes for the everyday commands (issue 13).

`actorgraph --help`, `stats`, `search` and `show` each start a fresh
interpreter, as a user's shell does. What a user waits for is mostly start-up
(imports, building validators), so the figure is the whole process's CPU time
(user + system, from ``wait4``), not a time measured inside it. The same-run
baseline is the interpreter doing nothing (``python -c pass``): the floor no
command can go under on this machine, and a measure of its load.

Each command runs once first, unmeasured, so that Python's bytecode cache is
written (an installed wheel has it; ``PYTHONDONTWRITEBYTECODE`` is dropped
for these runs), then `runs` times; the median is reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one child process run to its end."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"{' '.join(argv[2:])} exited {code}: {message}")
    return usage.ru_utime + usage.ru_stime


def _median_cpu(argv: list[str], env: dict[str, str], runs: int) -> float:
    _cpu_of(argv, env)  # writes the bytecode cache; not measured
    return statistics.median(_cpu_of(argv, env) for _ in range(runs))


def measure(store_url: str, name: str, record_id: str, runs: int = 5) -> dict[str, Any]:
    """Median whole-process CPU of each everyday command against `store_url`,
    searching for `name` and showing `record_id`, with the idle interpreter as baseline."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cli = [sys.executable, "-m", "ui.cli"]
    commands = {
        "--help": [*cli, "--help"],
        "stats": [*cli, "--store", store_url, "stats"],
        "search": [*cli, "--store", store_url, "search", name],
        "show": [*cli, "--store", store_url, "show", record_id],
    }
    baseline = _median_cpu([sys.executable, "-c", "pass"], env, runs)
    out: dict[str, Any] = {"runs": runs, "baseline": {"cpu_s": round(baseline, 3)}, "commands": {}}
    for label, argv in commands.items():
        cpu = _median_cpu(argv, env, runs)
        out["commands"][label] = {
            "cpu_s": round(cpu, 3),
            "ratio": round(cpu / baseline, 2) if baseline > 0 else None,
        }
    out["slowest_cpu_s"] = max(c["cpu_s"] for c in out["commands"].values())
    return out
