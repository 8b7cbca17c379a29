"""A page's view in the URL's query string, so a view can be bookmarked and shared.

The page itself is the URL's path (`/network`, `/paths`: Streamlit's own
navigation); what the reader chose on it (target, centre, date, filters) is the
query string, written by `publish` at the end of each run. When a widget is
first drawn in a visit, `seed` gives it the value from the URL. Entities are
named by id, never by name, and every value is checked against what this
reader may see: a colleague who opens the link sees the view at their own
clearance, and an id they may not see is dropped without a word (a message
would tell them it exists).

Widgets seeded here take their value from `st.session_state` only (no
`default=`/`value=` argument), as Streamlit wants one source per widget.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import TypeVar

import streamlit as st

_T = TypeVar("_T")

Value = str | int | float | bool | date | Sequence[str] | None


def present(name: str) -> bool:
    """Whether the URL names `name` at all (an empty value counts: "cleared")."""
    return name in st.query_params


def text(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value else None


def texts(name: str, allowed: Collection[str]) -> list[str] | None:
    """The allowed values listed under `name` (repeated or comma-separated); None if absent."""
    if not present(name):
        return None
    raw = [part for each in st.query_params.get_all(name) for part in each.split(",") if part]
    found = list(dict.fromkeys(part for part in raw if part in allowed))
    # Nothing usable in a non-empty value (an old or mistyped link): the page's default.
    return None if raw and not found else found


def parsed(name: str, parse: Callable[[str], _T], ok: Callable[[_T], bool]) -> _T | None:
    """The value under `name` when it parses and passes `ok`; None otherwise (ignored, not fatal:
    a hand-edited or outdated link still opens the page)."""
    raw = text(name)
    if raw is None:
        return None
    try:
        value = parse(raw)
    except ValueError:
        return None
    return value if ok(value) else None


def day(name: str, low: date | None = None, high: date | None = None) -> date | None:
    return parsed(
        name,
        date.fromisoformat,
        lambda d: (low is None or d >= low) and (high is None or d <= high),
    )


def number(name: str, low: float, high: float) -> float | None:
    return parsed(name, float, lambda x: low <= x <= high)


def whole(name: str, low: int, high: int) -> int | None:
    return parsed(name, int, lambda x: low <= x <= high)


def flag(name: str) -> bool | None:
    return parsed(name, _flag, lambda _: True)


def _flag(raw: str) -> bool:
    if raw in ("0", "1"):
        return raw == "1"
    raise ValueError(raw)


def seed(key: str, from_url: _T | None, default: _T) -> None:
    """Give widget `key` its first value in this visit: the URL's when valid, else `default`."""
    if key not in st.session_state:
        st.session_state[key] = default if from_url is None else from_url


def _encoded(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:g}"
    return ",".join(value)


def publish(values: Mapping[str, Value]) -> None:
    """Make the query string exactly this page's view (None: left out; empty list: kept empty)."""
    wanted = {name: v for name, v in ((n, _encoded(x)) for n, x in values.items()) if v is not None}
    current = {name: st.query_params.get(name, "") for name in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
