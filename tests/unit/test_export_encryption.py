"""ingest.encryption: age files both ways, clear refusals, and old AGX1 exports still open."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyrage import x25519

from graph.errors import InvalidRecords
from ingest.encryption import DecryptionFailed, decrypt, encrypt

PASSPHRASE = "a long shared passphrase"
TEXT = b'{"name": "Front of the Seven Hills"}\n'  # fictional


def _legacy_blob(plaintext: bytes, passphrase: str) -> bytes:
    """An export as the AGX1 format wrote it before age (salt, nonce, AES-GCM body)."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = hashlib.scrypt(
        passphrase.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32
    )
    return b"AGX1" + salt + nonce + AESGCM(key).encrypt(nonce, plaintext, b"AGX1")


def test_an_export_made_before_the_age_format_still_opens() -> None:
    blob = _legacy_blob(TEXT, PASSPHRASE)
    assert decrypt(blob, PASSPHRASE) == TEXT
    with pytest.raises(DecryptionFailed, match="wrong passphrase"):
        decrypt(blob, "not the passphrase at all")


def test_each_kind_of_file_asks_for_the_secret_it_needs() -> None:
    identity = x25519.Identity.generate()
    to_keys = encrypt(TEXT, recipients=[str(identity.to_public())])
    to_passphrase = encrypt(TEXT, PASSPHRASE)
    assert decrypt(to_keys, identities=[identity]) == TEXT
    with pytest.raises(DecryptionFailed, match="give --identity"):
        decrypt(to_keys, PASSPHRASE)
    with pytest.raises(DecryptionFailed, match="encrypted to a passphrase"):
        decrypt(to_passphrase, identities=[identity])


def test_a_changed_byte_fails_cleanly_for_public_key_files() -> None:
    identity = x25519.Identity.generate()
    blob = bytearray(encrypt(TEXT, recipients=[str(identity.to_public())]))
    blob[-5] ^= 0x01
    with pytest.raises(DecryptionFailed, match="altered"):
        decrypt(bytes(blob), identities=[identity])


def test_encrypting_needs_exactly_one_of_passphrase_and_recipients() -> None:
    identity = x25519.Identity.generate()
    with pytest.raises(InvalidRecords, match="not both"):
        encrypt(TEXT, PASSPHRASE, recipients=[str(identity.to_public())])
    with pytest.raises(InvalidRecords, match="not both and not neither"):
        encrypt(TEXT)
