"""The store interface every backend implements, and the write planner they share.

Both stores (`EmbeddedStore`, `Neo4jStore`) pass one contract test suite. The
semantics that must be identical — what counts as created, updated, unchanged
or closed; which relationship may join which kinds; which references must
exist — live here once, in `plan_write`, and each store only supplies a lookup
of what it already holds, run inside its own write transaction so two writers
cannot plan against the same stale state.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import Any, Literal, Protocol

from pydantic import TypeAdapter

from graph import model as m
from graph.audit import AuditEntry, AuditEvent, Checkpoint, canonical, version_hash
from graph.errors import InvalidRecords, RowError
from graph.integrity import AuditCheck
from graph.names import normalise
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import RANK, Sensitivity, Viewer
from graph.source_protection import is_pseudonym
from graph.timeline import holds_window
from graph.users import User

Category = Literal["node", "rel"]

# Fields the store sets itself; they never make a record "changed".
_STAMP_FIELDS = {"recorded_at", "recorded_by"}


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
    """One write of a sequence that must land together (`GraphStore.write_steps`).

    Restoring a snapshot with history replays many original writes, each with
    its own author; they are one import, so they commit as one. Their time is
    the store's, as for every write (docs/audit.md).
    """

    batch: WriteBatch
    actor: str
    clearance: Sensitivity | None = None
    # An audit entry that belongs to this write (a merge names both ids),
    # appended in the same transaction when the step changed something, with
    # the step's counts added to its details (`step_audit`): a process killed
    # between the two would otherwise leave the write without its entry. Data,
    # not a callback, so a step can travel to a team server.
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


def step_audit(step: WriteStep, report: WriteReport) -> AuditEvent | None:
    """The step's own audit entry, if it has one and the step changed something,
    with the step's counts (created, updated, …) in its details."""
    if step.audit is None or not report.changed:
        return None
    return replace(step.audit, details={**step.audit.details, **report.as_dict()})


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


def changed_records(entries: Iterable[Sequence[Any]], viewer: Viewer) -> list[ChangedRecord]:
    """Change-log entries ``[id, category, kind, lowest rank]`` a viewer may hear
    of: those whose label before or after the write is within their clearance
    (a record they never could see is not news to them, not even its id).
    Sources above it are shown to everyone under a pseudonym, so their change
    is news too, but without the id (``""``): who told us stays hidden."""
    rank = viewer_rank(viewer)
    out: list[ChangedRecord] = []
    for record_id, category, kind, lowest in entries:
        if int(lowest) <= rank:
            out.append(ChangedRecord(record_id, category, kind))
        elif kind == "Source":
            out.append(ChangedRecord("", category, kind))
    return out


@dataclass(frozen=True)
class Existing:
    """What a store already holds under an id (the planner's view of it)."""

    id: str
    category: Category
    kind: str
    version: int
    data: str | None  # None unless asked for: endpoints and cited sources need no content
    sensitivity_rank: int


@dataclass(frozen=True)
class StoredRow:
    """One record in storage form: scalar columns for filtering, plus the full JSON."""

    id: str
    category: Category
    kind: str
    version: int
    name: str | None
    search_names: tuple[str, ...]
    sensitivity_rank: int
    from_day: str | None
    to_day: str | None
    source_id: str | None
    target_id: str | None
    data: str
    recorded_at: str
    recorded_by: str
    operation: str
    before_rank: int | None = None  # its sensitivity rank, for the change log

    def change_entry(self) -> list[Any]:
        """This write in the change log: id, category, kind, and the lower of its
        sensitivity ranks before and after (who could ever have seen it)."""
        low = self.sensitivity_rank
        if self.before_rank is not None:
            low = min(low, self.before_rank)
        return [self.id, self.category, self.kind, low]

    def revision_row(self) -> dict[str, Any]:
        return {
            "key": f"{self.id}@{self.version}",
            "record_id": self.id,
            "version": self.version,
            "category": self.category,
            "kind": self.kind,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "operation": self.operation,
            "sensitivity_rank": self.sensitivity_rank,
            "data": self.data,
        }


@dataclass
class WritePlan:
    rows: list[StoredRow]
    report: WriteReport

    def audit_event(self, actor: str) -> AuditEvent:
        """The audit entry for this write: who, and for every record its id,
        version, label and the SHA-256 of the stored JSON (issue 13). The
        versions themselves are in history; the entry's time is the store's."""
        return AuditEvent(actor=actor, action="write", details_json=self._audit_details())

    def _audit_details(self) -> str:
        """`{"records": [{"id", "kind", "operation", "sensitivity", "sha256",
        "version"}…], "report": {…}}`, keys in canonical order, written in one
        pass (a 10,000-record import's entry is built here)."""
        parts = [
            f'{{"id":{_js(r.id)},"kind":{_js(r.kind)},"operation":{_js(r.operation)},'
            f'"sensitivity":"{_LABELS[r.sensitivity_rank]}","sha256":"{version_hash(r.data)}",'
            f'"version":{r.version:d}}}'
            for r in self.rows
        ]
        report = {k: v for k, v in self.report.as_dict().items() if k != "change_counter"}
        return f'{{"records":[{",".join(parts)}],"report":{canonical(report)}}}'


_LABELS = [s.value for s in Sensitivity]


def _js(text: str) -> str:
    """`text` as a JSON string, as `json.dumps(text, ensure_ascii=False)` writes it."""
    return encode_basestring(text)


@dataclass(frozen=True)
class AuditLog:
    """The entries and the head of the chain the store keeps beside them."""

    entries: list[AuditEntry]
    head_seq: int
    head_hash: str


def user_event(user: User, data: str, *, actor: str) -> AuditEvent:
    """An account change, audited without the password hash but committing, by
    SHA-256, to the account exactly as stored (`data`), hash included: an
    account edited in the file no longer matches its last entry."""
    details = user.model_dump(mode="json", exclude={"password_hash"})
    details["sha256"] = version_hash(data)
    return AuditEvent(actor=actor, action="user", details=details)


class GraphStore(Protocol):
    """What every store offers. `viewer` is required on reads: no read forgets sensitivity."""

    def ensure_schema(self) -> None: ...

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

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        """The records written after change counter `counter` that `viewer` could
        ever have seen (see `changed_records`), oldest write first, repeats
        included; None when the store's change log does not reach back that far."""
        ...

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

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]: ...

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        """The stored versions `(record id, version)` within the viewer's clearance
        (sources masked as `history` masks them): how the audit log shows a
        write's before and after, which its entry holds only as hashes."""
        ...

    def change_counter(self) -> int: ...

    # Audit log and accounts live in the store too, so they travel with the data.
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

    def save_user(self, user: User, *, actor: str) -> None: ...

    def get_user(self, name: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- codec


def content_of(record: m.AnyRecord) -> dict[str, Any]:
    """The record's JSON content without the store's stamps: what 'changed' compares."""
    return record.model_dump(mode="json", exclude=_STAMP_FIELDS)


def decode(data: str) -> m.AnyRecord:
    """Rebuild a model from stored JSON (trusted: it was validated on the way in)."""
    return SCHEMA.parse_record(json.loads(data))


def decode_node(data: str) -> m.AnyNode:
    """`decode` for a row known to hold a node: parsed and validated in one pass
    inside pydantic-core, which is what keeps projection builds fast."""
    return SCHEMA.parse_node_json(data)


def decode_relationship(data: str) -> m.AnyRelationship:
    """`decode` for a row known to hold a relationship (see `decode_node`)."""
    return SCHEMA.parse_relationship_json(data)


def search_names(record: m.AnyRecord) -> tuple[str, ...]:
    """The normalised forms search compares against: name, aliases, P-code."""
    if not isinstance(record, m.NodeBase):
        return ()
    texts = [record.name, *record.aliases]
    if isinstance(record, m.Area):
        texts.append(record.pcode)
    if len(texts) == 1:  # most nodes: no aliases
        only = normalise(texts[0])
        return (only,) if only else ()
    return tuple(sorted({n for n in map(normalise, texts) if n}))


def _day_bounds(record: m.AnyRecord) -> tuple[str | None, str | None]:
    """The stored window columns: `graph.timeline.holds_window` as ISO days."""
    start, end = holds_window(record)
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def recomputed_windows(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str | None, str | None]]:
    """``(id, from_day, to_day)`` for stored ``(id, data)`` rows, under the current
    rule: how a store opened on windows an older `graph.timeline.RULE_VERSION`
    computed brings them up to date (the rule stays here, not in SQL or Cypher)."""
    return [(rid, *_day_bounds(decode(data))) for rid, data in rows]


_DATETIME: TypeAdapter[datetime] = TypeAdapter(datetime)


@functools.lru_cache(maxsize=8)
def _stamps(at: datetime, actor: str) -> tuple[str, str]:
    """The store's stamps as the closing members of a record's JSON object, in
    the form pydantic gives those fields, and `at` for the scalar column (a
    batch shares both)."""
    when = _DATETIME.dump_json(at).decode()
    return f',"recorded_at":{when},"recorded_by":{_js(actor)}}}', at.isoformat()


def to_row(
    record: m.AnyRecord,
    *,
    version: int,
    actor: str,
    at: datetime,
    operation: str,
    before_rank: int | None = None,
) -> StoredRow:
    # pydantic-core writes the JSON without the stamps, and the stamps close the
    # object: a third of the cost of `model_dump` + `json.dumps`, no model copy.
    # The stamps move to the end of the key order; readers never depend on it.
    body = record.__pydantic_serializer__.to_json(record, exclude=_STAMP_FIELDS)
    stamps, recorded_at = _stamps(at, actor)
    data = body[:-1].decode() + stamps
    start, end = _day_bounds(record)
    if isinstance(record, m.NodeBase):
        category: Category = "node"
        kind: str = record.kind
        name: str | None = record.name
        source_id = target_id = None
    else:
        category, kind, name = "rel", record.type, None
        source_id, target_id = record.source_id, record.target_id
    return StoredRow(
        id=record.id,
        category=category,
        kind=kind,
        version=version,
        name=name,
        search_names=search_names(record),
        sensitivity_rank=RANK[record.sensitivity],
        from_day=start,
        to_day=end,
        source_id=source_id,
        target_id=target_id,
        data=data,
        recorded_at=recorded_at,
        recorded_by=actor,
        operation=operation,
        before_rank=before_rank,
    )


def day_param(as_of: date | None) -> str | None:
    return as_of.isoformat() if as_of else None


def viewer_rank(viewer: Viewer) -> int:
    return Sensitivity(viewer.clearance).rank


# --------------------------------------------------------------------------- planner


# (the batch's own ids, the ids it only refers to) -> what exists under them.
# The planner needs the stored content of its own ids (it may update them); for
# referenced ids (endpoints, cited sources) kind and label are enough, and not
# reading their JSON halved the lookup of a 10,000-relationship batch.
Lookup = Callable[[list[str], list[str]], dict[str, Existing]]


def cited_sources(record: m.AnyRecord) -> Sequence[m.SourceRef]:
    """Every source reference a record makes, including COM profile evidence."""
    profiles = record.__dict__.get("profiles")  # see _day_bounds
    if not profiles:  # most records: no copy
        return record.sources
    refs = list(record.sources)
    for profile in profiles:
        for score in (profile.capability, profile.opportunity, profile.motivation):
            refs.extend(score.evidence)
    return refs


def _merge_refs(
    mine: Sequence[m.SourceRef], stored: Sequence[m.SourceRef], hidden: set[str]
) -> tuple[m.SourceRef, ...]:
    """The editor's citations, with the stored ones they cannot see put back.

    The masks (pseudonyms) they were shown stand for those hidden citations,
    so they go: the real references, locators included, take their place."""
    shown = [r for r in mine if not is_pseudonym(r.source_id)]
    return tuple([*shown, *(r for r in stored if r.source_id in hidden)])


def keep_hidden_citations(
    record: m.AnyRecord, before: m.AnyRecord, hidden: set[str]
) -> m.AnyRecord:
    """`record` with the citations of `before` whose sources are in `hidden`.

    An editor below a source's clearance sees that source masked, so whatever
    they save cannot carry the real reference: without this, every update
    they make would silently drop evidence they were never allowed to judge.
    COM evidence is merged per profile (matched on its assessment date) and
    dimension.
    """
    update: dict[str, Any] = {}
    merged = _merge_refs(record.sources, before.sources, hidden)
    if merged != record.sources:
        update["sources"] = merged
    mine = record.__dict__.get("profiles")
    if mine and before.__dict__.get("profiles"):
        stored = {p.assessed_on: p for p in before.__dict__["profiles"]}
        profiles = []
        for profile in mine:
            old = stored.get(profile.assessed_on)
            if old is not None:
                profile = profile.model_copy(
                    update={
                        dim: getattr(profile, dim).model_copy(
                            update={
                                "evidence": _merge_refs(
                                    getattr(profile, dim).evidence,
                                    getattr(old, dim).evidence,
                                    hidden,
                                )
                            }
                        )
                        for dim in ("capability", "opportunity", "motivation")
                    }
                )
            profiles.append(profile)
        if tuple(profiles) != mine:
            update["profiles"] = tuple(profiles)
    return record.model_copy(update=update) if update else record


def plan_write(
    batch: WriteBatch,
    lookup: Lookup,
    *,
    actor: str,
    now: datetime | None = None,
    clearance: Sensitivity | None = None,
) -> WritePlan:
    """Decide, for every record in the batch, what the store must do; validate first.

    Collects every problem before raising, so a bad batch is reported in full
    and nothing is written. Checks: duplicate ids within the batch; an id
    reused for another kind; relationship endpoints exist and their kinds fit
    the schema's patterns; relationship endpoints never change (close the old
    relationship and open a new one instead); cited sources exist.
    """
    if not actor.strip():
        raise InvalidRecords([RowError(field="actor", message="every write must name its author")])
    now = now or datetime.now(UTC)
    problems: list[RowError] = []
    records: list[m.AnyRecord] = [*batch.nodes, *batch.relationships]

    seen: dict[str, m.AnyRecord] = {}
    unique: list[m.AnyRecord] = []
    for record in records:
        prior = seen.get(record.id)
        if prior is None:
            seen[record.id] = record
            unique.append(record)
        elif content_of(prior) != content_of(record):
            problems.append(
                RowError(
                    field="id",
                    record=record.id,
                    message="id appears twice in the batch with different content",
                    suggestion="give each record its own id",
                )
            )

    wanted: set[str] = set(seen)
    for record in unique:
        if isinstance(record, m.RelBase):
            wanted.update((record.source_id, record.target_id))
        wanted.update(ref.source_id for ref in cited_sources(record))
    existing = lookup(sorted(seen), sorted(wanted - seen.keys()))
    ceiling = clearance.rank if clearance is not None else None

    def visible(hit: Existing) -> bool:
        return ceiling is None or hit.sensitivity_rank <= ceiling

    # A writer below some source's clearance updates records that may cite it:
    # find those sources (the stored versions' citations), to keep them.
    stored: dict[str, m.AnyRecord] = {}
    hidden: set[str] = set()
    if ceiling is not None:
        for rid in seen:
            hit = existing.get(rid)
            if hit is not None and hit.data is not None and visible(hit):
                stored[rid] = decode(hit.data)
        cited = {ref.source_id for r in stored.values() for ref in cited_sources(r)}
        existing.update(lookup([], sorted(cited - existing.keys() - seen.keys())))
        hidden = {
            sid
            for sid in cited
            if sid in existing
            and existing[sid].kind == NodeKind.SOURCE
            and not visible(existing[sid])
        }
    # Per record: the hidden sources its stored version cites.
    hidden_in = {
        rid: hidden.intersection(ref.source_id for ref in cited_sources(r))
        for rid, r in stored.items()
    }

    def node_kind(node_id: str) -> str | None:
        if node_id in seen and isinstance(seen[node_id], m.NodeBase):
            return seen[node_id].kind  # type: ignore[union-attr]
        hit = existing.get(node_id)
        if hit is not None and hit.category == "node" and node_id not in seen and visible(hit):
            return hit.kind
        return None  # a node the writer may not see is, to them, a node that does not exist

    # Whether a relationship type may join two node kinds, per combination: a
    # batch of an event file repeats a handful of them 100,000 times over.
    fits: dict[tuple[str, str, str], bool] = {}

    def allowed(kind: str, src: str, dst: str) -> bool:
        found = fits.get((kind, src, dst))
        if found is None:
            spec = SCHEMA.relationships[RelType(kind)]
            found = fits[kind, src, dst] = spec.allows(NodeKind(src), NodeKind(dst))
        return found

    rows: list[StoredRow] = []
    report = WriteReport()
    for record in unique:
        is_node = isinstance(record, m.NodeBase)
        kind = record.kind if is_node else record.type  # type: ignore[union-attr]
        category: Category = "node" if is_node else "rel"
        if isinstance(record, m.RelBase):
            src, dst = node_kind(record.source_id), node_kind(record.target_id)
            for fld, endpoint, found in (
                ("source_id", record.source_id, src),
                ("target_id", record.target_id, dst),
            ):
                if found is None:
                    problems.append(
                        RowError(
                            field=fld,
                            record=record.id,
                            message=f"no node with id {endpoint!r}",
                            suggestion="create the node first or fix the id",
                        )
                    )
            if src and dst and not allowed(kind, src, dst):
                spec = SCHEMA.relationships[RelType(kind)]
                patterns = ", ".join(sorted(f"{a}->{b}" for a, b in spec.patterns))
                problems.append(
                    RowError(
                        field="type",
                        record=record.id,
                        message=f"{kind} may not join {src} -> {dst}",
                        suggestion=f"allowed: {patterns}",
                    )
                )
        keeps = hidden_in.get(record.id)
        # A plan made on what the writer was shown (an import's dry run) finds
        # the masks themselves in the stored version: a mask it already had
        # stands for a hidden citation there too.
        before = stored.get(record.id)
        masks_before = {
            ref.source_id
            for ref in (cited_sources(before) if before is not None else ())
            if is_pseudonym(ref.source_id)
        }
        for ref in cited_sources(record):
            if node_kind(ref.source_id) != NodeKind.SOURCE:
                if is_pseudonym(ref.source_id) and (keeps or ref.source_id in masks_before):
                    continue  # a mask sent back: the hidden citation replaces it below
                problems.append(
                    RowError(
                        field="sources",
                        record=record.id,
                        message=f"no Source with id {ref.source_id!r}",
                        suggestion="add the Source record to the batch",
                    )
                )
        old = existing.get(record.id)
        if old is not None and not visible(old):
            # Never let a writer overwrite (or probe) a record above their clearance.
            problems.append(
                RowError(
                    field="id",
                    record=record.id,
                    message="this id is already in use",
                    suggestion="use a new id",
                )
            )
            continue
        if old is None:
            rows.append(to_row(record, version=1, actor=actor, at=now, operation="create"))
            report.created += 1
            continue
        if old.category != category or old.kind != kind:
            problems.append(
                RowError(
                    field="id",
                    record=record.id,
                    message=f"id already belongs to a {old.kind}, not a {kind}",
                    suggestion="use a new id",
                )
            )
            continue
        assert old.data is not None, "a lookup returns the content of the batch's own ids"
        before = stored.get(record.id) or decode(old.data)
        if keeps:
            record = keep_hidden_citations(record, before, keeps)
        if (
            isinstance(before, m.RelBase)
            and isinstance(record, m.RelBase)
            and (before.source_id != record.source_id or before.target_id != record.target_id)
        ):
            problems.append(
                RowError(
                    field="source_id" if before.source_id != record.source_id else "target_id",
                    record=record.id,
                    message="a relationship's endpoints never change",
                    suggestion="close this relationship (valid_to) and record a new one",
                )
            )
            continue
        if content_of(before) == content_of(record):
            report.unchanged += 1
            continue
        closing = before.valid_to is None and record.valid_to is not None
        rows.append(
            to_row(
                record,
                version=old.version + 1,
                actor=actor,
                at=now,
                operation="close" if closing else "update",
                before_rank=old.sensitivity_rank,
            )
        )
        if closing:
            report.closed += 1
        else:
            report.updated += 1

    if problems:
        raise InvalidRecords(problems)
    # Nodes first, so relationships can always find their endpoints.
    rows.sort(key=lambda r: 0 if r.category == "node" else 1)
    return WritePlan(rows=rows, report=report)


def rank_search(nodes: list[m.AnyNode], needle: str) -> list[m.AnyNode]:
    """Exact name or alias first, then prefix matches, then the rest; stable by name."""

    def score(node: m.AnyNode) -> tuple[int, str, str]:
        names = [normalise(node.name), *(normalise(a) for a in node.aliases)]
        if needle in names:
            rank = 0
        elif any(n.startswith(needle) for n in names):
            rank = 1
        else:
            rank = 2
        return rank, node.name.casefold(), node.id

    return sorted(nodes, key=score)
