"""The encrypted embedded store (sqlcipher:///): what a seized file gives away, and keys.

The shared contract suite already runs on this store (the "sqlcipher" value of
the `store` fixture); these tests cover what only encryption promises. All
names are FICTIONAL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph import model as m
from graph.errors import NotFound, NotPermitted
from graph.sensitivity import SYSTEM
from graph.settings import Settings
from graph.store import WriteBatch
from graph.stores import open_store
from graph.stores.embedded_store import EmbeddedStore
from graph.stores.encrypted_store import EncryptedStore, WrongStoreKey
from tests.conftest import TEST_STORE_KEY, open_embedded

SECRET_NAME = "Zorvath Quellmire"  # a made-up commander
OTHER_KEY = "a different fictional key"


def _file_bytes(path: Path) -> bytes:
    """The store file and its WAL, as someone who copied the laptop's disk has them."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.is_file() else b"")


def _store_with_secret(path: Path, *, encrypted: bool) -> EmbeddedStore:
    store = open_embedded(path, encrypted=encrypted)
    store.write(WriteBatch.of([m.Person(id="per_zq", name=SECRET_NAME)]), actor="analyst-1")
    return store


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "sqlcipher"])
def test_a_record_name_is_in_the_file_bytes_only_when_the_store_is_plain(
    tmp_path: Path, encrypted: bool
) -> None:
    """The plain case shows the grep finds names at all; the encrypted one finds none."""
    path = tmp_path / "field.db"
    _store_with_secret(path, encrypted=encrypted).close()
    assert (SECRET_NAME.encode() in _file_bytes(path)) is not encrypted
    assert (b"per_zq" in _file_bytes(path)) is not encrypted


def test_stdlib_sqlite_cannot_open_the_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    _store_with_secret(path, encrypted=True).close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()


def test_the_right_key_reads_back_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    _store_with_secret(path, encrypted=True).close()
    again = EncryptedStore(path, key=TEST_STORE_KEY)
    person = again.get("per_zq", viewer=SYSTEM)
    assert person is not None and person.name == SECRET_NAME  # type: ignore[attr-defined]


def test_a_wrong_key_is_refused_clearly_without_echoing_either_key(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    _store_with_secret(path, encrypted=True).close()
    with pytest.raises(WrongStoreKey) as caught:
        EncryptedStore(path, key=OTHER_KEY)
    message = str(caught.value)
    assert "key does not open" in message and str(path) in message
    assert OTHER_KEY not in message and TEST_STORE_KEY not in message
    assert isinstance(caught.value, NotPermitted)  # the CLI's exit 5, as for a wrong password


def test_a_plain_store_opened_as_encrypted_says_it_is_plain(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    EmbeddedStore(path).close()
    with pytest.raises(WrongStoreKey, match="plain"):
        EncryptedStore(path, key=TEST_STORE_KEY)


def test_a_new_store_refuses_a_short_key_and_creates_no_file(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    with pytest.raises(NotPermitted, match="at least 12"):
        EncryptedStore(path, key="short")
    assert not path.exists()


def test_open_store_needs_a_key_for_sqlcipher_urls_and_names_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    _store_with_secret(path, encrypted=True).close()
    with pytest.raises(NotPermitted, match="ACTORGRAPH_STORE_KEY"):
        open_store(f"sqlcipher:///{path}", Settings(), create=False)
    with pytest.raises(NotFound):
        open_store(f"sqlcipher:///{tmp_path / 'missing.db'}", Settings(), create=False)
    store = open_store(
        f"sqlcipher:///{path}", Settings(ACTORGRAPH_STORE_KEY=TEST_STORE_KEY), create=False
    )
    assert isinstance(store, EncryptedStore) and store.url == f"sqlcipher:///{path}"
    assert store.get("per_zq", viewer=SYSTEM) is not None


def test_rekey_locks_out_the_old_key_and_keeps_every_record_and_its_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "field.db"
    store = _store_with_secret(path, encrypted=True)
    store.write(
        WriteBatch.of([m.Person(id="per_zq", name=SECRET_NAME, title="Colonel")]), actor="a2"
    )
    history_before = store.history("per_zq", viewer=SYSTEM)
    assert isinstance(store, EncryptedStore)
    store.rekey(OTHER_KEY, actor="analyst-1")
    assert store.get("per_zq", viewer=SYSTEM) is not None  # this object carries on
    with pytest.raises(WrongStoreKey):
        EncryptedStore(path, key=TEST_STORE_KEY)
    reopened = EncryptedStore(path, key=OTHER_KEY)
    assert reopened.history("per_zq", viewer=SYSTEM) == history_before
    assert SECRET_NAME.encode() not in _file_bytes(path)
    rekeys = reopened.audit_entries("rekey")
    assert [e.actor for e in rekeys] == ["analyst-1"]
    assert OTHER_KEY not in rekeys[0].details and TEST_STORE_KEY not in rekeys[0].details


def test_rekey_to_a_short_key_is_refused_and_the_old_key_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "field.db"
    store = _store_with_secret(path, encrypted=True)
    assert isinstance(store, EncryptedStore)
    with pytest.raises(NotPermitted, match="at least 12"):
        store.rekey("short", actor="analyst-1")
    assert EncryptedStore(path, key=TEST_STORE_KEY).get("per_zq", viewer=SYSTEM) is not None
