"""Partial dates: `2021`, `2021-03` or `2021-03-14`.

Sources rarely give a day: "the brigade switched sides in spring 2021". We keep
what the source said and derive the widest honest bounds: a partial start
begins on the first day of its period, a partial end ends on the last day of
its period (intervals are closed, both ends included).

>>> lower_bound("2021-03")
datetime.date(2021, 3, 1)
>>> upper_bound("2021-02")
datetime.date(2021, 2, 28)
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

DATE_HINT = "use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021, 2021-03 or 2021-03-14"


@functools.lru_cache(maxsize=65536)
def parse_partial(text: str) -> tuple[int, int | None, int | None]:
    """Split a partial date into (year, month, day), raising ValueError if malformed.

    Cached: a graph holds a few thousand distinct dates on a hundred thousand
    records, and every projection build and validity check parses them.
    """
    m = _PARTIAL.match(text.strip())
    if not m:
        raise ValueError(f"malformed date {text!r}: {DATE_HINT}")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"malformed date {text!r}: month {month} does not exist")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"malformed date {text!r}: day {day} does not exist in that month")
    if year < 1800:
        raise ValueError(f"malformed date {text!r}: year {year} is implausible")
    return year, month, day


@functools.lru_cache(maxsize=65536)
def lower_bound(text: str) -> date:
    """First day the partial date can mean."""
    year, month, day = parse_partial(text)
    return date(year, month or 1, day or 1)


@functools.lru_cache(maxsize=65536)
def upper_bound(text: str) -> date:
    """Last day the partial date can mean."""
    year, month, day = parse_partial(text)
    if month is None:
        return date(year, 12, 31)
    if day is None:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def normalise_partial(value: object) -> str:
    """Accept a `date`, or a string in one of the partial forms; return the string form."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        parse_partial(value)
        return value.strip()
    raise ValueError(f"malformed date {value!r}: {DATE_HINT}")
