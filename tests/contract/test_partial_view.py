"""`hides_records_from`: the yes/no behind "computed on what you may see", on both stores."""

from __future__ import annotations

import pytest

from graph import model as m
from graph.access import SecuredStore
from graph.errors import NotPermitted
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from graph.users import Role, User, hash_password

PUBLIC = Viewer(name="reader", clearance=Sensitivity.PUBLIC)
RESTRICTED = Viewer(name="reader", clearance=Sensitivity.RESTRICTED)
TOP = Viewer(name="reader", clearance=Sensitivity.STRICTLY_CONFIDENTIAL)


def _people(*labels: Sensitivity) -> list[m.Person]:
    return [
        m.Person(id=f"per_{i}", name=f"Fictional person {i}", sensitivity=label)
        for i, label in enumerate(labels)
    ]


def test_an_empty_store_hides_nothing(store: GraphStore) -> None:
    assert store.hides_records_from(viewer=PUBLIC) is False


def test_a_record_above_clearance_is_reported_only_to_readers_below_it(
    store: GraphStore,
) -> None:
    store.write(WriteBatch.of(_people(Sensitivity.PUBLIC, Sensitivity.RESTRICTED)), actor="e")
    assert store.hides_records_from(viewer=PUBLIC) is True
    assert store.hides_records_from(viewer=RESTRICTED) is False
    assert store.hides_records_from(viewer=TOP) is False


def test_a_relationship_above_clearance_between_visible_people_counts(store: GraphStore) -> None:
    a, b = _people(Sensitivity.PUBLIC, Sensitivity.PUBLIC)
    link = m.Influences(
        id="rel_1", source_id=a.id, target_id=b.id, sensitivity=Sensitivity.CONFIDENTIAL
    )
    store.write(WriteBatch.of([a, b, link]), actor="e")
    assert store.hides_records_from(viewer=PUBLIC) is True
    cleared = Viewer(name="reader", clearance=Sensitivity.CONFIDENTIAL)
    assert store.hides_records_from(viewer=cleared) is False


def test_a_protected_source_is_masked_not_hidden(store: GraphStore) -> None:
    # The reader sees that the source exists (masked), so it does not make the view partial.
    source = m.Source(id="src_1", name="Fictional informant", sensitivity=Sensitivity.CONFIDENTIAL)
    store.write(WriteBatch.of([source, *_people(Sensitivity.PUBLIC)]), actor="e")
    assert store.hides_records_from(viewer=PUBLIC) is False


def test_an_account_cannot_ask_above_its_own_clearance(store: GraphStore) -> None:
    store.write(WriteBatch.of(_people(Sensitivity.STRICTLY_CONFIDENTIAL)), actor="e")
    user = User(
        name="reader",
        role=Role.VIEWER,
        clearance=Sensitivity.RESTRICTED,
        password_hash=hash_password("correct horse battery"),
    )
    secured = SecuredStore(store, user)
    assert secured.hides_records_from(viewer=RESTRICTED) is True
    with pytest.raises(NotPermitted):
        secured.hides_records_from(viewer=TOP)
