"""The team server's HTTP API: the only database client in team mode.

The server holds the store (and, for Neo4j, its password); CLI users hold only
their own password. Why tokens rather than HTTP Basic on every request: a
sign-in is one argon2id verification plus the throttle's read of the sign-in
log, on purpose slow, and one CLI command makes many store calls (a projection
alone reads every kind); with a token the password crosses the wire once per
command and the throttle counts sign-ins, not calls. Tokens are random
(256 bits), kept only as their SHA-256 in this process's memory, and end after
`idle` without a call, on sign-out, or when the server stops.

Every call re-reads the account, so a disabled user or a lowered clearance
takes effect on the next call, and runs on `SecuredStore(store, user)`:
clearance, roles and the view audit apply here, where no client can skip them.
Nothing secret is logged: no password, token, hash or record content; the log
names the method and the user.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph import remote_api as api
from graph.access import SecuredStore
from graph.errors import ActorGraphError, InvalidRecords, NotPermitted, RowError
from graph.signin import Clock, authenticate, utc_now
from graph.store import GraphStore
from graph.users import User

log = logging.getLogger("actorgraph.api")

ENDED = "your session has ended: sign in again"


@dataclass
class _Session:
    user: str
    expires: datetime


class Sessions:
    """Signed-in users by token digest; a token unused for `idle` ends."""

    def __init__(self, idle: timedelta, clock: Clock = utc_now) -> None:
        self.idle = idle
        self.clock = clock
        self._by_digest: dict[str, _Session] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def start(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            self._by_digest = {k: s for k, s in self._by_digest.items() if s.expires > now}
            self._by_digest[self._digest(token)] = _Session(user, now + self.idle)
        return token

    def user_of(self, token: str) -> str:
        """The signed-in user's name (the session is renewed), or `NotPermitted`."""
        with self._lock:
            now = self.clock()
            session = self._by_digest.get(self._digest(token))
            if session is None or session.expires <= now:
                self._by_digest.pop(self._digest(token), None)
                raise NotPermitted(ENDED)
            session.expires = now + self.idle
            return session.user

    def end(self, token: str) -> None:
        with self._lock:
            self._by_digest.pop(self._digest(token), None)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotPermitted("sign in first (POST /api/sign-in)")
    return token.strip()


def _client(request: Request) -> str:
    # The peer address the socket saw (proxy headers are off): the sign-in
    # throttle counts failures per client, and a client must not choose its name.
    return request.client.host if request.client else "unknown"


# The most a request body may hold: a sign-in is small, and anyone may send one;
# a call carries at most one import's batch, from a signed-in user.
SIGN_IN_LIMIT = 64 * 1024
CALL_LIMIT = 512 * 1024 * 1024


async def _json_body(request: Request, limit: int) -> dict[str, Any]:
    """The request's JSON object, read no further than `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InvalidRecords(
                [RowError(field="body", message=f"request larger than {limit} bytes")]
            )
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidRecords([RowError(field="body", message="expected a JSON object")])
    return body


Handler = Callable[[Request], Awaitable[Any]]


def _answers(handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
    """A route that answers JSON, and our errors as JSON naming their class."""

    async def route(request: Request) -> JSONResponse:
        try:
            return JSONResponse(await handler(request))
        except ActorGraphError as e:
            return JSONResponse(api.error_body(e), status_code=api.status_of(e))
        except Exception as e:  # any failure: never a traceback (or data) to the client
            log.error("internal error on %s: %s", request.url.path, type(e).__name__)
            body = {"error": "StoreUnavailable", "message": "the team server failed on this call"}
            return JSONResponse(body, status_code=500)

    return route


def _fill_hidden_hash(store: GraphStore, user: User) -> User:
    """An account saved back with `HIDDEN_HASH` keeps the hash the store holds."""
    if user.password_hash != api.HIDDEN_HASH:
        return user
    stored = store.get_user(user.name)
    if stored is None:
        raise InvalidRecords(
            [RowError(field="password", message=f"a new account {user.name!r} needs a password")]
        )
    return user.model_copy(update={"password_hash": stored.password_hash})


def _checked_args(store: GraphStore, method: str, args: dict[str, Any]) -> None:
    """What a client may not ask for even when the store itself would allow it."""
    if method == "append_audit" and args["event"].action not in api.CLIENT_AUDIT_ACTIONS:
        raise NotPermitted(
            f"the server writes {args['event'].action!r} audit entries itself; a client "
            f"may add only {', '.join(sorted(api.CLIENT_AUDIT_ACTIONS))}"
        )
    if method == "save_user":
        args["user"] = _fill_hidden_hash(store, args["user"])


def make_app(store: GraphStore, *, idle: timedelta, clock: Clock = utc_now) -> Starlette:
    """The API over `store` (already opened and holding accounts)."""
    sessions = Sessions(idle, clock)

    async def health(request: Request) -> Any:  # noqa: ARG001 (Starlette passes it)
        return {"ok": True}

    async def sign_in(request: Request) -> Any:
        body = await _json_body(request, SIGN_IN_LIMIT)
        name, password = str(body.get("name", "")), str(body.get("password", ""))
        client = _client(request)
        user = await run_in_threadpool(
            authenticate, store, name, password, client=client, clock=clock
        )
        log.info("signed in: %s from %s", user.name, client)
        return {
            "token": sessions.start(user.name),
            "user": api.USER.encode(user),
            "idle_seconds": int(idle.total_seconds()),
        }

    async def sign_out(request: Request) -> Any:
        sessions.end(_bearer(request))
        return {"ok": True}

    async def call(request: Request) -> Any:
        name = sessions.user_of(_bearer(request))
        body = await _json_body(request, CALL_LIMIT)
        method = str(body.get("method", ""))
        if method not in api.METHODS:
            raise InvalidRecords(
                [RowError(field="method", message=f"the server offers no {method!r}")]
            )
        raw_args = body.get("args", {})
        if not isinstance(raw_args, dict):
            raise InvalidRecords([RowError(field="args", message="expected a JSON object")])

        def run() -> Any:
            user = store.get_user(name)
            if user is None or user.disabled:
                raise NotPermitted(ENDED)
            args = api.decode_args(method, raw_args)
            _checked_args(store, method, args)
            result = getattr(SecuredStore(store, user), method)(**args)
            return api.encode_result(method, result)

        log.info("%s: %s", name, method)
        return await run_in_threadpool(run)

    return Starlette(
        routes=[
            Route(api.HEALTH_PATH, _answers(health), methods=["GET"]),
            Route(api.SIGN_IN_PATH, _answers(sign_in), methods=["POST"]),
            Route(api.SIGN_OUT_PATH, _answers(sign_out), methods=["POST"]),
            Route(api.CALL_PATH, _answers(call), methods=["POST"]),
        ]
    )
