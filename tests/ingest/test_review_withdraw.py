"""Rejecting a fuzzy match withdraws what the spelling's rows attached (FICTIONAL data).

"Orrin Liberation Frnt" is matched by similarity to "Orrin Liberation Front"
and its events are attached there; a reviewer says they are different groups.
The event links those rows made must stop counting for the old record (its
alliances, its timeline), in the same write as the decision, with history.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import model as m
from graph.projection import build_projection, projection
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch, WriteReport
from ingest.review import decide, list_reviews
from tests.ingest.helpers import contents, load
from tests.ingest.test_identity import ACLED_COLUMNS, acled_row, write_csv

FRONT, FRNT = "Orrin Liberation Front", "Orin Liberation Front"
RANGERS, SALT = "Copper Vale Rangers", "Salt Plain Militia"
BEFORE = date(2024, 1, 1)  # before every event here
AFTER = date(2024, 12, 31)


def _ally(n: int, actor: str) -> dict[str, str]:
    """An event with `actor` and the Rangers on the same side (alliance evidence)."""
    return acled_row(n, actor, assoc_actor_1=RANGERS)


def _seeded(store: GraphStore, tmp_path: Path) -> tuple[Path, str]:
    """The Front with two events beside the Rangers; then a file spelling it
    'Orin' in two more such events and one against the Salt Plain Militia."""
    load(
        store, write_csv(tmp_path / "first.csv", ACLED_COLUMNS, [_ally(1, FRONT), _ally(2, FRONT)])
    )
    second = write_csv(
        tmp_path / "second.csv",
        ACLED_COLUMNS,
        [_ally(3, FRNT), _ally(4, FRNT), acled_row(5, FRNT, SALT)],
    )
    report = load(store, second)
    (item,) = report.review
    assert item.value == FRNT and item.matched_name == FRONT
    return second, item.item or ""


def _actor(store: GraphStore, name: str) -> str:
    (node,) = [n for n in store.iter_nodes(NodeKind.ARMED_ACTOR, viewer=SYSTEM) if n.name == name]
    return node.id


def _ties(graph: nx.MultiDiGraph[str], a: str, b: str) -> dict[str, int]:
    """Evidence count of each tie type between two actors in a projection."""
    out: dict[str, int] = {}
    for u, v in ((a, b), (b, a)):
        for _, data in graph.get_edge_data(u, v, default={}).items():
            if data["type"] in ("ALLIED_WITH", "OPPOSES"):
                out[data["type"]] = out.get(data["type"], 0) + data["record"].evidence_count
    return out


def _events_of(graph: nx.MultiDiGraph[str], actor: str) -> set[str]:
    return {t for _, t, d in graph.out_edges(actor, data=True) if d["type"] == "PARTICIPATED_IN"}


def _edges(graph: nx.MultiDiGraph[str]) -> list[tuple[str, str, str, Any]]:
    return sorted(
        (u, v, k, d["record"].model_dump(mode="json", exclude={"recorded_at", "recorded_by"}))
        for u, v, k, d in graph.edges(keys=True, data=True)
    )


def test_reject_withdraws_the_spellings_event_links_and_their_alliance_evidence(
    store: GraphStore, tmp_path: Path
) -> None:
    second, item = _seeded(store, tmp_path)
    front, rangers, salt = _actor(store, FRONT), _actor(store, RANGERS), _actor(store, SALT)
    full = build_projection(store, viewer=SYSTEM)
    assert len(_events_of(full, front)) == 5
    assert _ties(full, front, rangers) == {"ALLIED_WITH": 4}
    assert _ties(full, front, salt) == {"OPPOSES": 1}
    past = _edges(build_projection(store, viewer=SYSTEM, as_of=BEFORE))
    for day in (None, AFTER):  # cached views, which the reject's write must update
        assert _ties(projection(store, viewer=SYSTEM, as_of=day), front, rangers)
    rangers_links = sorted(
        (u, v, k) for u, v, k in full.out_edges(rangers, keys=True) if v.startswith("inc")
    )

    done = decide(store, item, "reject", actor="reviewer", viewer=SYSTEM)

    frnt_links = [
        r
        for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)
        if r.source_id == front and isinstance(r, m.ParticipatedIn) and r.spelling == FRNT
    ]
    assert sorted(done.withdrawn) == sorted(r.id for r in frnt_links) and len(frnt_links) == 3
    assert all(r.withdrawn_by == item for r in frnt_links)
    for view in (
        build_projection(store, viewer=SYSTEM),
        build_projection(store, viewer=SYSTEM, as_of=AFTER),
        projection(store, viewer=SYSTEM),  # the cached one, updated by the write
        projection(store, viewer=SYSTEM, as_of=AFTER),
    ):
        # Only the Front's own two events stay; the alliance rests on them alone,
        # and the opposition, seen only in a 'Orin' row, is gone.
        assert len(_events_of(view, front)) == 2
        assert _ties(view, front, rangers) == {"ALLIED_WITH": 2}
        assert _ties(view, front, salt) == {}
        # The other parties keep every link of theirs.
        assert len(_events_of(view, rangers)) == 4 and len(_events_of(view, salt)) == 1
    after = build_projection(store, viewer=SYSTEM)
    assert (
        sorted((u, v, k) for u, v, k in after.out_edges(rangers, keys=True) if v.startswith("inc"))
        == rangers_links
    )
    ally = next(d["record"] for d in after.get_edge_data(front, rangers).values())
    assert (ally.first_cited, ally.last_cited, ally.strength) == ("2024-02-11", "2024-03-12", 0.667)
    # An answer about a day before the events does not move.
    assert _edges(build_projection(store, viewer=SYSTEM, as_of=BEFORE)) == past
    # A withdrawal is a new version, with history: who, and by which review.
    versions = store.history(frnt_links[0].id, viewer=SYSTEM)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].record.withdrawn_by is None  # type: ignore[union-attr]
    assert versions[1].record.recorded_by == "reviewer"

    # Re-importing the file gives the spelling's rows a record of its own.
    again = load(store, second)
    assert again.review == []
    frnt = _actor(store, FRNT)
    view = build_projection(store, viewer=SYSTEM)
    assert len(_events_of(view, frnt)) == 3 and len(_events_of(view, front)) == 2
    assert _ties(view, frnt, rangers) == {"ALLIED_WITH": 2}
    assert _ties(view, frnt, salt) == {"OPPOSES": 1}
    assert _ties(view, front, rangers) == {"ALLIED_WITH": 2}
    assert _ties(view, front, salt) == {}
    # Re-importing the Front's own file recounts its alliance from stored
    # events: a withdrawn link is no evidence.
    load(store, tmp_path / "first.csv")
    assert _ties(build_projection(store, viewer=SYSTEM), front, rangers) == {"ALLIED_WITH": 2}


def test_accepting_a_match_withdraws_nothing(store: GraphStore, tmp_path: Path) -> None:
    _, item = _seeded(store, tmp_path)
    before = _edges(build_projection(store, viewer=SYSTEM))
    done = decide(store, item, "accept", actor="reviewer", viewer=SYSTEM)
    assert done.withdrawn == () and done.reweighed == ()
    assert _edges(build_projection(store, viewer=SYSTEM)) == before


class _Exploding(list[m.AnyRelationship]):
    """A batch's relationships that fail after the first one is read: a fault in
    the middle of the write, as a full disk or a dropped connection would be."""

    def __iter__(self) -> Iterator[m.AnyRelationship]:
        for n, rel in enumerate(super().__iter__()):
            if n == 1:
                raise OSError("fault in the middle of the write")
            yield rel


class _FaultyStore:
    """The real store, whose writes fail half-way."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def write(self, batch: WriteBatch, *, actor: str) -> WriteReport:
        faulty = WriteBatch(batch.nodes, _Exploding(batch.relationships), batch.geometries)
        return self.inner.write(faulty, actor=actor)


def test_a_reject_that_fails_half_way_withdraws_nothing_and_decides_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    _, item = _seeded(store, tmp_path)
    stored = contents(store)
    with pytest.raises(OSError, match="fault in the middle"):
        decide(_FaultyStore(store), item, "reject", actor="reviewer", viewer=SYSTEM)  # type: ignore[arg-type]
    assert contents(store) == stored
    assert [r.status for r in list_reviews(store, viewer=SYSTEM)] == ["pending"]
