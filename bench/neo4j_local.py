"""Talking to `scripts/neo4j-local`, shared by the benchmark and the test fixtures."""

from __future__ import annotations

from pathlib import Path

NEO4J_LOCAL = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-local"


def parse_exports(text: str) -> dict[str, str]:
    """The ``export NAME=value`` lines `neo4j-local start` prints, as a dict."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line.removeprefix("export ").split("=", 1)
            env[key.strip()] = value.strip().strip("'\"")
    return env
