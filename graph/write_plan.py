"""The write planner both stores share: what a write does, decided once.

Both stores (`EmbeddedStore`, `Neo4jStore`) pass one contract test suite. The
semantics that must be identical — what counts as created, updated, unchanged
or closed; which relationship may join which kinds; which references must
exist — live here once, in `plan_write`, and each store only supplies a lookup
of what it already holds, run inside its own write transaction so two writers
cannot plan against the same stale state. Each rule is one named check below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, Literal, NamedTuple, get_args

from graph import model as m
from graph.audit import AuditEvent, canonical, version_hash
from graph.errors import InvalidRecords, RowError
from graph.row_codec import NewVersion, StoredRow, content_of, decode, json_string, to_rows
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity
from graph.source_protection import is_pseudonym
from graph.store import Category, WriteBatch, WriteReport, WriteStep


class Existing(NamedTuple):
    """What a store already holds under an id (the planner's view of it).

    A named tuple: a lookup builds one per id a batch names (its endpoints
    included), and a tuple is built in a third of a frozen dataclass's time."""

    id: str
    category: Category
    kind: str
    version: int
    data: str | None  # None unless asked for: endpoints and cited sources need no content
    sensitivity_rank: int


# (the batch's own ids, the ids it only refers to) -> what exists under them.
# The planner needs the stored content of its own ids (it may update them); for
# referenced ids (endpoints, cited sources) kind and label are enough, and not
# reading their JSON halved the lookup of a 10,000-relationship batch.
Lookup = Callable[[list[str], list[str]], dict[str, Existing]]

# What a write does to one record of its batch ("refused": a problem stops it).
Outcome = Literal["created", "updated", "closed", "unchanged", "refused"]

_LABELS = [s.value for s in Sensitivity]
_CATEGORY = attrgetter("category")


@dataclass
class WritePlan:
    """The rows a store must write, in order, and the report it will return."""

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
        js = json_string
        # The members between the id and the hash repeat across a batch (a few
        # kinds, operations and labels): each is written once.
        middles: dict[tuple[str, str, int], str] = {}
        parts = []
        for r in self.rows:
            key = (r.kind, r.operation, r.sensitivity_rank)
            middle = middles.get(key)
            if middle is None:
                middle = middles[key] = (
                    f'"kind":{js(r.kind)},"operation":{js(r.operation)},'
                    f'"sensitivity":"{_LABELS[r.sensitivity_rank]}"'
                )
            parts.append(
                f'{{"id":{js(r.id)},{middle},"sha256":"{version_hash(r.data)}",'
                f'"version":{r.version:d}}}'
            )
        report = {k: v for k, v in self.report.as_dict().items() if k != "change_counter"}
        return f'{{"records":[{",".join(parts)}],"report":{canonical(report)}}}'


def step_audit(step: WriteStep, report: WriteReport) -> AuditEvent | None:
    """The step's own audit entry, if it has one and the step changed something,
    with the step's counts (created, updated, …) in its details."""
    if step.audit is None or not report.changed:
        return None
    return replace(step.audit, details={**step.audit.details, **report.as_dict()})


# --------------------------------------------------------------------------- citations


def cited_sources(record: m.AnyRecord) -> Sequence[m.SourceRef]:
    """Every source reference a record makes, including COM profile evidence."""
    # `__dict__`, not getattr: only some kinds have the field, and a miss on a
    # plain dict is cheap where getattr would raise and catch per record.
    profiles = record.__dict__.get("profiles")
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


# --------------------------------------------------------------------------- what is known


@dataclass
class _Known:
    """What the planner knows while it checks a batch: the batch's own records
    by id, what the store holds under those ids and under the ids they refer
    to, and the writer's clearance (None: no ceiling)."""

    own: dict[str, m.AnyRecord]
    existing: dict[str, Existing]
    ceiling: int | None
    # Whether a relationship type may join two node kinds, per combination: a
    # batch of an event file repeats a handful of them 100,000 times over.
    # (Probed with None for an endpoint not found: never a key, so no fit.)
    fits: dict[tuple[str, str | None, str | None], bool] = field(default_factory=dict)
    # Node kinds by id, from `own` and `existing` (`know_node_kinds`).
    node_kinds: dict[str, str] = field(default_factory=dict)

    def visible(self, hit: Existing) -> bool:
        """Whether the writer may see (so overwrite or link to) a stored record."""
        return self.ceiling is None or hit.sensitivity_rank <= self.ceiling

    def node_kind(self, node_id: str) -> str | None:
        """The kind of the node under `node_id`, from the batch or the store."""
        return self.node_kinds.get(node_id)

    def know_node_kinds(self) -> None:
        """Fill `node_kinds` once `existing` is complete: the batch's nodes, and
        the stored nodes the writer may see under ids the batch does not use (a
        batch's relationship under a stored node's id hides that node). A
        relationship asks for two endpoints' kinds: one dict probe each."""
        own = self.own
        kinds = {
            rid: hit.kind
            for rid, hit in self.existing.items()
            if hit.category == "node" and rid not in own and self.visible(hit)
        }
        # A node the writer may not see is, to them, a node that does not exist.
        kinds.update((rid, r.kind) for rid, r in own.items() if isinstance(r, m.NodeBase))
        self.node_kinds = kinds

    def allowed(self, kind: str, src: str, dst: str) -> bool:
        """`SCHEMA`'s answer to "may `kind` join `src` -> `dst`", remembered."""
        found = self.fits.get((kind, src, dst))
        if found is None:
            spec = SCHEMA.relationships[RelType(kind)]
            found = self.fits[kind, src, dst] = spec.allows(NodeKind(src), NodeKind(dst))
        return found


def _referenced_ids(records: Iterable[m.AnyRecord]) -> set[str]:
    """The ids records refer to: relationship endpoints and cited sources."""
    wanted: set[str] = set()
    add = wanted.add
    for record in records:
        fields = record.__dict__  # not isinstance: a model class's check is slow
        if fields.get("kind") is None:  # a relationship (it has a type, no kind)
            add(fields["source_id"])
            add(fields["target_id"])
        if fields["sources"] or fields.get("profiles"):  # most records cite nothing
            wanted.update(ref.source_id for ref in cited_sources(record))
    return wanted


def _hidden_citations(
    known: _Known, lookup: Lookup
) -> tuple[dict[str, m.AnyRecord], dict[str, set[str]]]:
    """For a writer below some source's clearance: the stored versions of the
    batch's records they may see, and per record the hidden sources its stored
    version cites (an update keeps them, see `keep_hidden_citations`).

    Looks up the sources those stored versions cite into `known.existing`."""
    stored: dict[str, m.AnyRecord] = {}
    if known.ceiling is None:
        return stored, {}
    for rid in known.own:
        hit = known.existing.get(rid)
        if hit is not None and hit.data is not None and known.visible(hit):
            stored[rid] = decode(hit.data)
    cited = {ref.source_id for r in stored.values() for ref in cited_sources(r)}
    known.existing.update(lookup([], sorted(cited - known.existing.keys() - known.own.keys())))
    hidden = {
        sid
        for sid in cited
        if sid in known.existing
        and known.existing[sid].kind == NodeKind.SOURCE
        and not known.visible(known.existing[sid])
    }
    hidden_in = {
        rid: hidden.intersection(ref.source_id for ref in cited_sources(r))
        for rid, r in stored.items()
    }
    return stored, hidden_in


# --------------------------------------------------------------------------- checks


def _require_author(actor: str) -> None:
    """Every write names its author: history and the audit log say who."""
    if not actor.strip():
        raise InvalidRecords([RowError(field="actor", message="every write must name its author")])


def _one_record_per_id(
    records: Iterable[m.AnyRecord], problems: list[RowError]
) -> dict[str, m.AnyRecord]:
    """An id appears once in a batch: a repeat with the same content is one
    record, a repeat with other content is a problem (which one would win?).
    Returns the batch's records by id, first occurrence first."""
    own: dict[str, m.AnyRecord] = {}
    for record in records:
        prior = own.get(record.id)
        if prior is None:
            own[record.id] = record
        elif content_of(prior) != content_of(record):
            problems.append(
                RowError(
                    field="id",
                    record=record.id,
                    message="id appears twice in the batch with different content",
                    suggestion="give each record its own id",
                )
            )
    return own


def _missing_endpoints(rel: m.AnyRelationship, src: str | None, dst: str | None) -> list[RowError]:
    """A relationship joins nodes that exist, in the batch or in the store, and
    that the writer may see (`src`, `dst`: their kinds, None when not)."""
    return [
        RowError(
            field=fld,
            record=rel.id,
            message=f"no node with id {endpoint!r}",
            suggestion="create the node first or fix the id",
        )
        for fld, endpoint, found in (
            ("source_id", rel.source_id, src),
            ("target_id", rel.target_id, dst),
        )
        if found is None
    ]


def _pattern_misfit(
    rel: m.AnyRelationship, src: str | None, dst: str | None, known: _Known
) -> RowError | None:
    """A relationship type joins only the node kinds `SCHEMA`'s patterns allow
    (HOLDS: Person -> Post, never Person -> ArmedActor)."""
    if not (src and dst) or known.allowed(rel.type, src, dst):
        return None
    spec = SCHEMA.relationships[RelType(rel.type)]
    patterns = ", ".join(sorted(f"{a}->{b}" for a, b in spec.patterns))
    return RowError(
        field="type",
        record=rel.id,
        message=f"{rel.type} may not join {src} -> {dst}",
        suggestion=f"allowed: {patterns}",
    )


def _missing_sources(
    record: m.AnyRecord, known: _Known, keeps: set[str] | None, before: m.AnyRecord | None
) -> list[RowError]:
    """Every citation names a Source the writer may see. A mask (pseudonym) is
    let through only where it stands for a hidden citation the stored version
    keeps (`keeps`), or where the stored version `before` already held that mask:
    a plan made on what the writer was shown (an import's dry run) finds the
    masks themselves in the stored version."""
    refs = cited_sources(record)
    if not refs:  # most records of an event file: nothing to check
        return []
    masks_before = {
        ref.source_id
        for ref in (cited_sources(before) if before is not None else ())
        if is_pseudonym(ref.source_id)
    }
    problems: list[RowError] = []
    for ref in refs:
        if known.node_kind(ref.source_id) != NodeKind.SOURCE:
            if is_pseudonym(ref.source_id) and (keeps or ref.source_id in masks_before):
                continue  # a mask sent back: the hidden citation replaces it
            problems.append(
                RowError(
                    field="sources",
                    record=record.id,
                    message=f"no Source with id {ref.source_id!r}",
                    suggestion="add the Source record to the batch",
                )
            )
    return problems


def _id_above_clearance(record: m.AnyRecord, old: Existing, known: _Known) -> RowError | None:
    """A writer never overwrites, nor probes, a record above their clearance:
    to them its id is merely in use."""
    if known.visible(old):
        return None
    return RowError(
        field="id", record=record.id, message="this id is already in use", suggestion="use a new id"
    )


def _kind_changed(
    record: m.AnyRecord, old: Existing, category: Category, kind: str
) -> RowError | None:
    """An id keeps its kind for life: a Person's id never becomes a Unit's."""
    if old.category == category and old.kind == kind:
        return None
    return RowError(
        field="id",
        record=record.id,
        message=f"id already belongs to a {old.kind}, not a {kind}",
        suggestion="use a new id",
    )


def _endpoints_moved(before: m.AnyRecord, record: m.AnyRecord) -> RowError | None:
    """A relationship's endpoints never change: a new pair is a new relationship,
    and the old one is closed (valid_to), so history says who was joined when."""
    if not (isinstance(before, m.RelBase) and isinstance(record, m.RelBase)):
        return None
    if before.source_id == record.source_id and before.target_id == record.target_id:
        return None
    return RowError(
        field="source_id" if before.source_id != record.source_id else "target_id",
        record=record.id,
        message="a relationship's endpoints never change",
        suggestion="close this relationship (valid_to) and record a new one",
    )


# --------------------------------------------------------------------------- planning


def _plan_record(
    record: m.AnyRecord,
    known: _Known,
    stored: dict[str, m.AnyRecord],
    hidden_in: dict[str, set[str]],
    *,
    problems: list[RowError],
) -> tuple[NewVersion | None, Outcome]:
    """One record's checks (appended to `problems`), then what the store does
    with it: a first version, nothing (same content), or a new version, which
    is a close when it ends an open interval and an update otherwise."""
    if isinstance(record, m.RelBase):
        category: Category = "rel"
        kind: str = record.type
        src, dst = known.node_kind(record.source_id), known.node_kind(record.target_id)
        if src is None or dst is None:
            problems.extend(_missing_endpoints(record, src, dst))
        elif not known.allowed(kind, src, dst):  # checked first: nearly every one fits
            misfit = _pattern_misfit(record, src, dst, known)
            if misfit is not None:
                problems.append(misfit)
    else:
        category, kind = "node", record.kind
    keeps = hidden_in.get(record.id)
    if record.sources or record.__dict__.get("profiles"):  # else: no citation to check
        problems.extend(_missing_sources(record, known, keeps, stored.get(record.id)))
    old = known.existing.get(record.id)
    if old is None:
        return (record, 1, "create", None), "created"
    refused = _id_above_clearance(record, old, known) or _kind_changed(record, old, category, kind)
    if refused is not None:
        problems.append(refused)
        return None, "refused"
    assert old.data is not None, "a lookup returns the content of the batch's own ids"
    before = stored.get(record.id) or decode(old.data)
    if keeps:
        record = keep_hidden_citations(record, before, keeps)
    moved = _endpoints_moved(before, record)
    if moved is not None:
        problems.append(moved)
        return None, "refused"
    if content_of(before) == content_of(record):
        return None, "unchanged"
    closing = before.valid_to is None and record.valid_to is not None
    operation = "close" if closing else "update"
    return (record, old.version + 1, operation, old.sensitivity_rank), (
        "closed" if closing else "updated"
    )


def _plain_create(record: m.AnyRecord, known: _Known) -> bool:
    """Whether `_plan_record` could only create `record`, with no problem: a
    new id that cites nothing, and for a relationship, endpoints whose kinds
    are known to fit. Most records of an import are such, and these few dict
    probes cost a fraction of the checks' dozen calls; any other record, and
    any relationship whose kinds are not yet known to fit, takes the checks."""
    fields = record.__dict__
    if fields["id"] in known.existing or fields["sources"] or fields.get("profiles"):
        return False
    if fields.get("kind") is not None:  # a node (a relationship has a type, no kind)
        return True
    kinds = known.node_kinds
    fit = (fields["type"], kinds.get(fields["source_id"]), kinds.get(fields["target_id"]))
    return known.fits.get(fit, False)


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
    and nothing is written. Checks, each a function above: the write names its
    author (`_require_author`); no id twice with different content
    (`_one_record_per_id`); relationship endpoints exist (`_missing_endpoints`)
    and their kinds fit the schema's patterns (`_pattern_misfit`); cited sources
    exist (`_missing_sources`); no record above the writer's clearance is
    overwritten (`_id_above_clearance`); an id is never reused for another kind
    (`_kind_changed`); relationship endpoints never change (`_endpoints_moved`).
    """
    _require_author(actor)
    now = now or datetime.now(UTC)
    problems: list[RowError] = []
    own = _one_record_per_id([*batch.nodes, *batch.relationships], problems)
    existing = lookup(sorted(own), sorted(_referenced_ids(own.values()) - own.keys()))
    known = _Known(own, existing, clearance.rank if clearance is not None else None)
    stored, hidden_in = _hidden_citations(known, lookup)
    known.know_node_kinds()

    versions: list[NewVersion] = []
    tally: dict[Outcome, int] = dict.fromkeys(get_args(Outcome), 0)
    for record in own.values():
        if _plain_create(record, known):
            versions.append((record, 1, "create", None))
            tally["created"] += 1
            continue
        version, outcome = _plan_record(record, known, stored, hidden_in, problems=problems)
        tally[outcome] += 1
        if version is not None:
            versions.append(version)

    if problems:
        raise InvalidRecords(problems)
    rows = to_rows(versions, actor=actor, at=now)
    # Nodes first, so relationships can always find their endpoints (a stable
    # sort on the category: "node" < "rel").
    rows.sort(key=_CATEGORY)
    report = WriteReport(
        created=tally["created"],
        updated=tally["updated"],
        unchanged=tally["unchanged"],
        closed=tally["closed"],
    )
    return WritePlan(rows=rows, report=report)
