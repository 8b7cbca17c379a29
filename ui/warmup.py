"""Compute what the pages' first loads need, in the background, once per store
and clearance, so that a page opened in a new session finds it cached.

A first load at M used to pay for everything its page shows: the projection
at today's date and over the whole history (about 2 s each), the collapsed
influence graph and, on Overview and Coverage, the gaps report (4 s). The
projection cache and the memo of answers (`queries.memo`) are process-wide,
so what one session computed serves every later session of the same
clearance; this module makes sure it is computed before anyone asks, as soon
as the app first opens the store for a clearance, and again, in the
background, after each write (the gaps report is per projection). A page that asks while the
warm-up is still at it waits for that computation instead of repeating it
(`graph.projection` and `queries.memo` compute each thing once).

Switched off with ``ACTORGRAPH_WARM_UP=false`` (the UI tests do, to keep their
runs free of background work; a test of its own checks it).
"""

from __future__ import annotations

import importlib
import logging
import threading
from datetime import date

from graph.errors import ActorGraphError
from graph.projection import (
    CacheEvent,
    add_cache_listener,
    projection,
    remove_cache_listener,
)
from graph.sensitivity import Viewer
from graph.store import GraphStore
from ui.components import entities, gaps_view, network_view, overview

log = logging.getLogger(__name__)

_FIRST_USE_MODULES = ("pandas", "pyarrow")
_lock = threading.Lock()
_started: dict[tuple[int, str, str], threading.Thread] = {}
_views: dict[tuple[int, str, str], tuple[GraphStore, Viewer]] = {}  # what was warmed
_dirty = False  # a write since the worker last went round
_worker: threading.Thread | None = None


def start(store: GraphStore, viewer: Viewer, *, enabled: bool = True) -> threading.Thread | None:
    """Start warming for this store, clearance and day unless already started
    (the app calls it on every run); returns the thread it started, if any."""
    if not enabled:
        return None
    # Modules a page imports on first use (the table renderer's: Overview's
    # first table paid 1-2 s for them), imported here in the page's own thread,
    # once per process; the network drawing's come with this module's own
    # imports. Never in the background: plotly looks pandas up in sys.modules
    # without waiting for its import to finish, and a page drawing a chart
    # while another thread imported pandas failed with "partially initialized
    # module 'pandas'".
    for module in _FIRST_USE_MODULES:
        importlib.import_module(module)
    key = (id(store), viewer.clearance.value, date.today().isoformat())
    with _lock:
        if key in _started:
            return None
        thread = threading.Thread(
            target=_warm_quietly, args=(store, viewer), name="actorgraph-warm-up", daemon=True
        )
        _started[key] = thread
        _views[key] = (store, viewer)
    add_cache_listener(_after_write)
    thread.start()
    return thread


def _after_write(event: CacheEvent) -> None:
    """A projection replaced an older one: a write happened. Warm again, in the
    background, for every store and clearance warmed so far (cheap where
    nothing changed: cache hits), so that the projection at today's date is
    updated and its gaps report computed before a page asks. One worker; a
    burst of writes makes it go round again, not start twice."""
    global _dirty, _worker
    if event.graph is None or not event.dropped:
        return
    with _lock:
        _dirty = True
        if _worker is None:
            _worker = threading.Thread(target=_drain, name="actorgraph-rewarm", daemon=True)
            _worker.start()


def _drain() -> None:
    global _dirty, _worker
    while True:
        with _lock:
            if not _dirty:
                _worker = None
                return
            _dirty = False
            views = list(_views.values())
        for store, viewer in views:
            _warm_quietly(store, viewer)


def settle() -> None:
    """Wait until warming after writes is done (tests, the benchmark)."""
    while True:
        with _lock:
            worker = _worker
        if worker is None:
            return
        worker.join()


def warm(store: GraphStore, viewer: Viewer) -> None:
    """What the pages' first loads ask for, with the same arguments (so the
    same cache entries), the default page's first."""
    day = date.today()
    today = projection(store, viewer=viewer, as_of=day)
    gaps_view.report(today)  # Overview, Coverage; with it the collapsed influence graph
    gaps_view.summary_shown(today)  # what Overview's gaps summary names (its audit)
    gaps_view.summary_stale(today)  # and its stale-access table
    gaps_view.coverage_lists(today)  # Coverage's audit and stale-access table
    every = projection(store, viewer=viewer, as_of=None)  # Overview, Profile, Network, Data
    # Overview's own summaries of the whole map (each a walk over every record).
    overview.counts_by_type(every)
    overview.recent_changes(every, limit=15)
    overview.freshness_lists(every, day)
    # The Network page's date slider bounds and the pickers' option labels over
    # the whole map (each a walk over every record: about 2 s of its first load at M).
    network_view.date_bounds_of(every)
    entities.warm_labels(every)


def _warm_quietly(store: GraphStore, viewer: Viewer) -> None:
    # An optimisation only: a page asking for the same thing meets the same
    # error and shows it; here it is logged and the warm-up stops.
    try:
        warm(store, viewer)
    except ActorGraphError as e:
        log.warning("warm-up stopped: %s", e)


def forget() -> None:
    """Let the next `start` warm again (tests; the benchmark's cold starts)."""
    remove_cache_listener(_after_write)
    settle()
    with _lock:
        _started.clear()
        _views.clear()
