"""The import pipeline: read, map, resolve, validate everything, then one store write.

    file ──► rows.py (Table: rows with file/sheet/row numbers)
         ──► templates / hxl / acled / ucdp / snapshot mapper (Drafts: model input + origin rows)
         ──► finalise (merge with what is stored, provenance, default sensitivity)
         ──► validate (pydantic, references, duplicate ids, cycles, the store's own planner)
         ──► ImportRejected listing every problem  — or —  one `store.write`

By default a file imports only if every row is valid: otherwise nothing is
written and every problem is reported at once. With `skip_invalid`, rows with
problems (and rows that depended on them) are set aside, the rest is written
in one write, and the rejected rows are copied, unchanged, into a reject file
so they can be fixed and imported again.

Importing the same file twice changes nothing the second time: ids are
deterministic (`make_id`) and a record whose content is unchanged is counted
`unchanged`. A changed file updates what changed; a relationship that moves
(a unit now part of another group, a post now commanding another unit, allies
who now fight) closes the old relationship (`valid_to`) and opens a new one,
so history is kept.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process

from graph import model as m
from graph.dates import lower_bound, upper_bound
from graph.errors import ImportRejected, InvalidRecords, RowError
from graph.projection import no_cyclic_gc
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import Existing, GraphStore, Lookup, WriteBatch, WriteReport, plan_write
from ingest.loops import Link, loops
from ingest.resolve import Match, Resolver, match_key
from ingest.rows import Row, Table

Format = Literal["template", "snapshot", "hxl", "acled", "ucdp"]
FORMATS: tuple[str, ...] = ("template", "snapshot", "hxl", "acled", "ucdp")
Policy = Literal["exact", "overlay", "enrich", "replace"]
RowKey = tuple[str, str, int]
Progress = Callable[[str, int, int], None]

_STAMPS = ("recorded_at", "recorded_by")
# Relationships where a new open one replaces the open one it contradicts.
# PART_OF: a unit (or post, area) is part of one parent at a time.
# COMMANDS: a unit has one commander of each kind (person, post) at a time.
# HOLDS: a post has one holder at a time.
EXCLUSIVE: dict[RelType, Literal["source", "target"]] = {
    RelType.PART_OF: "source",
    RelType.COMMANDS: "target",
    RelType.HOLDS: "target",
}
# Allies who now fight, or enemies now allied: opening one closes the other.
CONTRADICTS = {RelType.ALLIED_WITH: RelType.OPPOSES, RelType.OPPOSES: RelType.ALLIED_WITH}
MAX_PASSES = 20


def make_id(prefix: str, *parts: str) -> str:
    """A deterministic id from a source and its key (FtM `make_id`): re-import finds it again.

    >>> make_id("act", "acled", "front of the seven hills")
    'act_299a79820cf3d6b2'
    """
    digest = hashlib.sha1(":".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


# --------------------------------------------------------------------------- data


@dataclass
class Draft:
    """Model input for one record, and the rows it came from (first one is cited in errors).

    policy:
      exact    the data is the record (snapshots);
      overlay  cells given replace stored values, blank cells keep them (templates);
      enrich   a stored record wins, we only add aliases, sources and citations
               (actors found in event data: an analyst's structure is never overwritten);
      replace  the data is the record, but sensitivity never drops and sources
               accumulate (incidents and inferred evidence, owned by their dataset).
    """

    data: dict[str, Any]
    rows: list[Row]
    policy: Policy
    columns: dict[str, str] = field(default_factory=dict)
    add_aliases: list[str] = field(default_factory=list)
    supersede: bool = False
    # Identity (ingest/identity.py): source ids to keep, fuzzy matches awaiting review.
    add_external_ids: list[str] = field(default_factory=list)
    add_reviews: list[m.IdentityReview] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    def column(self, field_name: str) -> str:
        head = field_name.split(".", 1)[0]
        return self.columns.get(head, head)


@dataclass
class ReviewItem:
    """A name that may be an entity we know, left for a person to decide."""

    file: str
    sheet: str
    row: int | None
    field: str
    value: str | None
    message: str
    candidates: list[dict[str, Any]]
    # Set when the spelling was attached to a record (a fuzzy match): the item
    # `actorgraph review accept|reject` decides, the record and the score.
    item: str | None = None
    matched_id: str | None = None
    matched_name: str | None = None
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "candidates": self.candidates,
            "item": self.item,
            "matched": {"id": self.matched_id, "name": self.matched_name}
            if self.matched_id
            else None,
            "score": self.score,
        }


@dataclass(frozen=True)
class Resolved:
    """One row's name attached to a record: the line of the import report that lets
    an officer check, row by row, that "Jabhat al-Saba" went where they meant.

    `rule` is "exact" for an equal (normalised) name or alias, "same source id"
    when the source's own id decided, else the resolver's rule ("fuzzy", …) and
    `score` says how close the spellings are.
    """

    file: str
    sheet: str
    row: int | None
    field: str
    spelling: str
    record_id: str
    record_name: str
    score: float
    rule: str
    exact: bool

    def at_row(self, row: Row) -> Resolved:
        """The same resolution, met again on another row (names are resolved once)."""
        return replace(self, file=row.file, sheet=row.sheet, row=row.number)

    @property
    def score_text(self) -> str:
        if self.exact:
            return "exact" if self.rule == "exact" else f"exact ({self.rule})"
        return f"{self.score:.2f} ({self.rule})"

    @property
    def where(self) -> str:
        sheet = self.sheet or Path(self.file).name
        return f"{sheet}/{self.row}" if self.row is not None else sheet

    def line(self) -> str:
        """`sheet/row: "spelling" → record id (name), score`, as the CLI prints it."""
        return (
            f'{self.where}: "{self.spelling}" → {self.record_id} ({self.record_name}), '
            f"{self.score_text}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "field": self.field,
            "spelling": self.spelling,
            "record_id": self.record_id,
            "record_name": self.record_name,
            "score": "exact" if self.exact else round(self.score, 3),
            "rule": self.rule,
        }


@dataclass(frozen=True)
class NewRecord:
    """A record the import created (or, in a dry run, would create)."""

    id: str
    kind: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "name": self.name}


@dataclass
class Built:
    drafts: list[Draft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    resolved: list[Resolved] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class SourceSpec:
    """`--source`: where everything in this import came from, graded."""

    name: str
    reliability: m.Reliability = m.Reliability.F
    credibility: m.Credibility = m.Credibility.C6
    source_kind: m.SourceKind = m.SourceKind.DATASET
    locator: str | None = None

    @property
    def id(self) -> str:
        return make_id("src", "import", match_key(self.name))


@dataclass
class ImportOptions:
    format: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    source: SourceSpec | None = None
    sensitivity: Sensitivity | None = None
    actor: str = "import"
    report_dir: Path | None = None
    today: date | None = None
    # Whose eyes the import reads with: entity resolution only matches what the
    # importing user may see, so no hidden name ever shows up in a review list.
    viewer: Viewer = SYSTEM


@dataclass
class ImportReport:
    file: str
    format: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0
    records: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    matches: list[Resolved] = field(default_factory=list)
    new_records: list[NewRecord] = field(default_factory=list)
    reject_file: str | None = None
    seconds: float = 0.0
    change_counter: int | None = None

    @property
    def fuzzy_matches(self) -> list[Resolved]:
        """Matches that were not exact: each one is a merge a person should see."""
        return [r for r in self.matches if not r.exact]

    @property
    def rows_per_second(self) -> float:
        return round(self.rows / self.seconds, 1) if self.seconds > 0 else float(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "rejected": self.rejected,
            "errors": [error_dict(e) for e in self.errors],
            "warnings": list(self.warnings),
            "review": [r.as_dict() for r in self.review],
            "matches": [r.as_dict() for r in self.matches],
            "new_records": [r.as_dict() for r in self.new_records],
            "reject_file": self.reject_file,
            "seconds": round(self.seconds, 3),
            "rows_per_second": self.rows_per_second,
            "change_counter": self.change_counter,
        }

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        return (
            f"{self.file}: {self.rows} rows, {verb} created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}, closed {self.closed}, "
            f"rejected {self.rejected} rows; {self.rows_per_second:,.0f} rows/s"
        )


def error_dict(error: RowError) -> dict[str, Any]:
    return {
        "file": error.file,
        "sheet": error.sheet,
        "row": error.row,
        "field": error.field,
        "value": error.value,
        "message": error.message,
        "suggestion": error.suggestion,
        "record": error.record,
    }


def _sort_key(e: RowError) -> tuple[str, str, int, str]:
    return (e.file, e.sheet, e.row or 0, e.field)


# --------------------------------------------------------------------------- context


class ImportContext:
    """What the store already holds, as the importing user may see it, cached.

    Lookups use the import's viewer, so matches and review lists never name a
    record above the user's clearance. An id already taken by a record the
    user may not see is refused by the store itself (`plan_write`'s ceiling).
    """

    BULK = 200

    def __init__(self, store: GraphStore, options: ImportOptions) -> None:
        self.store = store
        self.options = options
        self.today = options.today or datetime.now(UTC).date()
        self._records: dict[str, m.AnyRecord | None] = {}
        self._loaded_all = False
        self._nodes: dict[NodeKind, list[m.AnyNode]] = {}
        self._rels: dict[RelType, list[m.AnyRelationship]] = {}
        self._names: dict[str, set[str]] | None = None

    def _load_all(self) -> None:
        if self._loaded_all:
            return
        for node in self.store.iter_nodes(viewer=self.options.viewer):
            self._records[node.id] = node
        for rel in self.store.iter_relationships(viewer=self.options.viewer):
            self._records[rel.id] = rel
        self._loaded_all = True

    def preload(self, ids: Collection[str]) -> None:
        """Read what the store holds under `ids` at once, not one lookup per id later:
        the whole store when many are missing, else one `get_many` round trip."""
        missing = list(dict.fromkeys(i for i in ids if i not in self._records))
        if self._loaded_all or not missing:
            return
        if len(missing) > self.BULK:
            self._load_all()
            return
        self._records.update(dict.fromkeys(missing))
        nodes, rels = self.store.get_many(missing, missing, viewer=self.options.viewer)
        self._records.update((r.id, r) for r in [*nodes, *rels])

    def existing(self, record_id: str) -> m.AnyRecord | None:
        if record_id in self._records:
            return self._records[record_id]
        if self._loaded_all:
            return None
        found = self.store.get(record_id, viewer=self.options.viewer)
        self._records[record_id] = found
        return found

    def nodes(self, kind: NodeKind) -> list[m.AnyNode]:
        if kind not in self._nodes:
            self._nodes[kind] = list(self.store.iter_nodes(kind, viewer=self.options.viewer))
            for node in self._nodes[kind]:
                self._records.setdefault(node.id, node)
        return self._nodes[kind]

    def rels(self, rel_type: RelType) -> list[m.AnyRelationship]:
        if rel_type not in self._rels:
            self._rels[rel_type] = list(
                self.store.iter_relationships(rel_type, viewer=self.options.viewer)
            )
        return self._rels[rel_type]

    def resolver(
        self, kinds: Iterable[NodeKind], scope: Callable[[m.AnyNode], str] | None = None
    ) -> Resolver:
        """A fresh index of stored nodes of `kinds` (scope: the node's kind unless given)."""
        from ingest.identity import rejected_spellings

        resolver = Resolver()
        for kind in kinds:
            for node in self.nodes(kind):
                resolver.add(
                    node.id,
                    scope(node) if scope else node.kind,
                    [node.name, *node.aliases],
                    external_ids=node.external_ids,
                    rejected=rejected_spellings(node),
                )
        return resolver

    def ids_named(self, name: str) -> set[str]:
        """Stored nodes whose normalised name or alias equals `name`'s."""
        if self._names is None:
            self._names = {}
            for kind in NodeKind:
                for node in self.nodes(kind):
                    for n in (node.name, *node.aliases):
                        self._names.setdefault(match_key(n), set()).add(node.id)
        return set(self._names.get(match_key(name), set()))

    def all_node_labels(self) -> list[tuple[str, str]]:
        return [(n.id, n.name) for kind in NodeKind for n in self.nodes(kind)]


# --------------------------------------------------------------------------- helpers for mappers


def review_item(row: Row | None, column: str, value: str, match: Match, what: str) -> ReviewItem:
    """An ambiguous name: kept as a new entity, listed for a person to merge or not."""
    return ReviewItem(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        field=column,
        value=value,
        message=f"{what} {value!r} may be an entity already known ({match.rule}); "
        "kept separate — merge with `actorgraph merge KEEP OTHER` if it is the same",
        candidates=[{"id": c.id, "name": c.name, "score": c.score} for c in match.candidates],
    )


def row_error(
    row: Row | None,
    column: str,
    message: str,
    suggestion: str = "",
    *,
    value: str | None = None,
    record: str = "",
) -> RowError:
    if row is None:
        return RowError(field=column, message=message, suggestion=suggestion, record=record)
    return RowError(
        field=column,
        file=row.file,
        sheet=row.sheet,
        row=row.number,
        value=value if value is not None else (row.get(column) or None),
        message=message,
        suggestion=suggestion,
        record=record,
    )


def closest(text: str, choices: Iterable[str], *, limit: int = 1) -> list[str]:
    found = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [f[0] for f in found]


# --------------------------------------------------------------------------- finalise & validate


def _dump(record: m.AnyRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    for key in _STAMPS:
        data.pop(key, None)
    return data


def _union_refs(*lists: Iterable[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for refs in lists:
        for ref in refs:
            item = dict(ref) if isinstance(ref, dict) else ref.model_dump(mode="json")
            key = (str(item.get("source_id")), item.get("locator"))
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def _union_names(name: str, *lists: Iterable[str]) -> list[str]:
    out: list[str] = []
    keys = {match_key(name)}
    for names in lists:
        for alias in names:
            text = str(alias).strip()
            if text and match_key(text) not in keys:
                keys.add(match_key(text))
                out.append(text)
    return out


def _max_sensitivity(a: Any, b: Any) -> str:
    sa, sb = Sensitivity(a), Sensitivity(b)
    return (sa if sa.rank >= sb.rank else sb).value


def finalise(draft: Draft, ctx: ImportContext) -> dict[str, Any]:
    """Merge a draft with what is stored, per its policy, and stamp provenance."""
    data = dict(draft.data)
    old = ctx.existing(draft.id) if draft.id else None
    same_kind = old is not None and (
        getattr(old, "kind", None) == data.get("kind")
        or getattr(old, "type", None) == data.get("type")
    )
    given_sensitivity = "sensitivity" in data
    if old is not None and same_kind:
        stored = _dump(old)
        if draft.policy == "overlay":
            merged = {**stored, **data}
            if "aliases" in stored or "aliases" in data:
                name = str(merged.get("name", ""))
                merged["aliases"] = _union_names(
                    name, stored.get("aliases", []), data.get("aliases", []), draft.add_aliases
                )
            merged["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            data = merged
        elif draft.policy == "enrich":
            merged = stored
            if "aliases" in stored:
                merged["aliases"] = _union_names(
                    str(stored["name"]),
                    stored.get("aliases", []),
                    data.get("aliases", []),
                    draft.add_aliases,
                    [str(data.get("name", ""))],
                )
            merged["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            for key, pick in (("first_cited", min), ("last_cited", max)):
                values = [v for v in (stored.get(key), data.get(key)) if v]
                if values:
                    merged[key] = pick(values, key=lambda v: (lower_bound(v), upper_bound(v)))
            if data.get("sensitivity"):
                merged["sensitivity"] = _max_sensitivity(stored["sensitivity"], data["sensitivity"])
            data = merged
        elif draft.policy == "replace":
            data["sources"] = _union_refs(stored.get("sources", []), data.get("sources", []))
            data["sensitivity"] = _max_sensitivity(
                stored["sensitivity"],
                data.get("sensitivity") or ctx.options.sensitivity or stored["sensitivity"],
            )
    else:
        if draft.add_aliases and "name" in data:
            data["aliases"] = _union_names(
                str(data["name"]), data.get("aliases", []), draft.add_aliases
            )
        if not given_sensitivity and ctx.options.sensitivity is not None:
            data["sensitivity"] = ctx.options.sensitivity.value
    if draft.add_external_ids or draft.add_reviews:
        _add_identity(data, draft, old if same_kind else None)
    source = ctx.options.source
    if source is not None and data.get("kind") != "Source":
        data["sources"] = _union_refs(data.get("sources", []), [{"source_id": source.id}])
    for key in _STAMPS:
        data.pop(key, None)
    return data


def _add_identity(data: dict[str, Any], draft: Draft, old: m.AnyRecord | None) -> None:
    """Keep source ids (union) and add fuzzy-match reviews; stored decisions stay."""
    from ingest.identity import merged_reviews

    stored = old if isinstance(old, m.NodeBase) else None
    ids = list(data.get("external_ids", [])) + [
        i for i in draft.add_external_ids if stored is None or i not in stored.external_ids
    ]
    data["external_ids"] = list(dict.fromkeys([*(stored.external_ids if stored else ()), *ids]))
    given = data.get("identity_reviews") or (stored.identity_reviews if stored else [])
    data["identity_reviews"] = merged_reviews(given, draft.add_reviews)


def _row_sensitivity(draft: Draft, data: dict[str, Any], options: ImportOptions) -> Sensitivity:
    for value in (data.get("sensitivity"), options.sensitivity):
        try:
            return Sensitivity(str(value).strip().lower()) if value else Sensitivity.RESTRICTED
        except ValueError:
            continue
    return Sensitivity.RESTRICTED


def _withheld(sensitivity: Sensitivity) -> bool:
    return sensitivity.rank >= Sensitivity.CONFIDENTIAL.rank


def locate(
    error: RowError, draft: Draft | None, sensitivity: Sensitivity = Sensitivity.RESTRICTED
) -> RowError:
    """Name the file, sheet, row and column of a record-level problem; withhold secrets."""
    row = draft.rows[0] if draft and draft.rows else None
    column = draft.column(error.field) if draft else error.field
    value = error.value
    if value is None and row is not None:
        value = row.get(column) or None
    if value is None and draft is not None:
        raw = draft.data.get(error.field.split(".", 1)[0])
        value = None if raw is None else str(raw)
    message = error.message
    if _withheld(sensitivity):
        if value:
            message = message.replace(value, "…")
        value = None
    return RowError(
        field=column,
        message=message,
        record=error.record or (draft.id if draft else ""),
        file=row.file if row else error.file,
        row=row.number if row else error.row,
        suggestion=error.suggestion,
        sheet=row.sheet if row else error.sheet,
        value=value,
    )


@dataclass
class Validated:
    records: list[m.AnyRecord]
    errors: list[RowError]
    draft_of: dict[str, Draft]
    plan: WriteReport | None = None


def _closing_date(new: m.RelBase, old: m.RelBase, today: date) -> str:
    end = new.valid_from or today.isoformat()
    if old.valid_from and lower_bound(old.valid_from) > upper_bound(end):
        return old.valid_from
    return end


def _supersede(
    records: dict[str, m.AnyRecord], draft_of: dict[str, Draft], ctx: ImportContext
) -> list[tuple[m.AnyRecord, Draft]]:
    """Close the stored relationships that new open ones replace (history is kept)."""
    closings: dict[str, tuple[m.AnyRecord, Draft]] = {}
    for record in list(records.values()):
        draft = draft_of[record.id]
        if not isinstance(record, m.RelBase) or not draft.supersede:
            continue
        if record.valid_to is not None or record.basis != m.Basis.ASSERTED:
            continue
        if ctx.existing(record.id) is not None:
            continue  # already stored: whatever it replaced was closed back then
        rel_type = RelType(record.type)
        candidates: list[m.AnyRelationship] = []
        side = EXCLUSIVE.get(rel_type)
        if side is not None:
            source_kind = _kind_of(record.source_id, records, ctx)
            for old in ctx.rels(rel_type):
                same_key = (
                    old.source_id == record.source_id
                    if side == "source"
                    else old.target_id == record.target_id
                    and _kind_of(old.source_id, records, ctx) == source_kind
                )
                other_end = (
                    old.target_id != record.target_id
                    if side == "source"
                    else (old.source_id != record.source_id)
                )
                if same_key and other_end:
                    candidates.append(old)
        opposite = CONTRADICTS.get(rel_type)
        if opposite is not None:
            pair = {record.source_id, record.target_id}
            candidates.extend(
                old
                for old in ctx.rels(opposite)
                if {old.source_id, old.target_id} == pair and old.basis == m.Basis.ASSERTED
            )
        for old in candidates:
            # The file may list the old relationship too (blank valid_to keeps it open).
            base = records.get(old.id, old)
            if base.valid_to is not None or old.id in closings or not isinstance(base, m.RelBase):
                continue
            closed = base.model_copy(update={"valid_to": _closing_date(record, base, ctx.today)})
            closings[old.id] = (closed, draft_of.get(old.id, draft))
    return list(closings.values())


def _kind_of(node_id: str, records: dict[str, m.AnyRecord], ctx: ImportContext) -> str | None:
    found = records.get(node_id) or ctx.existing(node_id)
    return found.kind if isinstance(found, m.NodeBase) else None


_SYMMETRIC = frozenset(t.value for t, spec in SCHEMA.relationships.items() if spec.symmetric)


def _as_stored(record: m.AnyRecord, ctx: ImportContext) -> m.AnyRecord:
    """A symmetric relationship (alliance, association) whose stored version names the
    same ends the other way round, turned to the stored order: "B allied with A" is
    the stored "A allied with B", not a relationship whose ends moved."""
    if not isinstance(record, m.RelBase) or record.type not in _SYMMETRIC:
        return record
    old = ctx.existing(record.id)
    if not isinstance(old, m.RelBase):
        return record
    if (old.source_id, old.target_id) != (record.target_id, record.source_id):
        return record
    return record.model_copy(update={"source_id": old.source_id, "target_id": old.target_id})


def _moved(record: m.AnyRecord, ctx: ImportContext) -> m.AnyRecord | None:
    """An existing relationship id whose ends changed: the old one is closed, a new id opens."""
    if not isinstance(record, m.RelBase):
        return None
    old = ctx.existing(record.id)
    if not isinstance(old, m.RelBase):
        return None
    if (old.source_id, old.target_id) == (record.source_id, record.target_id):
        return None
    return old


def _cycles(
    records: dict[str, m.AnyRecord], draft_of: dict[str, Draft], ctx: ImportContext
) -> list[RowError]:
    """Nesting and command must not loop (ingest/loops.py says what a loop is:
    a post commanding the unit it sits in is local command, not a loop). Only
    open relationships count; each relationship of the file that closes a loop
    is reported once, with one loop through it."""
    current: dict[str, m.AnyRelationship] = {}
    for rel_type in (RelType.PART_OF, RelType.COMMANDS):
        for rel in ctx.rels(rel_type):
            current[rel.id] = rel
    for record in records.values():
        if isinstance(record, m.RelBase) and record.type in (RelType.PART_OF, RelType.COMMANDS):
            current[record.id] = record
    links = [
        Link(rel.id, str(rel.type), rel.source_id, rel.target_id)
        for rel in current.values()
        if rel.valid_to is None
    ]
    return [
        locate(
            RowError(
                field="target_id",
                record=loop.id,
                message=f"{loop.label} would loop: {loop.describe()}",
                suggestion="a unit cannot be inside (or command) its own parent; "
                "close one of these relationships (valid_to)",
            ),
            draft_of[loop.id],
        )
        for loop in loops(links, set(draft_of))
    ]


def validate(drafts: list[Draft], ctx: ImportContext, *, plan: bool = True) -> Validated:
    """Every check, all problems collected; nothing is written here.

    `plan` runs the store's own write planner against what is stored (needed for
    a dry run and to set rows aside with skip-invalid; a real write runs it anyway).
    """
    errors: list[RowError] = []
    draft_of: dict[str, Draft] = {}
    ctx.preload([d.id for d in drafts])
    for draft in drafts:
        draft_id = draft.id
        if draft_id and draft_id in draft_of:
            first = draft_of[draft_id]
            where = f"row {first.rows[0].number}" if first.rows else "earlier"
            if first.rows and first.rows[0].sheet:
                where += f" of sheet {first.rows[0].sheet}"
            errors.append(
                locate(
                    RowError(
                        field="id",
                        message=f"id {draft_id!r} is used twice in the file (first on {where})",
                        suggestion="give each row its own id, or merge the two rows",
                        record=draft_id,
                    ),
                    draft,
                )
            )
            continue
        draft_of[draft_id] = draft
    records: dict[str, m.AnyRecord] = {}
    failed: set[str] = set()
    sensitivity_of: dict[str, Sensitivity] = {}
    for record_id, draft in draft_of.items():
        data = finalise(draft, ctx)
        sensitivity = _row_sensitivity(draft, data, ctx.options)
        sensitivity_of[record_id] = sensitivity
        try:
            record = SCHEMA.parse_record(data)
        except InvalidRecords as e:
            failed.add(record_id)
            errors.extend(locate(err, draft, sensitivity) for err in e.errors)
            continue
        records[record.id] = record
    # A symmetric relationship named the other way round is the stored one, as stored.
    for record in list(records.values()):
        records[record.id] = _as_stored(record, ctx)
    # A relationship whose ends moved: close the stored one, open the new one under a new id.
    for record in list(records.values()):
        old = _moved(record, ctx)
        if old is None or not isinstance(record, m.RelBase):
            continue
        draft = draft_of.pop(record.id)
        del records[record.id]
        new_id = make_id("rel", old.id, record.source_id, record.target_id)
        moved = record.model_copy(update={"id": new_id})
        assert isinstance(moved, m.RelBase)
        records[new_id] = moved
        draft_of[new_id] = draft
        if old.valid_to is None and isinstance(old, m.RelBase):
            ended = old.model_copy(update={"valid_to": _closing_date(moved, old, ctx.today)})
            records[old.id] = ended
            draft_of[old.id] = draft
    for closed, draft in _supersede(records, draft_of, ctx):
        records[closed.id] = closed
        draft_of[closed.id] = draft
    # References: ends of relationships and cited sources.
    for record in records.values():
        draft = draft_of[record.id]
        sens = sensitivity_of.get(record.id, Sensitivity.RESTRICTED)
        if isinstance(record, m.RelBase):
            for fld in ("source_id", "target_id"):
                ref = getattr(record, fld)
                if ref in records or ref in failed:
                    if ref in records and not isinstance(records[ref], m.NodeBase):
                        errors.append(
                            locate(
                                RowError(
                                    field=fld,
                                    record=record.id,
                                    message=f"{ref!r} is a relationship, not a node",
                                ),
                                draft,
                                sens,
                            )
                        )
                    continue
                found = ctx.existing(ref)
                if not isinstance(found, m.NodeBase):
                    errors.append(
                        locate(
                            RowError(
                                field=fld,
                                record=record.id,
                                value=ref,
                                message=f"no node with id {ref!r} in the file or the store",
                                suggestion=_ref_suggestion(ref, records, ctx),
                            ),
                            draft,
                            sens,
                        )
                    )
        for source_ref in record.sources:
            sid = source_ref.source_id
            if sid in failed:
                continue
            target = records.get(sid) or ctx.existing(sid)
            if not isinstance(target, m.Source):
                errors.append(
                    locate(
                        RowError(
                            field="sources",
                            record=record.id,
                            value=sid,
                            message=f"no Source with id {sid!r} in the file or the store",
                            suggestion="add it on the Source sheet, or use --source",
                        ),
                        draft,
                        sens,
                    )
                )
    errors.extend(_cycles(records, draft_of, ctx))
    ordered = list(records.values())
    plan_report: WriteReport | None = None
    if plan and not errors and ordered:
        try:
            # At the importer's clearance, as the real write will be: citations of
            # sources they were shown masked are kept, not refused as unknown.
            plan_report = plan_write(
                WriteBatch.of(ordered),
                _lookup(ctx),
                actor="dry-run",
                clearance=Sensitivity(ctx.options.viewer.clearance),
            ).report
        except InvalidRecords as e:
            errors.extend(
                locate(
                    err,
                    draft_of.get(err.record),
                    sensitivity_of.get(err.record, Sensitivity.RESTRICTED),
                )
                for err in e.errors
            )
    return Validated(ordered, errors, draft_of, plan_report)


def _ref_suggestion(ref: str, records: dict[str, m.AnyRecord], ctx: ImportContext) -> str:
    labels = [(r.id, r.name) for r in records.values() if isinstance(r, m.NodeBase)]
    labels += ctx.all_node_labels()
    by_text = {}
    for node_id, name in labels:
        by_text[node_id] = node_id
        by_text[name] = node_id
    hits = closest(ref, by_text)
    if hits:
        return f"did you mean {by_text[hits[0]]!r} ({hits[0]})?"
    return "add the node to the file first, or fix the id"


def _lookup(ctx: ImportContext) -> Lookup:
    # Gives every hit's content: the context holds the records parsed already.
    def lookup(own: list[str], referenced: list[str]) -> dict[str, Existing]:
        ids = [*own, *referenced]
        ctx.preload(ids)
        found: dict[str, Existing] = {}
        for record_id in ids:
            record = ctx.existing(record_id)
            if record is None:
                continue
            is_node = isinstance(record, m.NodeBase)
            found[record_id] = Existing(
                id=record_id,
                category="node" if is_node else "rel",
                kind=record.kind if isinstance(record, m.NodeBase) else record.type,
                version=1,
                data=json.dumps(record.model_dump(mode="json")),
                sensitivity_rank=record.sensitivity.rank,
            )
        return found

    return lookup


# --------------------------------------------------------------------------- formats


_READ_CACHE: dict[Path, list[Table]] = {}


def detect_format(path: Path) -> str:
    """Guess the format from the name and the first rows; `--format` overrides."""
    if path.is_dir():
        return "template"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "snapshot"
    if suffix in (".xlsx", ".xlsm"):
        from ingest.rows import read_xlsx

        tables = read_xlsx(path)
        _READ_CACHE[path] = tables
        return _format_of_tables(tables, path) or "template"
    from ingest.rows import read_csv

    table = read_csv(path)
    _READ_CACHE[path] = [table]
    if table.empty:
        raise ImportRejected(_empty_errors([table], path, "csv"))
    fmt = _format_of_tables([table], path)
    if fmt is None:
        raise ImportRejected(
            [
                RowError(
                    field="format",
                    file=str(path),
                    row=table.header_row if table.header else None,
                    message="cannot tell the format from the file name or its columns",
                    suggestion="use --format template|snapshot|hxl|acled|ucdp",
                )
            ]
        )
    return fmt


def _format_of_tables(tables: list[Table], path: Path) -> str | None:
    from ingest import acled, hxl, ucdp
    from ingest.templates import spec_for

    for table in tables:
        header = {h.strip().lower() for h in table.header}
        if acled.looks_like(header):
            return "acled"
        if ucdp.looks_like(header):
            return "ucdp"
        if hxl.looks_like(table):
            return "hxl"
    if any(spec_for(t.sheet or path.stem) for t in tables):
        return "template"
    return None


def read_tables(path: Path, fmt: str) -> list[Table]:
    from ingest.rows import read_csv, read_table_file

    cached = _READ_CACHE.pop(path, None)
    if cached is not None:
        return cached
    if path.is_dir():
        return [read_csv(p, sheet=p.stem) for p in sorted(path.glob("*.csv"))]
    return read_table_file(path)


def _builder(fmt: str) -> Callable[[list[Table], ImportContext, set[RowKey]], Built]:
    if fmt == "template":
        from ingest.templates import build as template_build

        return template_build
    if fmt == "acled":
        from ingest.acled import build as acled_build

        return acled_build
    if fmt == "ucdp":
        from ingest.ucdp import build as ucdp_build

        return ucdp_build
    if fmt == "hxl":
        from ingest.hxl import build as hxl_build

        return hxl_build
    raise ValueError(fmt)


def _empty_errors(tables: list[Table], path: Path, fmt: str) -> list[RowError]:
    errors: list[RowError] = []
    if not tables or all(t.empty for t in tables):
        return [
            RowError(
                field="header",
                file=str(path),
                row=1,
                message="the file is empty: no header row and no data",
                suggestion="export the data again, or start from `actorgraph template`",
            )
        ]
    return errors


# --------------------------------------------------------------------------- run


def run_import(
    store: GraphStore, path: Path, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """Import one file (or template folder). Raises ImportRejected; otherwise reports.

    Python's cyclic garbage collector is paused meanwhile (as for a projection
    build): an import holds millions of young objects (rows, drafts, records),
    almost none in cycles, and every full collection walks all of them again;
    a 50,000-row event file spent a third of its time there. Reference counting
    still frees memory, and the collector runs again as soon as the import ends.
    """
    with no_cyclic_gc():
        return _run_import(store, path, options, progress)


def _run_import(
    store: GraphStore, path: Path, options: ImportOptions, progress: Progress | None
) -> ImportReport:
    started = time.perf_counter()
    path = Path(path)
    if not path.exists():
        raise ImportRejected([RowError(field="file", file=str(path), message="no such file")])
    _READ_CACHE.clear()
    fmt = options.format or detect_format(path)
    if fmt not in FORMATS:
        raise ImportRejected(
            [
                RowError(
                    field="format",
                    file=str(path),
                    message=f"unknown format {fmt!r}",
                    suggestion="use one of: " + ", ".join(FORMATS),
                )
            ]
        )
    if fmt == "snapshot":
        from ingest.export import build_snapshot, is_history_snapshot, restore_snapshot

        if is_history_snapshot(path):
            return restore_snapshot(store, path, options, progress=progress, started=started)
        builder: Callable[[list[Table], ImportContext, set[RowKey]], Built] = build_snapshot
        tables: list[Table] = []
    else:
        tables = read_tables(path, fmt)
        fatal = _empty_errors(tables, path, fmt)
        for table in tables:
            fatal.extend(table.errors if not options.skip_invalid else [])
        if fatal and not options.skip_invalid:
            raise ImportRejected(sorted(fatal, key=_sort_key))
        builder = _builder(fmt)
    ctx = ImportContext(store, options)
    skip: set[RowKey] = set()
    for table in tables:
        if options.skip_invalid:
            skip.update((e.file, e.sheet, e.row) for e in table.errors if e.row is not None)
    rejected_errors: list[RowError] = (
        [e for t in tables for e in t.errors] if options.skip_invalid else []
    )
    report = ImportReport(file=str(path), format=fmt, dry_run=options.dry_run)
    if progress:
        progress("validating", 0, 1)
    validated: Validated | None = None
    built = Built()
    for _ in range(MAX_PASSES):
        built = builder(tables if fmt != "snapshot" else [Table(str(path), "", [], [])], ctx, skip)
        drafts = list(built.drafts)
        if options.source is not None:
            drafts.append(_source_draft(options))
        validated = validate(drafts, ctx, plan=options.dry_run or options.skip_invalid)
        reported = {(e.file, e.sheet, e.row, e.field) for e in built.errors}
        errors = built.errors + [
            e for e in validated.errors if (e.file, e.sheet, e.row, e.field) not in reported
        ]
        if not errors:
            break
        # Computed once: per error it made a file with thousands of errors quadratic.
        known = _row_keys(built, drafts)
        fatal = [e for e in errors if e.row is None or (e.file, e.sheet, e.row) not in known]
        if not options.skip_invalid or fatal:
            raise ImportRejected(sorted(errors, key=_sort_key))
        new = {(e.file, e.sheet, e.row) for e in errors if e.row is not None} - skip
        rejected_errors.extend(errors)
        if not new:
            raise ImportRejected(sorted(errors, key=_sort_key))
        skip |= new
    assert validated is not None
    if progress:
        progress("validating", 1, 1)
    report.rows = built.rows
    report.warnings = built.warnings + [w for t in tables for w in t.warnings]
    report.review = built.review
    report.matches = built.resolved
    report.new_records = _new_records(validated.records, ctx)
    report.errors = sorted(_dedupe(rejected_errors), key=_sort_key)
    report.rejected = len(skip)
    report.records = len(validated.records)
    if options.dry_run or not validated.records:
        plan = validated.plan or WriteReport()
        report.change_counter = store.change_counter()
    else:
        if progress:
            progress("writing", 0, len(validated.records))
        try:
            # At the importer's clearance, as the dry-run plan above was made:
            # their masked citations are kept and nothing above them is touched.
            plan = store.write(
                WriteBatch.of(validated.records),
                actor=options.actor,
                clearance=Sensitivity(options.viewer.clearance),
            )
        except InvalidRecords as e:  # the store's planner found what only it can see
            raise ImportRejected(
                sorted(
                    (locate(err, validated.draft_of.get(err.record)) for err in e.errors),
                    key=_sort_key,
                )
            ) from e
        report.change_counter = plan.change_counter
        if progress:
            progress("writing", len(validated.records), len(validated.records))
    report.created, report.updated = plan.created, plan.updated
    report.unchanged, report.closed = plan.unchanged, plan.closed
    if skip and tables:
        report.reject_file = str(write_rejects(path, tables, skip, options.report_dir))
    elif skip and fmt == "snapshot":
        report.reject_file = str(write_snapshot_rejects(path, skip, options.report_dir))
    report.seconds = time.perf_counter() - started
    return report


def _new_records(records: list[m.AnyRecord], ctx: ImportContext) -> list[NewRecord]:
    """The records not in the store before this write (read before it, so a dry run
    lists the same ids a real import creates)."""
    ctx.preload([r.id for r in records])
    return [
        NewRecord(
            r.id,
            r.kind if isinstance(r, m.NodeBase) else r.type,
            r.name if isinstance(r, m.NodeBase) else f"{r.source_id} → {r.target_id}",
        )
        for r in records
        if ctx.existing(r.id) is None
    ]


def _row_keys(built: Built, drafts: list[Draft]) -> set[tuple[str, str, int]]:
    keys = {r.key for d in drafts for r in d.rows}
    keys.update((e.file, e.sheet, e.row) for e in built.errors if e.row is not None)
    return keys


def _dedupe(errors: list[RowError]) -> list[RowError]:
    seen: set[RowError] = set()
    out = []
    for e in errors:
        if e not in seen:
            seen.add(e)
            out.append(e)
    return out


def _source_draft(options: ImportOptions) -> Draft:
    spec = options.source
    assert spec is not None
    data: dict[str, Any] = {
        "kind": "Source",
        "id": spec.id,
        "name": spec.name,
        "source_kind": spec.source_kind.value,
        "reliability": spec.reliability.value,
        "credibility": spec.credibility.value,
    }
    if spec.locator:
        data["locator"] = spec.locator
    if options.sensitivity is not None:
        data["sensitivity"] = options.sensitivity.value
    return Draft(data=data, rows=[], policy="replace")


# --------------------------------------------------------------------------- reject files


def reject_path(path: Path, report_dir: Path | None, suffix: str) -> Path:
    folder = report_dir or (path.parent if not path.is_dir() else path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    stem = path.stem if not path.is_dir() else path.name
    return folder / f"{stem}.rejects{suffix}"


def write_rejects(
    path: Path, tables: list[Table], skip: set[RowKey], report_dir: Path | None
) -> Path:
    """Copy rejected rows, unchanged, with the header lines they need, beside the report."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import Workbook

        out = reject_path(path, report_dir, ".xlsx")
        wb = Workbook()
        first = wb.active
        assert first is not None
        wb.remove(first)
        for table in tables:
            rows = [r for r in table.rows if r.key in skip]
            if not rows:
                continue
            ws = wb.create_sheet(table.sheet[:31] or "rejects")
            for cells in table.preamble_cells:
                ws.append(list(cells))
            for row in rows:
                ws.append(list(row.raw_cells))
        if not wb.worksheets:
            wb.create_sheet("rejects")
        wb.save(out)
        return out
    if path.is_dir():
        folder = reject_path(path, report_dir, "")
        folder.mkdir(parents=True, exist_ok=True)
        for table in tables:
            rows = [r for r in table.rows if r.key in skip]
            if rows:
                _write_csv_rejects(folder / Path(table.file).name, table, rows)
        return folder
    out = reject_path(path, report_dir, path.suffix or ".csv")
    table = tables[0]
    _write_csv_rejects(out, table, [r for r in table.rows if r.key in skip])
    return out


def _write_csv_rejects(out: Path, table: Table, rows: list[Row]) -> None:
    text = "".join(table.preamble) + "".join(_ensure_newline(r.raw) for r in rows)
    encoding = table.encoding if table.encoding != "utf-16" else "utf-16"
    with out.open("w", encoding=encoding, newline="") as fh:
        fh.write(text)


def _ensure_newline(raw: str) -> str:
    return raw if raw.endswith(("\n", "\r")) else raw + "\n"


def write_snapshot_rejects(path: Path, skip: set[RowKey], report_dir: Path | None) -> Path:
    out = reject_path(path, report_dir, ".jsonl")
    numbers = {k[2] for k in skip}
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    with out.open("w", encoding="utf-8") as fh:
        for number, line in enumerate(lines, start=1):
            if number in numbers:
                fh.write(_ensure_newline(line))
    return out


__all__ = [
    "FORMATS",
    "Built",
    "Draft",
    "ImportContext",
    "ImportOptions",
    "ImportReport",
    "NewRecord",
    "Resolved",
    "ReviewItem",
    "SourceSpec",
    "detect_format",
    "make_id",
    "run_import",
    "validate",
]
