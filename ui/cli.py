"""The `actorgraph` command line.

Global options choose the store (`--store sqlite:///path.db` or a Neo4j URI
whose credentials come from the environment) and the clearance the command
reads with. Every command that prints data has `--json`, which prints only
JSON on stdout.
"""

from __future__ import annotations

import copy
import getpass
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from graph import model as m
from graph.errors import NotFound, NotPermitted
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.settings import Settings
from graph.stores import redact_url
from ui import cli_admin, cli_app, cli_ingest, cli_places, cli_rekey, cli_review, cli_serve
from ui.cli_support import ActorGraphGroup, CliState, emit_json, info, state
from ui.demo_files import DEMO_SCENARIO

app = typer.Typer(
    cls=ActorGraphGroup,
    help="actorgraph: who are the armed actors, who influences them, and who of us can reach them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help and usage errors: typer's rich formatting imports rich
    # (about a fifth of a second of CPU) before `--help` can print a line.
    rich_markup_mode=None,
)

DEMO_ADMIN = "demo-admin"

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only, on stdout.")]


@app.callback()
def _global(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="sqlite:///path.db (default: ACTORGRAPH_EMBEDDED_PATH or ./actorgraph.db), "
            "sqlcipher:///path.db (encrypted; key from ACTORGRAPH_STORE_KEY or asked) "
            "or bolt://, neo4j://, neo4j+s:// URI; Neo4j credentials come from "
            "ACTORGRAPH_NEO4J_USER / ACTORGRAPH_NEO4J_PASSWORD (or NEO4J_USER / NEO4J_PASSWORD); "
            "or a team server https://HOST:PORT (team mode: you sign in with your own account).",
        ),
    ] = None,
    clearance: Annotated[
        Sensitivity | None,
        typer.Option(
            "--clearance",
            help="Highest sensitivity to read (default: ACTORGRAPH_CLEARANCE, else your "
            "account's clearance; a store without accounts reads everything).",
        ),
    ] = None,
    tls_ca: Annotated[
        Path | None,
        typer.Option(
            "--tls-ca",
            help="CA certificate (PEM) that signed the team server's certificate "
            "(default: ACTORGRAPH_TLS_CA, else the system's).",
        ),
    ] = None,
) -> None:
    settings = Settings()
    if tls_ca is not None:
        settings = settings.model_copy(update={"tls_ca": tls_ca})
    from_env = os.environ.get("ACTORGRAPH_CLEARANCE")
    chosen = clearance or Sensitivity(from_env or Sensitivity.STRICTLY_CONFIDENTIAL.value)
    ctx.obj = CliState(
        settings=settings,
        store_url=store or settings.store_url(),
        requested=Viewer(name=settings.user or getpass.getuser(), clearance=chosen),
        clearance_asked=bool(clearance or from_env),
    )
    ctx.call_on_close(ctx.obj.close)


# --------------------------------------------------------------------------- helpers


def summary(node: m.AnyNode) -> dict[str, Any]:
    """The one-object-per-entity shape of `list` and `search`."""
    out: dict[str, Any] = {
        "id": node.id,
        "type": node.kind,
        "name": node.name,
        "sensitivity": node.sensitivity.value,
    }
    if node.aliases:
        out["aliases"] = list(node.aliases)
    if isinstance(node, m.ArmedActor):
        out["kind"] = node.actor_kind.value
        out["structure"] = node.structure.value
    return out


def _print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    if not rows:
        info("(nothing found)")
        return
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    typer.echo("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        typer.echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


# --------------------------------------------------------------------------- commands


@app.command()
def init(
    ctx: typer.Context,
    admin: Annotated[
        str | None, typer.Option("--admin", help="Create the first admin account with this name.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the admin's password from stdin.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Create the store's schema (tables, or Neo4j constraints and indexes). Idempotent.

    With --admin NAME --password-stdin, also create the first admin account;
    from then on every command must name a user (ACTORGRAPH_USER / ACTORGRAPH_PASSWORD).
    """
    st = state(ctx)
    st.may_create = True
    store = st.raw_store()
    result: dict[str, Any] = {"store": redact_url(st.store_url)}
    try:
        if admin:
            if not password_stdin:
                raise NotPermitted("give the admin's password on stdin with --password-stdin")
            cli_admin.create_first_admin(store, admin, cli_admin.read_password())
            result["admin"] = admin
        result["change_counter"] = store.change_counter()
    finally:
        store.close()
    if json_out:
        emit_json(result)
    else:
        typer.echo(f"store ready: {result['store']}")
        if admin:
            typer.echo(f"admin account {admin!r} created")


@app.command()
def stats(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Count records per node kind and relationship type (only what you may see)."""
    st = state(ctx)
    counts = st.store().counts(viewer=st.viewer)
    nodes = {k.value: counts.get(k.value, 0) for k in NodeKind}
    rels = {t.value: counts.get(t.value, 0) for t in RelType}
    result = {
        "nodes": nodes,
        "relationships": rels,
        "total_nodes": sum(nodes.values()),
        "total_relationships": sum(rels.values()),
        "change_counter": st.store().change_counter(),
    }
    if json_out:
        emit_json(result)
        return
    for title, table in (("nodes", nodes), ("relationships", rels)):
        typer.echo(f"{title}: {sum(table.values())}")
        for key, n in table.items():
            if n:
                typer.echo(f"  {key:<18} {n}")


@app.command("list")
def list_(
    ctx: typer.Context,
    type_: Annotated[NodeKind | None, typer.Option("--type", help="Only this node kind.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List entities: id, type, name, sensitivity (and kind, structure for armed actors)."""
    st = state(ctx)
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.access import audit_shown

    nodes = list(st.store().iter_nodes(type_, viewer=st.viewer))
    audit_shown(st.store(), nodes, "cli list")
    rows = [summary(n) for n in nodes]
    if json_out:
        emit_json(rows)
    else:
        _print_table(rows, ["id", "type", "name", "sensitivity"])


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Name or alias; case and diacritics are ignored.")],
    type_: Annotated[NodeKind | None, typer.Option("--type", help="Only this node kind.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Find entities by name or alias."""
    st = state(ctx)
    found = st.store().search(text, viewer=st.viewer, kinds=[type_] if type_ else None, limit=limit)
    rows = [summary(n) for n in found]
    if json_out:
        emit_json(rows)
    else:
        _print_table(rows, ["id", "type", "name", "sensitivity"])


@app.command()
def show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="Id of a node or relationship.")],
    json_out: JsonOpt = False,
) -> None:
    """Show one record with every field."""
    st = state(ctx)
    record = st.store().get(record_id, viewer=st.viewer)
    if record is None:
        raise NotFound(f"no record {record_id!r} (or it is above your clearance)")
    data = record.model_dump(mode="json")
    if json_out:
        emit_json(data)
        return
    for key, value in data.items():
        if value not in (None, [], ""):
            typer.echo(f"{key:<20} {value}")


@app.command()
def neighbours(
    ctx: typer.Context,
    node_id: Annotated[str, typer.Argument(help="Id of a node.")],
    json_out: JsonOpt = False,
) -> None:
    """Relationships of one node and who is at the other end."""
    st = state(ctx)
    store = st.store()
    if store.get(node_id, viewer=st.viewer) is None:
        raise NotFound(f"no node {node_id!r} (or it is above your clearance)")
    rows = []
    for rel, other in store.neighbours(node_id, viewer=st.viewer):
        rows.append(
            {
                "relationship": rel.id,
                "type": rel.type,
                "direction": "out" if rel.source_id == node_id else "in",
                "other": other.id,
                "other_type": other.kind,
                "other_name": other.name,
                "valid_from": rel.valid_from,
                "valid_to": rel.valid_to,
            }
        )
    if json_out:
        emit_json(rows)
    else:
        _print_table(rows, ["type", "direction", "other", "other_name", "valid_from", "valid_to"])


@app.command()
def history(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="Id of a node or relationship.")],
    json_out: JsonOpt = False,
) -> None:
    """Every version of a record: what changed, when, by whom."""
    st = state(ctx)
    revisions = st.store().history(record_id, viewer=st.viewer)
    if not revisions:
        raise NotFound(f"no record {record_id!r} (or it is above your clearance)")
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.revisions import field_changes, withdrawn_links

    changes = field_changes(revisions)
    gone = withdrawn_links(st.store(), record_id, viewer=st.viewer)
    rows = [
        {
            "version": r.version,
            "recorded_at": r.recorded_at,
            "recorded_by": r.recorded_by,
            "operation": r.operation,
            "changes": [c.as_dict() for c in changed],
            "record": r.record.model_dump(mode="json"),
        }
        for r, changed in zip(revisions, changes, strict=True)
    ]
    if json_out:
        emit_json(rows)
        return
    _print_table(rows, ["version", "recorded_at", "recorded_by", "operation"])
    # Field by field, what each later version changed.
    for r, changed in zip(revisions, changes, strict=True):
        if r.version == 1:
            continue
        typer.echo(f"version {r.version}:" + ("" if changed else " no field changed"))
        for c in changed:
            typer.echo(f"  {c.field}: {_shown(c.before)} -> {_shown(c.after)}")
    if gone:
        typer.echo(f"withdrawn links ({len(gone)}), not counted by any analysis:")
    for rel in gone:
        other = rel.target_id if rel.source_id == record_id else rel.source_id
        typer.echo(f"  {rel.id}  {rel.type} {other}  withdrawn by {rel.__dict__['withdrawn_by']}")


def _shown(value: Any) -> str:
    """A field's value on one line: JSON for lists and objects, blank as (none)."""
    import json

    if value is None or value == "" or value == []:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@app.command()
def schema(json_out: JsonOpt = False) -> None:
    """Print the domain schema: node kinds, relationship types, fields, allowed patterns."""
    data = SCHEMA.to_dict()
    if json_out:
        emit_json(data)
        return
    for kind, spec in data["nodes"].items():
        typer.echo(f"{kind}: {spec['description']}")
    for rel_type, spec in data["relationships"].items():
        pairs = ", ".join(f"{a}->{b}" for a, b in spec["patterns"][:4])
        more = " …" if len(spec["patterns"]) > 4 else ""
        typer.echo(f"{rel_type}: {spec['description']} ({pairs}{more})")


@app.command()
def demo(
    ctx: typer.Context,
    no_ui: Annotated[bool, typer.Option("--no-ui", help="Only load the scenario; no app.")] = False,
    port: Annotated[int, typer.Option(help="Port for the app (127.0.0.1 only).")] = 8501,
    json_out: JsonOpt = False,
) -> None:
    """Load the FICTIONAL demo scenario and start the app (or, with --no-ui, print stats).

    Without --no-ui the scenario goes into a fresh embedded store in a temporary
    folder; with --no-ui it goes into the store given by --store.
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.snapshot import load_snapshot

    st = state(ctx)
    st.may_create = True
    if not no_ui and ctx.find_root().params.get("store") is None:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="actorgraph-demo-"))
        st.store_url = f"sqlite:///{folder / 'demo.db'}"
    info("loading the fictional demo scenario (every name in it is invented)…")
    report = load_snapshot(st.store(), DEMO_SCENARIO, actor="demo")
    info(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
    cli_places.load_demo_shapes(st)
    if no_ui:
        ctx.invoke(stats, ctx=ctx, json_out=json_out)
        return
    store = st.store()
    if not store.list_users():
        # The app is a shared surface: even the demo signs in (no default password).
        from graph.users import new_password

        password = new_password()
        cli_admin.create_first_admin(store, DEMO_ADMIN, password)
        info(f"demo sign-in: user {DEMO_ADMIN!r}, password {password!r} (made up just now)")
    raise typer.Exit(cli_app.run_app(st.store_url, port))


def _register_extensions() -> None:
    cli_admin.register(app)
    cli_app.register(app)
    cli_ingest.register(app)
    cli_places.register(app)
    cli_rekey.register(app)
    cli_review.register(app)
    cli_serve.register(app)
    try:
        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from ui import cli_queries
    except ImportError:  # the analysis commands are optional until queries/ lands
        return
    cli_queries.register(app)


_register_extensions()


# Global options that take a value: the word after them is not a command's name.
_VALUED_GLOBALS = ("--store", "--clearance", "--tls-ca")


def command_asked(argv: list[str]) -> str | None:
    """The command (or command group) named on the command line, None for none.

    Only the global options can stand before it; anything else there (such as
    `--help`) means the whole table is wanted.
    """
    words = iter(argv)
    for word in words:
        if word in _VALUED_GLOBALS:
            next(words, None)
        elif word.startswith(tuple(f"{g}=" for g in _VALUED_GLOBALS)):
            continue
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


def lean_app(name: str) -> typer.Typer | None:
    """`app` holding only the command or group `name`, None if it has none by that name.

    typer turns every registered function into a click command (reading its
    signature and every option) before it runs one: about a tenth of the CPU of
    `actorgraph show` went to the other 70 commands (issue 13). Help, usage
    errors and the run of `name` are the same as with the whole table; a name
    that is not a command gets the whole table, so click can suggest one.
    """
    from typer.main import get_command_name  # typer's own naming of a function

    commands = [
        c
        for c in app.registered_commands
        if (c.name or (get_command_name(c.callback.__name__) if c.callback else None)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return None
    lean = copy.copy(app)
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def main() -> None:
    # pydantic looks for plugins (every installed distribution's entry points)
    # the first time it builds a validator, a few milliseconds of every command
    # (issue 13). actorgraph ships no pydantic plugin and uses none, and
    # pydantic documents PYDANTIC_DISABLE_PLUGINS for this (typer sets it too
    # while it builds its own validators). Only a default: anyone who wants
    # their plugins in the CLI sets it to an empty value.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    name = command_asked(sys.argv[1:])
    lean = lean_app(name) if name is not None else None
    (lean or app)()


if __name__ == "__main__":
    main()
