"""The embedded store: one SQLite file, zero setup, the default for one analyst offline.

A short-lived connection per operation (never shared across threads), WAL so
readers do not block the writer, a busy timeout so two writers queue instead
of failing, and every write inside one `BEGIN IMMEDIATE … COMMIT`: the write
lock is taken before we read what exists, so two writers cannot both plan
against the same state and lose an update.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from graph import model as m
from graph.audit import AuditEntry, AuditEvent, Checkpoint, chain, store_time
from graph.errors import StoreBusy, StoreTooNew, StoreUnavailable
from graph.gc_pause import no_cyclic_gc
from graph.integrity import AuditCheck, Evidence, StoredAccount, StoredVersion, check
from graph.name_search import rank_search
from graph.names import normalise
from graph.revisions import history_ids
from graph.row_codec import (
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
from graph.source_protection import SourceGuard
from graph.store import AuditLog, ChangedRecord, Revision, WriteBatch, WriteReport, WriteStep
from graph.stores import embedded_sql as sql
from graph.timeline import RULE_VERSION
from graph.users import User, user_event
from graph.write_plan import Existing, plan_write, step_audit

# Binding None: the sqlite3 module adapts every parameter that is not an exact
# int, float, str or bytearray, and for None (no adapter registered) that means
# two failed attribute look-ups, one on a type, which on CPython 3.11 builds
# and discards an AttributeError each time: about a microsecond per NULL, and
# an import binds three of them per record (the absent name, endpoints or
# window ends), a tenth of the `records` insert. An adapter found in the
# registry is called instead: `{}.get` is a C function that returns None, so
# None still binds as NULL, for every connection in the process, as before.
sqlite3.register_adapter(type(None), cast("Callable[[None], None]", {}.get))

BUSY_TIMEOUT_MS = 30_000
# A writer first waits this long for the lock in silence, then says it is retrying.
FIRST_WAIT_MS = 1_000

# Notes a user should see while a command waits (the CLI prints them on stderr).
log = logging.getLogger("actorgraph.store")

# SQLite's primary result codes (the low byte of `sqlite_errorcode`).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = (
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    19,
    26,
)


def store_error(path: Path, error: sqlite3.Error) -> StoreUnavailable:
    """Our error for a SQLite one: what happened to the file, and what the user can do.

    Every operation runs in one transaction that SQLite rolls back when it
    fails, so a failed write never leaves part of itself behind.
    """
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in (_BUSY, _LOCKED):
        return StoreBusy(
            f"store {path} is busy: try again when the other write has finished "
            "(another process held the write lock too long); nothing was written"
        )
    if code == _FULL:
        return StoreUnavailable(
            f"store {path}: the disk is full; nothing was written (free some space and try again)"
        )
    if code == _IOERR:
        return StoreUnavailable(
            f"store {path}: the disk reported an I/O error ({error}); nothing was written"
        )
    if code in (_NOTADB, _CORRUPT):
        return StoreUnavailable(f"{path} is not an actorgraph store, or is damaged: {error}")
    if code == _READONLY:
        return StoreUnavailable(f"store {path} is read-only: {error}")
    if code == _CANTOPEN:
        return StoreUnavailable(f"cannot open store {path}: {error}")
    if code == _CONSTRAINT:
        return StoreUnavailable(f"store {path} refused the change ({error}); nothing was written")
    return StoreUnavailable(f"store {path}: {error}")


def _create_private(path: Path) -> None:
    """Create a new store file readable and writable by its owner only.

    The file holds who commands whom and who talks to them: on a shared
    machine another account must not read it. SQLite gives the WAL and
    shared-memory files the main file's permissions, so they follow. An
    existing file is left as its owner set it.
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as e:
        raise StoreUnavailable(f"cannot create {path}: {e.strerror}") from e
    os.close(fd)


class EmbeddedStore:
    """A `GraphStore` in a single SQLite file."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.busy_timeout_ms = max(1, int(busy_timeout * 1000))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreUnavailable(f"cannot create folder for {self.path}: {e.strerror}") from e
        _create_private(self.path)
        self.ensure_schema()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # ------------------------------------------------------------------ plumbing

    def _open(self, timeout: float) -> sqlite3.Connection:
        """A raw connection to the file; `EncryptedStore` overrides it to open with a key."""
        return sqlite3.connect(self.path, timeout=timeout, isolation_level=None)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one operation; any SQLite error leaves as one of ours."""
        try:
            conn = self._open(self.busy_timeout_ms / 1000)
        except sqlite3.Error as e:
            raise store_error(self.path, e) from e
        try:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        except sqlite3.Error as e:
            raise store_error(self.path, e) from e
        finally:
            conn.close()

    def _begin_write(self, conn: sqlite3.Connection) -> None:
        """Take the write lock: wait a moment, say so on the log, then wait the rest."""
        first = min(FIRST_WAIT_MS, self.busy_timeout_ms // 2)
        conn.execute(f"PRAGMA busy_timeout = {first}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if (e.sqlite_errorcode & 0xFF) not in (_BUSY, _LOCKED):
                raise
            log.warning(
                "store %s is busy, retrying for up to %d s (another process is writing)",
                self.path,
                round(self.busy_timeout_ms / 1000),
            )
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms - first}")
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            self._begin_write(conn)
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _guard(self, conn: sqlite3.Connection, viewer: Viewer) -> SourceGuard | None:
        """Masks for the sources this viewer may not see in clear (None: sees all)."""
        rank = viewer_rank(viewer)
        if rank >= Sensitivity.STRICTLY_CONFIDENTIAL.rank:
            return None
        key = conn.execute(sql.GET_SECRET, {"key": "pseudonym_key"}).fetchone()[0]
        clear = {rid for (rid,) in conn.execute(sql.CLEAR_SOURCES, {"rank": rank})}
        return SourceGuard(key, clear, rank)

    @staticmethod
    def _params(viewer: Viewer, as_of: date | None, **extra: Any) -> dict[str, Any]:
        return {"rank": viewer_rank(viewer), "day": day_param(as_of), **extra}

    # ------------------------------------------------------------------ GraphStore

    def ensure_schema(self) -> None:
        """Create or upgrade the tables, taking the write lock only when there is work.

        A store already stamped with this DDL, migrations and time rule
        (`sql.SCHEMA_STAMP`) is checked with a plain read, so opening a store
        for a read never waits behind a writer. Otherwise the layout-1 DDL runs
        (idempotent), then every numbered migration above the file's
        `schema_version`, in one transaction; a file from a newer release is
        refused before anything is written to it.
        """
        with self._connect() as conn:
            if conn.execute(sql.GET_STAMP).fetchone()[0] == sql.SCHEMA_STAMP:
                return
            self._refuse_newer(conn)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            self._begin_write(conn)
            try:
                self._refuse_newer(conn)
                for statement in sql.DDL:
                    conn.execute(statement)
                conn.execute(
                    sql.INSERT_SECRET, {"key": "pseudonym_key", "value": secrets.token_hex(32)}
                )
                self._migrate(conn)
                self._upgrade_windows(conn)
                conn.execute(sql.SET_STAMP)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _refuse_newer(self, conn: sqlite3.Connection) -> None:
        """Raise `StoreTooNew` when the file's layout is newer than this release's."""
        if conn.execute(sql.HAS_META).fetchone() is None:
            return  # a new, empty file
        row = conn.execute(sql.GET_SCHEMA_VERSION).fetchone()
        if row is not None and int(row[0]) > sql.SCHEMA_VERSION:
            raise StoreTooNew(
                f"{self.path} was written by a newer actorgraph (store layout {int(row[0])}; "
                f"this release reads layouts up to {sql.SCHEMA_VERSION}): upgrade actorgraph "
                "to open it; the file was not changed"
            )

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Apply the numbered migrations the file lacks, in order."""
        current = int(conn.execute(sql.GET_SCHEMA_VERSION).fetchone()[0])
        for number in sorted(n for n in sql.MIGRATIONS if n > current):
            for statement in sql.MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(sql.SET_SCHEMA_VERSION, {"version": number})

    @staticmethod
    def _upgrade_windows(conn: sqlite3.Connection) -> None:
        """Recompute every stored window when the file was written under an older
        time rule (graph.timeline.RULE_VERSION); inside the schema transaction,
        so a failure leaves the old windows and the old marker together."""
        row = conn.execute(sql.GET_TIME_RULE).fetchone()
        if row is not None and int(row[0]) >= RULE_VERSION:
            return
        windows = recomputed_windows(conn.execute(sql.ALL_RECORD_DATA).fetchall())
        conn.executemany(sql.SET_WINDOW, [(start, end, rid) for rid, start, end in windows])
        conn.execute(sql.SET_TIME_RULE, {"rule": RULE_VERSION})

    def write(
        self,
        batch: WriteBatch,
        *,
        actor: str,
        clearance: Sensitivity | None = None,
    ) -> WriteReport:
        with no_cyclic_gc(), self._transaction() as conn:
            return self._write_in(conn, WriteStep(batch, actor, clearance))

    def write_steps(self, steps: Sequence[WriteStep]) -> list[WriteReport]:
        """Every step in one `BEGIN IMMEDIATE … COMMIT`: a step that fails (or a
        process killed between steps) leaves none of them written."""
        with no_cyclic_gc(), self._transaction() as conn:
            return [self._write_in(conn, step) for step in steps]

    def _write_in(self, conn: sqlite3.Connection, step: WriteStep) -> WriteReport:
        """Plan and apply one batch inside the caller's write transaction, at the
        store's time (never the caller's: `graph.audit.store_time`)."""
        conn.execute(sql.WRITE_CACHE)
        shapes = step.batch.geometry_rows()
        head = conn.execute(sql.AUDIT_HEAD).fetchone()
        now = store_time(head[2])

        def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
            found: dict[str, Existing] = {}
            for part, content in ((own, True), (referenced, False)):
                for i in range(0, len(part), sql.LOOKUP_CHUNK):
                    chunk = part[i : i + sql.LOOKUP_CHUNK]
                    query = sql.lookup(len(chunk), content=content)
                    for rid, cat, kind, version, data, rank in conn.execute(query, chunk):
                        found[rid] = Existing(rid, cat, kind, version, data, rank)
            return found

        plan = plan_write(step.batch, lookup, actor=step.actor, now=now, clearance=step.clearance)
        conn.executemany(sql.UPSERT_GEOMETRY, shapes)
        if plan.rows:
            created = [r for r in plan.rows if r.operation == "create"]
            replaced = [r for r in plan.rows if r.operation != "create"]
            # History keeps superseded versions only: a first version is one row
            # in `records`; a new one moves the current version to `revisions`.
            conn.executemany(sql.INSERT_RECORD, map(sql.record_params, created))
            conn.executemany(sql.SUPERSEDE, [(r.id,) for r in replaced])
            conn.executemany(sql.UPDATE_RECORD, map(sql.update_params, replaced))
            # A new record has no names to replace.
            conn.executemany(sql.DELETE_NAMES, [(r.id,) for r in replaced if r.category == "node"])
            conn.executemany(
                sql.INSERT_NAME,
                [(r.id, n) for r in plan.rows if r.category == "node" for n in r.search_names],
            )
            conn.execute(sql.BUMP_COUNTER)
        plan.report.change_counter = conn.execute(sql.GET_COUNTER).fetchone()[0]
        if plan.rows:
            conn.execute(
                sql.INSERT_CHANGE,
                {
                    "counter": plan.report.change_counter,
                    "records": json.dumps([r.change_entry() for r in plan.rows]),
                },
            )
            self._append_audit(conn, plan.audit_event(step.actor), head, now)
        extra = step_audit(step, plan.report)
        if extra is not None:
            self._append_audit(conn, extra)
        return plan.report

    def get(
        self, record_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> m.AnyRecord | None:
        params = self._params(viewer, as_of, id=record_id)
        with self._connect() as conn:
            row = conn.execute(sql.GET_NODE, params).fetchone()
            if row is None:
                row = conn.execute(sql.GET_REL, params).fetchone()
            guard = self._guard(conn, viewer)
        if row is None:
            return None
        record = decode(row[0])
        return guard.apply(record) if guard else record

    def iter_nodes(
        self, kind: NodeKind | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyNode]:
        params = self._params(viewer, as_of, kind=NodeKind(kind).value if kind else None)
        with self._connect() as conn:
            rows = conn.execute(sql.ITER_NODES, params).fetchall()
            guard = self._guard(conn, viewer)
        for (data,) in rows:
            node = decode_node(data)
            yield guard.apply(node) if guard else node

    def iter_relationships(
        self, rel_type: RelType | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyRelationship]:
        params = self._params(viewer, as_of, kind=RelType(rel_type).value if rel_type else None)
        with self._connect() as conn:
            rows = conn.execute(sql.ITER_RELS, params).fetchall()
            guard = self._guard(conn, viewer)
        for (data,) in rows:
            rel = decode_relationship(data)
            yield guard.apply(rel) if guard else rel

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        with self._connect() as conn:
            tracked = conn.execute(sql.CHANGES_TRACKED_SINCE).fetchone()
            if tracked is None or counter < int(tracked[0]):
                return None
            rows = conn.execute(sql.CHANGES_SINCE, {"counter": counter}).fetchall()
        return changed_records((e for (data,) in rows for e in json.loads(data)), viewer)

    def relationships_touching(self, node_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
        params = {"ids": json.dumps(list(node_ids)), "rank": viewer_rank(viewer)}
        with self._connect() as conn:
            return [i for (i,) in conn.execute(sql.RELS_TOUCHING, params)]

    def get_many(
        self,
        node_ids: Sequence[str],
        relationship_ids: Sequence[str],
        *,
        viewer: Viewer,
        as_of: date | None = None,
    ) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
        with self._connect() as conn:
            node_rows = conn.execute(
                sql.NODES_BY_ID, self._params(viewer, as_of, ids=json.dumps(list(node_ids)))
            ).fetchall()
            rel_rows = conn.execute(
                sql.RELS_BY_ID,
                self._params(viewer, as_of, ids=json.dumps(list(relationship_ids))),
            ).fetchall()
            guard = self._guard(conn, viewer)
        nodes = [decode_node(d) for (d,) in node_rows]
        rels = [decode_relationship(d) for (d,) in rel_rows]
        if guard:
            return [guard.apply(n) for n in nodes], [guard.apply(r) for r in rels]
        return nodes, rels

    def neighbours(
        self, node_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> list[tuple[m.AnyRelationship, m.AnyNode]]:
        if self.get(node_id, viewer=viewer, as_of=as_of) is None:
            return []
        with self._connect() as conn:
            rows = conn.execute(sql.NEIGHBOURS, self._params(viewer, as_of, id=node_id)).fetchall()
            guard = self._guard(conn, viewer)
        pairs: list[tuple[m.AnyRelationship, m.AnyNode]] = [
            (decode_relationship(r), decode_node(o)) for r, o in rows
        ]
        return [(guard.apply(r), guard.apply(o)) for r, o in pairs] if guard else pairs

    def search(
        self, text: str, *, viewer: Viewer, kinds: Sequence[NodeKind] | None = None, limit: int = 50
    ) -> list[m.AnyNode]:
        needle = normalise(text)
        if not needle:
            return []
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params = self._params(viewer, None, pattern=f"%{escaped}%")
        with self._connect() as conn:
            rows = conn.execute(sql.SEARCH, params).fetchall()
            guard = self._guard(conn, viewer)
        wanted = {NodeKind(k).value for k in kinds} if kinds else None
        found: list[m.AnyNode] = []
        for (data,) in rows:
            node = decode(data)
            if wanted is None or node.kind in wanted:  # type: ignore[union-attr]
                found.append(guard.apply(node) if guard else node)  # type: ignore[arg-type]
        return rank_search(found, needle)[:limit]

    def counts(self, *, viewer: Viewer, as_of: date | None = None) -> dict[str, int]:
        params = self._params(viewer, as_of)
        with self._connect() as conn:
            conn.execute("BEGIN")  # one snapshot for the check and the counts
            if as_of is None and conn.execute(sql.SEES_EVERY_RECORD, params).fetchone()[0]:
                # Nothing to filter: the joins that check each relationship's
                # ends were most of `actorgraph stats` at M (0.4 of 0.7 CPU s).
                rows = conn.execute(sql.COUNT_ALL, {"category": "node"}).fetchall()
                rows += conn.execute(sql.COUNT_ALL, {"category": "rel"}).fetchall()
            else:
                rows = conn.execute(sql.COUNT_NODES, params).fetchall()
                rows += conn.execute(sql.COUNT_RELS, params).fetchall()
            conn.execute("COMMIT")
        return {kind: int(n) for kind, n in rows}

    def geometries(self, ids: Sequence[str] | None = None, *, viewer: Viewer) -> dict[str, str]:
        params = self._params(viewer, None, all=ids is None, ids=json.dumps(list(ids or ())))
        with self._connect() as conn:
            return dict(conn.execute(sql.GEOMETRIES, params).fetchall())

    def hides_records_from(self, *, viewer: Viewer) -> bool:
        with self._connect() as conn:
            row = conn.execute(sql.HIDES_RECORDS, {"rank": viewer_rank(viewer)}).fetchone()
        return bool(row[0])

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]:
        if self.get(record_id, viewer=viewer) is None:
            return []
        return self._revisions(sql.HISTORY, {"id": record_id}, viewer)

    def _revisions(self, query: str, params: dict[str, Any], viewer: Viewer) -> list[Revision]:
        """Revision rows `(id, version, at, by, operation, data)` within the viewer's
        clearance, sources masked."""
        with self._connect() as conn:
            rows = conn.execute(query, {**params, "rank": viewer_rank(viewer)}).fetchall()
            guard = self._guard(conn, viewer)
        return [
            Revision(rid, v, at, by, op, guard.apply(decode(d)) if guard else decode(d))
            for rid, v, at, by, op, d in rows
        ]

    def histories(self, record_ids: Sequence[str], *, viewer: Viewer) -> list[Revision]:
        shown = json.dumps(history_ids(self, record_ids, viewer=viewer))
        return self._revisions(sql.HISTORIES, {"ids": shown}, viewer)

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        ids = sorted({rid for rid, _ in keys})
        nodes, rels = self.get_many(ids, ids, viewer=viewer)
        shown = {r.id for r in [*nodes, *rels]}
        wanted = json.dumps([[rid, v] for rid, v in keys if rid in shown])
        return self._revisions(sql.VERSIONS, {"keys": wanted}, viewer)

    def change_counter(self) -> int:
        with self._connect() as conn:
            return int(conn.execute(sql.GET_COUNTER).fetchone()[0])

    @staticmethod
    def _append_audit(
        conn: sqlite3.Connection,
        event: AuditEvent,
        head: tuple[int, str, str] | None = None,
        now: datetime | None = None,
    ) -> AuditEntry:
        """Chain `event` after the head (read now unless given), at the store's time."""
        seq, last_hash, last_at = head or conn.execute(sql.AUDIT_HEAD).fetchone()
        at = now or store_time(last_at)
        entry = chain(event, prev_seq=seq, prev_hash=last_hash, at=at)
        conn.execute(sql.INSERT_AUDIT, dataclasses.asdict(entry))
        conn.execute(sql.MOVE_AUDIT_HEAD, {"seq": entry.seq, "hash": entry.hash, "at": entry.at})
        return entry

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        with self._transaction() as conn:
            return self._append_audit(conn, event)

    def audit_log(self) -> AuditLog:
        with self._connect() as conn:
            conn.execute("BEGIN")  # one snapshot for entries and head
            rows = conn.execute(sql.AUDIT_ENTRIES).fetchall()
            seq, head, _ = conn.execute(sql.AUDIT_HEAD).fetchone()
            conn.execute("COMMIT")
        return AuditLog([AuditEntry(*row) for row in rows], seq, head)

    def audit_head(self) -> Checkpoint:
        with self._connect() as conn:
            seq, head, at = conn.execute(sql.AUDIT_HEAD).fetchone()
        return Checkpoint(int(seq), str(head), str(at))

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        with self._connect() as conn:
            conn.execute("BEGIN")  # one snapshot of the log and everything it vouches for
            entries = [AuditEntry(*row) for row in conn.execute(sql.AUDIT_ENTRIES)]
            seq, head, _ = conn.execute(sql.AUDIT_HEAD).fetchone()
            current = [StoredVersion(*row) for row in conn.execute(sql.ALL_CURRENT)]
            history = [StoredVersion(*row) for row in conn.execute(sql.ALL_REVISIONS)]
            users = [StoredAccount(*row) for row in conn.execute(sql.ALL_USERS)]
            conn.execute("COMMIT")
        return check(Evidence(entries, seq, head, current, history, users), against=against)

    def audit_entries(self, action: str) -> list[AuditEntry]:
        with self._connect() as conn:
            rows = conn.execute(sql.AUDIT_ENTRIES_OF, {"action": action}).fetchall()
        return [AuditEntry(*row) for row in rows]

    def save_user(self, user: User, *, actor: str) -> None:
        data = user.model_dump_json()
        with self._transaction() as conn:
            conn.execute(sql.UPSERT_USER, {"name": user.name, "data": data})
            self._append_audit(conn, user_event(user, data, actor=actor))

    def get_user(self, name: str) -> User | None:
        with self._connect() as conn:
            row = conn.execute(sql.GET_USER, {"name": name}).fetchone()
        return User.model_validate_json(row[0]) if row else None

    def list_users(self) -> list[User]:
        with self._connect() as conn:
            rows = conn.execute(sql.LIST_USERS).fetchall()
        return [User.model_validate_json(data) for (data,) in rows]

    def close(self) -> None:
        """Nothing to release: connections live only for one operation."""
