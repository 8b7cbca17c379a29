"""The embedded store encrypted at rest with SQLCipher, for laptops that may be seized.

`sqlcipher:///path.db` opens the same store as `sqlite:///path.db`, with every
page of the file (and of its WAL) encrypted with AES-256 and authenticated by
HMAC. Without the key the file is noise: stdlib `sqlite3` refuses it and no
name can be found in its bytes.

Why we derive the key ourselves: SQLCipher turns a passphrase into a key with
256,000 PBKDF2 rounds on *every* connection (about half a second here), and
this store opens a short-lived connection per operation. So we stretch the
passphrase once per store object, with scrypt and the salt SQLCipher keeps in
the file's first 16 bytes, and hand SQLCipher the raw 256-bit key. Changing
`_SCRYPT_N/_R/_P` would lock out existing files: bump them only together with
a migration through `rekey`.

The key is never logged, printed or put in an error message: it lives only in
the store object and in the `PRAGMA key` text sent to SQLCipher.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import sqlcipher3

from graph.audit import AuditEvent
from graph.errors import NotPermitted, StoreUnavailable
from graph.stores.embedded_store import BUSY_TIMEOUT_MS, EmbeddedStore

MIN_KEY_LENGTH = 12
SALT_BYTES = 16
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**15, 8, 1
_PLAIN_HEADER = b"SQLite format 3\x00"


class WrongStoreKey(NotPermitted):
    """The key does not open this file (or the file is not an encrypted store)."""


def check_new_key(key: str) -> None:
    """Refuse a key too short to resist guessing by someone holding the file."""
    if len(key) < MIN_KEY_LENGTH:
        raise NotPermitted(f"use a store key of at least {MIN_KEY_LENGTH} characters")


def _raw_key(passphrase: str, salt: bytes) -> str:
    """SQLCipher's raw-key form `x'<key><salt>'`: no per-connection PBKDF2."""
    key = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )
    return f"x'{key.hex()}{salt.hex()}'"


def _file_salt(path: Path) -> bytes | None:
    """The salt SQLCipher wrote at the start of an existing file (None: new file)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StoreUnavailable(f"cannot read {path}: {e.strerror}") from e
    if not head:
        return None
    if head == _PLAIN_HEADER:
        raise WrongStoreKey(
            f"{path} is a plain (unencrypted) store: open it with sqlite:///{path}, "
            "or copy it into an encrypted one (see docs/sharing.md)"
        )
    return head


def _as_stdlib(error: sqlcipher3.Error) -> sqlite3.Error:
    """The same error as the stdlib's class, so the store's one error mapping applies."""
    kind: type[sqlite3.Error] = getattr(sqlite3, type(error).__name__, sqlite3.Error)
    mapped = kind(str(error))
    for attribute in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, attribute):
            setattr(mapped, attribute, getattr(error, attribute))
    return mapped


def _translated(call: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = call(*args, **kwargs)
        except sqlcipher3.Error as e:
            raise _as_stdlib(e) from e
        if isinstance(result, sqlcipher3.Cursor):
            return _CipherCursor(result)
        return result

    return run


class _CipherCursor:
    """A SQLCipher cursor whose errors are raised as stdlib `sqlite3` ones."""

    def __init__(self, cursor: sqlcipher3.Cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[Any]:
        while (row := self.fetchone()) is not None:
            yield row

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._cursor, name)
        return _translated(value) if callable(value) else value


class _CipherConnection:
    """A keyed SQLCipher connection that speaks like a stdlib `sqlite3.Connection`.

    The embedded store and its error mapping are written against the stdlib
    module; SQLCipher's binding raises its own (identical) classes. This
    adapter re-raises them as the stdlib's, with the same result code.
    """

    def __init__(self, connection: sqlcipher3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> _CipherConnection:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        _translated(self._connection.__exit__)(kind, error, trace)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._connection, name)
        return _translated(value) if callable(value) else value


class EncryptedStore(EmbeddedStore):
    """The embedded store in a SQLCipher-encrypted file; the key opens every connection."""

    def __init__(
        self, path: Path | str, *, key: str, busy_timeout: float = BUSY_TIMEOUT_MS / 1000
    ) -> None:
        path = Path(path)
        salt = _file_salt(path)
        if salt is None:
            check_new_key(key)
            salt = secrets.token_bytes(SALT_BYTES)
        self._key = _raw_key(key, salt)
        super().__init__(path, busy_timeout=busy_timeout)
        self.url = f"sqlcipher:///{self.path}"

    def __repr__(self) -> str:
        return f"EncryptedStore({str(self.path)!r})"

    def _open(self, timeout: float) -> sqlite3.Connection:
        try:
            raw = sqlcipher3.connect(str(self.path), timeout=timeout, isolation_level=None)
        except sqlcipher3.Error as e:
            raise _as_stdlib(e) from e
        conn = _CipherConnection(raw)
        # SQLCipher logs decryption failures to stderr by default; we report them ourselves.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{self._key}"')
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            conn.close()
            if getattr(e, "sqlite_errorcode", 0) & 0xFF == 26:  # SQLITE_NOTADB
                raise WrongStoreKey(
                    f"the key does not open {self.path} (check ACTORGRAPH_STORE_KEY), "
                    "or the file is not an encrypted actorgraph store"
                ) from None
            raise
        return cast(sqlite3.Connection, conn)

    def rekey(self, new_key: str, *, actor: str) -> None:
        """Re-encrypt the whole file (and its WAL) under `new_key`, in one transaction.

        The old key must already have opened this store. The salt stays, so the
        file keeps its identity; only the key changes. The audit log records
        that a rekey happened and by whom, never the key.
        """
        check_new_key(new_key)
        salt = _file_salt(self.path)
        if salt is None:
            raise StoreUnavailable(f"no encrypted store at {self.path}")
        new_raw = _raw_key(new_key, salt)
        with self._connect() as conn:
            conn.execute(f'PRAGMA rekey = "{new_raw}"').fetchall()
        self._key = new_raw
        self.append_audit(AuditEvent(actor=actor, action="rekey", details={"file": self.path.name}))
