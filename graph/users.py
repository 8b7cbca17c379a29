"""User accounts: a role (what they may do) and a clearance (what they may see).

Passwords are hashed with argon2id (`argon2-cffi`, the KDF OWASP recommends)
with a random salt; the hash string names its parameters, so a hash made with
an older cost is recognised and upgraded at the next successful sign-in
(`needs_rehash`). Hashes from before argon2id (scrypt, standard library) still
verify and are upgraded the same way.

Account names are compared folded (case, diacritics and confusable letters),
so "admin", "Admin" and "аdmin" (with a Cyrillic а) cannot be three accounts
that look like one on a screen.

There are no default accounts: the first admin is created by
`actorgraph init --admin NAME --password-stdin`.
"""  # noqa: RUF002 (a Cyrillic look-alike, on purpose)

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.audit import AuditEvent, version_hash
from graph.errors import InvalidRecords, NotPermitted, RowError
from graph.sensitivity import Sensitivity, Viewer

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# argon2 and anyascii are imported where a password is hashed or a name folded:
# every store module imports this one for `User`, and a command that reads an
# analyst's own file (no accounts) should not pay for them (issue 13).

# Counted after stripping surrounding whitespace: twelve spaces are no password.
MIN_PASSWORD_LENGTH = 12
NAME_PATTERN = r"^[\w.@-]+$"


@dataclass(frozen=True)
class HashCost:
    """argon2id parameters. The default is OWASP's (19 MiB, 2 passes, 1 lane):
    it keeps a sign-in near 30 ms on a field laptop while making each guess
    cost an attacker the same memory."""

    time_cost: int = 2
    memory_kib: int = 19 * 1024
    parallelism: int = 1


DEFAULT_COST = HashCost()


class Role(StrEnum):
    """viewer reads; analyst reads and runs analyses; editor also writes; admin manages users."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def may_write(self) -> bool:
        return self in (Role.EDITOR, Role.ADMIN)


class User(BaseModel):
    # Built on first use: most commands read a store without accounts (issue 13).
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )

    name: str = Field(min_length=1, max_length=100, pattern=NAME_PATTERN)
    role: Role
    clearance: Sensitivity
    password_hash: str
    disabled: bool = False

    def viewer(self) -> Viewer:
        return Viewer(name=self.name, clearance=self.clearance)

    def require_write(self) -> None:
        if not self.role.may_write:
            raise NotPermitted(f"user {self.name!r} ({self.role.value}) may not change data")

    def require_admin(self) -> None:
        if self.role is not Role.ADMIN:
            raise NotPermitted(f"user {self.name!r} is not an admin")


def make_user(
    name: str, role: Role, clearance: Sensitivity, password_hash: str, *, disabled: bool = False
) -> User:
    """A `User`, or `InvalidRecords` naming the field (not a pydantic traceback)."""
    try:
        return User(
            name=name,
            role=role,
            clearance=clearance,
            password_hash=password_hash,
            disabled=disabled,
        )
    except ValidationError as e:
        problems = [
            RowError(
                field=".".join(str(p) for p in err["loc"]) or "name",
                message=err["msg"],
                record=name[:100],
                suggestion="account names are 1-100 letters, digits, '.', '@', '-' or '_'",
            )
            for err in e.errors()
        ]
        raise InvalidRecords(problems) from None


def user_event(user: User, data: str, *, actor: str) -> AuditEvent:
    """An account change, audited without the password hash but committing, by
    SHA-256, to the account exactly as stored (`data`), hash included: an
    account edited in the file no longer matches its last entry."""
    details = user.model_dump(mode="json", exclude={"password_hash"})
    details["sha256"] = version_hash(data)
    return AuditEvent(actor=actor, action="user", details=details)


def check_account_change(actor: User, new: User, existing: list[User]) -> None:
    """What an admin may do to accounts: a role never reaches above clearance.

    - only an admin manages accounts;
    - no one grants a clearance above their own, or touches an account cleared
      above their own (else a restricted admin could make, or take over, a
      strictly confidential account and read through it);
    - no one changes their own role or clearance (a password change is fine);
    - no name that folds to an existing other account's ("Admin", "аdmin");
    - the last enabled admin cannot be disabled or demoted (nobody could manage
      accounts afterwards).
    """  # noqa: RUF002 (a Cyrillic look-alike, on purpose)
    actor.require_admin()
    if new.clearance.rank > actor.clearance.rank:
        raise NotPermitted(
            f"you are cleared to {actor.clearance.value}: you may not grant "
            f"{new.clearance.value} to {new.name!r}"
        )
    old = next((u for u in existing if u.name == new.name), None)
    if old is not None and old.clearance.rank > actor.clearance.rank:
        raise NotPermitted(
            f"account {new.name!r} is cleared above your clearance "
            f"({actor.clearance.value}): only an admin cleared as high may change it"
        )
    if new.name == actor.name and (new.role, new.clearance) != (actor.role, actor.clearance):
        raise NotPermitted("no one changes their own role or clearance: ask another admin")
    twin = look_alike(new.name, existing)
    if twin is not None:
        raise NotPermitted(
            f"account name {new.name!r} looks like the existing account {twin.name!r} "
            "(same letters once case, accents and look-alike characters are folded): "
            "choose a distinct name"
        )
    if old is not None and is_active_admin(old) and not is_active_admin(new):
        others = [u for u in existing if u.name != old.name and is_active_admin(u)]
        if not others:
            raise NotPermitted(
                f"{old.name!r} is the last active admin: make another admin first, "
                "or nobody could manage accounts"
            )


def is_active_admin(user: User) -> bool:
    return user.role is Role.ADMIN and not user.disabled


def fold_name(name: str) -> str:
    """The form two account names are compared in: NFKC, transliterated to ASCII
    (which maps Cyrillic and Greek look-alikes and strips diacritics), casefolded."""
    from anyascii import anyascii

    return anyascii(unicodedata.normalize("NFKC", name)).casefold()


def look_alike(name: str, existing: list[User]) -> User | None:
    """An existing account, other than `name` itself, whose name folds to the same text."""
    folded = fold_name(name)
    return next((u for u in existing if u.name != name and fold_name(u.name) == folded), None)


def check_new_password(password: str) -> None:
    """Refuse passwords that are only whitespace or shorter than the minimum."""
    if not password.strip():
        raise NotPermitted("a password cannot be empty or only spaces")
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise NotPermitted(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


@cache
def _hasher(cost: HashCost) -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def hash_password(password: str, cost: HashCost = DEFAULT_COST) -> str:
    """An argon2id hash with a fresh random salt, after the password rules hold."""
    check_new_password(password)
    return rehash(password, cost)


def rehash(password: str, cost: HashCost = DEFAULT_COST) -> str:
    """A fresh hash of a password that has just verified; no rules, it was accepted once."""
    return _hasher(cost).hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (argon2id, or a legacy scrypt hash)."""
    if stored.startswith("scrypt$"):
        return _check_scrypt(password, stored)
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher(DEFAULT_COST).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, cost: HashCost = DEFAULT_COST) -> bool:
    """A hash made by another scheme or with other parameters than `cost`."""
    if not stored.startswith("$argon2id$"):
        return True
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher(cost).check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def dummy_hash(cost: HashCost = DEFAULT_COST) -> str:
    """A hash of a random password, verified for unknown names so that they
    cost the same work as known ones (names cannot be told apart by timing)."""
    return _hasher(cost).hash(secrets.token_urlsafe(24))


def _check_scrypt(password: str, stored: str) -> bool:
    """Hashes written before argon2id: `scrypt$N$r$p$salt$digest`."""
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def new_password() -> str:
    """A random password for generated accounts (the demo admin)."""
    return secrets.token_urlsafe(18)
