"""The import context: options, and what the store already holds as the importer may see it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from graph import model as m
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore
from ingest.drafts import make_id
from ingest.identity import rejected_spellings
from ingest.resolve import Resolver, match_key


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
        if self._loaded_all:
            return  # everything the viewer may see is held already
        missing = list(dict.fromkeys(i for i in ids if i not in self._records))
        if not missing:
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
