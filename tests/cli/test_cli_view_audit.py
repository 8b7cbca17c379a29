"""Every strictly confidential record a CLI answer shows leaves a `view` audit entry.

`show`, `search` and `history` were audited by the secured store itself; the
listings and analyses read through the projection, which is not audited per
read (it is built whether or not anyone looks), so each command audits the
records its answer names. Both stores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.sensitivity import Sensitivity
from ingest.snapshot import write_snapshot
from tests.cli.test_cli_accounts import ADMIN_PW, FIELD_PW, run
from tests.factories import one_of_each_node, one_of_each_relationship

ADMIN = {"user": "ada", "password": ADMIN_PW}
FIELD = {"user": "field-1", "password": FIELD_PW}
SECRET = "per_2"  # the elder between our engager and the commander, strictly confidential


@pytest.fixture
def secret_store(runner: CliRunner, store_url: str, tmp_path: Path) -> str:
    """The fictional fixture with the intermediary `per_2` strictly confidential, an admin
    cleared to everything and an analyst cleared to restricted."""
    nodes = [
        n.model_copy(update={"sensitivity": Sensitivity.STRICTLY_CONFIDENTIAL})
        if n.id == SECRET
        else n
        for n in one_of_each_node()
    ]
    path = tmp_path / "secret.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        write_snapshot([*nodes, *one_of_each_relationship()], fh, header="FICTIONAL test data")
    init = run(
        runner, store_url, "init", "--admin", "ada", "--password-stdin", stdin=ADMIN_PW + "\n"
    )
    assert init.exit_code == 0, init.stderr
    assert run(runner, store_url, "import", str(path), **ADMIN).exit_code == 0
    added = run(
        runner,
        store_url,
        *("user", "add", "field-1", "--role", "analyst", "--clearance", "restricted"),
        "--password-stdin",
        stdin=FIELD_PW + "\n",
        **ADMIN,
    )
    assert added.exit_code == 0, added.stderr
    return store_url


def views(runner: CliRunner, url: str) -> list[dict[str, Any]]:
    """The view entries left by CLI answers (reading the log, which shows the
    versions a write changed, leaves entries of its own: `how` is `versions`)."""
    log = json.loads(run(runner, url, "audit", "log", "--json", **ADMIN).stdout)
    return [e for e in log if e["action"] == "view" and e["details"]["how"].startswith("cli ")]


@pytest.mark.parametrize(
    ("command", "secret"),
    [
        (("list", "--json"), [SECRET, "src_1"]),  # the source is strictly confidential too
        (("list", "--type", "Person"), [SECRET]),
        (("paths", "--to", "per_1", "--json"), [SECRET]),
        (("reach", "per_1"), [SECRET]),
        (("profile", "act_1", "--json"), [SECRET, "src_1"]),  # cited as evidence
    ],
    ids=lambda c: " ".join(c) if isinstance(c, tuple) else "",
)
def test_an_answer_naming_a_strictly_confidential_record_is_audited(
    runner: CliRunner, secret_store: str, command: tuple[str, ...], secret: list[str]
) -> None:
    before = views(runner, secret_store)
    result = run(runner, secret_store, *command, **ADMIN)
    assert result.exit_code == 0, result.stderr
    assert "Sheikha Morwen Dask" in result.stdout  # the answer does show the secret record
    new = views(runner, secret_store)[len(before) :]
    assert len(new) == 1, new  # one entry per answer, not one per record read
    assert new[0]["actor"] == "ada"
    assert new[0]["details"] == {"how": f"cli {command[0]}", "records": secret}


def test_an_answer_without_strictly_confidential_records_adds_no_entry(
    runner: CliRunner, secret_store: str
) -> None:
    before = views(runner, secret_store)
    result = run(runner, secret_store, "list", "--type", "ArmedActor", "--json", **ADMIN)
    assert result.exit_code == 0 and "Front of the Seven Hills" in result.stdout
    restricted = run(runner, secret_store, "paths", "--to", "per_1", "--json", **FIELD)
    assert restricted.exit_code == 0 and "Morwen" not in restricted.stdout
    assert views(runner, secret_store) == before
