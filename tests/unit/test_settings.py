"""Settings read from the environment as pydantic-settings read them (issue 13).

`graph.settings.Settings` is a plain pydantic model now (pydantic-settings cost
every command about 0.15 s of CPU to import); these tests pin the behaviour a
user relies on: the `ACTORGRAPH_` prefix, the plain `NEO4J_*` names, the
ACTORGRAPH_ name winning over the plain one, keyword arguments winning over the
environment, names in any case, values parsed and refused as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.settings import Settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith(("ACTORGRAPH_", "NEO4J_")):
            monkeypatch.delenv(name)


def test_defaults_without_environment_open_the_local_embedded_file() -> None:
    settings = Settings()
    assert settings.store_url() == "sqlite:///actorgraph.db"
    assert settings.neo4j_password is None and settings.warm_up is True


def test_prefixed_variables_are_read_and_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTORGRAPH_EMBEDDED_PATH", "/data/field.db")
    monkeypatch.setenv("ACTORGRAPH_BUSY_TIMEOUT", "2.5")
    monkeypatch.setenv("ACTORGRAPH_WARM_UP", "false")
    monkeypatch.setenv("actorgraph_session_idle_minutes", "5")  # any case, as before
    settings = Settings()
    assert settings.embedded_path == Path("/data/field.db")
    assert settings.busy_timeout == 2.5 and settings.warm_up is False
    assert settings.session_idle_minutes == 5
    assert settings.store_url() == "sqlite:////data/field.db"


def test_neo4j_credentials_come_from_either_name_the_prefixed_one_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7999")
    monkeypatch.setenv("NEO4J_PASSWORD", "plain-name")
    monkeypatch.setenv("ACTORGRAPH_NEO4J_PASSWORD", "prefixed-name")
    settings = Settings()
    assert settings.store_url() == "bolt://127.0.0.1:7999"
    assert settings.neo4j_password is not None
    assert settings.neo4j_password.get_secret_value() == "prefixed-name"
    # An aliased field is read only under its aliases, never as ACTORGRAPH_<FIELD>.
    monkeypatch.setenv("ACTORGRAPH_URL", "sqlite:///ignored.db")
    assert Settings().url is None


def test_keyword_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTORGRAPH_STORE_KEY", "from-environment")
    monkeypatch.setenv("ACTORGRAPH_BUSY_TIMEOUT", "9")
    settings = Settings(ACTORGRAPH_STORE_KEY="given", busy_timeout=1)
    assert settings.store_key is not None
    assert settings.store_key.get_secret_value() == "given"
    assert settings.busy_timeout == 1


def test_a_bad_value_in_the_environment_is_refused_naming_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_BUSY_TIMEOUT", "-1")
    with pytest.raises(ValidationError, match="busy_timeout"):
        Settings()
    monkeypatch.delenv("ACTORGRAPH_BUSY_TIMEOUT")
    monkeypatch.setenv("ACTORGRAPH_STORE", "postgres")
    with pytest.raises(ValidationError, match="store"):
        Settings()
