"""A store with accounts: each session signs in, and the account's role and clearance hold."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from graph.sensitivity import Sensitivity
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


def test_a_store_with_accounts_asks_to_sign_in_and_refuses_a_wrong_password(
    accounts: EmbeddedStore,
) -> None:
    at = sign_in("amira", "not the password at all")
    no_exceptions(at)
    assert "wrong password" in at.error[0].value
    assert at.title[0].value == "Sign in"


def test_signed_in_user_reads_at_their_clearance_and_may_not_write_without_the_role(
    accounts: EmbeddedStore,
) -> None:
    at = sign_in("reader", PASSWORD)
    no_exceptions(at)
    assert at.title[0].value == "Overview"
    sidebar = " ".join(str(c.value) for c in at.sidebar.caption)
    assert "reader" in sidebar and "public" in sidebar
    at.switch_page("views/data.py").run()
    no_exceptions(at)
    assert any("may read but not change" in i.value for i in at.info)
    assert at.button(key="data.entity.ArmedActor.new.0.submit").disabled


def test_an_admin_sees_the_audit_log_and_its_chain_check(accounts: EmbeddedStore) -> None:
    at = sign_in("amira", PASSWORD)
    at.switch_page("views/audit.py").run()
    no_exceptions(at)
    assert at.title[0].value == "Audit log"
    assert at.success[0].value.startswith("Chain intact")
    shown = at.dataframe[0].value
    assert set(shown["action"]) >= {"write", "user"}


def test_a_non_admin_has_no_audit_page(accounts: EmbeddedStore) -> None:
    at = sign_in("reader", PASSWORD)
    no_exceptions(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/audit.py")
    # The page hides itself; the store refusing the log is in tests/contract.
