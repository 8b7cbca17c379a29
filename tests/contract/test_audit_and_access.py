"""Roles and clearance enforced below the UI, through an account (`SecuredStore`),
on both stores: who reads the audit log and how much of it, who may change which
account, what a writer may overwrite or link to.

The store's own audit log and accounts, without an account in between, are
`test_audit_store.py` and `test_account_store.py`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph import model as m
from graph.access import SecuredStore
from graph.audit import verify
from graph.audit_trail import with_versions
from graph.errors import InvalidRecords, NotPermitted
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.users import Role, User, hash_password
from tests.conftest import connect_file
from tests.factories import full_batch

PASSWORD = "correct horse battery"


def make_user(name: str, role: Role, clearance: Sensitivity) -> User:
    return User(name=name, role=role, clearance=clearance, password_hash=hash_password(PASSWORD))


def tamper(store: GraphStore, query: str, **params: Any) -> None:
    """Change the audit log behind the store's back, as an attacker with file/db access would."""
    inner: Any = store
    if hasattr(inner, "path"):
        with connect_file(inner) as conn:
            conn.execute(query.split("|")[0], params)
    else:
        inner._driver.execute_query(query.split("|")[1], params, database_=inner.database)


def test_roles_and_clearance_are_enforced_below_the_ui(store: GraphStore) -> None:
    store.write(full_batch(), actor="setup")
    analyst = SecuredStore(store, make_user("ana", Role.ANALYST, Sensitivity.RESTRICTED))
    editor = SecuredStore(store, make_user("eddie", Role.EDITOR, Sensitivity.CONFIDENTIAL))
    restricted = Viewer(name="ana", clearance=Sensitivity.RESTRICTED)

    with pytest.raises(NotPermitted):
        analyst.write(WriteBatch.of([m.Person(id="per_z", name="Fictional Z")]))
    with pytest.raises(NotPermitted):
        analyst.get("act_1", viewer=SYSTEM)  # asking above one's clearance is refused
    with pytest.raises(NotPermitted):
        analyst.audit_log()
    assert analyst.get("src_1", viewer=restricted) is None

    editor.write(WriteBatch.of([m.Person(id="per_z", name="Fictional Z")]), actor="spoofed")
    entry = store.audit_log().entries[-1]
    assert entry.actor == "eddie"  # recorded under the authenticated user, not the claim


def test_views_of_strictly_confidential_records_are_audited(store: GraphStore) -> None:
    store.write(full_batch(), actor="setup")
    admin = SecuredStore(store, make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))
    before = len(store.audit_log().entries)
    assert admin.get("act_1", viewer=SYSTEM) is not None  # public: not audited
    assert len(store.audit_log().entries) == before
    assert admin.get("src_1", viewer=SYSTEM) is not None  # a source identity: audited
    entry = store.audit_log().entries[-1].as_dict()
    assert (entry["actor"], entry["action"], entry["details"]["records"]) == (
        "ada",
        "view",
        ["src_1"],
    )


def test_a_writer_cannot_overwrite_or_link_to_what_is_above_their_clearance(
    store: GraphStore,
) -> None:
    secret = m.Person(
        id="per_secret", name="Fictional Secret", sensitivity=Sensitivity.CONFIDENTIAL
    )
    store.write(WriteBatch.of([secret]), actor="setup")
    editor = SecuredStore(store, make_user("eddie", Role.EDITOR, Sensitivity.RESTRICTED))
    overwrite = m.Person(id="per_secret", name="Overwritten")
    link = m.Influences(id="rel_new", source_id="per_secret", target_id="per_secret")
    with pytest.raises(InvalidRecords) as caught:
        editor.write(WriteBatch.of([overwrite]))
    assert [(e.record, e.field, e.message) for e in caught.value.errors] == [
        ("per_secret", "id", "this id is already in use")
    ]
    mine = m.Person(id="per_mine", name="Fictional Mine")
    with pytest.raises(InvalidRecords) as caught:
        editor.write(WriteBatch.of([mine, link.model_copy(update={"target_id": "per_mine"})]))
    # To the editor the hidden node does not exist: the same words as for a missing id.
    assert [(e.record, e.field, e.message) for e in caught.value.errors] == [
        ("rel_new", "source_id", "no node with id 'per_secret'")
    ]
    assert store.get("per_secret", viewer=SYSTEM).name == "Fictional Secret"  # type: ignore[union-attr]


def _audit_setup(store: GraphStore) -> None:
    """Four writes: public, confidential, restricted with the strictly confidential
    source it cites, and restricted only citing that source (its locator points
    into the source, so it is as sensitive as the source)."""

    def cited(record_id: str, page: int) -> m.Person:
        ref = m.SourceRef(source_id="src_sc", locator=f"fictional page {page}")
        return m.Person(id=record_id, name=f"Fictional Cited {page}", sources=(ref,))

    public, confidential = Sensitivity.PUBLIC, Sensitivity.CONFIDENTIAL
    for batch in (
        [m.Person(id="per_pub", name="Fictional Open Name", sensitivity=public)],
        [m.Person(id="per_conf", name="Fictional Hidden Name", sensitivity=confidential)],
        [m.Source(id="src_sc", name="Fictional informant", source_kind="report"), cited("p7", 7)],
        [cited("p9", 9)],
    ):
        store.write(WriteBatch.of(batch), actor="setup")


def test_the_audit_log_is_filtered_by_the_admins_clearance(store: GraphStore) -> None:
    _audit_setup(store)
    rhea = make_user("rhea", Role.ADMIN, Sensitivity.RESTRICTED)
    low = SecuredStore(store, rhea)
    log = low.audit_log()
    # As shown: entries with their before/after read from history at her clearance.
    shown = with_versions(low, log.entries, viewer=Viewer("rhea", rhea.clearance))
    text = json.dumps(shown)
    assert "Fictional Open Name" in text and "Fictional Cited 9" in text
    for secret in ("Fictional Hidden Name", "Fictional informant", "fictional page", "src_sc"):
        assert secret not in text
    # Entries naming records above her clearance are withheld; the last one
    # names only p9, which she may see (its citation of the source masked).
    assert [e.get("withheld", False) for e in shown] == [False, True, True, False]
    assert [(e["seq"], e["actor"], e["action"]) for e in shown][1] == (2, "setup", "write")
    # The chain still verifies without the withheld content ...
    assert verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash) == []
    # ... and the fully cleared admin sees all of it.
    high = SecuredStore(store, make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))
    full = with_versions(high, high.audit_log().entries, viewer=SYSTEM)
    assert "fictional page 7" in json.dumps(full) and "Fictional informant" in json.dumps(full)


def test_an_altered_entry_is_still_caught_when_its_content_is_withheld(store: GraphStore) -> None:
    _audit_setup(store)
    tamper(
        store,
        "UPDATE audit SET details = replace(details, '\"version\":1', '\"version\":9') "
        "WHERE seq = 2|MATCH (a:AuditEntry {seq: 2}) "
        "SET a.details = replace(a.details, '\"version\":1', '\"version\":9')",
    )
    low = SecuredStore(store, make_user("rhea", Role.ADMIN, Sensitivity.RESTRICTED))
    log = low.audit_log()
    problems = verify(log.entries, head_seq=log.head_seq, head_hash=log.head_hash)
    assert [str(p) for p in problems] == ["entry 2: content does not match its hash (altered)"]


def _accounts(store: GraphStore) -> tuple[SecuredStore, SecuredStore]:
    """ada: the strictly confidential admin; rhea: an admin cleared to restricted."""
    ada = make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL)
    rhea = make_user("rhea", Role.ADMIN, Sensitivity.RESTRICTED)
    store.save_user(ada, actor="setup")
    store.save_user(rhea, actor="setup")
    return SecuredStore(store, ada), SecuredStore(store, rhea)


def test_an_admin_grants_no_clearance_above_their_own_nor_changes_such_an_account(
    store: GraphStore,
) -> None:
    _, rhea = _accounts(store)
    with pytest.raises(NotPermitted, match="may not grant confidential"):
        rhea.save_user(make_user("mole", Role.VIEWER, Sensitivity.CONFIDENTIAL))
    with pytest.raises(NotPermitted, match="cleared above your clearance"):
        rhea.save_user(make_user("ada", Role.VIEWER, Sensitivity.PUBLIC))  # take-over by reset
    rhea.save_user(make_user("field-1", Role.ANALYST, Sensitivity.RESTRICTED))
    assert store.get_user("field-1") is not None
    assert store.get_user("ada").clearance is Sensitivity.STRICTLY_CONFIDENTIAL  # type: ignore[union-attr]
    assert store.get_user("mole") is None


def test_no_one_changes_their_own_role_or_clearance(store: GraphStore) -> None:
    ada, rhea = _accounts(store)
    with pytest.raises(NotPermitted, match="own role or clearance"):
        rhea.save_user(make_user("rhea", Role.ADMIN, Sensitivity.PUBLIC))
    with pytest.raises(NotPermitted, match="own role or clearance"):
        ada.save_user(make_user("ada", Role.EDITOR, Sensitivity.STRICTLY_CONFIDENTIAL))
    ada.save_user(make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))  # new password
    ada.save_user(make_user("rhea", Role.ADMIN, Sensitivity.CONFIDENTIAL))  # by another admin
    assert store.get_user("rhea").clearance is Sensitivity.CONFIDENTIAL  # type: ignore[union-attr]


@pytest.mark.parametrize("twin", ["Rhea", "RHEA", "rhéa", "rhеa"])  # noqa: RUF001, RUF003 # the last: Cyrillic е
def test_a_name_that_looks_like_an_existing_account_is_refused(
    store: GraphStore, twin: str
) -> None:
    ada, _ = _accounts(store)
    with pytest.raises(NotPermitted, match="looks like the existing account 'rhea'"):
        ada.save_user(make_user(twin, Role.VIEWER, Sensitivity.PUBLIC))
    assert [u.name for u in store.list_users()] == ["ada", "rhea"]


def test_the_last_active_admin_cannot_be_disabled_or_demoted(store: GraphStore) -> None:
    ada = make_user("ada", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL)
    store.save_user(ada, actor="setup")
    secured = SecuredStore(store, ada)
    with pytest.raises(NotPermitted, match="last active admin"):
        secured.save_user(ada.model_copy(update={"disabled": True}))
    secured.save_user(make_user("bo", Role.ADMIN, Sensitivity.STRICTLY_CONFIDENTIAL))
    bo = SecuredStore(store, store.get_user("bo"))  # type: ignore[arg-type]
    bo.save_user(ada.model_copy(update={"disabled": True}))  # another admin remains
    with pytest.raises(NotPermitted, match="'bo' is the last active admin"):
        secured.save_user(make_user("bo", Role.EDITOR, Sensitivity.STRICTLY_CONFIDENTIAL))
    assert store.get_user("bo").role is Role.ADMIN  # type: ignore[union-attr]
