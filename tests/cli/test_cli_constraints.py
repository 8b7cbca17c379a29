"""The path options of the query commands build one `PathConstraints`, on both stores.

Left out, ``--min-confidence`` means the analyses' own floor
(`queries.constraints.MIN_CONFIDENCE`); given, it changes every analysis the
same way. Data: the FICTIONAL demo scenario.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from queries.constraints import MIN_CONFIDENCE
from ui.cli import app

COMMANDS = (
    ("paths", "--to", "per_ulven"),
    ("reach", "act_srf"),
    ("gaps",),
    ("influencers",),
)


def test_path_options_left_out_mean_the_analyses_defaults(
    runner: CliRunner, store_url: str
) -> None:
    loaded = runner.invoke(app, ["--store", store_url, "demo", "--no-ui", "--json"])
    assert loaded.exit_code == 0, loaded.stderr
    day = ("--as-of", "2025-06-01", "--json")
    for command in COMMANDS:
        plain = runner.invoke(app, ["--store", store_url, *command, *day])
        floor = runner.invoke(
            app, ["--store", store_url, *command, "--min-confidence", str(MIN_CONFIDENCE), *day]
        )
        certain = runner.invoke(
            app, ["--store", store_url, *command, "--min-confidence", "1", *day]
        )
        assert plain.exit_code == floor.exit_code == certain.exit_code == 0, command
        assert json.loads(plain.stdout) == json.loads(floor.stdout), command
        # Few demo records claim full confidence: raising the floor changes every answer.
        assert json.loads(certain.stdout) != json.loads(plain.stdout), command
