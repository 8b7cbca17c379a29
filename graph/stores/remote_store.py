"""A store that is a team's actorgraph server, reached over HTTPS (team mode).

`RemoteStore` signs in with the user's own name and password, once, and then
sends each store call (method name + arguments, see `graph.remote_api`) with
the short-lived token it got back. It holds no database password and never
sees a password hash: the server runs every call as that user, so what this
store answers is what `SecuredStore` would answer on the server's machine.

Plain `http://` is accepted only for a loopback address (a server on this
machine, or the tests); to any other host the password would cross the
network in clear, so the store refuses before sending anything.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graph import model as m
from graph import remote_api as api
from graph.audit import AuditEntry, AuditEvent, Checkpoint
from graph.errors import ActorGraphError, NotPermitted, StoreUnavailable
from graph.integrity import AuditCheck
from graph.schema import NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.store import AuditLog, ChangedRecord, Revision, WriteBatch, WriteReport, WriteStep
from graph.users import User

_TIMEOUT = 600.0  # seconds; a large import is one call


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (traffic to it never leaves it)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The server's base URL, or `NotPermitted` for plain HTTP off this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreUnavailable(f"not a team server URL: {url!r} (use https://host:port)")
    if parts.username or parts.password:
        raise NotPermitted(
            "do not put credentials in the server URL: set ACTORGRAPH_USER and "
            "ACTORGRAPH_PASSWORD (or answer the prompt)"
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise NotPermitted(
            f"refusing plain http:// to {parts.hostname}: your password would cross the "
            "network in clear; use https:// (with --tls-ca for the team's own certificate)"
        )
    return url.rstrip("/")


class RemoteStore:
    """A `GraphStore` whose every call runs on the team server as one signed-in user."""

    def __init__(self, url: str, *, user: str, password: str, tls_ca: Path | None = None) -> None:
        self.base = check_url(url)
        self.url = self.base
        self._context: ssl.SSLContext | None = None
        if self.base.startswith("https://"):
            self._context = ssl.create_default_context(
                cafile=str(tls_ca) if tls_ca is not None else None
            )
        elif tls_ca is not None:
            raise NotPermitted("--tls-ca is for an https:// server; this URL is plain http://")
        self._token: str | None = None
        answer = self._post(api.SIGN_IN_PATH, {"name": user, "password": password})
        self._token = str(answer["token"])
        self.user: User = api.USER.decode(answer["user"])

    def __repr__(self) -> str:
        return f"RemoteStore({self.base!r}, user={self.user.name!r})"

    # ------------------------------------------------------------------ transport

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT, context=self._context) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            with e:
                try:
                    payload = json.loads(e.read())
                except ValueError:
                    payload = None
            raise api.error_from(payload, e.code) from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise StoreUnavailable(
                    f"the team server at {self.base} has a certificate this machine does not "
                    f"trust ({reason.verify_message}): give the team's CA with --tls-ca FILE "
                    "(or ACTORGRAPH_TLS_CA)"
                ) from None
            raise StoreUnavailable(f"cannot reach the team server at {self.base}: {reason}") from e
        except (TimeoutError, ConnectionError, ValueError) as e:
            raise StoreUnavailable(f"the team server at {self.base} did not answer: {e}") from e

    def _call(self, method: str, **kwargs: Any) -> Any:
        body = {"method": method, "args": api.encode_args(method, kwargs)}
        return api.decode_result(method, self._post(api.CALL_PATH, body))

    # ------------------------------------------------------------------ GraphStore

    def ensure_schema(self) -> None:
        self._call("ensure_schema")

    def write(
        self,
        batch: WriteBatch,
        *,
        actor: str = "",  # noqa: ARG002 (the store protocol; the server names the actor)
        clearance: Sensitivity | None = None,
    ) -> WriteReport:
        # `actor` is not sent: the server writes under the signed-in user's name.
        report: WriteReport = self._call("write", batch=batch, clearance=clearance)
        return report

    def write_steps(self, steps: Sequence[WriteStep]) -> list[WriteReport]:
        """All steps in one call, so in the server store's one transaction."""
        reports: list[WriteReport] = self._call("write_steps", steps=list(steps))
        return reports

    def get(
        self, record_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> m.AnyRecord | None:
        found: m.AnyRecord | None = self._call(
            "get", record_id=record_id, viewer=viewer, as_of=as_of
        )
        return found

    def iter_nodes(
        self, kind: NodeKind | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyNode]:
        found: Iterator[m.AnyNode] = self._call("iter_nodes", kind=kind, viewer=viewer, as_of=as_of)
        return found

    def iter_relationships(
        self, rel_type: RelType | None = None, *, viewer: Viewer, as_of: date | None = None
    ) -> Iterator[m.AnyRelationship]:
        found: Iterator[m.AnyRelationship] = self._call(
            "iter_relationships", rel_type=rel_type, viewer=viewer, as_of=as_of
        )
        return found

    def changes_since(self, counter: int, *, viewer: Viewer) -> list[ChangedRecord] | None:
        found: list[ChangedRecord] | None = self._call(
            "changes_since", counter=counter, viewer=viewer
        )
        return found

    def relationships_touching(self, node_ids: Sequence[str], *, viewer: Viewer) -> list[str]:
        found: list[str] = self._call("relationships_touching", node_ids=node_ids, viewer=viewer)
        return found

    def get_many(
        self,
        node_ids: Sequence[str],
        relationship_ids: Sequence[str],
        *,
        viewer: Viewer,
        as_of: date | None = None,
    ) -> tuple[list[m.AnyNode], list[m.AnyRelationship]]:
        found: tuple[list[m.AnyNode], list[m.AnyRelationship]] = self._call(
            "get_many",
            node_ids=node_ids,
            relationship_ids=relationship_ids,
            viewer=viewer,
            as_of=as_of,
        )
        return found

    def neighbours(
        self, node_id: str, *, viewer: Viewer, as_of: date | None = None
    ) -> list[tuple[m.AnyRelationship, m.AnyNode]]:
        found: list[tuple[m.AnyRelationship, m.AnyNode]] = self._call(
            "neighbours", node_id=node_id, viewer=viewer, as_of=as_of
        )
        return found

    def search(
        self, text: str, *, viewer: Viewer, kinds: Sequence[NodeKind] | None = None, limit: int = 50
    ) -> list[m.AnyNode]:
        found: list[m.AnyNode] = self._call(
            "search", text=text, viewer=viewer, kinds=kinds, limit=limit
        )
        return found

    def counts(self, *, viewer: Viewer, as_of: date | None = None) -> dict[str, int]:
        found: dict[str, int] = self._call("counts", viewer=viewer, as_of=as_of)
        return found

    def hides_records_from(self, *, viewer: Viewer) -> bool:
        return bool(self._call("hides_records_from", viewer=viewer))

    def history(self, record_id: str, *, viewer: Viewer) -> list[Revision]:
        found: list[Revision] = self._call("history", record_id=record_id, viewer=viewer)
        return found

    def change_counter(self) -> int:
        return int(self._call("change_counter"))

    def append_audit(self, event: AuditEvent) -> AuditEntry:
        entry: AuditEntry = self._call("append_audit", event=event)
        return entry

    def audit_log(self) -> AuditLog:
        log: AuditLog = self._call("audit_log")
        return log

    def audit_entries(self, action: str) -> list[AuditEntry]:
        found: list[AuditEntry] = self._call("audit_entries", action=action)
        return found

    def audit_head(self) -> Checkpoint:
        head: Checkpoint = self._call("audit_head")
        return head

    def check_audit(self, against: Checkpoint | None = None) -> AuditCheck:
        """Checked on the server, against the store it alone can read."""
        result: AuditCheck = self._call("check_audit", against=against)
        return result

    def audit_shown(self, records: Iterable[m.AnyRecord], how: str) -> None:
        """The server audits what this client showed: only the strictly
        confidential records need to travel for that."""
        secret = [r for r in records if r.sensitivity is Sensitivity.STRICTLY_CONFIDENTIAL]
        if secret:
            self._call("audit_shown", records=secret, how=how)

    def geometries(self, ids: Sequence[str] | None = None, *, viewer: Viewer) -> dict[str, str]:
        found: dict[str, str] = self._call("geometries", ids=ids, viewer=viewer)
        return found

    def histories(self, record_ids: Sequence[str], *, viewer: Viewer) -> list[Revision]:
        found: list[Revision] = self._call("histories", record_ids=list(record_ids), viewer=viewer)
        return found

    def versions(self, keys: Sequence[tuple[str, int]], *, viewer: Viewer) -> list[Revision]:
        found: list[Revision] = self._call("versions", keys=list(keys), viewer=viewer)
        return found

    def save_user(self, user: User, *, actor: str = "") -> None:  # noqa: ARG002 (as write)
        self._call("save_user", user=user)

    def get_user(self, name: str) -> User | None:
        found: User | None = self._call("get_user", name=name)
        return found

    def list_users(self) -> list[User]:
        found: list[User] = self._call("list_users")
        return found

    def close(self) -> None:
        """Sign out, so the token stops working at once (best effort: it expires anyway)."""
        if self._token is None:
            return
        # Closing must not fail a command that succeeded: a lost sign-out expires anyway.
        with contextlib.suppress(ActorGraphError):
            self._post(api.SIGN_OUT_PATH, {})
        self._token = None
