"""Account and audit commands: `actorgraph user …` and `actorgraph audit …`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from graph.audit import Checkpoint
from graph.errors import InvalidRecords, NotPermitted, RowError
from graph.sensitivity import Sensitivity
from graph.users import Role, User, hash_password, make_user
from ui.cli_support import emit_json, info, state

if TYPE_CHECKING:
    from graph.store import AccountStore

EXIT_TAMPERED = 7

user_app = typer.Typer(help="Manage accounts (admins only).", no_args_is_help=True)
audit_app = typer.Typer(
    help="Read and verify the tamper-evident audit log (admins only; checkpoint: anyone).",
    no_args_is_help=True,
)


def read_password() -> str:
    """The first line of stdin, without its newline."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise NotPermitted("no password on stdin")
    return password


def create_first_admin(store: AccountStore, name: str, password: str) -> User:
    """Bootstrap: only a store with no accounts may get an admin this way."""
    if store.list_users():
        raise NotPermitted(
            "this store already has accounts: an admin adds users with `actorgraph user add`"
        )
    user = make_user(name, Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL, hash_password(password))
    store.save_user(user, actor=name)
    return user


def _secured(ctx: typer.Context) -> AccountStore:
    """The accounts, as the signed-in admin may manage them (`user` commands)."""
    st = state(ctx)
    store = st.store()
    if st.user is None:
        raise NotPermitted(
            "this store has no accounts yet: create the first admin with "
            "`actorgraph init --admin NAME --password-stdin`"
        )
    return store


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account name (letters, digits, . @ - _).")],
    role: Annotated[Role, typer.Option(help="viewer, analyst, editor or admin.")],
    clearance: Annotated[Sensitivity, typer.Option(help="Highest sensitivity they may see.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Add an account, or replace one (its role, clearance and password).

    Refused: a clearance above your own, your own role or clearance, a name that
    looks like an existing one, demoting the last active admin."""
    store = _secured(ctx)
    if not password_stdin:
        raise NotPermitted("give the password on stdin with --password-stdin")
    make_user(name, role, clearance, "-")  # a bad name fails before the password is read
    store.save_user(make_user(name, role, clearance, hash_password(read_password())), actor="")
    info(f"account {name!r} saved ({role.value}, cleared to {clearance.value})")


@user_app.command("list")
def user_list(
    ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List accounts: name, role, clearance, disabled."""
    rows = [
        u.model_dump(mode="json", exclude={"password_hash"}) for u in _secured(ctx).list_users()
    ]
    if json_out:
        emit_json(rows)
        return
    for row in rows:
        flag = " (disabled)" if row["disabled"] else ""
        typer.echo(f"{row['name']:<20} {row['role']:<8} {row['clearance']}{flag}")


@user_app.command("disable")
def user_disable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Account to disable.")]
) -> None:
    """Disable an account; its history and audit entries stay (not the last active admin)."""
    store = _secured(ctx)
    user = store.get_user(name)
    if user is None:
        raise NotPermitted(f"no account {name!r}")
    store.save_user(user.model_copy(update={"disabled": True}), actor="")
    info(f"account {name!r} disabled")


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    against: Annotated[
        str | None,
        typer.Option(
            help="A checkpoint kept elsewhere (its JSON line, a file holding it, or an "
            "export manifest): fail unless the chain still holds that head."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check the chain and everything it committed to; exit 7 naming each problem.

    Checks hashes, links and times of the entries; that every current record,
    history row and account matches the hash the chain committed to; that every
    committed version still exists; and, with --against, the witnessed head.
    """
    witness = _checkpoint(against) if against is not None else None
    result = state(ctx).store().check_audit(witness)
    if json_out:
        emit_json(result.as_dict())
    elif result.ok:
        typer.echo(
            f"audit log intact: {result.entries} entries; {result.records} records, "
            f"{result.versions} versions and {result.accounts} accounts match it"
            + (f"; checkpoint {witness.seq} found" if witness else "")
        )
    for problem in result.problems:
        typer.echo(f"audit log broken: {problem}", err=True)
    if not result.ok:
        raise typer.Exit(EXIT_TAMPERED)


def _checkpoint(text: str) -> Checkpoint:
    try:
        return Checkpoint.parse(text)
    except ValueError as e:
        raise InvalidRecords([RowError(field="--against", message=str(e))]) from e


@audit_app.command("checkpoint")
def audit_checkpoint(ctx: typer.Context) -> None:
    """Print the chain's head (sequence, hash, time) as one JSON line to keep elsewhere.

    Later, `audit verify --against LINE` fails if the chain no longer holds it:
    a chain rewritten by someone who recomputed every hash is caught.
    """
    typer.echo(state(ctx).store().audit_head().line())


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="Only the newest N entries.")] = 50,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the newest audit entries: who did what, when (--json: with before/after)."""
    st = state(ctx)
    store = st.store()
    entries = store.audit_log().entries[-limit:]
    if json_out:
        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from graph.audit_trail import with_versions

        emit_json(with_versions(store, entries, viewer=st.viewer))
        return
    for e in entries:
        typer.echo(f"{e.seq:>6}  {e.at}  {e.actor:<16} {e.action}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
