"""Start-up: the everyday commands do not load what only the analyses and the app need.

`actorgraph --help`, `stats`, `search` and `show` used to import networkx (via
the analysis commands), rich (typer's help formatting) and build every pydantic
model before reading a line: about 1.5 s of CPU for a one-line answer. The
CPU figures are measured by `bench/` (`cli_startup`); this test is the
behavioural guard: it runs each command in a fresh interpreter, as a user
does, and lists the heavy modules that ended up loaded, the model classes
it created (`graph.model` creates them by family on first use) and whether
pydantic scanned the installed distributions for plugins. No timing here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.stores.embedded_store import EmbeddedStore
from tests.factories import full_batch

ROOT = Path(__file__).resolve().parents[2]
# Loaded only by the commands that need them: analyses (networkx, numpy, numba),
# the app and its views (streamlit, plotly, pyvis), spreadsheets (openpyxl),
# rich help and progress bars (rich), accounts (argon2, anyascii: a store
# without accounts hashes no password), the team-server client; and never
# pydantic-settings (settings are read by a plain model).
HEAVY = (
    "networkx",
    "numpy",
    "numba",
    "streamlit",
    "plotly",
    "pyvis",
    "openpyxl",
    "rich",
    "pydantic_settings",
    "argon2",
    "anyascii",
    "graph.stores.remote_store",
)

_PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["actorgraph", *json.loads(sys.argv[1])]
import typer.main
converted = []
_convert = typer.main.get_command_from_info
def _counting(command_info, **kwargs):
    converted.append(command_info.callback)
    return _convert(command_info, **kwargs)
typer.main.get_command_from_info = _counting
from ui import cli
try:
    cli.main()
except SystemExit:
    pass
loaded = [name for name in heavy if name in sys.modules]
# Before anything below asks graph.model for a class (which would create it).
families = [name for name in ("graph.envelope", "graph.node_models",
            "graph.relationship_models") if name in sys.modules]
# The classes graph.model holds (before the split it held all of them from import).
made = [name for name in ("Envelope", "ArmedActor", "Commands")
        if name in vars(sys.modules.get("graph.model", sys))]
loader = sys.modules.get("pydantic.plugin._loader")
scanned = loader is not None and loader._plugins is not None
from graph import model
from graph.schema import SCHEMA
unbuilt = [kind for kind in ("Person", "Community", "Engagement")
           if getattr(model, kind).__pydantic_complete__]
# The validators of every node kind or relationship type at once (the unions).
unbuilt += [name for name in ("_node_adapter", "_rel_adapter") if name in vars(SCHEMA)]
from typer.main import get_command_name
converted = [get_command_name(f.__name__) for f in converted]
print("\\nPROBE " + json.dumps({"loaded": loaded, "built": unbuilt, "converted": converted,
                              "families": families, "made": made, "plugins_scanned": scanned}))
"""


def _run(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | (env or {}),
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("PROBE ")]
    assert line, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(line[-1].removeprefix("PROBE "))
    return result


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("startup") / "cli.db"
    store = EmbeddedStore(path)
    store.write(full_batch(), actor="test")
    store.close()
    return f"sqlite:///{path}"


def test_help_loads_no_heavy_module() -> None:
    assert _run(["--help"])["loaded"] == []


@pytest.mark.parametrize(
    "command",
    [["stats"], ["search", "Seven Hills"], ["show", "act_1"], ["show", "act_1", "--json"]],
)
def test_everyday_commands_load_no_heavy_module(store_url: str, command: list[str]) -> None:
    result = _run(["--store", store_url, *command])
    assert result["loaded"] == []
    # Reading one armed actor does not build the validators of unrelated kinds.
    assert result["built"] == []
    # typer turned only the command asked for into a click command, not all 70.
    assert result["converted"] == [command[0]]


def test_help_and_stats_create_no_model_class(store_url: str) -> None:
    # `stats` counts the store's rows: no record is read, so no class is made.
    for run in (_run(["--help"]), _run(["--store", store_url, "stats"])):
        assert (run["families"], run["made"]) == ([], [])


@pytest.mark.parametrize(
    ("command", "families"),
    [
        (["search", "Seven Hills"], ["graph.envelope", "graph.node_models"]),
        (["show", "act_1"], ["graph.envelope", "graph.node_models"]),
        (["show", "rel_ally"], ["graph.envelope", "graph.relationship_models"]),
    ],
)
def test_reading_records_creates_only_their_family_of_classes(
    store_url: str, command: list[str], families: list[str]
) -> None:
    assert _run(["--store", store_url, *command])["families"] == families


@pytest.mark.parametrize("command", [["stats"], ["search", "Seven Hills"], ["show", "act_1"]])
def test_commands_do_not_scan_installed_packages_for_pydantic_plugins(
    store_url: str, command: list[str]
) -> None:
    assert _run(["--store", store_url, *command])["plugins_scanned"] is False


def test_a_user_who_wants_pydantic_plugins_still_gets_them(store_url: str) -> None:
    # PYDANTIC_DISABLE_PLUGINS is only a default: set (even empty), it is theirs.
    run = _run(["--store", store_url, "show", "act_1"], env={"PYDANTIC_DISABLE_PLUGINS": ""})
    assert run["plugins_scanned"] is True


def test_an_analysis_command_still_loads_networkx(store_url: str) -> None:
    # The guard sees imports at all: the analyses do need networkx.
    assert "networkx" in _run(["--store", store_url, "influencers", "--json"])["loaded"]
