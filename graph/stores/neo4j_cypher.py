"""Every Cypher statement the Neo4j store runs, in one place (CONTRIBUTING.md, "The layers").

Values are always parameters. Labels and relationship types are interpolated
only through `SCHEMA.label` / `SCHEMA.rel_label`, which assert membership of
the schema's enums, so user text never reaches a query string. Every MATCH
names a label: all our nodes carry `:Entity` plus their kind's label.

Storage shape (same as the embedded store): scalar properties for filtering
(`id`, `name`, `search_names`, `sensitivity_rank`, `from_day`, `to_day`,
`version`) plus the whole record as JSON in `data`, because Neo4j properties
cannot hold nested maps (sources, profiles, positions).

History keeps each version once (issue 13), as SQL:2011 system-versioned
tables do: a record's current version lives only on its node or relationship,
with who wrote it, when and how (`recorded_at`, `recorded_by`, `operation`);
`Revision` nodes hold the versions it replaced. A relationship id is unique
per type, so finding one without its type asks each type's id index
(`_each_type`): the schema's types are a fixed list.
"""

from __future__ import annotations

from graph.schema import SCHEMA, NodeKind, RelType

# Rows per UNWIND: 5000 beat 1000 by 10-15 % on M-size imports (bench/); change
# only on such evidence.
BATCH_SIZE = 5000


def constraints() -> list[str]:
    """Named uniqueness constraints and indexes, idempotent (`IF NOT EXISTS`)."""
    statements = [
        "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT revision_key IF NOT EXISTS FOR (v:Revision) REQUIRE v.key IS UNIQUE",
        "CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:Meta) REQUIRE m.key IS UNIQUE",
        "CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.seq IS UNIQUE",
        "CREATE CONSTRAINT user_name IF NOT EXISTS FOR (u:User) REQUIRE u.name IS UNIQUE",
        "CREATE INDEX revision_record IF NOT EXISTS FOR (v:Revision) ON (v.record_id)",
        "CREATE INDEX change_counter IF NOT EXISTS FOR (c:Change) ON (c.counter)",
        "CREATE INDEX entity_sensitivity IF NOT EXISTS FOR (n:Entity) ON (n.sensitivity_rank)",
        "CREATE INDEX audit_action IF NOT EXISTS FOR (a:AuditEntry) ON (a.action)",
    ]
    for rel_type in RelType:
        rel = SCHEMA.rel_label(rel_type)
        statements.append(
            f"CREATE CONSTRAINT {rel.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{rel}]-() REQUIRE r.id IS UNIQUE"
        )
    return statements


def _snake(label: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in label).lstrip("_")


# Indexes an older store created and no query uses: one `<kind>_id` index per
# node label (every node is found by id through `entity_id`), which cost each
# new node one more index entry. Opening a store drops those it finds.
UNUSED_INDEXES = [f"{_snake(SCHEMA.label(kind))}_id" for kind in NodeKind]
FIND_INDEXES = "SHOW INDEXES YIELD name WHERE name IN $names RETURN collect(name) AS found"


def drop_index(name: str) -> str:
    """Drop one of `UNUSED_INDEXES` (a name of ours, never user text)."""
    if name not in UNUSED_INDEXES:
        raise ValueError(f"not an index the store drops: {name!r}")
    return f"DROP INDEX {name} IF EXISTS"


# Taking the write lock on the Meta node first serialises writers: the second
# writer waits, then plans against the first one's committed state.
LOCK_META = """
MERGE (m:Meta {key: 'store'})
ON CREATE SET m.change_counter = 0, m.audit_seq = 0, m.audit_hash = $genesis,
              m.pseudonym_key = $pseudonym_key, m.history_layout = $history_layout
SET m.locked_by = $tx_marker
RETURN m.change_counter AS counter, m.audit_seq AS audit_seq, m.audit_hash AS audit_hash,
       m.audit_at AS audit_at
"""

ENSURE_META = """
MERGE (m:Meta {key: 'store'})
ON CREATE SET m.change_counter = 0, m.audit_seq = 0, m.audit_hash = $genesis,
              m.pseudonym_key = $pseudonym_key, m.history_layout = $history_layout
// The change log starts with the store, or at its counter when it was upgraded.
SET m.changes_tracked_since = coalesce(m.changes_tracked_since, m.change_counter)
// The head keeps the last entry's time (entry times never go backwards); a
// database from before it had one takes it from its last entry, once.
WITH m
OPTIONAL MATCH (last:AuditEntry {seq: m.audit_seq})
SET m.audit_at = coalesce(m.audit_at, last.at, '')
"""

# Place shapes live in their own property, outside `data`, so the projection's
# reads (which return `data`) never carry a boundary.
SET_GEOMETRIES = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.geometry = row.geojson
"""

GEOMETRIES = """
MATCH (n:Entity)
WHERE n.geometry IS NOT NULL AND n.sensitivity_rank <= $rank
  AND ($ids IS NULL OR n.id IN $ids)
RETURN n.id AS id, n.geometry AS geojson ORDER BY id
"""

# The change log: one node per write listing what it touched, so a cached
# projection can be brought up to date without reading everything again.
INSERT_CHANGE = "CREATE (:Change {counter: $counter, records: $records})"
CHANGES_SINCE = """
MATCH (m:Meta {key: 'store'})
OPTIONAL MATCH (c:Change) WHERE c.counter > $counter
WITH m, c ORDER BY c.counter
RETURN m.changes_tracked_since AS tracked, collect(c.records) AS records
"""
RELS_TOUCHING = """
MATCH (n:Entity)-[r]-(:Entity)
WHERE n.id IN $ids AND r.sensitivity_rank <= $rank
RETURN DISTINCT r.id AS id ORDER BY id
"""

# The key for source pseudonyms, and the Source ids a viewer may see in clear.
SOURCE_GUARD = """
MATCH (m:Meta {key: 'store'})
OPTIONAL MATCH (s:Source) WHERE s.sensitivity_rank <= $rank
RETURN m.pseudonym_key AS key, collect(s.id) AS clear
"""

APPEND_AUDIT = """
MATCH (m:Meta {key: 'store'})
CREATE (a:AuditEntry)
SET a = $entry, m.audit_seq = $entry.seq, m.audit_hash = $entry.hash, m.audit_at = $entry.at
"""

AUDIT_ENTRIES = """
MATCH (a:AuditEntry)
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.action AS action, a.details AS details,
       a.prev_hash AS prev_hash, a.hash AS hash
ORDER BY a.seq
"""

# One action's entries (the sign-in throttle reads only its own, not every write's records).
AUDIT_ENTRIES_OF = """
MATCH (a:AuditEntry {action: $action})
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.action AS action, a.details AS details,
       a.prev_hash AS prev_hash, a.hash AS hash
ORDER BY a.seq
"""

AUDIT_HEAD = """
MATCH (m:Meta {key: 'store'})
RETURN m.audit_seq AS seq, m.audit_hash AS hash, m.audit_at AS at
"""

# What `audit verify` reads back (graph.integrity): every current record with
# its stamps (its version's only copy), every superseded version and every
# account, each as one row of lists.
ALL_CURRENT = """
CALL () {
  MATCH (n:Entity) RETURN [n.id, n.version, n.data, n.sensitivity_rank,
                           coalesce(n.recorded_at, ''), coalesce(n.recorded_by, '')] AS row
  UNION ALL
  MATCH (:Entity)-[r]->(:Entity) RETURN [r.id, r.version, r.data, r.sensitivity_rank,
                                         coalesce(r.recorded_at, ''),
                                         coalesce(r.recorded_by, '')] AS row
}
RETURN collect(row) AS rows
"""
ALL_REVISIONS = """
MATCH (v:Revision)
RETURN collect([v.record_id, v.version, v.data, v.sensitivity_rank, v.recorded_at,
                v.recorded_by]) AS rows
"""
ALL_USERS = "MATCH (u:User) RETURN collect([u.name, u.data]) AS rows"


def _each_type(branch: str) -> str:
    """`branch` once per relationship type (`<rel>` stands for the type, `<seek>`
    for the hint to seek its id index), joined by UNION ALL: how a relationship
    is found by id without knowing its type, one seek in each type's id index.
    One UNWIND per branch, not one CALL per id: on 10,000 ids that took the
    server half the time. The hint matters: planned on an empty database (a
    first import), the branch scanned and expanded every Entity node instead,
    and kept that plan, 30 s of an M import."""
    return "\nUNION ALL\n".join(
        branch.replace("<seek>", "USING INDEX r:<rel>(id)").replace("<rel>", SCHEMA.rel_label(t))
        for t in RelType
    )


# Before every `_each_type` query: its hints fix its plan, so planning it again
# when the statistics move brings nothing, and a twenty-branch UNION costs the
# server 0.6-1.4 s of CPU to plan; an import moved them every few batches.
_PLAN_ONCE = "CYPHER replan=skip\n"


def _version_columns(alias: str) -> str:
    a = alias
    return (
        f"{a}.version AS version, coalesce({a}.recorded_at, '') AS recorded_at, "
        f"coalesce({a}.recorded_by, '') AS recorded_by, coalesce({a}.operation, '') AS operation, "
        f"{a}.data AS data, {a}.sensitivity_rank AS rank"
    )


# Every stored version of the records `$ids` names: the superseded ones (Revision
# nodes) and the current one (on the node or relationship itself).
_EVERY_VERSION = (
    _PLAN_ONCE + "CALL () {\n"
    "UNWIND $ids AS wanted MATCH (v:Revision {record_id: wanted})\n"
    "USING INDEX v:Revision(record_id)\n"
    f"RETURN wanted AS record_id, {_version_columns('v')}\n"
    "UNION ALL\n"
    "UNWIND $ids AS wanted MATCH (n:Entity {id: wanted})\n"
    f"RETURN wanted AS record_id, {_version_columns('n')}\n"
    "UNION ALL\n"
    + _each_type(
        "UNWIND $ids AS wanted MATCH (:Entity)-[r:<rel> {id: wanted}]->(:Entity) <seek>\n"
        f"RETURN wanted AS record_id, {_version_columns('r')}"
    )
    + "\n}\n"
)

_VERSION_ROW = (
    "RETURN record_id, version, recorded_at, recorded_by, operation, data\n"
    "ORDER BY record_id, version"
)

# One record's history, or many records' (a history snapshot), within a clearance.
HISTORIES = _EVERY_VERSION + "WITH * WHERE rank <= $rank\n" + _VERSION_ROW

# Given versions ([id, version] pairs of the records `$ids`) within a clearance,
# for the audit log.
VERSIONS = (
    _EVERY_VERSION + "WITH * WHERE rank <= $rank AND [record_id, version] IN $keys\n" + _VERSION_ROW
)

UPSERT_USER = "MERGE (u:User {name: $name}) SET u.data = $data"
GET_USER = "MATCH (u:User {name: $name}) RETURN u.data AS data"
LIST_USERS = "MATCH (u:User) RETURN u.data AS data ORDER BY u.name"

BUMP_COUNTER = """
MATCH (m:Meta {key: 'store'})
SET m.change_counter = m.change_counter + 1
RETURN m.change_counter AS counter
"""

GET_COUNTER = "MATCH (m:Meta {key: 'store'}) RETURN m.change_counter AS counter"

# How the store keeps history (neo4j_store.HISTORY_LAYOUT); no mark: every
# version was copied into a Revision, the current one included.
GET_HISTORY_LAYOUT = "MATCH (m:Meta {key: 'store'}) RETURN m.history_layout AS layout"
SET_HISTORY_LAYOUT = "MATCH (m:Meta {key: 'store'}) SET m.history_layout = $layout"


# The move to superseded versions only, for a database whose Revisions copied
# every version: the current version takes its stamps from its copy, and the
# copy goes where it is the same version (content and label); a copy that
# differs (edited behind the store's back) stays for `audit verify` to report.
def _migrate_history(match: str, alias: str) -> str:
    a = alias
    return (
        f"{match} WHERE {a}.operation IS NULL\n"
        f"OPTIONAL MATCH (v:Revision {{key: {a}.id + '@' + toString({a}.version)}})\n"
        f"SET {a}.recorded_at = v.recorded_at, {a}.recorded_by = v.recorded_by, "
        f"{a}.operation = v.operation\n"
        f"WITH {a}, v WHERE v.data = {a}.data AND v.sensitivity_rank = {a}.sensitivity_rank\n"
        "DELETE v\n"
        "RETURN count(*) AS removed"
    )


MIGRATE_NODE_HISTORY = _migrate_history("MATCH (n:Entity)", "n")
MIGRATE_REL_HISTORY = _migrate_history("MATCH (:Entity)-[r]->(:Entity)", "r")

# The rule (graph.timeline.RULE_VERSION) the stored from_day/to_day were computed
# under, and what recomputing them reads and writes.
GET_TIME_RULE = "MATCH (m:Meta {key: 'store'}) RETURN m.time_rule AS rule"
SET_TIME_RULE = "MATCH (m:Meta {key: 'store'}) SET m.time_rule = $rule"
ALL_NODE_DATA = "MATCH (n:Entity) RETURN n.id AS id, n.data AS data"
ALL_REL_DATA = "MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS type, r.id AS id, r.data AS data"
SET_NODE_WINDOWS = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.from_day = row.from_day, n.to_day = row.to_day
"""


def set_rel_windows(rel_type: str) -> str:
    """`SET_NODE_WINDOWS` for the relationships of one type (the type is the label)."""
    rel = SCHEMA.rel_label(rel_type)
    return (
        "UNWIND $rows AS row\n"
        f"MATCH (:Entity)-[r:{rel} {{id: row.id}}]->(:Entity)\n"
        "SET r.from_day = row.from_day, r.to_day = row.to_day"
    )


# What exists under node ids, by the Entity index; their JSON only when asked
# (a batch's own ids may be updated; endpoints and cited sources need a kind).
# One row of [id, kind, version, data, rank] lists: a row per node cost the
# driver a third more on 10,000 ids.
def lookup_nodes(*, content: bool) -> str:
    data = "n.data" if content else "null"
    return f"""
UNWIND $ids AS wanted
MATCH (n:Entity {{id: wanted}})
RETURN collect([n.id, n.kind, n.version, {data}, n.sensitivity_rank, elementId(n)]) AS found
"""


# What exists under relationship ids, of any type (an id keeps its kind for
# life, so a relationship's id under another type must be found too), in
# `lookup_nodes`'s shape. An UNWIND with a seek per id: one seek for the
# whole list per type (`r.id IN $ids`) took the server twice as long on
# 10,000 ids at M (0.72 -> 1.54 s).
LOOKUP_RELATIONSHIPS = (
    _PLAN_ONCE
    + "CALL () {\n"
    + _each_type(
        "UNWIND $ids AS wanted MATCH (:Entity)-[r:<rel> {id: wanted}]->(:Entity) <seek>\n"
        "RETURN [r.id, r.kind, r.version, r.data, r.sensitivity_rank] AS hit"
    )
    + "\n}\nRETURN collect(hit) AS found"
)


# A new version of a record the planner found (under the store lock, in this
# transaction): the version it replaces becomes a Revision, then the record
# takes the new one. Its kind, label and endpoints never change (the planner
# refuses that).
def _supersede(alias: str, category: str) -> str:
    a = alias
    return (
        "CREATE (v:Revision)\n"
        f"SET v.key = {a}.id + '@' + toString({a}.version), v.record_id = {a}.id, "
        f"v.version = {a}.version, v.category = '{category}', v.kind = {a}.kind, "
        f"v.recorded_at = {a}.recorded_at, v.recorded_by = {a}.recorded_by, "
        f"v.operation = {a}.operation, v.sensitivity_rank = {a}.sensitivity_rank, "
        f"v.data = {a}.data\n"
        f"SET {a} += row.props"
    )


def update_nodes(kind: str) -> str:
    """New versions of nodes of `kind` that exist (see `_supersede`)."""
    label = SCHEMA.label(kind)
    return f"UNWIND $rows AS row\nMATCH (n:{label}:Entity {{id: row.id}})\n" + _supersede(
        "n", "node"
    )


def update_relationships(rel_type: str) -> str:
    """New versions of relationships of `rel_type` that exist (see `_supersede`)."""
    rel = SCHEMA.rel_label(rel_type)
    return (
        f"UNWIND $rows AS row\nMATCH (:Entity)-[r:{rel} {{id: row.id}}]->(:Entity)\n"
        f"USING INDEX r:{rel}(id)\n" + _supersede("r", "rel")
    )


# The properties a record's node or relationship holds (`neo4j_store._props`),
# named in the CREATE itself: `SET n = row.props` after a CREATE made the
# planner buffer every row first (an Eager: it cannot tell which properties a
# map sets). A null value sets nothing, as SET does.
RELATIONSHIP_PROPERTIES = (
    "id",
    "kind",
    "version",
    "sensitivity_rank",
    "from_day",
    "to_day",
    "data",
    "recorded_at",
    "recorded_by",
    "operation",
)
NODE_PROPERTIES = (*RELATIONSHIP_PROPERTIES, "name", "search_names")


def _created(keys: tuple[str, ...]) -> str:
    return "{" + ", ".join(f"{k}: row.props.{k}" for k in keys) + "}"


def create_nodes(kind: str) -> str:
    """Nodes the planner found new (the constraint still guards): their first
    version lives only on them. Returns their element ids by id."""
    label = SCHEMA.label(kind)
    return (
        f"UNWIND $rows AS row\nCREATE (n:Entity:{label} {_created(NODE_PROPERTIES)})\n"
        "RETURN collect([n.id, elementId(n)]) AS created"
    )


def create_relationships(rel_type: str) -> str:
    """Relationships the planner found new: CREATE, so no MERGE scan of a hub
    node's relationships; their first version lives only on them. Endpoints
    come by element id (`row.source`, `row.target`), which the same
    transaction's lookup or create returned: a direct seek each, not an index
    lookup by our id."""
    rel = SCHEMA.rel_label(rel_type)
    return (
        "UNWIND $rows AS row\n"
        "MATCH (a:Entity) WHERE elementId(a) = row.source\n"
        "MATCH (b:Entity) WHERE elementId(b) = row.target\n"
        f"CREATE (a)-[:{rel} {_created(RELATIONSHIP_PROPERTIES)}]->(b)"
    )


# Visibility: label within clearance and, when $day is given, validity contains it.
_VISIBLE = (
    "{a}.sensitivity_rank <= $rank AND ($day IS NULL OR "
    "(({a}.from_day IS NULL OR {a}.from_day <= $day) AND "
    "({a}.to_day IS NULL OR {a}.to_day >= $day)))"
)


def visible(alias: str) -> str:
    return _VISIBLE.format(a=alias)


def visible_or_masked(alias: str) -> str:
    """Like `visible`, but Source nodes pass at any label: the store masks them (see
    graph.source_protection) instead of hiding that evidence exists."""
    return _VISIBLE.format(a=alias).replace(
        f"{alias}.sensitivity_rank <= $rank",
        f"({alias}.sensitivity_rank <= $rank OR {alias}:Source)",
        1,
    )


GET_NODE = f"MATCH (n:Entity {{id: $id}}) WHERE {visible('n')} RETURN n.data AS data"

GET_RELATIONSHIP = (
    _PLAN_ONCE
    + "CALL () {\n"
    + _each_type("MATCH (a:Entity)-[r:<rel> {id: $id}]->(b:Entity) <seek> RETURN a, r, b")
    + f"\n}}\nWITH a, r, b WHERE {visible('r')} AND {visible('a')} AND {visible('b')}\n"
    "RETURN r.data AS data"
)


# Whole listings come back as ONE row holding a list, unordered: on M (95,000
# relationships) that took the query from 2.2 s to 0.5 s against one row per
# record sorted by the server (the driver's per-record cost and the server's
# sort were most of it). The ids come in a list of their own, in the same
# order: the store sorts by id before decoding, and decodes as it yields. The
# server held every row for the sort before, so collecting costs it no more.
def iter_nodes(kind: str | None) -> str:
    label = SCHEMA.label(kind) if kind else "Entity"
    return (
        f"MATCH (n:{label}) WHERE n:Entity AND {visible_or_masked('n')} "
        "RETURN collect(n.id) AS ids, collect(n.data) AS data"
    )


def iter_relationships(rel_type: str | None) -> str:
    pattern = f"[r:{SCHEMA.rel_label(rel_type)}]" if rel_type else "[r]"
    return (
        f"MATCH (a:Entity)-{pattern}->(b:Entity) "
        f"WHERE {visible('r')} AND {visible('a')} AND {visible_or_masked('b')} "
        "RETURN collect(r.id) AS ids, collect(r.data) AS data"
    )


# The same filters as iter_nodes / iter_relationships: a projection built from
# those and updated from these must hold the same records.
NODES_BY_ID = f"""
MATCH (n:Entity) WHERE n.id IN $ids AND {visible_or_masked("n")}
RETURN n.data AS data ORDER BY n.id
"""

# Relationships by id (graph.projection's update after a write), with
# ITER_RELS's visibility filters: one seek per id in each type's id index;
# without a type the match scanned every relationship (about a second at M
# for a ten-record update).
RELATIONSHIPS_BY_ID = (
    _PLAN_ONCE
    + "CALL () {\n"
    + _each_type(
        "UNWIND $ids AS wanted MATCH (a:Entity)-[r:<rel> {id: wanted}]->(b:Entity) <seek>\n"
        "RETURN a, r, b"
    )
    + f"\n}}\nWITH a, r, b WHERE {visible('r')} AND {visible('a')} AND {visible_or_masked('b')}\n"
    "RETURN r.data AS data ORDER BY r.id"
)


NEIGHBOURS = f"""
MATCH (n:Entity {{id: $id}})-[r]-(o:Entity)
WHERE {visible("n")} AND {visible("r")} AND {visible("o")}
RETURN r.data AS rel, o.data AS other
ORDER BY r.id
"""

SEARCH = f"""
MATCH (n:Entity)
WHERE {visible("n")} AND any(name IN n.search_names WHERE name CONTAINS $needle)
RETURN n.data AS data
ORDER BY n.name, n.id
"""

COUNT_NODES = f"""
MATCH (n:Entity) WHERE {visible("n")}
RETURN n.kind AS kind, count(*) AS n
"""

COUNT_RELS = f"""
MATCH (a:Entity)-[r]->(b:Entity)
WHERE {visible("r")} AND {visible("a")} AND {visible("b")}
RETURN type(r) AS kind, count(*) AS n
"""

# Any record the viewer may not see, Sources aside (masked, not hidden); yes/no only.
HIDES_RECORDS = """
RETURN EXISTS { MATCH (n:Entity) WHERE n.sensitivity_rank > $rank AND NOT n:Source }
    OR EXISTS { MATCH (:Entity)-[r]->(:Entity) WHERE r.sensitivity_rank > $rank } AS hidden
"""


# Used by the test fixture only: Community has one database, so tests wipe it.
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
COUNT_ALL = "MATCH (n) WHERE NOT n:Meta RETURN count(n) AS n"
