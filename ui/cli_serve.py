"""`actorgraph serve-api`: run the team server, the only database client in team mode.

The server is started where the database password (or the store file) lives;
team members point their CLI at it (`--store https://host:port`) with their own
account. Plain HTTP is refused on anything but a loopback address unless TLS
is configured, since every sign-in carries a password.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from graph.errors import NotPermitted, StoreUnavailable
from graph.stores import REMOTE_SCHEMES, redact_url
from ui.cli_support import info, state


def check_listen(host: str, tls_cert: Path | None, tls_key: Path | None) -> None:
    """Refuse a plain-HTTP listener reachable from the network, and half a TLS setup."""
    if (tls_cert is None) != (tls_key is None):
        raise NotPermitted("give both --tls-cert and --tls-key (or neither)")
    for path in (tls_cert, tls_key):
        if path is not None and not path.is_file():
            raise StoreUnavailable(f"no such file: {path}")
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.stores.remote_store import is_loopback

    if tls_cert is None and not is_loopback(host):
        raise NotPermitted(
            f"refusing plain HTTP on {host}: passwords would cross the network in clear. "
            "Give --tls-cert FILE --tls-key FILE, or listen on 127.0.0.1 (behind a TLS proxy)"
        )


def _log_sign_ins_and_calls() -> None:
    """The server's own log on stderr: who signed in from where, and which method
    they called (never a password, token, hash or record)."""
    logger = logging.getLogger("actorgraph.api")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def register(app: typer.Typer) -> None:
    """Add the `serve-api` command to the CLI."""

    @app.command("serve-api")
    def serve_api(
        ctx: typer.Context,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8765,
        tls_cert: Annotated[
            Path | None, typer.Option("--tls-cert", help="TLS certificate chain (PEM).")
        ] = None,
        tls_key: Annotated[
            Path | None, typer.Option("--tls-key", help="TLS private key (PEM).")
        ] = None,
        idle_minutes: Annotated[
            int, typer.Option("--idle-minutes", min=1, help="A sign-in ends after this idle.")
        ] = 15,
    ) -> None:
        """Serve the store given by --store to team members over HTTP(S) (team mode).

        The server alone holds the database password; each user signs in with
        their own account (`actorgraph --store https://HOST:PORT …`) and every
        call runs with their role and clearance, audited here.
        """
        import uvicorn

        # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
        from ui.api_server import make_app

        st = state(ctx)
        if st.store_url.startswith(REMOTE_SCHEMES):
            raise NotPermitted("serve-api serves a database (sqlite:///, bolt://…), not a server")
        check_listen(host, tls_cert, tls_key)
        store = st.raw_store()
        try:
            if not store.list_users():
                raise NotPermitted(
                    "this store has no accounts, so it cannot be served: create the first "
                    "admin with `actorgraph init --admin NAME --password-stdin`"
                )
            _log_sign_ins_and_calls()
            scheme = "https" if tls_cert else "http"
            info(f"store: {redact_url(st.store_url)}")
            info(f"team server on {scheme}://{host}:{port} (Ctrl+C to stop)")
            uvicorn.run(
                make_app(store, idle=timedelta(minutes=idle_minutes)),
                host=host,
                port=port,
                ssl_certfile=tls_cert,
                ssl_keyfile=tls_key,
                # The throttle counts failures per peer address: never take it from a header.
                proxy_headers=False,
                server_header=False,
                log_level="info",
            )
        finally:
            store.close()
