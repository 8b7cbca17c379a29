"""User accounts: a role (what they may do) and a clearance (what they may see).

Passwords are hashed with scrypt (standard library, memory-hard) and a random
salt; the hash string names its parameters so they can be raised later.
There are no default accounts: the first admin is created by
`actorgraph init --admin NAME --password-stdin`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import NotPermitted
from graph.sensitivity import Sensitivity, Viewer

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 12


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
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")
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


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise NotPermitted(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode("utf-8"),
        salt=bytes.fromhex(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(digest) // 2,
    )
    return hmac.compare_digest(candidate.hex(), digest)


def new_password() -> str:
    """A random password for generated accounts (the demo admin)."""
    return secrets.token_urlsafe(18)
