"""The Neo4j store: the shared, multi-user deployment (a server, a cluster or Aura).

One driver per store object; `database_` on every call; reads routed to
readers. A write is one managed transaction (`session.execute_write`): the
transaction function locks the store's Meta node, reads what exists, plans
with the same `plan_write` as the embedded store, and writes in UNWIND batches
of `BATCH_SIZE`. A failure anywhere rolls back everything, and the driver
retries transient errors by calling the function again — which is safe,
because a failed attempt is rolled back whole and the function plans again
from what the store holds, with no Python side effects beyond its return
value.

History keeps each version once (issue 13): a create writes the record only;
an update first moves the version it replaces into a `Revision` node. So a
record's history is its Revisions plus the record itself.

Driver exceptions are wrapped in ours with `from e`; messages never include
the password. Driver telemetry is off.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph import model as m
from graph.audit import GENESIS, AuditEntry, AuditEvent, Checkpoint, chain, store_time
from graph.errors import StoreBusy, StoreUnavailable, TransactionTooLarge
from graph.integrity import AuditCheck, Evidence, StoredAccount, StoredVersion, check
from graph.name_search import rank_search
from graph.names import normalise
from graph.revisions import history_ids
from graph.row_codec import (
    StoredRow,
    changed_records,
    day_param,
    decode,
    decode_node,
    decode_relationship,
    recomputed_windows,
    viewer_rank,
)
from graph.schema import NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.source_protection import R, SourceGuard
from graph.store import AuditLog, ChangedRecord, Revision, WriteBatch, WriteReport, WriteStep
from graph.stores import neo4j_cypher as cy
from graph.stores import redact_url
from graph.timeline import RULE_VERSION
from graph.users import User, user_event
from graph.write_plan import Existing, WritePlan, plan_write, step_audit

T = TypeVar("T")

# How history is kept: 2 = superseded versions only (Revision nodes), each
# record's current version on its node or relationship, with its stamps (issue
# 13). A database without the mark copied every version, the current one too;
# opening it migrates it (`_migrate_history`).
HISTORY_LAYOUT = 2

# How long the driver retries a transaction that failed transiently (a lost
# connection, a deadlock, a leader switch) before we report it.
MAX_RETRY_SECONDS = 30.0


# Transaction memory one import needs on the server, per 10,000 rows of an
# event file (ACLED: ~4 records per row with their revisions, change log and
# audit entry: ~711 MiB seen), measured with `python -m bench.import_memory`, rounded up
# (docs/performance-history.md, "Neo4j: one transaction per import"). Quoted in the
# message when a transaction is refused, so the user can size the server.
TX_MIB_PER_10K_EVENT_ROWS = 800

# What the server says when a transaction goes over its memory limit: the
# limit of one transaction (db.memory.transaction.max), of all of them together
# (dbms.memory.transaction.total.max), or the heap itself.
_MEMORY_CODES = ("MemoryPoolOutOfMemoryError", "TransactionOutOfMemoryError", "OutOfMemoryError")
_LIMIT = re.compile(r"limit (?:of )?([0-9][0-9.,]*\s*[KMGT]?i?B)", re.IGNORECASE)
_SETTING = re.compile(r"\b((?:db|dbms|server)\.memory\.[a-z_.]+?)\s+threshold", re.IGNORECASE)


class _MemoryLimit(Exception):
    """A transaction went over the server's memory limit. Not a driver error,
    so `execute_write` does not retry it: the same transaction would fail the
    same way, after minutes of work each time."""

    def __init__(self, error: Neo4jError) -> None:
        super().__init__(error.code)
        self.error = error


def _is_memory_limit(error: Neo4jError) -> bool:
    return any((error.code or "").endswith(code) for code in _MEMORY_CODES)


def _too_large(error: Neo4jError, url: str, records: int) -> TransactionTooLarge:
    """Our error for the server's: the limit and setting it names (its memory
    messages quote sizes and setting names, never data)."""
    text = error.message or ""
    limit = _LIMIT.search(text)
    setting = _SETTING.search(text)
    name = setting.group(1) if setting else "dbms.memory.transaction.total.max"
    advice = (
        " (and the heap, server.memory.heap.max_size, to match): an import needs about "
        f"{TX_MIB_PER_10K_EVENT_ROWS:,} MiB per 10,000 event rows (docs/performance.md)"
    )
    return TransactionTooLarge(
        url=url,
        records=records,
        limit=limit.group(1) if limit else f"its limit ({error.code})",
        setting=name,
        advice=advice,
    )


def _chunks(rows: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _props(row: StoredRow) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "version": row.version,
        "sensitivity_rank": row.sensitivity_rank,
        "from_day": row.from_day,
        "to_day": row.to_day,
        "data": row.data,
    }
    if row.category == "node":
        props["name"] = row.name
        props["search_names"] = list(row.search_names)
    # The current version is its own history entry: who wrote it, when, how.
    props["recorded_at"] = row.recorded_at
    props["recorded_by"] = row.recorded_by
    props["operation"] = row.operation
    return props


# The server caches a plan per query text and size class of each list
# parameter (0, 1, 2 to 10, 11 to 100, 101 to 1000 ids, ... measured on 5.26),
# and planning the by-id query over every relationship type costs it 2.5 to 4
# CPU s at M each time (three classes prepared: 7 to 13 s of the first build's
# server CPU; an update with no changed node also met the unprepared empty
# class). An update's reads therefore send at least this many ids, padded with
# one that no record has (`_padded`): one plan per query serves every small
# write's update, so `Neo4jStore.prepare_updates` plans each query once, not
# once per size class.
PADDED_IDS = 100
# Record ids match a pattern without control characters: this one never matches.
_NO_ID = "\x00no-record"


def _padded(ids: Sequence[str]) -> list[str]:
    """`ids`, with `_NO_ID` added up to `PADDED_IDS` entries (the answers are
    the same: the queries look ids up, and this one finds nothing)."""
    padded = list(ids)
    if len(padded) < PADDED_IDS:
        padded.extend([_NO_ID] * (PADDED_IDS - len(padded)))
    return padded


class Neo4jStore:
    """A `GraphStore` on a Neo4j 5 server (Community is enough)."""

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        password: str,
        database: str = "neo4j",
        connection_timeout: float = 15.0,
    ) -> None:
        self.url = redact_url(uri)  # what messages may show; never the credentials
        self._updates_prepared = False  # see prepare_updates
        self.database = database
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                telemetry_disabled=True,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=MAX_RETRY_SECONDS,
                # The server's query notifications ("property key does not exist"
                # on a fresh database) are for query authors, not for our users'
                # terminals; they name no data, but they bury the real output.
                notifications_min_severity="OFF",
            )
            self._driver.verify_connectivity()
        except AuthError as e:
            raise StoreUnavailable(
                f"Neo4j at {self.url} refused the credentials for user {user!r}"
            ) from e
        except (ServiceUnavailable, OSError, ValueError, neo4j.exceptions.DriverError) as e:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.url}: {type(e).__name__}") from e
        self.ensure_schema()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r}, database={self.database!r})"

    # ------------------------------------------------------------------ plumbing

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
        except (ServiceUnavailable, neo4j.exceptions.SessionExpired) as e:
            raise StoreUnavailable(f"Neo4j at {self.url} is unavailable") from e
        return records

    def _guard(self, viewer: Viewer) -> SourceGuard | None:
        """Masks for the sources this viewer may not see in clear (None: sees all)."""
        rank = viewer_rank(viewer)
        if rank >= Sensitivity.STRICTLY_CONFIDENTIAL.rank:
            return None
        row = self._read(cy.SOURCE_GUARD, rank=rank)[0]
        return SourceGuard(row["key"], set(row["clear"]), rank)

    def _guarded(self, viewer: Viewer, records: list[R]) -> list[R]:
        guard = self._guard(viewer)
        return [guard.apply(r) for r in records] if guard else records

    @staticmethod
    def _vis(viewer: Viewer, as_of: date | None) -> dict[str, Any]:
        return {"rank": viewer_rank(viewer), "day": day_param(as_of)}

    # ------------------------------------------------------------------ GraphStore

    def ensure_schema(self) -> None:
        try:
            for statement in cy.constraints():
                self._driver.execute_query(statement, database_=self.database)
            unused = self._read(cy.FIND_INDEXES, names=cy.UNUSED_INDEXES)[0]["found"]
            for name in unused:
                self._driver.execute_query(cy.drop_index(name), database_=self.database)
            self._driver.execute_query(
                cy.ENSURE_META,
                genesis=GENESIS,
                pseudonym_key=secrets.token_hex(32),
                history_layout=HISTORY_LAYOUT,
                database_=self.database,
            )
            rule = self._read(cy.GET_TIME_RULE)[0]["rule"]
            if rule is None or int(rule) < RULE_VERSION:
                with self._driver.session(database=self.database) as session:
                    session.execute_write(_upgrade_windows)
            layout = self._read(cy.GET_HISTORY_LAYOUT)[0]["layout"]
            if layout is None or int(layout) < HISTORY_LAYOUT:
                with self._driver.session(database=self.database) as session:
                    session.execute_write(_migrate_history, uuid.uuid4().hex)
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"Neo4j at {self.url} is unavailable") from e

    def write(
        self,
        batch: WriteBatch,
        *,
        actor: str,
        clearance: Sensitivity | None = None,
    ) -> WriteReport:
        return self.write_steps([WriteStep(batch, actor, clearance)])[0]

    def write_steps(self, steps: Sequence[WriteStep]) -> list[WriteReport]:
        """Every step in one managed transaction (see `_steps_tx`)."""
        marker = uuid.uuid4().hex
        try:
            with self._driver.session(database=self.database) as session:
                plans: list[WritePlan] = session.execute_write(_steps_tx, list(steps), marker)
        except _MemoryLimit as e:
            records = sum(len(step.batch) for step in steps)
            raise _too_large(e.error, self.url, records) from e.error
        except IncompleteCommit as e:
            # The connection dropped while the server was committing: it may have.
            raise StoreUnavailable(
                f"Neo4j at {self.url} went away while committing: the write may or may not "
                "have been saved; run the same command again when the server is back "
                "(an import or merge run twice writes nothing twice)"
            ) from e
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreUnavailable(
                f"Neo4j at {self.url} is unavailable (retried for "
                f"{MAX_RETRY_SECONDS:.0f} s); nothing was written: start the server, "
                "then run the command again"
            ) from e
        except ClientError as e:
            # A constraint violation here means a concurrent writer or a bug; say so plainly.
            raise StoreUnavailable(
                f"Neo4j rejected the write ({e.code}); nothing was written"
            ) from e
        except TransientError as e:
            if _is_memory_limit(e):  # at commit, outside the transaction function
                raise _too_large(e, self.url, sum(len(s.batch) for s in steps)) from e
            raise StoreBusy(
                f"Neo4j at {self.url} stayed busy ({e.code}, retried for "
                f"{MAX_RETRY_SECONDS:.0f} s); nothing was written: try again later"
            ) from e
        except (DatabaseError, DriverError) as e:
            # The server failed the transaction (its disk full, a store file it cannot
            # write): it rolled it back. The code names the cause; the server's own
            # message may quote data, so it stays in the server's log.
            code = getattr(e, "code", None) or type(e).__name__
            raise StoreUnavailable(
                f"Neo4j at {self.url} failed the write ({code}); nothing was written. "
                "Check the server's log and free disk space, then run the command again"
            ) from e
        return [plan.report for plan in plans]

    def get(
        self, record_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> m.AnyRecord | None:
        vis = self._vis(viewer, as_of)
        rows = self._read(cy.GET_NODE, id=record_id, **vis) or self._read(
            cy.GET_RELATIONSHIP, id=record_id, **vis
        )
        if not rows:
            return None
        return self._guarded(viewer, [decode(rows[0]["data"])])[0]

    def iter_nodes(
        self, kind: NodeKind | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyNode]:
        (row,) = self._read(cy.iter_nodes(kind), **self._vis(viewer, as_of))
        yield from self._decoded(viewer, row["ids"], row["data"], decode_node)

    def iter_relationships(
        self, rel_type: RelType | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyRelationship]:
        (row,) = self._read(cy.iter_relationships(rel_type), **self._vis(viewer, as_of))
        yield from self._decoded(viewer, row["ids"], row["data"], decode_relationship)

    def _decoded(
        self, viewer: Viewer, ids: list[str], data: list[str], decode_one: Callable[[str], R]
    ) -> Iterator[R]:
        """A listing's records in id order, each decoded as it is asked for: the
        caller starts on the first while the rest are still JSON (a projection
        build prepares its updates from then on, `graph.projection`)."""
        guard = self._guard(viewer)
        for i in sorted(range(len(ids)), key=ids.__getitem__):
            record = decode_one(data[i])
            yield guard.apply(record) if guard else record

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        rows = self._read(cy.CHANGES_SINCE, counter=counter)
        if not rows or rows[0]["tracked"] is None or counter < int(rows[0]["tracked"]):
            return None
        entries = (e for data in rows[0]["records"] for e in json.loads(data))
        return changed_records(entries, viewer)

    def relationships_touching(self, node_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
        rows = self._read(cy.RELS_TOUCHING, ids=_padded(node_ids), rank=viewer_rank(viewer))
        return [r["id"] for r in rows]

    def get_many(
        self,
        node_ids: Sequence[str],
        relationship_ids: Sequence[str],
        *,
        viewer: Viewer,
        as_of: date | None = None,
    ) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
        vis = self._vis(viewer, as_of)
        nodes = [
            decode_node(r["data"]) for r in self._read(cy.NODES_BY_ID, ids=_padded(node_ids), **vis)
        ]
        rels = (
            [
                decode_relationship(r["data"])
                for r in self._read(cy.RELATIONSHIPS_BY_ID, ids=_padded(relationship_ids), **vis)
            ]
            if relationship_ids
            else []
        )
        return self._guarded(viewer, nodes), self._guarded(viewer, rels)

    def prepare_updates(self, *, viewer: Viewer, as_of: date | None = None) -> None:
        """Have the server plan, once, every read a projection update runs.

        Neo4j plans a query shape on its first use and caches the plan; an
        update runs a few shapes (the relationships by id, over every type),
        so the first update after a process started cost 17 % of a rebuild
        at M, later ones 1 %. `graph.projection` calls this beside the first
        build (the server plans while the client decodes), never on a plain
        store open, so a CLI command that builds nothing pays nothing. Each
        shape runs, read-only, with the parameter types the update will use
        and ids that match no record.

        Their lists of ids are padded to one size class (`PADDED_IDS`), so
        each shape is planned once, with ids that match no record; an update
        with more ids than that is a big change, rebuilt anyway unless it
        stays under `graph.projection`'s limit, and pays its planning there.
        """
        if self._updates_prepared:
            return
        self.changes_since(self.change_counter(), viewer=viewer)
        self.relationships_touching([], viewer=viewer)
        # Its relationship half is the one by-id query over every type
        # (`RELATIONSHIPS_BY_ID`) the update runs.
        self.get_many([], [_NO_ID], viewer=viewer, as_of=as_of)
        self._updates_prepared = True

    def neighbours(
        self, node_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> list[tuple[m.AnyRelationship, m.AnyNode]]:
        rows = self._read(cy.NEIGHBOURS, id=node_id, **self._vis(viewer, as_of))
        guard = self._guard(viewer)
        pairs: list[tuple[m.AnyRelationship, m.AnyNode]] = [
            (decode_relationship(r["rel"]), decode_node(r["other"])) for r in rows
        ]
        return [(guard.apply(r), guard.apply(o)) for r, o in pairs] if guard else pairs

    def search(
        self, text: str, *, viewer: Viewer, kinds: Sequence[NodeKind] | None = None, limit: int = 50
    ) -> list[m.AnyNode]:
        needle = normalise(text)
        if not needle:
            return []
        wanted = {NodeKind(k).value for k in kinds} if kinds else None
        found: list[m.AnyNode] = []
        for row in self._read(cy.SEARCH, needle=needle, **self._vis(viewer, None)):
            node = decode(row["data"])
            if wanted is None or node.kind in wanted:  # type: ignore[union-attr]
                found.append(node)  # type: ignore[arg-type]
        return self._guarded(viewer, rank_search(found, needle)[:limit])

    def counts(self, *, viewer: Viewer, as_of: date | None = None) -> dict[str, int]:
        vis = self._vis(viewer, as_of)
        rows = self._read(cy.COUNT_NODES, **vis) + self._read(cy.COUNT_RELS, **vis)
        return {r["kind"]: int(r["n"]) for r in rows}

    def geometries(self, ids: Sequence[str] | None = None, *, viewer: Viewer) -> dict[str, str]:
        ids_param = None if ids is None else list(ids)
        rows = self._read(cy.GEOMETRIES, rank=viewer_rank(viewer), ids=ids_param)
        return {str(r["id"]): str(r["geojson"]) for r in rows}

    def hides_records_from(self, *, viewer: Viewer) -> bool:
        rows = self._read(cy.HIDES_RECORDS, rank=viewer_rank(viewer))
        return bool(rows[0]["hidden"])

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]:
        if self.get(record_id, viewer=viewer) is None:
            return []
        rows = self._read(cy.HISTORIES, ids=[record_id], rank=viewer_rank(viewer))
        return self._revision_rows(rows, viewer)

    def histories(self, record_ids: Sequence[str], *, viewer: Viewer) -> list[Revision]:
        shown = history_ids(self, record_ids, viewer=viewer)
        rows = self._read(cy.HISTORIES, ids=shown, rank=viewer_rank(viewer))
        return self._revision_rows(rows, viewer)

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        ids = sorted({rid for rid, _ in keys})
        nodes, rels = self.get_many(ids, ids, viewer=viewer)
        shown = {r.id for r in [*nodes, *rels]}
        wanted = [(rid, v) for rid, v in keys if rid in shown]
        ids = sorted({rid for rid, _ in wanted})
        pairs = [list(k) for k in wanted]
        rows = self._read(cy.VERSIONS, ids=ids, keys=pairs, rank=viewer_rank(viewer))
        return self._revision_rows(rows, viewer)

    def _revision_rows(self, rows: list[neo4j.Record], viewer: Viewer) -> list[Revision]:
        """Revision rows as `Revision`s, sources masked for the viewer."""
        found = [
            Revision(
                r["record_id"],
                r["version"],
                r["recorded_at"],
                r["recorded_by"],
                r["operation"],
                decode(r["data"]),
            )
            for r in rows
        ]
        guard = self._guard(viewer)
        return [replace(v, record=guard.apply(v.record)) for v in found] if guard else found

    def change_counter(self) -> int:
        rows = self._read(cy.GET_COUNTER)
        return int(rows[0]["counter"]) if rows else 0

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        with self._driver.session(database=self.database) as session:
            entry: AuditEntry = session.execute_write(_audit_tx, event, uuid.uuid4().hex)
        return entry

    def audit_log(self) -> AuditLog:
        with self._driver.session(database=self.database, default_access_mode="READ") as s:
            return s.execute_read(_read_audit)

    def audit_entries(self, action: str) -> list[AuditEntry]:
        rows = self._read(cy.AUDIT_ENTRIES_OF, action=action)
        return [AuditEntry(**dict(row)) for row in rows]

    def audit_head(self) -> Checkpoint:
        rows = self._read(cy.AUDIT_HEAD)
        if not rows:
            return Checkpoint(0, GENESIS, "")
        return Checkpoint(int(rows[0]["seq"]), str(rows[0]["hash"]), str(rows[0]["at"] or ""))

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        with self._driver.session(database=self.database, default_access_mode="READ") as s:
            evidence = s.execute_read(_read_evidence)
        return check(evidence, against=against)

    def save_user(self, user: User, *, actor: str) -> None:
        with self._driver.session(database=self.database) as session:
            session.execute_write(_save_user_tx, user, actor, uuid.uuid4().hex)

    def get_user(self, name: str) -> User | None:
        rows = self._read(cy.GET_USER, name=name)
        return User.model_validate_json(rows[0]["data"]) if rows else None

    def list_users(self) -> list[User]:
        return [User.model_validate_json(r["data"]) for r in self._read(cy.LIST_USERS)]

    def close(self) -> None:
        self._driver.close()

    # ------------------------------------------------------------------ test support

    def wipe(self) -> None:
        """Delete everything in the database. For the test fixture only."""
        with self._driver.session(database=self.database) as session:
            session.run(cy.WIPE).consume()
        self.ensure_schema()

    def is_empty(self) -> bool:
        return int(self._read(cy.COUNT_ALL)[0]["n"]) == 0


def _upgrade_windows(tx: ManagedTransaction) -> None:
    """Recompute every stored window under the current time rule
    (graph.timeline.RULE_VERSION) and mark the rule, in one transaction:
    a database written under an older rule answers as-of questions by the new one."""
    nodes = [(r["id"], r["data"]) for r in tx.run(cy.ALL_NODE_DATA)]
    rels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in tx.run(cy.ALL_REL_DATA):
        rels[r["type"]].append((r["id"], r["data"]))
    work = [(cy.SET_NODE_WINDOWS, nodes)]
    work += [(cy.set_rel_windows(rel_type), rows) for rel_type, rows in sorted(rels.items())]
    for query, rows in work:
        windows = [
            {"id": rid, "from_day": start, "to_day": end}
            for rid, start, end in recomputed_windows(rows)
        ]
        for chunk in _chunks(windows, cy.BATCH_SIZE):
            tx.run(query, rows=chunk).consume()
    tx.run(cy.SET_TIME_RULE, rule=RULE_VERSION).consume()


def _migrate_history(tx: ManagedTransaction, marker: str) -> None:
    """Keep only superseded versions in Revisions (`HISTORY_LAYOUT`), in one
    transaction under the write lock: history reads the same before and after,
    and a second process opening the store meanwhile finds the work done."""
    _lock(tx, marker)
    layout = tx.run(cy.GET_HISTORY_LAYOUT).single(strict=True)["layout"]
    if layout is not None and int(layout) >= HISTORY_LAYOUT:
        return
    tx.run(cy.MIGRATE_NODE_HISTORY).consume()
    tx.run(cy.MIGRATE_REL_HISTORY).consume()
    tx.run(cy.SET_HISTORY_LAYOUT, layout=HISTORY_LAYOUT).consume()


# The audit chain's head: (sequence, hash, time of the last entry).
Head = tuple[int, str, str]


def _lock(tx: ManagedTransaction, marker: str) -> Head:
    """Take the store's write lock; return the audit chain's head."""
    head = tx.run(
        cy.LOCK_META,
        tx_marker=marker,
        genesis=GENESIS,
        pseudonym_key=secrets.token_hex(32),
        history_layout=HISTORY_LAYOUT,
    ).single(strict=True)
    return int(head["audit_seq"]), str(head["audit_hash"]), str(head["audit_at"] or "")


def _append(
    tx: ManagedTransaction, event: AuditEvent, head: Head, now: datetime | None = None
) -> AuditEntry:
    """Chain `event` after `head` at the store's time (`now`, or the clock)."""
    at = now or store_time(head[2])
    entry = chain(event, prev_seq=head[0], prev_hash=head[1], at=at)
    tx.run(cy.APPEND_AUDIT, entry=dataclasses.asdict(entry)).consume()
    return entry


def _audit_tx(tx: ManagedTransaction, event: AuditEvent, marker: str) -> AuditEntry:
    return _append(tx, event, _lock(tx, marker))


def _save_user_tx(tx: ManagedTransaction, user: User, actor: str, marker: str) -> None:
    head = _lock(tx, marker)
    data = user.model_dump_json()
    tx.run(cy.UPSERT_USER, name=user.name, data=data).consume()
    _append(tx, user_event(user, data, actor=actor), head)


def _read_evidence(tx: ManagedTransaction) -> Evidence:
    """The log and everything it vouches for, in one read transaction."""
    log = _read_audit(tx)
    current = [StoredVersion(*row) for row in tx.run(cy.ALL_CURRENT).single(strict=True)["rows"]]
    history = [StoredVersion(*row) for row in tx.run(cy.ALL_REVISIONS).single(strict=True)["rows"]]
    users = [StoredAccount(*row) for row in tx.run(cy.ALL_USERS).single(strict=True)["rows"]]
    return Evidence(log.entries, log.head_seq, log.head_hash, current, history, users)


def _read_audit(tx: ManagedTransaction) -> AuditLog:
    entries = [AuditEntry(**dict(r)) for r in tx.run(cy.AUDIT_ENTRIES)]
    head = tx.run(cy.AUDIT_HEAD).single()
    if head is None:
        return AuditLog(entries, 0, GENESIS)
    return AuditLog(entries, int(head["seq"]), str(head["hash"]))


def _set_shapes(tx: ManagedTransaction, shapes: list[tuple[str, str]]) -> None:
    """Shapes beside their records (see `WriteBatch.geometry_rows`): after the
    nodes exist, before anything can read them."""
    rows = [{"id": i, "geojson": g} for i, g in shapes]
    for chunk in _chunks(rows, cy.BATCH_SIZE):
        tx.run(cy.SET_GEOMETRIES, rows=chunk).consume()


def _steps_tx(tx: ManagedTransaction, steps: list[WriteStep], marker: str) -> list[WritePlan]:
    """Plan and apply every step inside one transaction (may be retried by the driver)."""
    try:
        head = _lock(tx, marker)
        plans: list[WritePlan] = []
        for step in steps:
            plan, head = _write_step(tx, step, head)
            plans.append(plan)
    except Neo4jError as e:
        if _is_memory_limit(e):
            raise _MemoryLimit(e) from e
        raise
    return plans


def _write_step(tx: ManagedTransaction, step: WriteStep, head: Head) -> tuple[WritePlan, Head]:
    """Plan and apply one batch at the store's time; return the plan and the
    audit chain's new head."""
    shapes = step.batch.geometry_rows()
    now = store_time(head[2])

    # The element id of every node this transaction found or creates, by our
    # id: how `_apply` names a new relationship's endpoints.
    nodes: dict[str, str] = {}

    def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
        found: dict[str, Existing] = {}
        for wanted, content in ((own, True), (referenced, False)):
            for chunk in _chunks(wanted, cy.BATCH_SIZE):
                row = tx.run(cy.lookup_nodes(content=content), ids=chunk).single(strict=True)
                for rid, kind, version, data, rank, element in row["found"]:
                    found[rid] = Existing(rid, "node", kind, version, data, rank)
                    nodes[rid] = element
        # Only relationships are left to find, under any type.
        for chunk in _chunks([i for i in own if i not in found], cy.BATCH_SIZE):
            row = tx.run(cy.LOOKUP_RELATIONSHIPS, ids=chunk).single(strict=True)
            for rid, kind, version, data, rank in row["found"]:
                found[rid] = Existing(rid, "rel", kind, version, data, rank)
        return found

    plan = plan_write(step.batch, lookup, actor=step.actor, now=now, clearance=step.clearance)
    if plan.rows:
        head = _apply(tx, plan, step.actor, head, now, shapes, nodes)
    else:
        _set_shapes(tx, shapes)
        plan.report.change_counter = int(tx.run(cy.GET_COUNTER).single(strict=True)["counter"])
    extra = step_audit(step, plan.report)
    if extra is not None:
        entry = _append(tx, extra, head)
        head = (entry.seq, entry.hash, entry.at)
    return plan, head


def _apply(
    tx: ManagedTransaction,
    plan: WritePlan,
    actor: str,
    head: Head,
    now: datetime,
    shapes: list[tuple[str, str]],
    elements: dict[str, str],
) -> Head:
    """Write a plan's rows, bump the counter, audit it; return the chain's new
    head. `elements` holds the element id of every node the plan's lookup found;
    the nodes it creates are added as they are."""
    nodes: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    rels: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
    for row in plan.rows:
        new = row.operation == "create"
        if row.category == "node":
            nodes[row.kind, new].append({"id": row.id, "props": _props(row)})
        else:
            rels[row.kind, new].append(
                {"id": row.id, "ends": (row.source_id, row.target_id), "props": _props(row)}
            )
    # The planner read every id inside this transaction (under the store lock),
    # so it knows which records are new: those are CREATEd, which spares
    # relationship MERGE its scan of a hub node's existing relationships; the
    # others are MATCHed by id, and the version each replaces becomes a Revision.
    for (kind, new), rows in nodes.items():
        query = cy.create_nodes(kind) if new else cy.update_nodes(kind)
        for chunk in _chunks(rows, cy.BATCH_SIZE):
            if new:
                created = tx.run(query, rows=chunk).single(strict=True)["created"]
                elements.update(created)
            else:
                tx.run(query, rows=chunk).consume()
    _set_shapes(tx, shapes)
    for (rel_type, new), rows in rels.items():
        query = cy.create_relationships(rel_type) if new else cy.update_relationships(rel_type)
        for chunk in _chunks(rows, cy.BATCH_SIZE):
            if new:  # the planner checked that both ends exist: found or created
                for rel in chunk:
                    source, target = rel.pop("ends")
                    rel["source"], rel["target"] = elements[source], elements[target]
            else:
                for rel in chunk:
                    del rel["ends"]
            tx.run(query, rows=chunk).consume()
    counter = tx.run(cy.BUMP_COUNTER).single(strict=True)["counter"]
    plan.report.change_counter = int(counter)
    records = json.dumps([row.change_entry() for row in plan.rows])
    tx.run(cy.INSERT_CHANGE, counter=counter, records=records).consume()
    entry = _append(tx, plan.audit_event(actor), head, now)
    return (entry.seq, entry.hash, entry.at)
