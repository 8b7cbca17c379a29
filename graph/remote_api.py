"""The wire protocol between the CLI and a team's actorgraph server (team mode).

In team mode the server is the only database client: it alone holds the
database URL and password. A CLI user signs in with their own name and
password and gets a short-lived token; every later call names a `GraphStore`
method and its arguments, and the server runs it on `SecuredStore(raw, user)`,
so clearance, roles and the view audit apply on the server, where a client
cannot skip them.

One table, `METHODS`, says which methods travel and how each argument and
result is written as JSON; the client (`graph.stores.remote_store`) and the
server (`ui.api_server`) both read it, so a new store method is one line here
plus its one-line forwarder in the client. Records travel as the JSON the
stores hold (`model_dump(mode="json")`, rebuilt with `SCHEMA.parse_record`).

Password hashes never leave the server: accounts are sent with `HIDDEN_HASH`
in their place, and an account saved back with it keeps its stored hash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from graph import errors
from graph import model as m
from graph.audit import AuditEntry, AuditEvent, Checkpoint
from graph.integrity import AuditCheck, Problem
from graph.schema import SCHEMA, NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.store import AuditLog, ChangedRecord, Revision, WriteBatch, WriteReport, WriteStep
from graph.users import User

SIGN_IN_PATH = "/api/sign-in"
SIGN_OUT_PATH = "/api/sign-out"
CALL_PATH = "/api/call"
HEALTH_PATH = "/api/health"
# What an account carries instead of its password hash when it crosses the wire.
HIDDEN_HASH = "(kept on the server)"
# Audit actions a client may add itself; the server writes sign-in, view,
# write and user entries on its own, so a client cannot forge them (a forged
# successful sign-in would reset an account's lockout).
CLIENT_AUDIT_ACTIONS = frozenset({"export", "merge"})


@dataclass(frozen=True)
class Codec:
    """How one value is written to JSON and read back."""

    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _optional(codec: Codec) -> Codec:
    return Codec(
        lambda v: None if v is None else codec.encode(v),
        lambda v: None if v is None else codec.decode(v),
    )


def _listed(codec: Codec) -> Codec:
    return Codec(lambda vs: [codec.encode(v) for v in vs], lambda vs: [codec.decode(v) for v in vs])


def _record_json(record: m.AnyRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _user_out(user: User) -> dict[str, Any]:
    return user.model_dump(mode="json") | {"password_hash": HIDDEN_HASH}


def _event_in(data: dict[str, Any]) -> AuditEvent:
    # The client's time is not taken: the server's clock stamps the entry.
    return AuditEvent(actor=str(data["actor"]), action=str(data["action"]), details=data["details"])


def _event_out(event: AuditEvent) -> dict[str, Any]:
    details = json.loads(event.details_json) if event.details_json else event.details
    return {"actor": event.actor, "action": event.action, "details": details}


PLAIN = Codec(lambda v: v, lambda v: v)
TEXTS = Codec(list, lambda v: [str(x) for x in v])
# Only the clearance travels: the server's SecuredStore names the viewer after the user.
VIEWER = Codec(
    lambda v: v.clearance.value, lambda v: Viewer(name="remote", clearance=Sensitivity(v))
)
DAY = _optional(Codec(date.isoformat, date.fromisoformat))
LABEL = _optional(Codec(lambda v: v.value, Sensitivity))
KIND = _optional(Codec(lambda v: v.value, NodeKind))
KINDS = _optional(_listed(KIND))
REL_TYPE = _optional(Codec(lambda v: v.value, RelType))
RECORD = Codec(_record_json, SCHEMA.parse_record)
RECORDS = _listed(RECORD)
BATCH = Codec(
    lambda b: [_record_json(r) for r in [*b.nodes, *b.relationships]],
    lambda v: WriteBatch.of(SCHEMA.parse_record(r) for r in v),
)
PAIRS = Codec(
    lambda ps: [[_record_json(r), _record_json(n)] for r, n in ps],
    lambda ps: [(SCHEMA.parse_record(r), SCHEMA.parse_record(n)) for r, n in ps],
)
SPLIT = Codec(
    lambda t: [RECORDS.encode(t[0]), RECORDS.encode(t[1])],
    lambda t: (RECORDS.decode(t[0]), RECORDS.decode(t[1])),
)
REPORT = Codec(WriteReport.as_dict, lambda d: WriteReport(**d))
REVISIONS = _listed(
    Codec(
        lambda r: asdict(r) | {"record": _record_json(r.record)},
        lambda d: Revision(**(d | {"record": SCHEMA.parse_record(d["record"])})),
    )
)
CHANGES = _optional(_listed(Codec(asdict, lambda d: ChangedRecord(**d))))
ENTRY = Codec(asdict, lambda d: AuditEntry(**d))
ENTRIES = _listed(ENTRY)
LOG = Codec(
    lambda log: {"entries": ENTRIES.encode(log.entries), "head": [log.head_seq, log.head_hash]},
    lambda d: AuditLog(ENTRIES.decode(d["entries"]), d["head"][0], d["head"][1]),
)
EVENT = Codec(_event_out, _event_in)
USER = Codec(_user_out, lambda d: User(**d))
# An account a client saves: a new hash made on the client (the password never
# travels), or `HIDDEN_HASH` for "keep the stored one".
SAVED_USER = Codec(lambda u: u.model_dump(mode="json"), lambda d: User(**d))
USERS = _listed(USER)
CHECKPOINT = Codec(Checkpoint.as_dict, lambda d: Checkpoint(**d))
AUDIT_CHECK = Codec(
    lambda c: {
        "problems": [asdict(p) for p in c.problems],
        "entries": c.entries,
        "records": c.records,
        "versions": c.versions,
        "accounts": c.accounts,
        "head": c.head.as_dict() if c.head else None,
    },
    lambda d: AuditCheck(
        problems=[Problem(**p) for p in d["problems"]],
        entries=d["entries"],
        records=d["records"],
        versions=d["versions"],
        accounts=d["accounts"],
        head=Checkpoint(**d["head"]) if d["head"] else None,
    ),
)
KEYS = Codec(lambda ks: [[i, v] for i, v in ks], lambda ks: [(str(i), int(v)) for i, v in ks])


def _step_in(d: dict[str, Any]) -> WriteStep:
    """A step as the server takes it: no actor (the server's SecuredStore writes
    under the signed-in user), and only an entry a client may add itself."""
    audit = _event_in(d["audit"]) if d.get("audit") else None
    if audit is not None and audit.action not in CLIENT_AUDIT_ACTIONS:
        raise errors.NotPermitted(f"a client may not add {audit.action!r} audit entries")
    return WriteStep(BATCH.decode(d["batch"]), "", LABEL.decode(d.get("clearance")), audit)


STEPS = _listed(
    Codec(
        lambda st: {
            "batch": BATCH.encode(st.batch),
            "clearance": LABEL.encode(st.clearance),
            "audit": _event_out(st.audit) if st.audit else None,
        },
        _step_in,
    )
)


@dataclass(frozen=True)
class Method:
    """A store method that travels: its keyword arguments and its result."""

    args: dict[str, Codec]
    result: Codec
    listed: bool = False  # the store returns an iterator: the server sends it as a list


_READ = {"viewer": VIEWER, "as_of": DAY}

METHODS: dict[str, Method] = {
    "ensure_schema": Method({}, PLAIN),
    "write": Method({"batch": BATCH, "clearance": LABEL}, REPORT),
    "write_steps": Method({"steps": STEPS}, _listed(REPORT)),
    "get": Method({"record_id": PLAIN, **_READ}, _optional(RECORD)),
    "iter_nodes": Method({"kind": KIND, **_READ}, RECORDS, listed=True),
    "iter_relationships": Method({"rel_type": REL_TYPE, **_READ}, RECORDS, listed=True),
    "changes_since": Method({"counter": PLAIN, "viewer": VIEWER}, CHANGES),
    "relationships_touching": Method({"node_ids": TEXTS, "viewer": VIEWER}, TEXTS),
    "get_many": Method({"node_ids": TEXTS, "relationship_ids": TEXTS, **_READ}, SPLIT),
    "neighbours": Method({"node_id": PLAIN, **_READ}, PAIRS),
    "search": Method({"text": PLAIN, "viewer": VIEWER, "kinds": KINDS, "limit": PLAIN}, RECORDS),
    "counts": Method(_READ, PLAIN),
    "hides_records_from": Method({"viewer": VIEWER}, PLAIN),
    "history": Method({"record_id": PLAIN, "viewer": VIEWER}, REVISIONS),
    "change_counter": Method({}, PLAIN),
    "append_audit": Method({"event": EVENT}, ENTRY),
    "audit_log": Method({}, LOG),
    "audit_entries": Method({"action": PLAIN}, ENTRIES),
    "audit_head": Method({}, CHECKPOINT),
    "check_audit": Method({"against": _optional(CHECKPOINT)}, AUDIT_CHECK),
    "audit_shown": Method({"records": RECORDS, "how": PLAIN}, PLAIN),
    "versions": Method({"keys": KEYS, "viewer": VIEWER}, REVISIONS),
    "histories": Method({"record_ids": TEXTS, "viewer": VIEWER}, REVISIONS),
    "geometries": Method({"ids": _optional(TEXTS), "viewer": VIEWER}, PLAIN),
    "save_user": Method({"user": SAVED_USER}, PLAIN),
    "get_user": Method({"name": PLAIN}, _optional(USER)),
    "list_users": Method({}, USERS),
}


# --------------------------------------------------------------------------- errors

# The exceptions a server may name in an error answer; anything else becomes
# StoreUnavailable on the client, so an answer can never make it raise an
# arbitrary class.
_ERRORS: dict[str, type[errors.ActorGraphError]] = {
    cls.__name__: cls
    for cls in (
        errors.ActorGraphError,
        errors.SchemaError,
        errors.InvalidRecords,
        errors.ImportRejected,
        errors.StoreUnavailable,
        errors.StoreBusy,
        errors.DuplicateId,
        errors.NotPermitted,
        errors.NotFound,
    )
}

_STATUS: list[tuple[type[errors.ActorGraphError], int]] = [
    (errors.InvalidRecords, 422),
    (errors.StoreUnavailable, 503),
    (errors.NotPermitted, 403),
    (errors.NotFound, 404),
]


def status_of(error: errors.ActorGraphError) -> int:
    """The HTTP status an error answer carries (the body names the exact class)."""
    return next((code for cls, code in _STATUS if isinstance(error, cls)), 400)


def error_body(error: errors.ActorGraphError) -> dict[str, Any]:
    """An error as JSON: its class (nearest we know), message and row problems."""
    name = next(c.__name__ for c in type(error).__mro__ if c.__name__ in _ERRORS)
    body: dict[str, Any] = {"error": name, "message": str(error)}
    if isinstance(error, errors.InvalidRecords):
        body["errors"] = [asdict(e) for e in error.errors]
    return body


def error_from(body: Any, status: int) -> errors.ActorGraphError:
    """The exception an error answer names, rebuilt (row problems included)."""
    if not isinstance(body, dict) or body.get("error") not in _ERRORS:
        return errors.StoreUnavailable(f"the team server answered HTTP {status} without an error")
    cls = _ERRORS[body["error"]]
    if issubclass(cls, errors.InvalidRecords):
        return cls([errors.RowError(**e) for e in body.get("errors", [])])
    return cls(str(body.get("message", "")))


def encode_args(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    spec = METHODS[name]
    return {k: spec.args[k].encode(v) for k, v in kwargs.items()}


def decode_args(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments read back; an unknown argument is refused, not ignored."""
    spec = METHODS[name]
    unknown = sorted(set(raw) - set(spec.args))
    if unknown:
        raise errors.InvalidRecords(
            [errors.RowError(field=k, message=f"{name} takes no argument {k!r}") for k in unknown]
        )
    return {k: spec.args[k].decode(v) for k, v in raw.items()}


def encode_result(name: str, value: Any) -> Any:
    spec = METHODS[name]
    if spec.listed:
        value = list(value)
    return spec.result.encode(value)


def decode_result(name: str, value: Any) -> Any:
    decoded = METHODS[name].result.decode(value)
    return iter(decoded) if METHODS[name].listed else decoded
