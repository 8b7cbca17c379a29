"""`audit checkpoint`, `audit verify --against` and tamper detection via the CLI, both stores."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.audit import AuditEntry
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from tests.cli.test_cli_accounts import ADMIN, FIELD_PW, run, team_store
from tests.contract.test_audit_integrity import _rewrite_chain

__all__ = ["team_store"]  # the fixture, used by name


def _store(url: str, request: pytest.FixtureRequest) -> GraphStore:
    if url.startswith("sqlite:///"):
        return EmbeddedStore(url.removeprefix("sqlite:///"))
    store: Any = request.getfixturevalue("neo4j_session_store")
    return store  # type: ignore[no-any-return]


def test_checkpoint_prints_the_head_for_anyone_and_verify_accepts_it(
    runner: CliRunner, team_store: str
) -> None:
    result = run(runner, team_store, "audit", "checkpoint", user="field-1", password=FIELD_PW)
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    head = json.loads(line)
    assert set(head) == {"seq", "hash", "at"} and head["seq"] >= 3 and len(head["hash"]) == 64
    result = run(runner, team_store, "audit", "verify", "--against", line, **ADMIN)
    assert result.exit_code == 0, result.stderr
    assert f"checkpoint {head['seq']} found" in result.stdout


def test_an_export_manifest_is_a_witness_and_a_rewritten_chain_fails_against_it(
    runner: CliRunner, team_store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / "backup.jsonl"
    assert run(runner, team_store, "export", "--out", str(out), **ADMIN).exit_code == 0
    manifest = json.loads(Path(f"{out}.manifest.json").read_text("utf-8"))
    assert manifest["audit_head"]["seq"] >= 3 and manifest["format"] == "snapshot"
    assert f'// audit_head {{"at":"{manifest["audit_head"]["at"]}"' in out.read_text("utf-8")
    witness = str(out) + ".manifest.json"
    assert run(runner, team_store, "audit", "verify", "--against", witness, **ADMIN).exit_code == 0

    def relabel(entry: AuditEntry) -> AuditEntry:  # a chain recomputed with other details
        if entry.action != "user":
            return entry
        return dataclasses.replace(entry, details=entry.details.replace(",", ", ", 1))

    _rewrite_chain(_store(team_store, request), relabel)
    seq = manifest["audit_head"]["seq"]
    result = run(runner, team_store, "audit", "verify", "--against", witness, **ADMIN)
    assert result.exit_code == 7
    assert f"entry {seq}: differs from the checkpoint" in result.stderr


def test_a_record_edited_in_the_store_fails_verify_naming_it(
    runner: CliRunner, team_store: str, request: pytest.FixtureRequest
) -> None:
    if team_store.startswith("sqlite:///"):
        with sqlite3.connect(team_store.removeprefix("sqlite:///")) as conn:
            conn.execute("UPDATE records SET data = replace(data, '0.', '0.9') WHERE id = 'act_1'")
    else:
        store: Any = request.getfixturevalue("neo4j_session_store")
        store._driver.execute_query(
            "MATCH (n:Entity {id: 'act_1'}) SET n.data = replace(n.data, '0.', '0.9')",
            database_=store.database,
        )
    result = run(runner, team_store, "audit", "verify", "--json", **ADMIN)
    assert result.exit_code == 7
    report = json.loads(result.stdout)
    assert not report["ok"]
    assert [p["where"] for p in report["problems"]] == ["record 'act_1' version 1"]
    assert "record 'act_1' version 1: current record does not match" in result.stderr


def test_a_checkpoint_that_is_not_one_is_a_clear_usage_error(
    runner: CliRunner, team_store: str
) -> None:
    result = run(runner, team_store, "audit", "verify", "--against", "nonsense", **ADMIN)
    assert result.exit_code == 3
    assert "--against" in result.stderr and "neither a checkpoint nor a file" in result.stderr
