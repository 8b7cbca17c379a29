"""Encryption for exports that travel on a USB stick or by email, in the age format.

A partner must be able to open what we send with tools they already trust, not
with actorgraph: so exports are age files (age-encryption.org/v1), written
through `pyrage`, the maintained Python binding of rage. The `age` command
line (Debian/Ubuntu package `age`) and any other age implementation open them:

- to a passphrase: age's scrypt recipient (`age -d FILE` asks for it);
- to one or more public keys (`age1…`, from `age-keygen`): only the holders of
  the matching identities can open it (`age -d -i key.txt FILE`), and no
  passphrase ever has to be shared.

Both are authenticated: a wrong passphrase or key, or a changed byte, fails
cleanly and never yields garbage. Files made by earlier versions (magic
``AGX1``: AES-256-GCM under a scrypt key) still decrypt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from graph.errors import ActorGraphError, InvalidRecords, RowError

AGE_MAGIC = b"age-encryption.org/v1\n"
LEGACY_MAGIC = b"AGX1"
MIN_PASSPHRASE = 12


class DecryptionFailed(ActorGraphError):
    """Wrong passphrase or identity, or the file was changed or truncated."""


def _bad(field: str, message: str, suggestion: str) -> InvalidRecords:
    return InvalidRecords([RowError(field=field, message=message, suggestion=suggestion)])


def parse_recipients(values: Sequence[str]) -> list[x25519.Recipient]:
    """age X25519 public keys; a malformed one is named (a public key is not a secret)."""
    recipients = []
    for value in values:
        try:
            recipients.append(x25519.Recipient.from_str(value.strip()))
        except pyrage.RecipientError:
            raise _bad(
                "encrypt-to",
                f"{value!r} is not an age public key",
                "give the partner's key as printed by `age-keygen -y` (age1…)",
            ) from None
    return recipients


def read_identities(path: Path) -> list[x25519.Identity]:
    """The identities in an age key file (`age-keygen -o key.txt`); comments skipped."""
    identities = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            # Never echo the line: it may be a (damaged) secret key.
            raise _bad(
                "identity", f"{path}, line {number}: not an age identity", "use age-keygen's file"
            ) from None
    if not identities:
        raise _bad("identity", f"{path} holds no age identity", "use age-keygen's file")
    return identities


def encrypt(
    plaintext: bytes, passphrase: str | None = None, *, recipients: Sequence[str] = ()
) -> bytes:
    """An age file for a passphrase or for public keys (exactly one of the two)."""
    if (passphrase is None) == (not recipients):
        raise _bad(
            "encrypt",
            "encrypt to a passphrase or to public keys, not both and not neither",
            "use --encrypt or --encrypt-to age1…",
        )
    if passphrase is not None:
        if len(passphrase) < MIN_PASSPHRASE:
            raise ActorGraphError(f"use a passphrase of at least {MIN_PASSPHRASE} characters")
        return bytes(age_passphrase.encrypt(plaintext, passphrase))
    return bytes(pyrage.encrypt(plaintext, parse_recipients(recipients)))


def _to_passphrase(blob: bytes) -> bool:
    """Whether an age file's header names the scrypt (passphrase) recipient."""
    header = blob.split(b"\n---", 1)[0]
    return b"\n-> scrypt " in header


def decrypt(
    blob: bytes,
    passphrase: str | None = None,
    *,
    identities: Sequence[x25519.Identity] = (),
) -> bytes:
    """Open an age file (or an older AGX1 one) with its passphrase or identities."""
    if blob.startswith(LEGACY_MAGIC):
        return _decrypt_legacy(blob, passphrase or "")
    if not blob.startswith(AGE_MAGIC):
        raise DecryptionFailed("not an encrypted actorgraph export (no age header)")
    if _to_passphrase(blob):
        if passphrase is None:
            raise DecryptionFailed("this file is encrypted to a passphrase: give the passphrase")
        try:
            return bytes(age_passphrase.decrypt(blob, passphrase))
        except pyrage.DecryptError:
            raise DecryptionFailed("wrong passphrase, or the file was altered") from None
    if not identities:
        raise DecryptionFailed("this file is encrypted to public keys: give --identity KEYFILE")
    try:
        return bytes(pyrage.decrypt(blob, list(identities)))
    except pyrage.DecryptError:
        raise DecryptionFailed(
            "none of the given identities opens this file, or the file was altered"
        ) from None


def _decrypt_legacy(blob: bytes, passphrase: str) -> bytes:
    """Exports written before the age format: AGX1, salt(16), nonce(12), AES-GCM body."""
    if len(blob) < len(LEGACY_MAGIC) + 28 + 16:
        raise DecryptionFailed("not an actorgraph encrypted export")
    salt, nonce, body = blob[4:20], blob[20:32], blob[32:]
    key = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32
    )
    try:
        return AESGCM(key).decrypt(nonce, body, LEGACY_MAGIC)
    except InvalidTag as e:
        raise DecryptionFailed("wrong passphrase, or the file was altered") from e


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(len(AGE_MAGIC))
    return head.startswith((AGE_MAGIC, LEGACY_MAGIC))
