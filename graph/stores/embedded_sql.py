"""Every SQL statement the embedded store runs, in one place (CONTRIBUTING.md, "The layers").

Values are always `?` parameters. One `records` table holds the current version
of every node and relationship (scalar columns for filtering, the full record
as JSON, and who wrote that version, when and how); `revisions` holds the
versions they replaced, as SQL:2011 system-versioned tables do (issue 13), so
a record's history is its `revisions` rows and its `records` row, each
version stored once; `names` holds the normalised names and aliases that
search compares against.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graph.audit import GENESIS
from graph.row_codec import StoredRow
from graph.timeline import RULE_VERSION

# The layout's number, kept in `meta.schema_version`. `DDL` builds layout 1
# (idempotently, as every earlier release did); each later layout is one
# numbered entry of `MIGRATIONS`, applied in order on open, inside the schema
# transaction. A file stamped with a higher number than this release knows is
# refused (`graph.errors.StoreTooNew`): an older actorgraph must not write to it.
SCHEMA_VERSION = 4

DDL = [
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS records (
        id TEXT PRIMARY KEY,
        category TEXT NOT NULL CHECK (category IN ('node', 'rel')),
        kind TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT,
        sensitivity_rank INTEGER NOT NULL,
        from_day TEXT,
        to_day TEXT,
        source_id TEXT,
        target_id TEXT,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS records_kind ON records (category, kind)",
    "CREATE INDEX IF NOT EXISTS records_source ON records (source_id)",
    "CREATE INDEX IF NOT EXISTS records_target ON records (target_id)",
    """CREATE TABLE IF NOT EXISTS names (
        record_id TEXT NOT NULL,
        norm TEXT NOT NULL,
        PRIMARY KEY (record_id, norm)
    )""",
    "CREATE INDEX IF NOT EXISTS names_norm ON names (norm)",
    """CREATE TABLE IF NOT EXISTS revisions (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        category TEXT NOT NULL,
        kind TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        operation TEXT NOT NULL,
        sensitivity_rank INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (record_id, version)
    )""",
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    )""",
    f"INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS}')",
    "CREATE INDEX IF NOT EXISTS audit_action ON audit (action, seq)",
    """CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY,
        data TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS secrets (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('change_counter', 0)",
    # The change log: one row per write, listing what it touched, so a cached
    # projection can be brought up to date. A store made before the log
    # existed has it from its counter at upgrade time on.
    """CREATE TABLE IF NOT EXISTS changes (
        counter INTEGER PRIMARY KEY,
        records TEXT NOT NULL
    )""",
    """INSERT OR IGNORE INTO meta (key, value)
    SELECT 'changes_tracked_since', value FROM meta WHERE key = 'change_counter'""",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', 1)",
]

MIGRATIONS: dict[int, list[str]] = {
    # 2: write entries commit to each version by SHA-256 instead of holding its
    # JSON (issue 13), and entry times are the store's, never going backwards:
    # the head keeps the last entry's time, so the next write reads one row.
    2: [
        "ALTER TABLE audit_head ADD COLUMN at TEXT NOT NULL DEFAULT ''",
        """UPDATE audit_head SET at = coalesce(
            (SELECT at FROM audit WHERE audit.seq = audit_head.seq), '')""",
    ],
    # 3: place shapes (GeoJSON), beside their records so the projection never
    # reads them; the record keeps their digest (graph.geometry).
    3: [
        """CREATE TABLE IF NOT EXISTS geometries (
            record_id TEXT PRIMARY KEY,
            geojson TEXT NOT NULL
        )""",
    ],
    # 4: history keeps superseded versions only (issue 13). The current version
    # carries its own stamps, and its copy in `revisions` goes, but only where
    # the copy is the same version byte for byte: a copy that differs (edited
    # in the file) stays, for `audit verify` to report as before.
    4: [
        "ALTER TABLE records ADD COLUMN recorded_at TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE records ADD COLUMN recorded_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE records ADD COLUMN operation TEXT NOT NULL DEFAULT ''",
        """UPDATE records SET recorded_at = v.recorded_at, recorded_by = v.recorded_by,
            operation = v.operation
        FROM revisions v WHERE v.record_id = records.id AND v.version = records.version""",
        """DELETE FROM revisions WHERE EXISTS (
            SELECT 1 FROM records r
            WHERE r.id = revisions.record_id AND r.version = revisions.version
              AND r.data = revisions.data AND r.sensitivity_rank = revisions.sensitivity_rank
              AND r.recorded_at = revisions.recorded_at
              AND r.recorded_by = revisions.recorded_by)""",
    ],
}

GET_SCHEMA_VERSION = """
SELECT value FROM meta WHERE key = 'schema_version'
"""
HAS_META = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
SET_SCHEMA_VERSION = "UPDATE meta SET value = :version WHERE key = 'schema_version'"

# A stamp of the DDL above, kept in the file header (`PRAGMA user_version`) once
# the DDL has run: opening a store whose stamp matches needs no write lock, so a
# read never waits behind an import. Any change to the DDL or to the time rule
# (graph.timeline.RULE_VERSION: stored windows must be recomputed) changes the
# stamp, and the next open runs the (idempotent) DDL and the window upgrade again.
SCHEMA_STAMP = (
    zlib.crc32(
        "\n".join(
            [
                *DDL,
                *(f"{n}:{q}" for n, qs in sorted(MIGRATIONS.items()) for q in qs),
                f"schema={SCHEMA_VERSION}",
                f"time_rule={RULE_VERSION}",
            ]
        ).encode()
    )
    & 0x7FFFFFFF
)
GET_STAMP = "PRAGMA user_version"
SET_STAMP = f"PRAGMA user_version = {SCHEMA_STAMP}"

LOOKUP_CHUNK = 500  # stays well under SQLite's bound-parameter limit

# The page cache of a write's connection, in KiB (a negative cache_size is KiB).
# SQLite's default is 2 MiB: a large write (an event file's 200,000 records,
# their revisions and four indexes keyed on random ids) overflowed it, and
# every overflow spilled dirty pages to the WAL and read them back, about a
# third of the write's CPU time. The memory is taken only as pages are used
# and freed when the connection closes.
WRITE_CACHE = "PRAGMA cache_size = -262144"


def lookup(n: int, *, content: bool) -> str:
    """What exists under n ids; their stored JSON only when `content`."""
    marks = ",".join("?" * n)
    data = "data" if content else "NULL"
    return (
        f"SELECT id, category, kind, version, {data}, sensitivity_rank FROM records "
        f"WHERE id IN ({marks})"
    )


# Positional parameters for the per-record statements: binding a tuple instead
# of a dict of names took a quarter off their time on a 10,000-record write.
# A new record is one INSERT (its first version lives only here); a new version
# first moves the current one into `revisions`, then replaces it in place.
INSERT_RECORD = """
INSERT INTO records (id, category, kind, version, name, sensitivity_rank, from_day, to_day,
                     source_id, target_id, data, recorded_at, recorded_by, operation)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


# `INSERT_RECORD`'s parameters for one row, as a tuple built in C (cheaper than a
# Python function per row of a 120,000-row import).
record_params: Callable[[StoredRow], tuple[Any, ...]] = attrgetter(
    "id", "category", "kind", "version", "name", "sensitivity_rank", "from_day", "to_day",
    "source_id", "target_id", "data", "recorded_at", "recorded_by", "operation",
)  # fmt: skip


SUPERSEDE = """
INSERT INTO revisions (record_id, version, category, kind, recorded_at, recorded_by, operation,
                       sensitivity_rank, data)
SELECT id, version, category, kind, recorded_at, recorded_by, operation, sensitivity_rank, data
FROM records WHERE id = ?
"""

UPDATE_RECORD = """
UPDATE records SET version = ?, name = ?, sensitivity_rank = ?, from_day = ?, to_day = ?,
    data = ?, recorded_at = ?, recorded_by = ?, operation = ?
WHERE id = ?
"""


# `UPDATE_RECORD`'s parameters for one row (a record's kind and endpoints never
# change: graph.write_plan refuses that).
update_params: Callable[[StoredRow], tuple[Any, ...]] = attrgetter(
    "version", "name", "sensitivity_rank", "from_day", "to_day", "data", "recorded_at",
    "recorded_by", "operation", "id",
)  # fmt: skip


DELETE_NAMES = "DELETE FROM names WHERE record_id = ?"
INSERT_NAME = "INSERT OR IGNORE INTO names (record_id, norm) VALUES (?, ?)"

BUMP_COUNTER = "UPDATE meta SET value = value + 1 WHERE key = 'change_counter'"
GET_COUNTER = "SELECT value FROM meta WHERE key = 'change_counter'"

# The rule (graph.timeline.RULE_VERSION) the stored from_day/to_day were computed under.
GET_TIME_RULE = "SELECT value FROM meta WHERE key = 'time_rule'"
SET_TIME_RULE = """INSERT INTO meta (key, value) VALUES ('time_rule', :rule)
ON CONFLICT (key) DO UPDATE SET value = excluded.value"""
ALL_RECORD_DATA = "SELECT id, data FROM records"
SET_WINDOW = "UPDATE records SET from_day = ?, to_day = ? WHERE id = ?"

# A record is visible when its label is within the viewer's clearance and, for
# an as-of question, its validity interval contains the day. `?day IS NULL`
# means "no date filter". Named parameters :rank and :day.
_VISIBLE = """{a}.sensitivity_rank <= :rank
    AND (:day IS NULL OR (({a}.from_day IS NULL OR {a}.from_day <= :day)
                          AND ({a}.to_day IS NULL OR {a}.to_day >= :day)))"""


def visible(alias: str) -> str:
    return _VISIBLE.format(a=alias)


def visible_or_masked(alias: str) -> str:
    """Like `visible`, but Source nodes pass at any label: the store masks them (see
    graph.source_protection) instead of hiding that evidence exists."""
    return _VISIBLE.format(a=alias).replace(
        f"{alias}.sensitivity_rank <= :rank",
        f"({alias}.sensitivity_rank <= :rank OR {alias}.kind = 'Source')",
        1,
    )


INSERT_SECRET = "INSERT OR IGNORE INTO secrets (key, value) VALUES (:key, :value)"
GET_SECRET = "SELECT value FROM secrets WHERE key = :key"
CLEAR_SOURCES = """
SELECT id FROM records
WHERE category = 'node' AND kind = 'Source' AND sensitivity_rank <= :rank
"""


GET_NODE = f"""
SELECT n.data FROM records n
WHERE n.id = :id AND n.category = 'node' AND {visible("n")}
"""

GET_REL = f"""
SELECT r.data FROM records r
JOIN records a ON a.id = r.source_id
JOIN records b ON b.id = r.target_id
WHERE r.id = :id AND r.category = 'rel' AND {visible("r")} AND {visible("a")} AND {visible("b")}
"""

ITER_NODES = f"""
SELECT n.data FROM records n
WHERE n.category = 'node' AND (:kind IS NULL OR n.kind = :kind) AND {visible_or_masked("n")}
ORDER BY n.id
"""

ITER_RELS = f"""
SELECT r.data FROM records r
JOIN records a ON a.id = r.source_id
JOIN records b ON b.id = r.target_id
WHERE r.category = 'rel' AND (:kind IS NULL OR r.kind = :kind)
  AND {visible("r")} AND {visible("a")} AND {visible_or_masked("b")}
ORDER BY r.id
"""

UPSERT_GEOMETRY = """
INSERT INTO geometries (record_id, geojson) VALUES (?, ?)
ON CONFLICT (record_id) DO UPDATE SET geojson = excluded.geojson
"""

GEOMETRIES = f"""
SELECT g.record_id, g.geojson FROM geometries g
JOIN records n ON n.id = g.record_id
WHERE n.category = 'node' AND {visible("n")}
  AND (:all OR g.record_id IN (SELECT value FROM json_each(:ids)))
ORDER BY g.record_id
"""

INSERT_CHANGE = "INSERT INTO changes (counter, records) VALUES (:counter, :records)"
CHANGES_SINCE = "SELECT records FROM changes WHERE counter > :counter ORDER BY counter"
CHANGES_TRACKED_SINCE = "SELECT value FROM meta WHERE key = 'changes_tracked_since'"
# By-id lookups after a small write (graph.projection's update): `+category`
# keeps SQLite off the category index, which it otherwise prefers and which
# walks every relationship (0.2 s at M instead of milliseconds); the two
# ends are looked up separately so each uses its own index.
RELS_TOUCHING = """
SELECT id FROM records
WHERE source_id IN (SELECT value FROM json_each(:ids))
  AND +category = 'rel' AND sensitivity_rank <= :rank
UNION
SELECT id FROM records
WHERE target_id IN (SELECT value FROM json_each(:ids))
  AND +category = 'rel' AND sensitivity_rank <= :rank
ORDER BY id
"""

# The same filters as ITER_NODES / ITER_RELS: a projection built from those
# and updated from these must hold the same records.
NODES_BY_ID = f"""
SELECT n.data FROM records n
WHERE n.id IN (SELECT value FROM json_each(:ids))
  AND +n.category = 'node' AND {visible_or_masked("n")}
ORDER BY n.id
"""

RELS_BY_ID = f"""
SELECT r.data FROM records r
JOIN records a ON a.id = r.source_id
JOIN records b ON b.id = r.target_id
WHERE r.id IN (SELECT value FROM json_each(:ids))
  AND +r.category = 'rel' AND {visible("r")} AND {visible("a")} AND {visible_or_masked("b")}
ORDER BY r.id
"""

NEIGHBOURS = f"""
SELECT r.data, o.data FROM records r
JOIN records a ON a.id = r.source_id
JOIN records b ON b.id = r.target_id
JOIN records o ON o.id = CASE WHEN r.source_id = :id THEN r.target_id ELSE r.source_id END
WHERE r.category = 'rel' AND (r.source_id = :id OR r.target_id = :id)
  AND {visible("r")} AND {visible("a")} AND {visible("b")}
ORDER BY r.id
"""

SEARCH = f"""
SELECT n.data FROM records n
WHERE n.category = 'node' AND {visible("n")}
  AND n.id IN (SELECT record_id FROM names WHERE norm LIKE :pattern ESCAPE '\\')
ORDER BY n.name, n.id
"""

COUNT_NODES = f"""
SELECT n.kind, count(*) FROM records n
WHERE n.category = 'node' AND {visible("n")}
GROUP BY n.kind
"""

COUNT_RELS = f"""
SELECT r.kind, count(*) FROM records r
JOIN records a ON a.id = r.source_id
JOIN records b ON b.id = r.target_id
WHERE r.category = 'rel' AND {visible("r")} AND {visible("a")} AND {visible("b")}
GROUP BY r.kind
"""

# Whether every record is within the viewer's clearance: then `counts` at no date
# needs no visibility joins (every relationship's ends exist, and are visible too).
SEES_EVERY_RECORD = "SELECT NOT EXISTS (SELECT 1 FROM records WHERE sensitivity_rank > :rank)"

# Per kind, every record of a category: the `records_kind` index alone answers it.
COUNT_ALL = "SELECT kind, count(*) FROM records WHERE category = :category GROUP BY kind"

# Any record the viewer may not see, Sources aside (masked, not hidden); yes/no only.
HIDES_RECORDS = """
SELECT EXISTS (
    SELECT 1 FROM records
    WHERE sensitivity_rank > :rank AND NOT (category = 'node' AND kind = 'Source')
)
"""

# A record's history: the versions it replaced, then its current one.
_VERSION_COLUMNS = "recorded_at, recorded_by, operation, data"
HISTORY = f"""
SELECT record_id, version, {_VERSION_COLUMNS} FROM revisions
WHERE record_id = :id AND sensitivity_rank <= :rank
UNION ALL
SELECT id, version, {_VERSION_COLUMNS} FROM records
WHERE id = :id AND sensitivity_rank <= :rank
ORDER BY 2
"""

# Every version of many records (ids as a JSON list) within a clearance: a history snapshot.
HISTORIES = f"""
SELECT v.record_id, v.version, {_VERSION_COLUMNS}
FROM json_each(:ids) k
JOIN revisions v ON v.record_id = k.value
WHERE v.sensitivity_rank <= :rank
UNION ALL
SELECT r.id, r.version, {_VERSION_COLUMNS}
FROM json_each(:ids) k
JOIN records r ON r.id = k.value
WHERE r.sensitivity_rank <= :rank
ORDER BY 1, 2
"""

# Given versions ([[id, version], …] as JSON) within a clearance, for the audit log.
VERSIONS = f"""
SELECT v.record_id, v.version, {_VERSION_COLUMNS}
FROM json_each(:keys) k
JOIN revisions v ON v.record_id = json_extract(k.value, '$[0]')
                AND v.version = json_extract(k.value, '$[1]')
WHERE v.sensitivity_rank <= :rank
UNION ALL
SELECT r.id, r.version, {_VERSION_COLUMNS}
FROM json_each(:keys) k
JOIN records r ON r.id = json_extract(k.value, '$[0]')
              AND r.version = json_extract(k.value, '$[1]')
WHERE r.sensitivity_rank <= :rank
ORDER BY 1, 2
"""

# What `audit verify` reads back (graph.integrity), in one read transaction:
# current versions (with their stamps) and the superseded ones.
ALL_CURRENT = "SELECT id, version, data, sensitivity_rank, recorded_at, recorded_by FROM records"
ALL_REVISIONS = """
SELECT record_id, version, data, sensitivity_rank, recorded_at, recorded_by FROM revisions
"""
ALL_USERS = "SELECT name, data FROM users ORDER BY name"

AUDIT_HEAD = "SELECT seq, hash, at FROM audit_head WHERE id = 1"
INSERT_AUDIT = """
INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash)
VALUES (:seq, :at, :actor, :action, :details, :prev_hash, :hash)
"""
MOVE_AUDIT_HEAD = "UPDATE audit_head SET seq = :seq, hash = :hash, at = :at WHERE id = 1"
AUDIT_ENTRIES = "SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq"
AUDIT_ENTRIES_OF = """
SELECT seq, at, actor, action, details, prev_hash, hash FROM audit
WHERE action = :action ORDER BY seq
"""

UPSERT_USER = """
INSERT INTO users (name, data) VALUES (:name, :data)
ON CONFLICT (name) DO UPDATE SET data = excluded.data
"""
GET_USER = "SELECT data FROM users WHERE name = :name"
LIST_USERS = "SELECT data FROM users ORDER BY name"
