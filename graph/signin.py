"""Sign-in: password check, constant work, throttling and its audit trail.

Three promises, each tested:

- **Same work for every name.** An unknown or disabled account is checked
  against a dummy hash, so a wrong name costs one argon2id verification like
  a wrong password; names cannot be enumerated by timing.
- **Throttled per account and per client.** After `account_limit` failures
  for one account name (folded: "Admin" counts as "admin") or `client_limit`
  failures from one client within `window`, further attempts are refused
  without checking the password until the lock ends; each further failure
  doubles the lock, up to `max_lock`. Unknown names are throttled the same way,
  so a lock says nothing about whether the account exists.
- **Kept in the store and audited.** Failed sign-ins, lockouts and the success
  that clears a run of failures are audit entries (action `sign-in`); the
  throttle state is read back from them, so it holds across processes, app
  sessions and CLI calls, and it sits in the hash chain where it cannot be
  quietly reset. Each entry's time is the sign-in clock's (injectable for tests).

A successful sign-in also upgrades the stored hash when it was made with other
parameters or the legacy scrypt scheme.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from graph import users
from graph.audit import AuditEntry, AuditEvent
from graph.errors import NotPermitted
from graph.store import AccountStore, AuditStore
from graph.users import DEFAULT_COST, HashCost, User

ACTION = "sign-in"
VAGUE = "unknown user, wrong password or disabled account"


class SignInStore(AccountStore, AuditStore, Protocol):
    """What signing in touches: the accounts, and the audit log its throttle reads."""


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Throttle:
    """How many failures lock an account name or a client, and for how long."""

    account_limit: int = 5
    client_limit: int = 20
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=1)
    max_lock: timedelta = timedelta(hours=1)

    def lock_for(self, failures: int, limit: int) -> timedelta:
        """The lock after `failures` (>= limit): doubles with each failure past the limit."""
        doubled: timedelta = self.first_lock * 2 ** min(failures - limit, 20)
        return min(doubled, self.max_lock)


DEFAULT_THROTTLE = Throttle()


class SignInLocked(NotPermitted):
    """Too many failed sign-ins: refused until `until` without checking the password."""

    def __init__(self, what: str, until: datetime) -> None:
        self.until = until
        stamp = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(f"too many failed sign-ins for {what}: locked until {stamp}")


@dataclass(frozen=True)
class _Attempt:
    account: str
    client: str
    outcome: str  # failed, locked, ok
    at: datetime


def _attempts(entries: list[AuditEntry]) -> list[_Attempt]:
    found: list[_Attempt] = []
    for entry in entries:
        d: dict[str, Any] = json.loads(entry.details)
        try:
            at = datetime.fromisoformat(d["at"])
            found.append(_Attempt(d["account"], d["client"], d["outcome"], at))
        except (KeyError, TypeError, ValueError):
            continue  # not ours to interpret: it cannot lock anyone
    return found


def _failures(
    attempts: list[_Attempt], now: datetime, policy: Throttle, *, per_client: bool = False
) -> list[datetime]:
    """The times of the failures within the window; for an account, only those since
    its last success. A client's run is not ended by a success: else someone with
    one account could clear their client's count by signing in to it between
    guesses at other accounts."""
    failures: list[datetime] = []
    for attempt in attempts:
        if attempt.outcome == "ok" and not per_client:
            failures = []
        elif attempt.outcome == "failed" and now - attempt.at <= policy.window:
            failures.append(attempt.at)
    return failures


def _locked_until(
    attempts: list[_Attempt], now: datetime, limit: int, policy: Throttle, *, per_client: bool
) -> datetime | None:
    """When the run of recent failures in `attempts` (one account's or one client's) ends
    its lock, if it is locked now."""
    failures = _failures(attempts, now, policy, per_client=per_client)
    if len(failures) < limit:
        return None
    until = max(failures) + policy.lock_for(len(failures), limit)
    return until if now < until else None


def authenticate(
    store: SignInStore,
    name: str,
    password: str,
    *,
    client: str = "local",
    clock: Clock = utc_now,
    policy: Throttle = DEFAULT_THROTTLE,
    cost: HashCost = DEFAULT_COST,
) -> User:
    """The enabled user with that name and password; one vague error for every failure,
    a "locked until" error while throttled."""
    now = clock()
    account = users.fold_name(name)[:200]
    attempts = _attempts(store.audit_entries(ACTION))
    mine = [a for a in attempts if a.account == account]
    theirs = [a for a in attempts if a.client == client]
    for what, subset, limit, per_client in _runs(mine, theirs, policy):
        until = _locked_until(subset, now, limit, policy, per_client=per_client)
        if until is not None:
            raise SignInLocked(what, until)

    user = store.get_user(name)
    stored = user.password_hash if user is not None else users.dummy_hash(cost)
    matches = users.verify_password(password, stored)
    if user is None or user.disabled or not matches:
        _record(store, name, account, client, "failed", now)
        lock = _new_lock(mine, theirs, now, policy)
        if lock is not None:
            what, until = lock
            _record(store, name, account, client, "locked", now, until=until, what=what)
            raise SignInLocked(what, until)
        raise NotPermitted(VAGUE)

    if _failures(mine, now, policy):  # this success ends the account's run of failures
        _record(store, name, account, client, "ok", now)
    if users.needs_rehash(user.password_hash, cost):
        user = user.model_copy(update={"password_hash": users.rehash(password, cost)})
        store.save_user(user, actor=user.name)
    return user


def _runs(
    mine: list[_Attempt], theirs: list[_Attempt], policy: Throttle
) -> list[tuple[str, list[_Attempt], int, bool]]:
    """The two throttles: the account's attempts and the client's, with their limits."""
    return [
        ("this account", mine, policy.account_limit, False),
        ("this client", theirs, policy.client_limit, True),
    ]


def _new_lock(
    mine: list[_Attempt], theirs: list[_Attempt], now: datetime, policy: Throttle
) -> tuple[str, datetime] | None:
    """The lock this failure starts or extends, if it reaches a limit."""
    failed = _Attempt("", "", "failed", now)
    for what, subset, limit, per_client in _runs(mine, theirs, policy):
        until = _locked_until([*subset, failed], now, limit, policy, per_client=per_client)
        if until is not None:
            return what, until
    return None


def _record(
    store: AuditStore,
    name: str,
    account: str,
    client: str,
    outcome: str,
    now: datetime,
    **extra: Any,
) -> None:
    details: dict[str, Any] = {
        "account": account,
        "client": client,
        "outcome": outcome,
        "at": now.isoformat(),
    }
    details.update({k: v.isoformat() if isinstance(v, datetime) else v for k, v in extra.items()})
    store.append_audit(AuditEvent(actor=name[:100], action=ACTION, details=details))
