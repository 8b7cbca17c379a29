"""Accounts through the CLI, on both stores: login, roles, clearance, audit verify."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.test_cli import write_fixture
from ui.cli import app

ADMIN_PW = "admin passphrase 1"
FIELD_PW = "field passphrase 22"


def run(
    runner: CliRunner,
    url: str,
    *args: str,
    user: str | None = None,
    password: str | None = None,
    stdin: str | None = None,
):  # type: ignore[no-untyped-def]
    env = {"ACTORGRAPH_USER": user, "ACTORGRAPH_PASSWORD": password}
    return runner.invoke(app, ["--store", url, *args], input=stdin, env=env)


@pytest.fixture
def team_store(runner: CliRunner, store_url: str, tmp_path: Path) -> str:
    """A store with the fictional fixture, an admin and a restricted analyst."""
    result = run(
        runner, store_url, "init", "--admin", "ada", "--password-stdin", stdin=ADMIN_PW + "\n"
    )
    assert result.exit_code == 0, result.stderr
    admin = {"user": "ada", "password": ADMIN_PW}
    result = run(runner, store_url, "import", str(write_fixture(tmp_path / "f.jsonl")), **admin)
    assert result.exit_code == 0, result.stderr
    result = run(
        runner,
        store_url,
        "user",
        "add",
        "field-1",
        "--role",
        "analyst",
        "--clearance",
        "public",
        "--password-stdin",
        stdin=FIELD_PW + "\n",
        **admin,
    )
    assert result.exit_code == 0, result.stderr
    return store_url


def test_a_store_with_accounts_requires_a_login(runner: CliRunner, team_store: str) -> None:
    result = run(runner, team_store, "stats")
    assert result.exit_code == 5 and "ACTORGRAPH_USER" in result.stderr
    result = run(runner, team_store, "stats", user="ada", password="wrong password!")
    assert result.exit_code == 5 and "wrong password" in result.stderr
    assert "wrong password!" not in result.stderr  # the attempt itself is never echoed


def test_clearance_and_role_come_from_the_account(
    runner: CliRunner, team_store: str, tmp_path: Path
) -> None:
    field = {"user": "field-1", "password": FIELD_PW}
    stats = json.loads(run(runner, team_store, "stats", "--json", **field).stdout)
    assert stats["total_nodes"] == 2  # only the two public armed actors
    assert json.loads(run(runner, team_store, "search", "varrant", "--json", **field).stdout) == []
    result = run(runner, team_store, "show", "per_1", **field)
    assert result.exit_code == 6  # not "forbidden": nothing hints that it exists
    result = run(runner, team_store, "--clearance", "confidential", "stats", **field)
    assert result.exit_code == 5
    result = run(
        runner, team_store, "import", str(write_fixture(tmp_path / "again.jsonl")), **field
    )
    assert result.exit_code == 5 and "may not change data" in result.stderr
    result = run(runner, team_store, "audit", "log", **field)
    assert result.exit_code == 5
    out = tmp_path / "field.jsonl"
    assert run(runner, team_store, "export", "--out", str(out), **field).exit_code == 0
    ids = {json.loads(x)["id"] for x in out.read_text().splitlines() if x.startswith("{")}
    # plus the mask of the source act_1 cites: a pseudonym, never its identity
    masks = {i for i in ids if i.startswith("src~")}
    assert len(masks) == 1 and ids - masks == {"act_1", "act_2"}


def test_init_admin_is_refused_once_accounts_exist(runner: CliRunner, team_store: str) -> None:
    result = run(
        runner,
        team_store,
        "init",
        "--admin",
        "mallory",
        "--password-stdin",
        stdin="mallory passphrase\n",
    )
    assert result.exit_code == 5 and "already has accounts" in result.stderr


def test_audit_verify_passes_then_names_the_altered_entry(
    runner: CliRunner, team_store: str, request: pytest.FixtureRequest
) -> None:
    admin = {"user": "ada", "password": ADMIN_PW}
    result = run(runner, team_store, "audit", "verify", "--json", **admin)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["entries"] >= 3
    if team_store.startswith("sqlite:///"):
        with sqlite3.connect(team_store.removeprefix("sqlite:///")) as conn:
            conn.execute("UPDATE audit SET details = '{}' WHERE seq = 2")
    else:
        store = request.getfixturevalue("neo4j_session_store")
        store._driver.execute_query(
            "MATCH (a:AuditEntry {seq: 2}) SET a.details = '{}'", database_=store.database
        )
    result = run(runner, team_store, "audit", "verify", **admin)
    assert result.exit_code == 7
    assert "entry 2: content does not match its hash" in result.stderr


ADMIN = {"user": "ada", "password": ADMIN_PW}
RHEA_PW = "rhea passphrase 333"


def add_user(
    runner: CliRunner, url: str, name: str, role: str, clearance: str, pw: str, **who: str
):  # type: ignore[no-untyped-def]
    args = ("user", "add", name, "--role", role, "--clearance", clearance, "--password-stdin")
    return run(runner, url, *args, stdin=pw + "\n", **(who or ADMIN))


def test_a_restricted_admin_reads_no_content_above_restricted_in_the_audit_log(
    runner: CliRunner, team_store: str
) -> None:
    assert add_user(runner, team_store, "rhea", "admin", "restricted", RHEA_PW).exit_code == 0
    full = run(runner, team_store, "audit", "log", "--json", **ADMIN)
    assert "Field report Q2" in full.stdout  # the strictly confidential source, imported
    result = run(runner, team_store, "audit", "log", "--json", user="rhea", password=RHEA_PW)
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert "Field report Q2" not in result.stdout and "Varrant" not in result.stdout
    imported = next(e for e in entries if e["action"] == "write")
    assert imported["withheld"] is True and imported["actor"] == "ada"
    result = run(runner, team_store, "audit", "verify", user="rhea", password=RHEA_PW)
    assert result.exit_code == 0 and "intact" in result.stdout


def test_a_restricted_admin_cannot_raise_their_own_or_anyones_clearance(
    runner: CliRunner, team_store: str
) -> None:
    assert add_user(runner, team_store, "rhea", "admin", "restricted", RHEA_PW).exit_code == 0
    rhea = {"user": "rhea", "password": RHEA_PW}
    for name in ("rhea", "rhea-2"):
        result = add_user(
            runner, team_store, name, "admin", "strictly_confidential", RHEA_PW, **rhea
        )
        assert result.exit_code == 5 and "may not grant strictly_confidential" in result.stderr
    result = add_user(runner, team_store, "rhea", "viewer", "restricted", RHEA_PW, **rhea)
    assert result.exit_code == 5 and "own role or clearance" in result.stderr
    listed = json.loads(run(runner, team_store, "user", "list", "--json", **ADMIN).stdout)
    assert {(u["name"], u["role"], u["clearance"]) for u in listed} == {
        ("ada", "admin", "strictly_confidential"),
        ("field-1", "analyst", "public"),
        ("rhea", "admin", "restricted"),
    }


def test_bad_names_look_alikes_and_blank_passwords_are_refused_clearly(
    runner: CliRunner, team_store: str
) -> None:
    result = add_user(runner, team_store, "two words", "viewer", "public", FIELD_PW)
    assert result.exit_code == 3 and "field 'name'" in result.stderr
    assert "Traceback" not in result.output
    for twin in ("ADA", "Field-1", "аda"):  # noqa: RUF001, RUF003 # the last: a Cyrillic а
        result = add_user(runner, team_store, twin, "viewer", "public", FIELD_PW)
        assert result.exit_code == 5 and "looks like the existing account" in result.stderr
    result = add_user(runner, team_store, "blank", "viewer", "public", " " * 14)
    assert result.exit_code == 5 and "only spaces" in result.stderr
    result = add_user(runner, team_store, "short", "viewer", "public", "eleven char")
    assert result.exit_code == 5 and "at least 12 characters" in result.stderr
    names = {
        u["name"]
        for u in json.loads(run(runner, team_store, "user", "list", "--json", **ADMIN).stdout)
    }
    assert names == {"ada", "field-1"}


def test_the_only_admin_cannot_disable_themselves(runner: CliRunner, team_store: str) -> None:
    result = run(runner, team_store, "user", "disable", "ada", **ADMIN)
    assert result.exit_code == 5 and "last active admin" in result.stderr
    assert run(runner, team_store, "stats", **ADMIN).exit_code == 0


def test_repeated_wrong_passwords_lock_the_account_with_a_time(
    runner: CliRunner, team_store: str
) -> None:
    for _ in range(5):
        result = run(runner, team_store, "stats", user="field-1", password="not it at all")
    assert result.exit_code == 5 and "locked until" in result.stderr
    result = run(runner, team_store, "stats", user="field-1", password=FIELD_PW)
    assert result.exit_code == 5 and "locked until" in result.stderr
    assert run(runner, team_store, "stats", **ADMIN).exit_code == 0  # another account is fine
    log = json.loads(run(runner, team_store, "audit", "log", "--json", **ADMIN).stdout)
    outcomes = [e["details"]["outcome"] for e in log if e["action"] == "sign-in"]
    assert outcomes == ["failed"] * 5 + ["locked"]
