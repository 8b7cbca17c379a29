"""Password hashing and account names: pure rules, no store."""

from __future__ import annotations

import hashlib
import secrets

import pytest

from graph.errors import InvalidRecords, NotPermitted
from graph.sensitivity import Sensitivity
from graph.users import (
    DEFAULT_COST,
    MIN_PASSWORD_LENGTH,
    HashCost,
    Role,
    fold_name,
    hash_password,
    make_user,
    needs_rehash,
    verify_password,
)

PASSWORD = "correct horse battery"


def legacy_scrypt(password: str) -> str:
    """A hash as actorgraph wrote them before argon2id."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def test_two_hashes_of_one_password_differ_by_their_random_salt_and_both_verify() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]  # the salt field
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)


def test_hashes_are_argon2id_with_the_configured_cost() -> None:
    assert hash_password(PASSWORD).startswith(
        f"$argon2id$v=19$m={DEFAULT_COST.memory_kib},t={DEFAULT_COST.time_cost},"
        f"p={DEFAULT_COST.parallelism}$"
    )
    assert DEFAULT_COST.memory_kib >= 19 * 1024 and DEFAULT_COST.time_cost >= 2  # OWASP floor
    cheaper = HashCost(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    hashed = hash_password(PASSWORD, cheaper)
    assert hashed.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert verify_password(PASSWORD, hashed)
    assert needs_rehash(hashed) and not needs_rehash(hashed, cheaper)
    assert not needs_rehash(hash_password(PASSWORD))


def test_legacy_scrypt_hashes_still_verify_and_ask_to_be_upgraded() -> None:
    old = legacy_scrypt(PASSWORD)
    assert verify_password(PASSWORD, old)
    assert not verify_password("another password", old)
    assert needs_rehash(old)
    assert not verify_password(PASSWORD, "scrypt$garbage")


def test_passwords_shorter_than_the_minimum_or_only_spaces_are_refused() -> None:
    assert MIN_PASSWORD_LENGTH == 12
    with pytest.raises(NotPermitted, match="at least 12 characters"):
        hash_password("x" * 11)
    assert verify_password("x" * 12, hash_password("x" * 12))
    with pytest.raises(NotPermitted, match="only spaces"):
        hash_password(" " * 12)
    with pytest.raises(NotPermitted, match="at least 12"):
        hash_password("   short    ")  # twelve characters, five of them a password


@pytest.mark.parametrize("name", ["Admin", "ADMIN", "аdmin", "Ádmin", "ａｄｍｉｎ"])  # noqa: RUF001 (look-alikes on purpose)
def test_look_alike_names_fold_to_one(name: str) -> None:
    assert name != "admin" and fold_name(name) == "admin"


def test_distinct_names_stay_distinct() -> None:
    assert fold_name("admin2") != fold_name("admin")
    assert fold_name("field-1") != fold_name("field-2")


@pytest.mark.parametrize("bad", ["two words", "", "semi;colon", "x" * 101])
def test_an_invalid_account_name_is_an_error_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidRecords) as caught:
        make_user(bad, Role.VIEWER, Sensitivity.PUBLIC, "-")
    (problem,) = caught.value.errors
    assert problem.field == "name" and "letters, digits" in problem.suggestion
