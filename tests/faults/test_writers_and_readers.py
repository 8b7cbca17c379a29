"""Two writers and ten readers at once on one store: no lost write, no error.

Each writer and reader has its own store object (for the embedded store, its
own connections to the one file, as separate processes would; for Neo4j, its
own driver). Writers append new records and new versions of one record each;
readers count and list all the while. Busy moments are waited out by the
store (SQLite's busy timeout, Neo4j's lock queue and the driver's retries):
no thread sees an error, the final store has every record and every
version, and no reader ever sees the count go back. Both stores. FICTIONAL
data only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from tests.conftest import reopen

WRITES = 15
READERS = 10


def _opener(
    store: GraphStore, neo4j_credentials: Callable[[], dict[str, str]]
) -> Callable[[], GraphStore]:
    """How each thread opens its own store object on the same data."""
    if isinstance(store, EmbeddedStore):
        return lambda: reopen(store)
    from graph.stores.neo4j_store import Neo4jStore

    creds = neo4j_credentials()
    return lambda: Neo4jStore(creds["uri"], user=creds["user"], password=creds["password"])


def _actor(record_id: str, name: str, notes: str = "") -> m.ArmedActor:
    return m.ArmedActor(
        id=record_id,
        name=name,
        actor_kind="non_state_armed_group",
        structure="decentralised",
        notes=notes or None,
    )


def test_two_writers_and_ten_readers_lose_nothing_and_see_no_error(
    store: GraphStore, request: object
) -> None:
    open_own = _opener(store, lambda: request.getfixturevalue("neo4j_credentials"))  # type: ignore[attr-defined]
    errors: list[BaseException] = []
    writers_done = threading.Event()
    seen: dict[int, list[int]] = {}

    def writer(n: int) -> None:
        own = open_own()
        try:
            for i in range(WRITES):
                own.write(
                    WriteBatch.of(
                        [
                            _actor(f"act_w{n}_{i:02d}", f"Fictional Column {n}-{i:02d}"),
                            # a new version of the writer's own record every time
                            _actor(f"act_w{n}_log", f"Writer {n} log", notes=f"step {i}"),
                        ]
                    ),
                    actor=f"writer {n}",
                )
        except BaseException as e:  # reported below, with the thread's name
            errors.append(e)
        finally:
            own.close()

    def reader(n: int) -> None:
        own = open_own()
        counts = seen.setdefault(n, [])
        try:
            while True:
                last_round = writers_done.is_set()
                counts.append(own.counts(viewer=SYSTEM).get("ArmedActor", 0))
                assert len(list(own.iter_nodes(viewer=SYSTEM))) >= counts[-1]
                if last_round:
                    return
        except BaseException as e:
            errors.append(e)
        finally:
            own.close()

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in [*readers, *writers]:
        thread.start()
    for thread in writers:
        thread.join()
    writers_done.set()
    for thread in readers:
        thread.join()

    assert not errors, errors
    expected = 2 * WRITES + 2
    actors = {n.id for n in store.iter_nodes(viewer=SYSTEM) if isinstance(n, m.ArmedActor)}
    assert len(actors) == expected
    for n in range(2):
        versions = store.history(f"act_w{n}_log", viewer=SYSTEM)
        assert [v.record.notes for v in versions] == [f"step {i}" for i in range(WRITES)]
    for counts in seen.values():
        assert counts == sorted(counts), "a reader saw the store go back"
        assert counts[-1] == expected
