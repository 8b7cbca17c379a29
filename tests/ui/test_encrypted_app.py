"""The app on an encrypted store: it opens with the key from its environment, and a
wrong key is a message that never shows a key (FICTIONAL world)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.stores.encrypted_store import EncryptedStore
from tests.conftest import TEST_STORE_KEY
from tests.ui import world
from tests.ui.conftest import app_at, no_exceptions, texts
from ui.cli_app import app_environment

WRONG_KEY = "fictional wrong key 0000"


@pytest.fixture
def encrypted_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "field.db"
    store = EncryptedStore(path, key=TEST_STORE_KEY)
    world.load(store)
    store.close()
    url = f"sqlcipher:///{path}"
    monkeypatch.setenv("ACTORGRAPH_STORE_URL", url)
    return url


@pytest.mark.usefixtures("encrypted_url")
def test_the_app_reads_an_encrypted_store_with_the_key_from_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_STORE_KEY", TEST_STORE_KEY)
    at = app_at("overview")
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Armed actors"] != "0"


@pytest.mark.usefixtures("encrypted_url")
def test_a_wrong_key_is_a_message_in_the_app_that_shows_no_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_STORE_KEY", WRONG_KEY)
    at = app_at()
    no_exceptions(at)
    message = at.error[0].value
    assert "cannot be opened" in message and "key does not open" in message
    assert WRONG_KEY not in texts(at) + message and TEST_STORE_KEY not in texts(at) + message


def test_the_key_asked_by_the_cli_reaches_only_the_apps_environment(encrypted_url: str) -> None:
    from pydantic import SecretStr

    env = app_environment(encrypted_url, None, SecretStr(TEST_STORE_KEY))
    assert env["ACTORGRAPH_STORE_KEY"] == TEST_STORE_KEY
    assert env["ACTORGRAPH_STORE_URL"] == encrypted_url
