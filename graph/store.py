"""The store interface every backend implements: four protocols and their vocabulary.

`GraphStore` is the union of four parts, each with its own contract-test
module in `tests/contract/`:

- `RecordStore` (`test_record_store.py`): write records all or nothing, read
  them within a viewer's clearance;
- `ChangeLogStore` (`test_change_log.py`): the change counter, what changed
  since a counter, and every version of a record;
- `AuditStore` (`test_audit_store.py`): the tamper-evident audit log;
- `AccountStore` (`test_account_store.py`): the accounts.

A caller that needs only one part is typed with it (the audit trail needs
only versions, `user` commands only accounts), so what it may touch is
visible in its signature. How a record is stored lives in `graph.row_codec`,
what a write does in `graph.write_plan`: both stores share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from graph import model as m
from graph.audit import AuditEntry, AuditEvent, Checkpoint
from graph.integrity import AuditCheck
from graph.schema import NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.users import User

Category = Literal["node", "rel"]


@dataclass
class WriteBatch:
    """Nodes and relationships to upsert together, all or nothing.

    `geometries` maps a node of this batch (an Area or Site) to its GeoJSON
    shape, stored beside the record and written in the same transaction; the
    record carries the shape's digest (graph.geometry), so the projection
    never loads a boundary.
    """

    nodes: list[m.AnyNode] = field(default_factory=list)
    relationships: list[m.AnyRelationship] = field(default_factory=list)
    geometries: dict[str, str] = field(default_factory=dict)

    def geometry_rows(self) -> list[tuple[str, str]]:
        """(id, GeoJSON) for the shapes of this batch's nodes; a shape for a record
        the batch does not write is a programming error, refused before any write.

        Stores upsert them whether or not the record changed: a record's digest
        names its shape, so rewriting the same shape is a no-op, and a shape a
        snapshot's record names but the store lacked is filled in."""
        own = {n.id for n in self.nodes}
        stray = sorted(set(self.geometries) - own)
        if stray:
            raise ValueError(f"geometries for records outside the batch: {stray[:5]}")
        return sorted(self.geometries.items())

    @classmethod
    def of(cls, records: Iterable[m.AnyRecord]) -> WriteBatch:
        batch = cls()
        for record in records:
            if isinstance(record, m.NodeBase):
                batch.nodes.append(record)
            else:
                batch.relationships.append(record)
        return batch

    def __len__(self) -> int:
        return len(self.nodes) + len(self.relationships)


@dataclass(frozen=True)
class WriteStep:
    """One write of a sequence that must land together (`RecordStore.write_steps`).

    Restoring a snapshot with history replays many original writes, each with
    its own author; they are one import, so they commit as one. Their time is
    the store's, as for every write (docs/audit.md).
    """

    batch: WriteBatch
    actor: str
    clearance: Sensitivity | None = None
    # An audit entry that belongs to this write (a merge names both ids),
    # appended in the same transaction when the step changed something, with
    # the step's counts added to its details (`graph.write_plan.step_audit`): a
    # process killed between the two would otherwise leave the write without
    # its entry. Data, not a callback, so a step can travel to a team server.
    audit: AuditEvent | None = None


@dataclass
class WriteReport:
    """What a write did, counted per record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    change_counter: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.closed)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "change_counter": self.change_counter,
        }


@dataclass(frozen=True)
class Revision:
    """One version of a record: history is appended, never overwritten."""

    record_id: str
    version: int
    recorded_at: str
    recorded_by: str
    operation: str
    record: m.AnyRecord


@dataclass(frozen=True)
class ChangedRecord:
    """A record some write after a given change counter touched."""

    id: str
    category: Category
    kind: str


@dataclass(frozen=True)
class AuditLog:
    """The entries and the head of the chain the store keeps beside them."""

    entries: list[AuditEntry]
    head_seq: int
    head_hash: str


class RecordStore(Protocol):
    """Records, written all or nothing and read within a viewer's clearance.

    `viewer` is required on reads: no read forgets sensitivity. A relationship
    is returned only when both its ends are visible."""

    def write(
        self,
        batch: WriteBatch,
        *,
        actor: str,
        clearance: Sensitivity | None = None,
    ) -> WriteReport: ...

    # `clearance` is the writer's: records above it are neither overwritten nor
    # linked to. There is no `at`: the store stamps every write with its own
    # clock (issue 16), so no caller can date a version 2001 or 2999.

    def write_steps(self, steps: Sequence[WriteStep]) -> list[WriteReport]:
        """Each step as `write` would do it, in order, all in one transaction:
        a failing step, or a process killed half-way, leaves none of them written."""
        ...

    def get(
        self, record_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> m.AnyRecord | None: ...

    def iter_nodes(
        self, kind: NodeKind | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyNode]: ...

    def iter_relationships(
        self, rel_type: RelType | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyRelationship]: ...

    def relationships_touching(self, node_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
        """Ids of relationships within the viewer's clearance (by their own label)
        with an end among `node_ids`: those whose visibility a node change moves."""
        ...

    def get_many(
        self,
        node_ids: Sequence[str],
        relationship_ids: Sequence[str],
        *,
        viewer: Viewer,
        as_of: date | None = None,
    ) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
        """The records among these ids that `iter_nodes` / `iter_relationships`
        would return, read as they would return them (sources masked)."""
        ...

    def neighbours(
        self, node_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> list[tuple[m.AnyRelationship, m.AnyNode]]: ...

    def search(
        self,
        text: str,
        *,
        viewer: Viewer,
        kinds: Sequence[NodeKind] | None = None,
        limit: int = 50,
    ) -> list[m.AnyNode]: ...

    def counts(self, *, viewer: Viewer, as_of: date | None = None) -> dict[str, int]: ...

    def geometries(self, ids: Sequence[str] | None = None, *, viewer: Viewer) -> dict[str, str]:
        """GeoJSON shapes by record id (all of them when `ids` is None), for the
        records `viewer` may see: what the map and event placement read, kept
        out of `iter_nodes` so the projection stays light."""
        ...

    def hides_records_from(self, *, viewer: Viewer) -> bool:
        """Whether the store holds any entity or relationship above `viewer`'s clearance.

        A yes/no and nothing more (no count, no kind, no date), so analysis pages can
        say "computed on what you may see" without hinting at what is hidden. Sources
        are left out: they are masked, not hidden, and the reader sees that they exist.
        """
        ...


class ChangeLogStore(Protocol):
    """What changed, and every version: history is appended, never overwritten."""

    def change_counter(self) -> int:
        """Bumped inside every write transaction that changed something; caches
        (the projection, the app's) are keyed on it."""
        ...

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        """The records written after change counter `counter` that `viewer` could
        ever have seen (see `graph.row_codec.changed_records`), oldest write first,
        repeats included; None when the store's change log does not reach back
        that far."""
        ...

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]: ...

    def histories(self, record_ids: Sequence[str], *, viewer: Viewer) -> list[Revision]:
        """`history` of many records in one read, ordered by record id then version:
        what a history snapshot reads (one `history` call per record took a minute
        for 800 records on Neo4j). Records the viewer may not see give nothing."""
        ...

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        """The stored versions `(record id, version)` within the viewer's clearance
        (sources masked as `history` masks them): how the audit log shows a
        write's before and after, which its entry holds only as hashes."""
        ...


class AuditStore(Protocol):
    """The audit log, kept in the store so it travels with the data (docs/audit.md)."""

    def append_audit(self, event: AuditEvent) -> AuditEntry: ...

    def audit_log(self) -> AuditLog: ...

    def audit_entries(self, action: str) -> list[AuditEntry]:
        """The entries of one action, in order, without the rest of the log (the
        sign-in throttle reads its own entries on every sign-in)."""
        ...

    def audit_head(self) -> Checkpoint:
        """The chain's head (sequence, hash, time): what `audit checkpoint` prints
        and every export manifest and briefing carries. Any user may read it: it
        reveals nothing but how long the log is."""
        ...

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        """`audit verify`: the chain, and every record, history row and account
        against what the chain committed to (graph.integrity.check)."""
        ...


class AccountStore(Protocol):
    """Accounts, kept in the store (each save audited, `graph.users.user_event`)."""

    def save_user(self, user: User, *, actor: str) -> None: ...

    def get_user(self, name: str) -> User | None: ...

    def list_users(self) -> list[User]: ...


class GraphStore(RecordStore, ChangeLogStore, AuditStore, AccountStore, Protocol):
    """What every store offers: the four parts, and its own life cycle."""

    def ensure_schema(self) -> None:
        """Create what the store needs (tables, constraints); idempotent."""
        ...

    def close(self) -> None: ...
