"""The actorgraph Streamlit app: `streamlit run ui/app.py` (or `actorgraph ui`).

A multipage app built with `st.navigation`. Pages are thin: they call
`graph/` and `queries/` and render; they never talk to a database. The store
comes from `ACTORGRAPH_STORE_URL` (set by `actorgraph ui --store …`), read
once per session in `ui.state`.

Launch flags matter: Streamlit finds `.streamlit/config.toml` relative to the
working directory, so `actorgraph ui` passes the privacy settings (usage
statistics off, 127.0.0.1 only, no error details) on the command line too.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ (not the project root) on sys.path; make
# the `ui`, `graph` and `queries` packages importable when not installed.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from ui import collector, state, warmup  # noqa: E402
from ui.components.entities import md  # noqa: E402

ASSETS = Path(__file__).resolve().parent / "assets"


def _page(name: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    # Relative to this file, as Streamlit resolves page paths.
    return st.Page(f"views/{name}", title=title, icon=icon, default=default)


def run() -> None:
    # The app owns this process's memory: large projections out of the
    # garbage collector's rounds (ui.collector; idempotent across reruns).
    collector.install()
    st.set_page_config(
        page_title="actorgraph",
        # A local file: a Material icon here becomes a favicon fetched from Google.
        page_icon=str(ASSETS / "favicon.png"),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    # With accounts, nothing but the sign-in form shows until the session signs in.
    state.store()
    navigation = st.navigation(
        {
            "Analyse": [
                _page("overview.py", "Overview", ":material/dashboard:", default=True),
                _page("profile.py", "Actor profile", ":material/person_search:"),
                _page("network.py", "Network", ":material/hub:"),
                _page("paths.py", "Leverage paths", ":material/route:"),
                _page("coverage.py", "Coverage", ":material/grid_on:"),
                _page("map.py", "Map", ":material/map:"),
                _page("timeline.py", "Timeline", ":material/timeline:"),
            ],
            "Maintain": [
                _page("data.py", "Data", ":material/edit_note:"),
                *(
                    [_page("audit.py", "Audit log", ":material/fact_check:")]
                    if state.may_audit()
                    else []
                ),
            ],
        }
    )
    with st.sidebar:
        viewer = state.viewer()
        st.caption(
            f"Store: `{state.store_label()}`  \n"
            f"Reading as **{md(viewer.name)}**, cleared to **{viewer.clearance.value}**."
        )
        if state.has_accounts():
            st.button("Sign out", key="auth.sign_out", on_click=state.sign_out)
        else:
            st.caption("This store has no accounts: whoever opens it sees everything.")
    # Every page's first load, in any later session, finds its analyses cached.
    warmup.start(state.store(), viewer, enabled=state.settings().warm_up)
    navigation.run()


run()
