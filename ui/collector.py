"""The app process's garbage-collector policy: large projections out of its rounds.

A projection at M size is about 600,000 tracked objects that live until a
write supersedes it. Left in the cyclic collector's generations they are
walked by every full collection, which the collector starts by itself some
time after a build: one to three seconds at M, landing on whichever page rerun
triggered it (benchmark runs caught reruns of 2.7 s and 3.5 s that way).
Frozen (`gc.freeze`) they are skipped, and still freed by reference counting
when dropped (`graph.projection` breaks their cycles on eviction).

Freezing pins what is garbage at that moment, so when a projection supersedes
another, what is not frozen is collected first (cheap: frozen objects are not
walked, and an updated projection shares almost everything with the one it
replaced). What the first build froze with it, and what was frozen alive and
died in a cycle later (a closed browser session, say), goes at a full
unfreeze and collection every `FULL_COLLECTION_EVERY` superseding writes.
Small projections (tests, a district's map) are left alone: collecting them
is cheap.

This is process-wide policy, so it belongs to the process that owns the
memory: the app switches it on at start-up (`install`), the library only
reports what it cached (`graph.projection.add_cache_listener`).
"""

from __future__ import annotations

import gc

from graph.projection import CacheEvent, add_cache_listener

#: Nodes + edges from which a cached projection is frozen; S size is below it.
FREEZE_FROM = 50_000
#: Superseding writes between two full collections of what was frozen.
FULL_COLLECTION_EVERY = 32


class _Policy:
    def __init__(self) -> None:
        self.superseded = 0

    def __call__(self, event: CacheEvent) -> None:
        if event.graph is None:  # the cache was cleared: free what was frozen with it
            if gc.get_freeze_count():
                gc.unfreeze()
                gc.collect()
            return
        if event.size < FREEZE_FROM:
            return
        if event.dropped:
            self.superseded += 1
            if self.superseded % FULL_COLLECTION_EVERY == 0:
                gc.unfreeze()
            gc.collect()  # garbage is not frozen with the new projection
        gc.freeze()


POLICY = _Policy()


def install() -> None:
    """Switch the policy on for this process (idempotent: the app calls it on every run)."""
    add_cache_listener(POLICY)
