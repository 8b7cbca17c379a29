"""Accounts enforced below the UI: a store that acts as one authenticated user.

`SecuredStore` wraps any `GraphStore`. Reads are capped at the user's
clearance (asking for more raises `NotPermitted` rather than silently
returning less, so a bug in a caller is loud); writes need the editor or
admin role and are recorded under the user's name whatever the caller says;
views of strictly confidential records are appended to the audit log; the
audit log and accounts are for admins only.

A store with no accounts at all is "owner mode" (one analyst's own file):
`open_as` then returns the plain store and the caller warns the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date

from graph import model as m
from graph.audit import AuditEntry, AuditEvent, Checkpoint, withhold_above
from graph.errors import NotPermitted
from graph.integrity import AuditCheck, redact
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.signin import authenticate as authenticate
from graph.store import (
    AuditLog,
    ChangedRecord,
    GraphStore,
    Revision,
    WriteBatch,
    WriteReport,
    WriteStep,
)
from graph.users import User, check_account_change

SC = Sensitivity.STRICTLY_CONFIDENTIAL


class SecuredStore:
    """A `GraphStore` that acts as one authenticated user."""

    def __init__(self, store: GraphStore, user: User) -> None:
        self.inner = store
        self.user = user
        self.url = getattr(store, "url", repr(store))

    def __repr__(self) -> str:
        return f"SecuredStore({self.inner!r}, user={self.user.name!r})"

    def _cap(self, viewer: Viewer) -> Viewer:
        if viewer.clearance.rank > self.user.clearance.rank:
            raise NotPermitted(
                f"user {self.user.name!r} is cleared to {self.user.clearance.value}, "
                f"not {viewer.clearance.value}"
            )
        return Viewer(name=self.user.name, clearance=viewer.clearance)

    def _audit_views(self, records: Iterable[m.AnyRecord], how: str) -> None:
        secret = sorted({r.id for r in records if r.sensitivity is SC})
        if secret:
            self.inner.append_audit(
                AuditEvent(
                    actor=self.user.name, action="view", details={"how": how, "records": secret}
                )
            )

    def audit_shown(self, records: Iterable[m.AnyRecord], how: str) -> None:
        """Record that an output built from the projection showed `records`.

        Reads through the projection (`iter_nodes`, `get_many`) are not audited
        one by one: a projection build would log every strictly confidential
        record whether or not anyone looks at it. So the page, the listing or
        the download that shows records says so here, once, naming the strictly
        confidential ones among them (`how` says which output it was).
        """
        self._audit_views(records, how)

    # ------------------------------------------------------------------ GraphStore

    def ensure_schema(self) -> None:
        self.inner.ensure_schema()

    def write(
        self,
        batch: WriteBatch,
        *,
        actor: str = "",  # noqa: ARG002 (the store protocol; the signed-in user is the actor)
        clearance: Sensitivity | None = None,
    ) -> WriteReport:
        """Write as the user: their name, and their clearance as the ceiling (a caller's
        `clearance` may only lower it)."""
        if clearance is not None and clearance.rank < self.user.clearance.rank:
            self.user.require_write()
            return self.inner.write(batch, actor=self.user.name, clearance=clearance)
        self.user.require_write()
        return self.inner.write(batch, actor=self.user.name, clearance=self.user.clearance)

    def write_steps(self, steps: Sequence[WriteStep]) -> list[WriteReport]:
        """`write`'s rules for every step (the user's name, their clearance as the
        ceiling), all in the inner store's one transaction."""
        self.user.require_write()
        ceiling = self.user.clearance
        return self.inner.write_steps(
            [
                replace(
                    step,
                    actor=self.user.name,
                    clearance=step.clearance
                    if step.clearance is not None and step.clearance.rank < ceiling.rank
                    else ceiling,
                    audit=None if step.audit is None else replace(step.audit, actor=self.user.name),
                )
                for step in steps
            ]
        )

    def get(
        self, record_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> m.AnyRecord | None:
        record = self.inner.get(record_id, viewer=self._cap(viewer), as_of=as_of)
        if record is not None:
            self._audit_views([record], "get")
        return record

    def iter_nodes(
        self, kind: NodeKind | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyNode]:
        return self.inner.iter_nodes(kind, viewer=self._cap(viewer), as_of=as_of)

    def iter_relationships(
        self, rel_type: RelType | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyRelationship]:
        return self.inner.iter_relationships(rel_type, viewer=self._cap(viewer), as_of=as_of)

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        return self.inner.changes_since(counter, viewer=self._cap(viewer))

    def relationships_touching(self, node_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
        return self.inner.relationships_touching(node_ids, viewer=self._cap(viewer))

    def get_many(
        self,
        node_ids: Sequence[str],
        relationship_ids: Sequence[str],
        *,
        viewer: Viewer,
        as_of: date | None = None,
    ) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
        # Like iter_nodes: the projection's reads, capped at the user's clearance.
        return self.inner.get_many(
            node_ids, relationship_ids, viewer=self._cap(viewer), as_of=as_of
        )

    def neighbours(
        self, node_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> list[tuple[m.AnyRelationship, m.AnyNode]]:
        found = self.inner.neighbours(node_id, viewer=self._cap(viewer), as_of=as_of)
        self._audit_views([x for pair in found for x in pair], "neighbours")
        return found

    def search(
        self, text: str, *, viewer: Viewer, kinds: Sequence[NodeKind] | None = None, limit: int = 50
    ) -> list[m.AnyNode]:
        found = self.inner.search(text, viewer=self._cap(viewer), kinds=kinds, limit=limit)
        self._audit_views(found, "search")
        return found

    def counts(self, *, viewer: Viewer, as_of: date | None = None) -> dict[str, int]:
        return self.inner.counts(viewer=self._cap(viewer), as_of=as_of)

    def geometries(self, ids: Sequence[str] | None = None, *, viewer: Viewer) -> dict[str, str]:
        return self.inner.geometries(ids, viewer=self._cap(viewer))

    def hides_records_from(self, *, viewer: Viewer) -> bool:
        return self.inner.hides_records_from(viewer=self._cap(viewer))

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]:
        revisions = self.inner.history(record_id, viewer=self._cap(viewer))
        self._audit_views([r.record for r in revisions], "history")
        return revisions

    def histories(self, record_ids: Sequence[str], *, viewer: Viewer) -> list[Revision]:
        revisions = self.inner.histories(record_ids, viewer=self._cap(viewer))
        self._audit_views([r.record for r in revisions], "history")
        return revisions

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        found = self.inner.versions(keys, viewer=self._cap(viewer))
        self._audit_views([r.record for r in found], "versions")
        return found

    def change_counter(self) -> int:
        return self.inner.change_counter()

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        return self.inner.append_audit(
            AuditEvent(actor=self.user.name, action=event.action, details=event.details)
        )

    def audit_log(self) -> AuditLog:
        """The log as this admin may read it: entries about records above their
        clearance keep their place in the chain but not their content."""
        self.user.require_admin()
        log = self.inner.audit_log()
        labels: dict[str, Sensitivity] = {}

        def source_label(source_id: str) -> Sensitivity:
            # A source no longer found is treated as the highest label.
            if source_id not in labels:
                found = self.inner.get(source_id, viewer=SYSTEM)
                labels[source_id] = found.sensitivity if found is not None else SC
            return labels[source_id]

        entries = withhold_above(log.entries, self.user.clearance, source_label)
        return replace(log, entries=entries)

    def audit_entries(self, action: str) -> list[AuditEntry]:
        return [e for e in self.audit_log().entries if e.action == action]

    def audit_head(self) -> Checkpoint:
        return self.inner.audit_head()

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        """Admins only; a problem with a record above their clearance is reported
        without naming the record."""
        self.user.require_admin()
        return redact(self.inner.check_audit(against), self.user.clearance)

    def save_user(self, user: User, *, actor: str = "") -> None:  # noqa: ARG002 (as write)
        check_account_change(self.user, user, self.inner.list_users())
        self.inner.save_user(user, actor=self.user.name)

    def get_user(self, name: str) -> User | None:
        if name != self.user.name:
            self.user.require_admin()
        return self.inner.get_user(name)

    def list_users(self) -> list[User]:
        self.user.require_admin()
        return self.inner.list_users()

    def close(self) -> None:
        self.inner.close()


def audit_shown(store: GraphStore, records: Iterable[m.AnyRecord], how: str) -> None:
    """One `view` audit entry naming the strictly confidential `records` an output shows.

    Only a store acting as a user audits views (`SecuredStore`, or a team
    server's `RemoteStore`, which has the server do it); a store without
    accounts (one analyst's own file, "owner mode") has no one to name, as for
    `show`.
    """
    shown = getattr(store, "audit_shown", None)
    if callable(shown):
        shown(records, how)
