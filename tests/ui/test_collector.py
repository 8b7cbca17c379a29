"""The app's garbage-collector policy (ui.collector): large projections are
frozen out of the cyclic collector's rounds, so no page rerun pays for walking
them, without keeping garbage for the life of the server."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from graph import model as m
from graph import projection as proj
from graph.projection import add_cache_listener, projection, remove_cache_listener
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from tests.factories import full_batch
from tests.ui.conftest import app_at
from ui import collector


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[collector._Policy]:
    monkeypatch.setattr(collector, "FREEZE_FROM", 0)  # as if this were country-sized
    monkeypatch.setattr(collector, "FULL_COLLECTION_EVERY", 2)
    fresh = collector._Policy()
    add_cache_listener(fresh)
    yield fresh
    remove_cache_listener(fresh)
    gc.unfreeze()


class Junk:
    me: object


def cycle() -> Junk:
    junk = Junk()
    junk.me = junk  # cyclic: only the collector frees it
    return junk


def new_person(n: int) -> WriteBatch:
    return WriteBatch.of([m.Person(id=f"per_new{n}", name=f"Fictional Newcomer {n}")])


@pytest.mark.usefixtures("policy")
def test_a_large_projection_is_frozen_out_of_collections_without_pinning_garbage(
    store: GraphStore,
) -> None:
    store.write(full_batch(), actor="analyst-1")
    gc.disable()
    try:
        before_build = weakref.ref(cycle())  # garbage the collector has not reached
        alive_then_dead = cycle()
        first = projection(store, viewer=SYSTEM)
        assert gc.get_freeze_count() >= first.number_of_nodes()
        first_gone = weakref.ref(first)
        later = weakref.ref(cycle())  # garbage made while the projection is frozen
        died_frozen = weakref.ref(alive_then_dead)
        del first, alive_then_dead

        store.write(new_person(1), actor="analyst-1")
        second = projection(store, viewer=SYSTEM)

        assert first_gone() is None, "the superseded projection is freed"
        assert later() is None, "garbage made while frozen is collected before freezing"
        assert gc.get_freeze_count() > 0 and "per_new1" in second
        assert before_build() is not None  # frozen with the first build, for now

        store.write(new_person(2), actor="analyst-1")
        projection(store, viewer=SYSTEM)  # the second superseding write: a full collection

        assert died_frozen() is None and before_build() is None
    finally:
        gc.enable()


@pytest.mark.usefixtures("policy")
def test_clearing_the_cache_unfreezes_what_was_frozen(store: GraphStore) -> None:
    from graph.projection import clear_cache

    store.write(full_batch(), actor="analyst-1")
    projection(store, viewer=SYSTEM)
    assert gc.get_freeze_count() > 0
    clear_cache()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("empty_store")
def test_the_app_switches_the_policy_on_at_start_up() -> None:
    remove_cache_listener(collector.POLICY)
    app_at()
    assert collector.POLICY in proj._listeners
