"""Passphrase encryption for exports that travel on a USB stick or by email.

AES-256-GCM (authenticated: a changed byte or a wrong passphrase fails
cleanly, never yields garbage) with a key derived by scrypt from the
passphrase and a random salt. File layout: the magic ``AGX1``, 16 bytes of
salt, 12 bytes of nonce, then the ciphertext with its tag.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph.errors import ActorGraphError

MAGIC = b"AGX1"
_N, _R, _P = 2**15, 8, 1
MIN_PASSPHRASE = 12


class DecryptionFailed(ActorGraphError):
    """Wrong passphrase, or the file was changed or truncated."""


def _key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32
    )


def encrypt(plaintext: bytes, passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ActorGraphError(f"use a passphrase of at least {MIN_PASSPHRASE} characters")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    return MAGIC + salt + nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, plaintext, MAGIC)


def decrypt(blob: bytes, passphrase: str) -> bytes:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 28 + 16:
        raise DecryptionFailed("not an actorgraph encrypted export")
    salt, nonce, body = blob[4:20], blob[20:32], blob[32:]
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, body, MAGIC)
    except InvalidTag as e:
        raise DecryptionFailed("wrong passphrase, or the file was altered") from e


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC
