"""A store with accounts: each session signs in, and the account's role and clearance hold."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from graph import model as m
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from graph.users import Role, User, hash_password
from tests.ui.conftest import app_at, no_exceptions

PASSWORD = "correct horse battery staple"


@pytest.fixture
def accounts(world_store: EmbeddedStore) -> EmbeddedStore:
    for name, role, clearance in (
        ("amira", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL),
        ("reader", Role.VIEWER, Sensitivity.PUBLIC),
    ):
        world_store.save_user(
            User(name=name, role=role, clearance=clearance, password_hash=hash_password(PASSWORD)),
            actor="fixture",
        )
    return world_store


def sign_in(name: str, password: str) -> AppTest:
    at = app_at()
    assert at.title[0].value == "Sign in"
    at.text_input(key="auth.name").input(name)
    at.text_input(key="auth.password").input(password)
    at.button[0].click().run()
    return at


@pytest.mark.usefixtures("accounts")
def test_a_store_with_accounts_asks_to_sign_in_and_refuses_a_wrong_password() -> None:
    at = sign_in("amira", "not the password at all")
    no_exceptions(at)
    assert "wrong password" in at.error[0].value
    assert at.title[0].value == "Sign in"


@pytest.mark.usefixtures("accounts")
def test_signed_in_user_reads_at_their_clearance_and_may_not_write_without_the_role() -> None:
    at = sign_in("reader", PASSWORD)
    no_exceptions(at)
    assert at.title[0].value == "Overview"
    sidebar = " ".join(str(c.value) for c in at.sidebar.caption)
    assert "reader" in sidebar and "public" in sidebar
    at.switch_page("views/data.py").run()
    no_exceptions(at)
    assert any("may read but not change" in i.value for i in at.info)
    # Records as read-only views, not disabled forms (tests/ui/test_data_page.py has more).
    assert at.selectbox(key="data.view.entity").label == "Entity"


def test_an_admin_sees_the_audit_log_and_its_chain_check(accounts: EmbeddedStore) -> None:
    at = sign_in("amira", PASSWORD)
    at.switch_page("views/audit.py").run()
    no_exceptions(at)
    assert at.title[0].value == "Audit log"
    assert at.success[0].value.startswith("Chain intact")
    assert json.loads(at.code[0].value) == accounts.audit_head().as_dict()  # to keep elsewhere
    shown = at.dataframe[0].value
    assert set(shown["action"]) >= {"write", "user"}
    # A write's before and after, read back from history (the entry holds hashes).
    detail = at.json[0].value
    assert "Ilyo Varrant" in detail and '"sha256"' in detail


def test_the_audit_page_names_a_record_edited_in_the_file(accounts: EmbeddedStore) -> None:
    with sqlite3.connect(accounts.path) as conn:
        conn.execute("UPDATE records SET data = replace(data, 'a', 'o') WHERE id = 'per_local'")
    at = sign_in("amira", PASSWORD)
    at.switch_page("views/audit.py").run()
    no_exceptions(at)
    assert not at.success
    assert "record 'per_local' version 1: current record does not match" in at.error[0].value


@pytest.mark.usefixtures("accounts")
def test_a_non_admin_has_no_audit_page() -> None:
    at = sign_in("reader", PASSWORD)
    no_exceptions(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/audit.py")
    # The page hides itself; the store refusing the log is in tests/contract.


def idle_for(at: AppTest, minutes: float) -> AppTest:
    """Pretend the session last ran `minutes` ago (the session's own timestamp)."""
    at.session_state["ag.last_seen"] = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()
    return at.run()


@pytest.mark.usefixtures("accounts")
def test_a_session_idle_longer_than_the_setting_must_sign_in_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTORGRAPH_SESSION_IDLE_MINUTES", "10")
    at = sign_in("reader", PASSWORD)
    assert at.title[0].value == "Overview"
    idle_for(at, 9)
    no_exceptions(at)
    assert at.title[0].value == "Overview"  # within the limit, and the clock restarts
    idle_for(at, 11)
    no_exceptions(at)
    assert at.title[0].value == "Sign in"
    assert "10 minutes without activity" in at.warning[0].value
    at.text_input(key="auth.name").input("reader")
    at.text_input(key="auth.password").input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "Overview" and not at.warning


def test_the_app_locks_an_account_after_repeated_failures_and_says_until_when(
    accounts: EmbeddedStore,
) -> None:
    at = sign_in("amira", "not the password at all")
    for _ in range(4):
        at.button[0].click().run()
    no_exceptions(at)
    assert "locked until" in at.error[0].value
    at.text_input(key="auth.password").input(PASSWORD)
    at.button[0].click().run()
    assert "locked until" in at.error[0].value and at.title[0].value == "Sign in"
    clients = {
        e.as_dict()["details"]["client"]
        for e in accounts.audit_log().entries
        if e.action == "sign-in"
    }
    assert len(clients) == 1 and clients.pop().startswith("app:")


def test_a_restricted_admins_audit_page_withholds_what_is_above_them(
    accounts: EmbeddedStore,
) -> None:
    secret = m.Person(
        id="per_secret_ui",
        name="Fictional Secret Name",
        sensitivity=Sensitivity.STRICTLY_CONFIDENTIAL,
    )
    accounts.write(WriteBatch.of([secret]), actor="fixture")
    accounts.save_user(
        User(
            name="rhea",
            role=Role.ADMIN,
            clearance=Sensitivity.RESTRICTED,
            password_hash=hash_password(PASSWORD),
        ),
        actor="fixture",
    )
    at = sign_in("rhea", PASSWORD)
    at.switch_page("views/audit.py").run()
    no_exceptions(at)
    assert at.success[0].value.startswith("Chain intact")
    shown = at.dataframe[0].value
    text = " ".join(str(v) for v in shown["what"])
    assert "per_secret_ui" not in text and "content withheld" in text
