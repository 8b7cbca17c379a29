"""Hostile text is data, never code: names, ids and searches leave both stores intact."""

from __future__ import annotations

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from tests.factories import full_batch

HOSTILE = [
    "x'}) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "'; DROP TABLE records; --",
    "Robert'); DELETE FROM revisions; --",
    "<img src=x onerror=alert(1)>",
    "$rows ${id} {{name}} %s %(id)s",
    "\\\\' OR 1=1 --",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_round_trip_and_destroy_nothing(store: GraphStore, text: str) -> None:
    store.write(full_batch(), actor="setup")
    before = store.counts(viewer=SYSTEM)
    hostile_id = "per_" + "".join(c for c in text if not c.isspace())[:60]
    person = m.Person(id=hostile_id, name=text, aliases=(text[::-1],), description=text)
    rel = m.Influences(id="rel_" + hostile_id, source_id=hostile_id, target_id="per_1", topic=text)
    store.write(WriteBatch.of([person, rel]), actor=text)

    assert store.get(hostile_id, viewer=SYSTEM) == store.get(hostile_id, viewer=SYSTEM)
    stored = store.get(hostile_id, viewer=SYSTEM)
    assert stored is not None and stored.name == text and stored.recorded_by == text
    assert [n.id for n in store.search(text, viewer=SYSTEM)] == [hostile_id]
    after = store.counts(viewer=SYSTEM)
    assert after["Person"] == before["Person"] + 1
    assert after["INFLUENCES"] == before["INFLUENCES"] + 1
    assert {k: v for k, v in after.items() if k not in ("Person", "INFLUENCES")} == {
        k: v for k, v in before.items() if k not in ("Person", "INFLUENCES")
    }
    assert len(store.history("per_1", viewer=SYSTEM)) == 1
    assert store.search("%", viewer=SYSTEM) == []  # LIKE wildcards are escaped
