"""The leak test, on both stores: the only route to a target runs through a confidential
interlocutor (the FICTIONAL demo's Ivo Sarnethe); a restricted caller gets no path and no
hint of one from any command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ui.cli import app


def test_no_command_hints_at_a_confidential_interlocutor(runner: CliRunner, store_url: str) -> None:
    loaded = runner.invoke(app, ["--store", store_url, "demo", "--no-ui", "--json"])
    assert loaded.exit_code == 0, loaded.stderr
    full = runner.invoke(app, ["--store", store_url, "paths", "--to", "per_ulven", "--json"])
    assert "per_sarnethe" in full.stdout  # the route exists for those cleared for it

    low = ["--store", store_url, "--clearance", "restricted"]
    outputs = {}
    for command in (
        ["paths", "--to", "per_ulven", "--json"],
        ["paths", "--to", "act_srf", "--json"],
        ["reach", "act_srf", "--json"],
        ["gaps", "--json"],
        ["influencers", "--json"],
        ["search", "Sarnethe", "--json"],
        ["stats", "--json"],
        ["neighbours", "per_ulven", "--json"],
        ["profile", "act_srf", "--json"],
    ):
        result = runner.invoke(app, [*low, *command])
        assert result.exit_code == 0, (command, result.stderr)
        outputs[command[0] + " " + command[-2]] = result.stdout
        assert "sarnethe" not in (result.stdout + result.stderr).lower(), command
    assert json.loads(outputs["paths per_ulven"])["paths"] == []
    assert json.loads(outputs["search Sarnethe"]) == []
    hidden = runner.invoke(app, [*low, "show", "per_sarnethe"])
    assert hidden.exit_code == 6  # the same answer as for an id that never existed
    assert hidden.stderr == runner.invoke(app, [*low, "show", "per_nobody"]).stderr.replace(
        "per_nobody", "per_sarnethe"
    )
