"""The straightforward implementations each measurement is compared against.

They answer the same questions the plain way a first version would, so the
report can say what our code buys:

- import: one record per transaction (a commit per row into the embedded
  store's own `records` table; one small parameterised MERGE per record per
  transaction on Neo4j, through the driver directly);
- paths: Yen's algorithm (`nx.shortest_simple_paths`) over the whole collapsed
  graph from a virtual super-source joined to every engager, no hop limit, no
  neutrality rule;
- reach, influencers, gaps: one unrestricted Dijkstra per engager (or per
  actor, backwards), no hop limit, no neutrality rule;
- incremental updates: a full projection rebuild (the only thing there is yet).

The Cypher below is the only Cypher outside `graph/stores/neo4j_cypher.py`:
it belongs to the baseline, which must not use the store's batching. Labels
and relationship types still go through `SCHEMA`, which asserts membership.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from graph import model as m
from graph.row_codec import to_row
from graph.schema import SCHEMA
from graph.stores import embedded_sql
from graph.stores.embedded_store import EmbeddedStore

SUPER_SOURCE = "\x00super-source"


# --------------------------------------------------------------------------- import


def import_row_by_row_sqlite(path: Path, records: Sequence[m.AnyRecord]) -> float:
    """Insert each record in its own transaction (commit per row); return seconds.

    Uses the embedded store's own table and insert statement, so the rows are
    the same shape ours writes; it skips planning, validation of endpoints,
    names, revisions and the audit log, which ours does in the same time.
    """
    EmbeddedStore(path)  # creates the schema
    at = datetime.now(UTC)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        started = time.perf_counter()
        for record in records:
            row = to_row(record, version=1, actor="bench-baseline", at=at, operation="create")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(embedded_sql.INSERT_RECORD, embedded_sql.record_params(row))
            conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def _merge_node(label: str) -> str:
    return f"MERGE (n:Entity {{id: $id}}) SET n:{SCHEMA.label(label)} SET n += $props"


def _merge_relationship(rel_type: str) -> str:
    return (
        "MERGE (a:Entity {id: $source_id}) "
        "MERGE (b:Entity {id: $target_id}) "
        f"MERGE (a)-[r:{SCHEMA.rel_label(rel_type)} {{id: $id}}]->(b) "
        "SET r += $props"
    )


def import_row_by_row_neo4j(driver: Any, database: str, records: Sequence[m.AnyRecord]) -> float:
    """One small parameterised MERGE per record, each in its own transaction; return seconds.

    A relationship MERGEs its endpoints by id first, so every statement does
    the full work even when the sample holds only one end of a relationship.
    """
    started = time.perf_counter()
    for record in records:
        data = json.dumps(record.model_dump(mode="json"), sort_keys=True)
        props = {"kind": m.label_of(record), "data": data, "version": 1}
        if isinstance(record, m.NodeBase):
            driver.execute_query(
                _merge_node(record.kind),
                {"id": record.id, "props": {**props, "name": record.name}},
                database_=database,
            )
        else:
            driver.execute_query(
                _merge_relationship(record.type),
                {
                    "id": record.id,
                    "source_id": record.source_id,
                    "target_id": record.target_id,
                    "props": props,
                },
                database_=database,
            )
    return time.perf_counter() - started


# --------------------------------------------------------------------------- queries


def with_super_source(digraph: nx.DiGraph[str], engagers: Iterable[str]) -> nx.DiGraph[str]:
    """A copy of the collapsed graph with one virtual source joined to every engager."""
    out: nx.DiGraph[str] = nx.DiGraph(digraph)
    for engager in engagers:
        if engager in out:
            out.add_edge(SUPER_SOURCE, engager, weight=0.0)
    return out


def naive_k_paths(
    digraph: nx.DiGraph[str], target: str, *, k: int
) -> list[tuple[float, list[str]]]:
    """The first `k` paths of `nx.shortest_simple_paths` from the super-source (no hop limit)."""
    if target not in digraph or SUPER_SOURCE not in digraph:
        return []
    found: list[tuple[float, list[str]]] = []
    try:
        for path in islice(
            nx.shortest_simple_paths(digraph, SUPER_SOURCE, target, weight="weight"), k
        ):
            nodes = path[1:]
            hops = pairwise(path)
            weight = sum(float(digraph.edges[u, v]["weight"]) for u, v in hops)
            found.append((weight, nodes))
    except nx.NetworkXNoPath:
        return []
    return found


def naive_reach(digraph: nx.DiGraph[str], target: str, engagers: Sequence[str]) -> dict[str, float]:
    """Each engager's best weight to `target`: one full Dijkstra per engager."""
    out: dict[str, float] = {}
    for engager in engagers:
        if engager not in digraph:
            continue
        lengths = nx.single_source_dijkstra_path_length(digraph, engager, weight="weight")
        if target in lengths:
            out[engager] = float(lengths[target])
    return out


def naive_influencers(
    digraph: nx.DiGraph[str], actors: Sequence[str], *, top: int = 10, sample: int | None = 400
) -> list[tuple[str, float]]:
    """Sum of best scores to each actor (backward Dijkstra per actor) plus betweenness."""
    import math

    reverse = digraph.reverse(copy=False)
    reach: dict[str, float] = {}
    for actor in actors:
        if actor not in reverse:
            continue
        for node, weight in nx.single_source_dijkstra_path_length(
            reverse, actor, weight="weight"
        ).items():
            if node != actor:
                reach[node] = reach.get(node, 0.0) + math.exp(-weight)
    k = None if sample is None or digraph.number_of_nodes() <= sample else sample
    brokerage = nx.betweenness_centrality(digraph, k=k, weight="weight", seed=0)
    ranked = sorted(reach.items(), key=lambda t: (-t[1], -brokerage.get(t[0], 0.0), t[0]))
    return ranked[:top]


def naive_gaps(
    digraph: nx.DiGraph[str], targets: Sequence[str], engagers: Sequence[str]
) -> dict[str, dict[str, float | None]]:
    """The engager x target matrix of best weights: one full Dijkstra per engager."""
    matrix: dict[str, dict[str, float | None]] = {t: dict.fromkeys(engagers) for t in targets}
    for engager in engagers:
        if engager not in digraph:
            continue
        lengths = nx.single_source_dijkstra_path_length(digraph, engager, weight="weight")
        for t in targets:
            if t in lengths and t != engager:
                matrix[t][engager] = float(lengths[t])
    return matrix
