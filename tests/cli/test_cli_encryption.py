"""The CLI on an encrypted store: keys from the environment, wrong keys, `rekey`.

Keys are made up for the tests; every assertion on stderr also checks that no
key is ever echoed.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import TEST_STORE_KEY
from ui.cli import app

NEW_KEY = "fictional rotated key 7788"
WRONG_KEY = "fictional wrong key 0000"


def run(runner: CliRunner, url: str, *args: str, key: str | None, new_key: str | None = None):  # type: ignore[no-untyped-def]
    env = {"ACTORGRAPH_STORE_KEY": key, "ACTORGRAPH_NEW_STORE_KEY": new_key}
    return runner.invoke(app, ["--store", url, *args], env=env)


def no_key_in(text: str) -> bool:
    return all(k not in text for k in (TEST_STORE_KEY, NEW_KEY, WRONG_KEY))


def _init(runner: CliRunner, tmp_path: Path) -> str:
    url = f"sqlcipher:///{tmp_path / 'field.db'}"
    result = run(runner, url, "init", "--json", key=TEST_STORE_KEY)
    assert result.exit_code == 0, result.stderr
    return url


def test_init_and_stats_on_an_encrypted_store_with_the_key_from_the_environment(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _init(runner, tmp_path)
    result = run(runner, url, "stats", "--json", key=TEST_STORE_KEY)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total_nodes"] == 0
    assert (tmp_path / "field.db").read_bytes()[:16] != b"SQLite format 3\x00"


def test_a_wrong_key_exits_5_with_a_message_not_a_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _init(runner, tmp_path)
    result = run(runner, url, "stats", key=WRONG_KEY)
    assert result.exit_code == 5
    assert "key does not open" in result.stderr
    assert "Traceback" not in result.output and "not a database" not in result.stderr
    assert no_key_in(result.output)


def test_no_key_and_no_terminal_exits_5_naming_the_variable(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _init(runner, tmp_path)
    result = run(runner, url, "stats", key=None)
    assert result.exit_code == 5
    assert "ACTORGRAPH_STORE_KEY" in result.stderr


def test_rekey_needs_the_old_key_then_only_the_new_key_opens_the_store(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _init(runner, tmp_path)
    refused = run(runner, url, "rekey", key=WRONG_KEY, new_key=NEW_KEY)
    assert refused.exit_code == 5 and no_key_in(refused.output)
    assert run(runner, url, "stats", key=TEST_STORE_KEY).exit_code == 0  # unchanged

    done = run(runner, url, "rekey", key=TEST_STORE_KEY, new_key=NEW_KEY)
    assert done.exit_code == 0, done.stderr
    assert no_key_in(done.output)
    assert run(runner, url, "stats", key=TEST_STORE_KEY).exit_code == 5
    assert run(runner, url, "stats", key=NEW_KEY).exit_code == 0


def test_rekey_on_a_plain_store_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    assert run(runner, url, "init", key=None).exit_code == 0
    result = run(runner, url, "rekey", key=TEST_STORE_KEY, new_key=NEW_KEY)
    assert result.exit_code == 3
    assert "encrypted store only" in result.stderr


def test_ui_checks_the_key_before_starting_the_app(runner: CliRunner, tmp_path: Path) -> None:
    url = _init(runner, tmp_path)
    result = run(runner, url, "ui", "--port", "9", key=WRONG_KEY)
    assert result.exit_code == 5
    assert "key does not open" in result.stderr and "starting the app" not in result.stderr
    assert no_key_in(result.output)
