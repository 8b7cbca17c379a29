"""Team-server sessions: a token ends after its idle time, on sign-out, and is never stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph.errors import NotPermitted
from ui.api_server import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_token_ends_after_its_idle_time_and_each_call_renews_it() -> None:
    clock = Clock()
    sessions = Sessions(timedelta(minutes=15), clock)
    token = sessions.start("field-1")
    clock.now += timedelta(minutes=14)
    assert sessions.user_of(token) == "field-1"  # renewed: 15 more minutes from here
    clock.now += timedelta(minutes=14)
    assert sessions.user_of(token) == "field-1"
    clock.now += timedelta(minutes=15)
    with pytest.raises(NotPermitted, match="session has ended"):
        sessions.user_of(token)


def test_sign_out_ends_the_token_and_tokens_are_kept_only_as_digests() -> None:
    sessions = Sessions(timedelta(minutes=15), Clock())
    token, other = sessions.start("field-1"), sessions.start("ed-1")
    assert token != other and len(token) >= 43  # 256 random bits
    assert token not in repr(vars(sessions))
    sessions.end(token)
    with pytest.raises(NotPermitted):
        sessions.user_of(token)
    assert sessions.user_of(other) == "ed-1"
