"""Typed access to the app's session state, its store and its viewer.

Pages never touch `st.session_state` with string keys of their own: they go
through the accessors here, each initialised once, guarded. The store object is
held by `st.cache_resource` keyed by its URL (the stores open a connection per
call, so one object may serve every session). Anything cached with
`st.cache_data` is shared across users too, so every such function takes the
viewer's clearance and the store's change counter as arguments
(CONTRIBUTING.md: caches are shared across users).

Accounts: a store without accounts is one analyst's own file ("owner mode")
and is used as it is. A store with accounts asks each session to sign in, and
then every call goes through `graph.access.SecuredStore`, which enforces the
account's role and clearance below the UI.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast

import networkx as nx
import streamlit as st

from graph.access import SecuredStore, authenticate
from graph.errors import ActorGraphError, InvalidRecords, NotPermitted, StoreUnavailable
from graph.projection import projection
from graph.sensitivity import Sensitivity, Viewer
from graph.settings import Settings
from graph.store import GraphStore
from graph.stores import open_store, redact_url
from graph.users import Role, User

CLEARANCE_ENV = "ACTORGRAPH_CLEARANCE"

_T = TypeVar("_T")

# Session-state keys that are not widget keys (widget keys live with their pages).
_SELECTED = "ag.selected_entity"
_SETTINGS = "ag.settings"
_LAST_WRITE = "ag.last_write"
_USER = "ag.user"
_LAST_SEEN = "ag.last_seen"  # when this session last ran signed in (ISO, UTC)
_EXPIRED = "ag.expired"


def _get(key: str, default: _T) -> _T:
    """Read a session value, setting it to `default` the first time."""
    if key not in st.session_state:
        st.session_state[key] = default
    return cast(_T, st.session_state[key])


# --------------------------------------------------------------------------- settings, store


def settings() -> Settings:
    """Settings, read once per session at this edge and passed down from here."""
    return _get(_SETTINGS, Settings())


def store_url() -> str:
    """The store this app reads; `ACTORGRAPH_STORE_URL` (set by `actorgraph ui`) wins."""
    return settings().store_url()


def store_label() -> str:
    """The store URL with any credentials hidden, for display."""
    return redact_url(store_url())


@st.cache_resource(show_spinner=False)
def _open(url: str) -> GraphStore:
    # Keyed by URL only: the store object holds no per-user state, and every
    # read it serves names its viewer.
    store = open_store(url, Settings())
    store.ensure_schema()
    return store


@st.cache_resource(show_spinner=False)
def _secured(url: str, user_json: str) -> SecuredStore:
    # One object per (store, account state), so the projection cache, which is
    # keyed by the store object, is shared by that user's reruns and sessions.
    return SecuredStore(_open(url), User.model_validate_json(user_json))


def raw_store() -> GraphStore:
    """The shared store object, or a friendly stop when it cannot be opened."""
    try:
        return _open(store_url())
    except ActorGraphError as e:
        st.error(f"The store cannot be opened: {e}")
        st.info(
            "Start the app with `actorgraph ui --store sqlite:///path.db` "
            "or set ACTORGRAPH_STORE_URL."
        )
        st.stop()


def has_accounts() -> bool:
    """A store without accounts is one analyst's own file ("owner mode")."""
    return bool(raw_store().list_users())


def current_user() -> User | None:
    """The signed-in account, re-read each run so a disabled account stops at once,
    and signed out once the session has been idle longer than the settings allow."""
    name = cast(str | None, _get(_USER, None))
    if name is None:
        return None
    now = datetime.now(UTC)
    last_seen = cast(str | None, _get(_LAST_SEEN, None))
    idle = timedelta(minutes=settings().session_idle_minutes)
    if last_seen is None or now - datetime.fromisoformat(last_seen) > idle:
        st.session_state[_EXPIRED] = True
        sign_out()
        return None
    st.session_state[_LAST_SEEN] = now.isoformat()
    user = raw_store().get_user(name)
    if user is None or user.disabled:
        sign_out()
        return None
    return user


def store() -> GraphStore:
    """The store as this session may use it (see the module docstring)."""
    raw = raw_store()
    if not raw.list_users():
        return raw
    user = current_user()
    if user is None:
        _sign_in(raw)
        st.stop()
    return _secured(store_url(), user.model_dump_json())


def _sign_in(raw: GraphStore) -> None:
    st.title("Sign in")
    st.caption(f"This store has accounts: `{store_label()}`.")
    if st.session_state.get(_EXPIRED):
        minutes = settings().session_idle_minutes
        st.warning(f"Your session ended after {minutes} minutes without activity: sign in again.")
    with st.form("auth.form"):
        name = st.text_input("User name", key="auth.name")
        password = st.text_input("Password", type="password", key="auth.password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            user = authenticate(raw, name.strip(), password, client=_client())
        except NotPermitted as e:
            st.error(str(e))
            return
        st.session_state[_USER] = user.name
        st.session_state[_LAST_SEEN] = datetime.now(UTC).isoformat()
        st.session_state[_EXPIRED] = False
        st.rerun()


def _client() -> str:
    """Who is signing in, for throttling per client: the browser's address (none in
    tests or behind some proxies: then every such session counts as one client)."""
    address = st.context.ip_address
    return f"app:{address}" if isinstance(address, str) and address else "app:unknown"


def sign_out() -> None:
    st.session_state[_USER] = None
    st.session_state[_LAST_SEEN] = None


def may_write() -> bool:
    """Owner mode may write; an account needs the editor or admin role."""
    if not has_accounts():
        return True
    user = current_user()
    return user is not None and user.role.may_write


def may_audit() -> bool:
    """Owner mode, or an admin account: the only ones the store shows the audit log."""
    if not has_accounts():
        return True
    user = current_user()
    return user is not None and user.role is Role.ADMIN


def change_counter() -> int:
    return store().change_counter()


# --------------------------------------------------------------------------- viewer


def viewer() -> Viewer:
    """Who is reading and what they may see; the one place that decides.

    With accounts: the signed-in user at their clearance, or lower when
    `ACTORGRAPH_CLEARANCE` asks for less. Owner mode: `ACTORGRAPH_USER` (else
    the login name) with the clearance in `ACTORGRAPH_CLEARANCE` (default
    strictly confidential: one analyst on their own file).
    """
    raw = os.environ.get(CLEARANCE_ENV, "").strip()
    asked: Sensitivity | None = None
    if raw:
        try:
            asked = Sensitivity(raw)
        except ValueError:
            allowed = ", ".join(s.value for s in Sensitivity)
            st.error(f"{CLEARANCE_ENV}={raw!r} is not a sensitivity label; use one of: {allowed}.")
            st.stop()
    user = current_user() if has_accounts() else None
    if user is not None:
        clearance = user.clearance
        if asked is not None and asked.rank < clearance.rank:
            clearance = asked
        return Viewer(name=user.name, clearance=clearance)
    name = settings().user or getpass.getuser()
    return Viewer(name=name, clearance=asked or Sensitivity.STRICTLY_CONFIDENTIAL)


def graph(as_of: date | None = None) -> nx.MultiDiGraph[str]:
    """The projection this viewer may see at `as_of` (cached on the store's change counter)."""
    return projection(store(), viewer=viewer(), as_of=as_of)


# --------------------------------------------------------------------------- selection


def selected_entity() -> str | None:
    """The entity the user last chose on any page (profile, network, paths)."""
    return cast(str | None, _get(_SELECTED, None))


def select_entity(entity_id: str | None) -> None:
    st.session_state[_SELECTED] = entity_id


def last_write() -> dict[str, Any] | None:
    """What the last form on the Data page wrote (shown after the rerun)."""
    return cast(dict[str, Any] | None, _get(_LAST_WRITE, None))


def set_last_write(summary: dict[str, Any] | None) -> None:
    st.session_state[_LAST_WRITE] = summary


# --------------------------------------------------------------------------- errors


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show our errors as messages, never as tracebacks.

    `InvalidRecords` lists every row problem; other `ActorGraphError`s are one
    line. Anything else is a bug: it propagates, and Streamlit (configured with
    `client.showErrorDetails = "none"`) shows a generic message.
    """
    try:
        yield
    except InvalidRecords as e:
        show_row_errors(e)
    except StoreUnavailable as e:
        st.error(f"The store is not available: {e}")
    except ActorGraphError as e:
        st.error(str(e))


def show_row_errors(error: InvalidRecords) -> None:
    st.error(f"{len(error.errors)} problem(s); nothing was written.")
    rows = [
        {
            "file": e.file,
            "row": e.row,
            "record": e.record,
            "field": e.field,
            "problem": e.message,
            "suggestion": e.suggestion,
        }
        for e in error.errors
    ]
    st.dataframe(rows, hide_index=True)
