"""Plumbing shared by every CLI command: the store, the viewer, JSON and errors.

Data goes to stdout (with `--json`, only JSON); progress and errors go to
stderr. Every `ActorGraphError` becomes a one-line message (or a list of row
problems) and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from pydantic import SecretStr, ValidationError
from typer.core import TyperGroup

from graph.errors import (
    ActorGraphError,
    InvalidRecords,
    NotFound,
    NotPermitted,
    RowError,
    StoreUnavailable,
)
from graph.sensitivity import Viewer
from graph.settings import Settings
from graph.stores import REMOTE_SCHEMES, SQLCIPHER_SCHEME, open_store

if TYPE_CHECKING:
    # Imported where used: accounts (argon2) and the team-server client are not
    # needed by a command on an analyst's own file, nor by `--help` (issue 13).
    from graph.store import GraphStore
    from graph.users import User

# Exit codes, documented in the README.
EXIT_ERROR = 1
EXIT_INVALID = 3
EXIT_UNAVAILABLE = 4
EXIT_NOT_PERMITTED = 5
EXIT_NOT_FOUND = 6


def exit_code_for(error: ActorGraphError) -> int:
    if isinstance(error, InvalidRecords):
        return EXIT_INVALID
    if isinstance(error, StoreUnavailable):
        return EXIT_UNAVAILABLE
    if isinstance(error, NotPermitted):
        return EXIT_NOT_PERMITTED
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    return EXIT_ERROR


class _StderrNotes(logging.Handler):
    """The store's notes while a command waits ("busy, retrying"), on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        typer.echo(f"note: {record.getMessage()}", err=True)


def _show_store_notes() -> None:
    logger = logging.getLogger("actorgraph.store")
    if not any(isinstance(h, _StderrNotes) for h in logger.handlers):
        logger.addHandler(_StderrNotes(logging.INFO))
    logger.setLevel(logging.INFO)


class ActorGraphGroup(TyperGroup):
    """Turns our errors into a message on stderr and a non-zero exit."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        _show_store_notes()
        try:
            return super().invoke(ctx)
        except ActorGraphError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(exit_code_for(e)) from None
        except ValidationError as e:
            # A value typed on the command line (an account name, a clearance)
            # that the model refuses: the same message and exit as a bad file row.
            invalid = InvalidRecords(
                [
                    RowError(field=".".join(str(p) for p in err["loc"]), message=err["msg"])
                    for err in e.errors()
                ]
            )
            typer.echo(f"error: {invalid}", err=True)
            raise typer.Exit(EXIT_INVALID) from None


@dataclass
class CliState:
    """What the global options decided, kept on the click context.

    With a team server (`--store https://…`, team mode) the CLI signs in to the
    server with the user's credentials and the server enforces the account.
    Otherwise, when the store has accounts, the CLI acts as the user named by
    ACTORGRAPH_USER / ACTORGRAPH_PASSWORD (or asks on a terminal), through a
    `SecuredStore`; the viewer's clearance is the user's unless `--clearance`
    asks for less. A store without accounts is one analyst's own file
    ("owner mode"): full access, with a note on stderr.
    """

    settings: Settings
    store_url: str
    requested: Viewer  # from the global options; `viewer` is what applies after login
    clearance_asked: bool = False
    user: User | None = None
    # Only commands that write (init, import, demo) may create a missing store;
    # every other command on a missing embedded path exits 6 naming the path.
    may_create: bool = False
    _store: GraphStore | None = field(default=None, repr=False)

    @property
    def viewer(self) -> Viewer:
        """The viewer every read uses: opening the store first, so a login has happened."""
        self.store()
        return self.requested

    def raw_store(self) -> GraphStore:
        """The store without an account on it: only for bootstrapping the first admin."""
        if self.store_url.startswith(REMOTE_SCHEMES):
            raise NotPermitted(
                "this command works on the database itself: run it on the team server's "
                "machine, not through the team server"
            )
        self.settings = with_store_key(self.settings, self.store_url)
        store = open_store(self.store_url, self.settings, create=self.may_create)
        store.ensure_schema()
        return store

    def store(self) -> GraphStore:
        if self._store is not None:
            return self._store
        if self.store_url.startswith(REMOTE_SCHEMES):
            return self._sign_in_to_server()
        raw = self.raw_store()
        if not raw.list_users():
            info(
                "note: this store has no accounts, so whoever holds it sees everything; "
                "create an admin with `actorgraph init --admin NAME --password-stdin`."
            )
            self._store = raw
            return raw
        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from graph.access import SecuredStore, authenticate

        try:
            user = authenticate(raw, *self._credentials())
            self._act_as(user)
        except ActorGraphError:
            raw.close()
            raise
        self._store = SecuredStore(raw, user)
        return self._store

    def _sign_in_to_server(self) -> GraphStore:
        """Team mode: the server checks the password and enforces the account; this
        process never sees a user record's hash nor the database password."""
        name, password = self._credentials()
        settings = self.settings.model_copy(update={"user": name, "password": SecretStr(password)})
        remote = open_store(self.store_url, settings)
        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from graph.stores.remote_store import RemoteStore

        assert isinstance(remote, RemoteStore), "an http(s) URL opens a team server"
        try:
            self._act_as(remote.user)
        except ActorGraphError:
            remote.close()
            raise
        self._store = remote
        return remote

    def _act_as(self, user: User) -> None:
        """Read as `user`: their clearance, or the lower one `--clearance` asked for."""
        if self.clearance_asked and self.requested.clearance.rank > user.clearance.rank:
            raise NotPermitted(f"user {user.name!r} is cleared to {user.clearance.value} only")
        clearance = self.requested.clearance if self.clearance_asked else user.clearance
        self.requested = Viewer(name=user.name, clearance=clearance)
        self.user = user

    def _credentials(self) -> tuple[str, str]:
        name = self.settings.user
        password = self.settings.password.get_secret_value() if self.settings.password else None
        if (name is None or password is None) and sys.stdin.isatty():
            name = name or typer.prompt("actorgraph user")
            password = password or getpass.getpass("password: ")
        if not name or password is None:
            raise NotPermitted(
                "this store has accounts: set ACTORGRAPH_USER and "
                "ACTORGRAPH_PASSWORD (or run the command on a terminal)"
            )
        return name, password

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def ask_secret(env_var: str, prompt: str, *, twice: bool) -> str | None:
    """A secret from `env_var`, else asked without echo on a terminal (None: neither).

    A secret that creates something (a new key, a passphrase) is asked twice,
    since a mistyped one would lock its owner out. Never logged or echoed.
    """
    from_env = os.environ.get(env_var)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        return None
    secret = getpass.getpass(f"{prompt}: ")
    if twice and getpass.getpass("again: ") != secret:
        raise NotPermitted(f"the two entries of the {prompt} differ; nothing was changed")
    return secret


def with_store_key(settings: Settings, url: str) -> Settings:
    """Settings holding the key of an encrypted store: from the environment, else asked."""
    if not url.startswith(SQLCIPHER_SCHEME) or settings.store_key is not None:
        return settings
    new = not Path(url.removeprefix(SQLCIPHER_SCHEME)).is_file()
    key = ask_secret("ACTORGRAPH_STORE_KEY", "new store key" if new else "store key", twice=new)
    if key is None:
        return settings  # open_store says which variable to set
    return settings.model_copy(update={"store_key": SecretStr(key)})


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState), "global options were not parsed"
    return obj


def emit_json(data: Any) -> None:
    """Print JSON, and only JSON, on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def info(message: str) -> None:
    """Progress and notes: stderr, so stdout stays clean data."""
    typer.echo(message, err=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def parse_as_of(value: str | None) -> date | None:
    """`--as-of` takes YYYY-MM-DD, or YYYY / YYYY-MM meaning the last day of that period."""
    if value is None:
        return None
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.dates import upper_bound

    try:
        return upper_bound(value)
    except ValueError as e:
        fail(f"--as-of: {e}", EXIT_INVALID)
