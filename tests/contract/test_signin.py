"""Sign-in on both stores: same work for every name, throttling kept in the store,
audited failures and lockouts, hashes upgraded on sign-in."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from graph import users
from graph.errors import NotPermitted
from graph.sensitivity import Sensitivity
from graph.signin import SignInLocked, Throttle, authenticate
from graph.store import GraphStore
from graph.stores.embedded_store import EmbeddedStore
from graph.users import DEFAULT_COST, HashCost, Role, User, hash_password
from tests.conftest import reopen

PASSWORD = "correct horse battery"
START = datetime(2031, 5, 4, 9, 0, tzinfo=UTC)
POLICY = Throttle(account_limit=3, client_limit=5, first_lock=timedelta(minutes=1))


class Clock:
    """A clock the test moves by hand: no sleeps."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every stored hash a password is checked against, in order."""
    seen: list[str] = []
    real = users.verify_password

    def counting(password: str, stored: str) -> bool:
        seen.append(stored)
        return real(password, stored)

    monkeypatch.setattr(users, "verify_password", counting)
    return seen


def add(store: GraphStore, name: str, password_hash: str | None = None, **kw: object) -> User:
    user = User(
        name=name,
        role=Role.ANALYST,
        clearance=Sensitivity.RESTRICTED,
        password_hash=password_hash or hash_password(PASSWORD),
        **kw,  # type: ignore[arg-type]
    )
    store.save_user(user, actor="setup")
    return user


def sign_in(store: GraphStore, clock: Clock, name: str, password: str, client: str = "c1") -> User:
    return authenticate(store, name, password, client=client, clock=clock, policy=POLICY)


def sign_in_events(store: GraphStore) -> list[dict[str, object]]:
    return [e.as_dict()["details"] for e in store.audit_log().entries if e.action == "sign-in"]


def test_unknown_disabled_and_known_names_cost_one_verification_each(
    store: GraphStore, clock: Clock, verifications: list[str]
) -> None:
    ada = add(store, "ada")
    add(store, "gone", disabled=True)
    for name, password in (("ada", PASSWORD), ("ada", "wrong password!"), ("nobody", PASSWORD)):
        before = len(verifications)
        try:
            sign_in(store, clock, name, password)
        except NotPermitted as e:
            assert str(e) == "unknown user, wrong password or disabled account"
        assert len(verifications) == before + 1, name
    before = len(verifications)
    with pytest.raises(NotPermitted, match="unknown user, wrong password or disabled"):
        sign_in(store, clock, "gone", PASSWORD)
    assert len(verifications) == before + 1
    # The unknown name was checked against a real argon2id hash of the same cost.
    assert verifications[2] == users.dummy_hash(DEFAULT_COST) != ada.password_hash
    assert verifications[2].split("$")[3] == ada.password_hash.split("$")[3]


def test_failures_lock_the_account_until_a_stated_time_then_it_opens_again(
    store: GraphStore, clock: Clock, verifications: list[str]
) -> None:
    add(store, "ada")
    for _ in range(POLICY.account_limit - 1):
        with pytest.raises(NotPermitted) as caught:
            sign_in(store, clock, "ada", "wrong password!")
        assert not isinstance(caught.value, SignInLocked)
        clock.advance(seconds=5)
    with pytest.raises(SignInLocked, match="locked until 2031-05-04 09:01:10 UTC"):
        sign_in(store, clock, "ada", "wrong password!")
    checked = len(verifications)
    clock.advance(seconds=59)
    with pytest.raises(SignInLocked, match="this account"):
        sign_in(store, clock, "ada", PASSWORD)  # even the right password waits
    assert len(verifications) == checked  # and is not even checked
    clock.advance(seconds=2)
    assert sign_in(store, clock, "ada", PASSWORD).name == "ada"
    outcomes = [(e["account"], e["outcome"]) for e in sign_in_events(store)]
    assert outcomes == [("ada", "failed")] * 3 + [("ada", "locked"), ("ada", "ok")]
    locked = sign_in_events(store)[3]
    assert locked["until"] == "2031-05-04T09:01:10+00:00" and locked["client"] == "c1"


def test_each_failure_past_the_limit_doubles_the_lock(store: GraphStore, clock: Clock) -> None:
    add(store, "ada")
    for _ in range(POLICY.account_limit - 1):
        with pytest.raises(NotPermitted):
            sign_in(store, clock, "ada", "wrong password!")
    with pytest.raises(SignInLocked) as first:
        sign_in(store, clock, "ada", "wrong password!")
    assert first.value.until == START + timedelta(minutes=1)
    clock.advance(minutes=1, seconds=1)
    with pytest.raises(SignInLocked) as second:
        sign_in(store, clock, "ada", "wrong password!")
    assert second.value.until == clock.now + timedelta(minutes=2)


def test_failures_older_than_the_window_are_forgotten(store: GraphStore, clock: Clock) -> None:
    add(store, "ada")
    for _ in range(POLICY.account_limit - 1):
        with pytest.raises(NotPermitted):
            sign_in(store, clock, "ada", "wrong password!")
    clock.advance(minutes=16)
    with pytest.raises(NotPermitted) as caught:
        sign_in(store, clock, "ada", "wrong password!")
    assert not isinstance(caught.value, SignInLocked)


def test_look_alike_spellings_and_unknown_names_are_throttled_alike(
    store: GraphStore, clock: Clock
) -> None:
    add(store, "ada")
    for name in ("ADA", "Ada", "аda"):  # noqa: RUF001, RUF003 # the last: a Cyrillic а
        with pytest.raises(NotPermitted):
            sign_in(store, clock, name, "wrong password!", client=f"from-{name}")
    with pytest.raises(SignInLocked, match="this account"):
        sign_in(store, clock, "ada", PASSWORD, client="elsewhere")
    for _ in range(POLICY.account_limit):
        with pytest.raises(NotPermitted) as caught:
            sign_in(store, clock, "nobody", "wrong password!", client="c9")
    assert isinstance(caught.value, SignInLocked) and "this account" in str(caught.value)


def guess_until_the_client_locks(
    store: GraphStore, clock: Clock, guesses: int, client: str
) -> None:
    """Wrong guesses at unknown names from `client`: all refused, only the last locks it."""
    for i in range(guesses):
        with pytest.raises(NotPermitted) as caught:
            sign_in(store, clock, f"guess-{i}", "wrong password!", client=client)
        assert isinstance(caught.value, SignInLocked) == (i == guesses - 1)
    assert "this client" in str(caught.value)


def test_one_client_failing_across_many_names_is_locked_but_others_are_not(
    store: GraphStore, clock: Clock
) -> None:
    add(store, "ada")
    guess_until_the_client_locks(store, clock, POLICY.client_limit, client="10.0.0.9")
    with pytest.raises(SignInLocked, match="this client"):
        sign_in(store, clock, "ada", PASSWORD, client="10.0.0.9")
    assert sign_in(store, clock, "ada", PASSWORD, client="10.0.0.7").name == "ada"


def test_the_lock_lives_in_the_store_not_in_the_process(store: GraphStore, clock: Clock) -> None:
    add(store, "ada")
    for _ in range(POLICY.account_limit):
        with pytest.raises(NotPermitted):
            sign_in(store, clock, "ada", "wrong password!")
    # Another process opens the same store: a fresh store object, nothing shared in memory.
    other: GraphStore = reopen(store) if isinstance(store, EmbeddedStore) else store
    with pytest.raises(SignInLocked):
        sign_in(other, clock, "ada", PASSWORD)


HashMaker = Callable[[str], str]


def _legacy_scrypt(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def _cheap_argon2(password: str) -> str:
    return hash_password(password, HashCost(time_cost=1, memory_kib=8 * 1024, parallelism=1))


@pytest.mark.parametrize("make_hash", [_legacy_scrypt, _cheap_argon2], ids=["scrypt", "cheap"])
def test_a_successful_sign_in_upgrades_an_old_hash_to_the_configured_argon2id(
    store: GraphStore, clock: Clock, make_hash: HashMaker
) -> None:
    old = make_hash(PASSWORD)
    add(store, "ada", password_hash=old)
    with pytest.raises(NotPermitted):
        sign_in(store, clock, "ada", "wrong password!")
    assert store.get_user("ada").password_hash == old  # type: ignore[union-attr]
    sign_in(store, clock, "ada", PASSWORD)
    upgraded = store.get_user("ada").password_hash  # type: ignore[union-attr]
    assert upgraded.startswith("$argon2id$") and not users.needs_rehash(upgraded)
    assert users.verify_password(PASSWORD, upgraded)
    sign_in(store, clock, "ada", PASSWORD)
    assert store.get_user("ada").password_hash == upgraded  # type: ignore[union-attr]


def test_a_success_does_not_clear_the_clients_count_of_failures(
    store: GraphStore, clock: Clock
) -> None:
    add(store, "mallory")
    with pytest.raises(NotPermitted):
        sign_in(store, clock, "mallory", "wrong password!", client="10.0.0.9")
    sign_in(store, clock, "mallory", PASSWORD, client="10.0.0.9")  # ends mallory's own run
    guess_until_the_client_locks(store, clock, POLICY.client_limit - 1, client="10.0.0.9")
