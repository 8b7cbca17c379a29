"""`actorgraph ui`: start the Streamlit app on 127.0.0.1 for the chosen store.

The privacy settings are passed on the command line as well as in
`ui/.streamlit/config.toml`, because Streamlit looks for its config file in
the working directory: started from anywhere else, the file would be missed
and Streamlit's defaults (usage statistics on, full error details) would apply.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from graph.errors import NotPermitted
from graph.stores import REMOTE_SCHEMES, SQLCIPHER_SCHEME, redact_url
from ui.cli_support import info, state

APP = Path(__file__).resolve().parent / "app.py"

# Every flag here keeps data on the machine or errors out of the browser.
SAFE_FLAGS: tuple[str, ...] = (
    "--server.address",
    "127.0.0.1",
    "--browser.serverAddress",
    "127.0.0.1",
    "--browser.gatherUsageStats",
    "false",
    "--server.headless",
    "true",
    "--server.enableXsrfProtection",
    "true",
    "--client.showErrorDetails",
    "none",
    "--client.toolbarMode",
    "minimal",
)


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    """The exact command `actorgraph ui` runs (the browser tests run it too)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        *SAFE_FLAGS,
    ]


def app_environment(
    store_url: str, clearance: str | None = None, store_key: SecretStr | None = None
) -> dict[str, str]:
    """The app's environment; an encrypted store's key goes only to this child process."""
    env = {**os.environ, "ACTORGRAPH_STORE_URL": store_url}
    if clearance:
        env["ACTORGRAPH_CLEARANCE"] = clearance
    if store_key is not None:
        env["ACTORGRAPH_STORE_KEY"] = store_key.get_secret_value()
    return env


def run_app(
    store_url: str,
    port: int,
    *,
    clearance: str | None = None,
    store_key: SecretStr | None = None,
) -> int:
    """Run the app in the foreground until Ctrl+C; return Streamlit's exit code."""
    info(f"store: {redact_url(store_url)}")
    info(f"starting the app on http://127.0.0.1:{port} (Ctrl+C to stop)")
    env = app_environment(store_url, clearance, store_key)
    try:
        return subprocess.call(streamlit_command(port), env=env)
    except KeyboardInterrupt:
        return 0


def register(app: typer.Typer) -> None:
    """Add the `ui` command to the CLI."""

    @app.command("ui")
    def ui_command(
        ctx: typer.Context,
        port: Annotated[
            int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")
        ] = 8501,
    ) -> None:
        """Start the Streamlit app on http://127.0.0.1:PORT for the store given by --store.

        Usage statistics are off and the app listens on 127.0.0.1 only. With
        accounts in the store, each browser session signs in.
        """
        st = state(ctx)
        if st.store_url.startswith(REMOTE_SCHEMES):
            # The app is a database client itself: it runs beside the database.
            raise NotPermitted(
                "the app runs on the team server's host, with the database's URL; "
                "a team server URL is for the CLI"
            )
        if st.store_url.startswith(SQLCIPHER_SCHEME):
            st.raw_store().close()  # asks for the key if needed; a wrong one stops here
        clearance = st.viewer.clearance.value if st.clearance_asked else None
        code = run_app(st.store_url, port, clearance=clearance, store_key=st.settings.store_key)
        raise typer.Exit(code)
