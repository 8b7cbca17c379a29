"""Sampled, weighted betweenness, compiled: NetworkX's answer, bit for bit, faster.

Brokerage (`queries.influencers`) is NetworkX's
``betweenness_centrality(G, k=BROKERAGE_SAMPLE, weight="weight", seed=0)``:
one Dijkstra and one dependency accumulation (Brandes) per sampled source.
In pure Python that was almost all of "influencers over every armed actor"
(about 45 s at M). The compiled libraries that do betweenness do not give
the same numbers: rustworkx has no edge weights, networkit no chosen
sources, igraph compares distances with a tolerance (and is GPL). So the
loop itself is compiled here with numba (BSD-2-Clause), as a line-by-line
transcription of NetworkX's ``_single_source_dijkstra_path_basic`` and
``_accumulate_basic``, on arrays instead of dicts:

- nodes are numbered in the graph's own order and each adjacency row keeps
  the graph's neighbour order, so every tie is met in the same order;
- the heap orders entries by (distance, insertion counter), as heapq orders
  NetworkX's tuples (the counter is unique, so any correct heap pops the same
  sequence), and keeps one entry per node, its least: the one NetworkX pops
  first, the others being skipped as already settled;
- predecessor lists keep their append order, the stack its push order, and
  each node's total adds the sources in the sampled order: each source's
  dependencies are computed on their own, on as many threads as there are
  cores (`THREADS`), and added to the totals one source after another in
  that order, whichever thread finished first.

Every floating-point operation therefore happens in the same order on the
same values, and the result is identical, not merely close:
``tests/queries/test_brokerage.py`` compares it with NetworkX on seeded
random graphs with ties, zero weights and self-loops.
The sampled sources are drawn exactly as NetworkX draws them
(``random.Random(seed).sample(list(G), k)``), and the rescaling is its
``_rescale`` for ``endpoints=False``.

Numba compiles the loop on first use and caches the machine code beside
this module (``cache=True``), so a process pays the compilation once per
installation, not once per call; it is imported inside the function, since
most commands never rank influencers. Until it is loaded, a small graph
(`SMALL_WORK`) is left to NetworkX itself, which is quicker than loading it.
"""

from __future__ import annotations

import math
import os
import random
import threading
from collections.abc import Callable, Container, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

_KERNEL: Callable[..., Any] | None = None
_LOADED = False  # numba imported and a loop compiled in this process
# Sources x (nodes + edges) below which, until the compiled loop is loaded in
# this process, NetworkX runs it (about 0.3 s of its work, against about 0.4 s
# to import numba and load the cached machine code).
SMALL_WORK = 200_000
# Threads for the compiled loop (None: one per CPU this process may use) and
# sources per task. Neither changes a result, only how the work is shared.
THREADS: int | None = None
CHUNK = 8


def sampled_betweenness(
    graph: nx.DiGraph[str],
    k: int | None,
    *,
    weight: str = "weight",
    seed: int = 0,
    within: Container[str] | None = None,
) -> dict[str, float]:
    """Normalised betweenness of a directed graph, weighted by edge attribute
    `weight` (1 where missing), over `k` sources sampled with `seed` (every
    node when `k` is None or the graph's size): equal to
    ``nx.betweenness_centrality(graph, k=k, normalized=True, weight=weight,
    seed=seed)``. With `within`, of the part of `graph` on those nodes: equal
    to the same on ``nx.subgraph_view(graph, filter_node=within.__contains__)``
    (the graph's order, read without a view's filter on every neighbour).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 1.0), ("a", "c", 3.0)])
    >>> sampled_betweenness(g, None)
    {'a': 0.0, 'b': 0.5, 'c': 0.0}
    """
    return started_betweenness(graph, k, weight=weight, seed=seed, within=within)()


def started_betweenness(
    graph: nx.DiGraph[str],
    k: int | None,
    *,
    weight: str = "weight",
    seed: int = 0,
    within: Container[str] | None = None,
) -> Callable[[], dict[str, float]]:
    """`sampled_betweenness`, started: its compiled loop runs on threads of its
    own while the caller goes on, and the function returned waits for it and
    gives the result (the same, whenever and however often it is called).

    The loop releases the GIL, so a caller with Python work to do meanwhile
    (the influence matrix, the ranking) overlaps it with the loop.
    """
    succ: Mapping[str, Mapping[str, Mapping[str, Any]]] = vars(graph).get("_succ", graph.adj)
    nodes = list(graph) if within is None else [node for node in graph if node in within]
    n = len(nodes)
    if k == n:
        k = None  # as NetworkX: the full computation, no sampling
    index = {node: i for i, node in enumerate(nodes)}
    ends = [0]
    targets: list[int] = []
    weights: list[float] = []
    # In the neighbour order NetworkX's Dijkstra walks, less what is outside `within`.
    for node in nodes:
        for other, data in succ[node].items():
            j = index.get(other)
            if j is not None:
                targets.append(j)
                weights.append(data.get(weight, 1))
        ends.append(len(targets))
    if not _LOADED and (k or n) * (n + len(targets)) < SMALL_WORK:
        # A small neighbourhood (one actor's corner of the map): NetworkX's own
        # loop finishes before numba would have loaded. The numbers are the same.
        view = graph if within is None else nx.subgraph_view(graph, filter_node=within.__contains__)
        values: dict[str, float] = nx.betweenness_centrality(
            view, k=k, weight=weight, normalized=True, seed=seed
        )
        return lambda: values
    sources = nodes if k is None else random.Random(seed).sample(nodes, k)
    indptr = np.asarray(ends, dtype=np.int64)
    totals = _started_totals(
        indptr,
        np.asarray(targets, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        np.asarray([index[s] for s in sources], dtype=np.int64),
    )
    sampled = None if k is None else set(sources)
    lock = threading.Lock()
    done: list[dict[str, float]] = []

    def result() -> dict[str, float]:
        with lock:
            if not done:
                done.append(_rescale(nodes, totals(), sampled, len(sources)))
            return done[0]

    return result


def _threads() -> int:
    """Threads for the compiled loop: `THREADS`, or one per CPU this process may run on."""
    if THREADS is not None:
        return max(1, THREADS)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _started_totals(
    indptr: NDArray[np.int64],
    targets: NDArray[np.int64],
    weights: NDArray[np.float64],
    sources: NDArray[np.int64],
) -> Callable[[], NDArray[np.float64]]:
    """Every node's unscaled betweenness over `sources`, started on
    `_threads()` threads of its own: call the function returned to wait for it.

    Each source's dependencies are computed on their own (`_dependencies`,
    `CHUNK` sources a task) and added to the totals in the sources' order, as
    NetworkX adds them: the same sums in the same order, so the same bits
    whatever the number of threads. A task waits for the one before it to
    have added its rows, so at most one task's rows per thread are held.
    """
    kernel = _kernel()
    n = indptr.shape[0] - 1
    totals = np.zeros(n, dtype=np.float64)
    tasks = range((len(sources) + CHUNK - 1) // CHUNK)
    turn = threading.Condition()
    added = [0]  # tasks whose rows are in `totals`, in order

    def task(number: int) -> None:
        chunk = sources[number * CHUNK : (number + 1) * CHUNK]
        rows = np.zeros((len(chunk), n), dtype=np.float64)
        try:
            kernel(indptr, targets, weights, chunk, rows)
        finally:
            # Its turn is taken even when the kernel failed (say, out of
            # memory): the tasks after it would otherwise wait for ever and
            # keep the process from exiting. `wait` raises the failure.
            with turn:
                turn.wait_for(lambda: added[0] == number)
                for row in rows:
                    np.add(totals, row, out=totals)
                added[0] += 1
                turn.notify_all()

    # Tasks are taken in order, so the one a task waits for has started.
    pool = ThreadPoolExecutor(
        max(1, min(_threads(), len(tasks))), thread_name_prefix="actorgraph-brokerage"
    )
    futures = [pool.submit(task, number) for number in tasks]
    pool.shutdown(wait=False)  # its threads end once the tasks are done

    def wait() -> NDArray[np.float64]:
        for future in futures:
            future.result()
        return totals

    return wait


def _rescale(
    nodes: list[str], totals: NDArray[np.float64], sampled: set[str] | None, k: int
) -> dict[str, float]:
    """NetworkX's ``_rescale`` for normalised, directed betweenness without endpoints."""
    values = dict(zip(nodes, totals.tolist(), strict=True))
    big_n = len(nodes) - 1
    if big_n < 2:
        return values
    if sampled is None:
        scale = 1 / (big_n * (big_n - 1))
        if scale != 1:
            for v in values:
                values[v] *= scale
        return values
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (big_n - 1))
    for v in values:
        values[v] *= scale_source if v in sampled else scale_other
    return values


def _kernel() -> Callable[..., Any]:
    """The compiled Brandes loop (compiled, or loaded from numba's cache, once per process)."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = compiled(_dependencies)
    return _KERNEL


def loaded() -> bool:
    """Whether this process has loaded numba for a compiled loop already: a
    further loop then costs its own machine code only, not numba's start-up."""
    return _LOADED


def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` compiled by numba (imported here: most commands never need it).

    The machine code is cached on disk (``cache=True``: beside the module, or
    in numba's user-wide cache directory when the install is read-only), so a
    process loads it instead of compiling it again. Where numba finds no
    writable place at all it refuses ``cache=True``: the loop is then
    compiled in each process that uses it, with the same results.
    """
    global _LOADED
    import numba

    _LOADED = True
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(function)


def _dependencies(
    indptr: NDArray[np.int64],
    targets: NDArray[np.int64],
    weights: NDArray[np.float64],
    sources: NDArray[np.int64],
    rows: NDArray[np.float64],
) -> None:  # pragma: no cover - runs compiled; tested against NetworkX
    """Each source's dependencies: ``rows[k]`` is what ``sources[k]`` adds to
    every node's betweenness (numba-compiled; see the module docstring); 0 at
    the source itself and where it does not reach, so `rows` starts zeroed."""
    n = indptr.shape[0] - 1
    m = targets.shape[0]
    sigma = np.zeros(n, dtype=np.float64)
    delta = np.zeros(n, dtype=np.float64)
    seen = np.zeros(n, dtype=np.float64)
    has_seen = np.zeros(n, dtype=np.bool_)
    done = np.zeros(n, dtype=np.bool_)
    stack = np.zeros(n, dtype=np.int64)
    # Predecessor lists as linked lists in a pool: one entry per relaxation.
    p_head = np.full(n, -1, dtype=np.int64)
    p_tail = np.full(n, -1, dtype=np.int64)
    p_next = np.full(m + 1, -1, dtype=np.int64)
    p_node = np.zeros(m + 1, dtype=np.int64)
    # A heap of nodes keyed by (distance, counter) with decrease-key: the
    # entry NetworkX pushes last for a node is its least, so it is popped
    # first and the earlier ones are skipped as settled. Keeping only that
    # entry pops the same nodes in the same order with the same predecessor.
    # The counter makes every key unique, so any correct heap pops the same
    # sequence: this one has four children a slot (half the levels of a
    # binary heap) and keeps each slot's key beside its node, so a sift reads
    # the keys it compares in a row instead of looking each node's up.
    h_node = np.zeros(n, dtype=np.int64)
    h_dist = np.zeros(n, dtype=np.float64)
    h_count = np.zeros(n, dtype=np.int64)
    where = np.full(n, -1, dtype=np.int64)  # a node's slot in the heap, -1: not in it
    key_pred = np.zeros(n, dtype=np.int64)
    for k in range(sources.shape[0]):
        s = sources[k]
        row = rows[k]
        sigma[:] = 0.0
        has_seen[:] = False
        done[:] = False
        p_head[:] = -1
        p_tail[:] = -1
        pool = 0
        counter = 0
        depth = 0
        sigma[s] = 1.0
        seen[s] = 0.0
        has_seen[s] = True
        # heappush((0, next(c), s, s))
        h_node[0] = s
        h_dist[0] = 0.0
        h_count[0] = counter
        where[s] = 0
        key_pred[s] = s
        counter += 1
        size = 1
        while size > 0:
            # heappop: take the root, move the last entry down
            v = h_node[0]
            where[v] = -1
            dist = h_dist[0]
            pred = key_pred[v]
            size -= 1
            if size > 0:
                last = h_node[size]
                ld = h_dist[size]
                lc = h_count[size]
                i = 0
                while True:
                    child = 4 * i + 1
                    if child >= size:
                        break
                    # the least of up to four children
                    cd = h_dist[child]
                    cc = h_count[child]
                    end = min(child + 4, size)
                    for q in range(child + 1, end):
                        qd = h_dist[q]
                        if qd < cd or (qd == cd and h_count[q] < cc):
                            child = q
                            cd = qd
                            cc = h_count[q]
                    if cd < ld or (cd == ld and cc < lc):
                        cn = h_node[child]
                        h_node[i] = cn
                        h_dist[i] = cd
                        h_count[i] = cc
                        where[cn] = i
                        i = child
                    else:
                        break
                h_node[i] = last
                h_dist[i] = ld
                h_count[i] = lc
                where[last] = i
            sigma[v] += sigma[pred]
            stack[depth] = v
            depth += 1
            done[v] = True
            for e in range(indptr[v], indptr[v + 1]):
                w = targets[e]
                vw_dist = dist + weights[e]
                if not done[w] and (not has_seen[w] or vw_dist < seen[w]):
                    seen[w] = vw_dist
                    has_seen[w] = True
                    # heappush((vw_dist, next(c), v, w)): a new least key for w, sift up
                    i = where[w]
                    if i < 0:
                        i = size
                        size += 1
                    while i > 0:
                        parent = (i - 1) // 4
                        pd = h_dist[parent]
                        if pd > vw_dist or (pd == vw_dist and h_count[parent] > counter):
                            pn = h_node[parent]
                            h_node[i] = pn
                            h_dist[i] = pd
                            h_count[i] = h_count[parent]
                            where[pn] = i
                            i = parent
                        else:
                            break
                    h_node[i] = w
                    h_dist[i] = vw_dist
                    h_count[i] = counter
                    where[w] = i
                    key_pred[w] = v
                    counter += 1
                    sigma[w] = 0.0
                    # P[w] = [v]
                    p_node[pool] = v
                    p_next[pool] = -1
                    p_head[w] = pool
                    p_tail[w] = pool
                    pool += 1
                elif has_seen[w] and vw_dist == seen[w]:
                    sigma[w] += sigma[v]
                    # P[w].append(v)
                    p_node[pool] = v
                    p_next[pool] = -1
                    if p_tail[w] >= 0:
                        p_next[p_tail[w]] = pool
                    else:
                        p_head[w] = pool
                    p_tail[w] = pool
                    pool += 1
        # accumulation, in reverse order of settling
        for j in range(depth):
            delta[stack[j]] = 0.0
        while depth > 0:
            depth -= 1
            w = stack[depth]
            coeff = (1.0 + delta[w]) / sigma[w]
            e = p_head[w]
            while e >= 0:
                v = p_node[e]
                delta[v] += sigma[v] * coeff
                e = p_next[e]
            # A node's dependency as it stands now: an equal route through a
            # zero-weight edge may still add to it, which NetworkX leaves out.
            if w != s:
                row[w] = delta[w]
