"""The account contract (`graph.store.AccountStore`): accounts are kept in the
store, each save audited without its password hash; on the embedded (plain and
SQLCipher) AND the Neo4j store.

Who may change which account (admins, clearance, the last admin) is enforced
above the store, by `SecuredStore`: `test_audit_and_access.py`; sign-in and
its throttle: `test_signin.py`; an account edited in the file:
`test_audit_integrity.py`.
"""

from __future__ import annotations

import pytest

from graph.access import authenticate
from graph.errors import NotPermitted
from graph.sensitivity import Sensitivity
from graph.store import GraphStore
from graph.users import Role
from tests.contract.test_audit_and_access import PASSWORD, make_user


def test_accounts_round_trip_and_authenticate(store: GraphStore) -> None:
    admin = make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL)
    store.save_user(admin, actor="bootstrap")
    assert store.get_user("ada") == admin
    assert authenticate(store, "ada", PASSWORD) == admin
    with pytest.raises(NotPermitted):
        authenticate(store, "ada", "wrong password here")
    store.save_user(admin.model_copy(update={"disabled": True}), actor="bootstrap")
    with pytest.raises(NotPermitted):
        authenticate(store, "ada", PASSWORD)
    *_, account_entry, refused = (e.as_dict() for e in store.audit_log().entries)
    assert account_entry["action"] == "user" and "password_hash" not in account_entry["details"]
    assert refused["action"] == "sign-in" and refused["details"]["outcome"] == "failed"


def test_saving_an_account_again_replaces_it_and_the_list_is_in_name_order(
    store: GraphStore,
) -> None:
    assert store.list_users() == [] and store.get_user("ada") is None
    for name in ("zed", "ada", "mo"):
        store.save_user(make_user(name, Role.VIEWER, Sensitivity.PUBLIC), actor="setup")
    promoted = make_user("mo", Role.EDITOR, Sensitivity.CONFIDENTIAL)
    store.save_user(promoted, actor="setup")
    assert [u.name for u in store.list_users()] == ["ada", "mo", "zed"]
    assert store.get_user("mo") == promoted
    assert store.get_user("nobody") is None
    saves = [e.as_dict() for e in store.audit_log().entries if e.action == "user"]
    assert [(s["details"]["name"], s["details"]["role"]) for s in saves] == [
        ("zed", "viewer"),
        ("ada", "viewer"),
        ("mo", "viewer"),
        ("mo", "editor"),
    ]
