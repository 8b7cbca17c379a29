"""Tables as a reader expects them: no literal "None", lists as text, wide text given room.

`st.dataframe` shows a missing value as a grey "None" and a list as "[...]";
in an analyst's table an unknown is an empty cell and a list is comma-separated.
Columns whose text is long get a wide column so the words show without a
click; the rest keep Streamlit's fit-to-content width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from graph.schema import SCHEMA

WIDE_TEXT = 40  # characters: longer text in a column gets a large column


def cell(value: object) -> object:
    """One value as a reader reads it (numbers and text as they are)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(cell(v)) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {cell(v)}" for k, v in value.items())
    return value


def heading(column: str) -> str:
    """A column named after a record field (`valid_from`) gets the field's title ("Valid from").

    Columns a view already names in words ("what changed") are left as they are.
    """
    return SCHEMA.field_title(column) if "_" in column else column


def readable(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every cell as a reader reads it, under its heading.

    A column of numbers with gaps (a score where some engager has no path) is
    shown as text: blank beside numbers is not a column type the grid knows,
    so it would guess, log a conversion failure and might draw the gap as None.
    """
    clean = [{heading(column): cell(value) for column, value in row.items()} for row in rows]
    for column in {c for row in clean for c in row}:
        values = [row[column] for row in clean if column in row]
        numbers = [v for v in values if isinstance(v, int | float)]
        if numbers and len(numbers) < len(values) and all(v == "" or v in numbers for v in values):
            for row in clean:
                if isinstance(row.get(column), int | float):
                    row[column] = f"{row[column]:g}"
    return clean


@dataclass(frozen=True)
class Prepared:
    """Rows made readable and the column widths they need: what `show` draws.
    A page can remember one per projection (Overview's lists run to tens of
    thousands of rows at M) instead of converting every cell on every run."""

    rows: list[dict[str, Any]]
    config: dict[str, Any]


def prepare(rows: Sequence[Mapping[str, Any]]) -> Prepared:
    clean = readable(rows)
    longest: dict[str, int] = {}
    for row in clean:
        for column, value in row.items():
            longest[column] = max(longest.get(column, 0), len(str(value)))
    config: dict[str, Any] = {
        column: st.column_config.Column(width="large")
        for column, length in longest.items()
        if length > WIDE_TEXT
    }
    return Prepared(clean, config)


def show(rows: Sequence[Mapping[str, Any]] | Prepared, *, key: str | None = None) -> None:
    """Show `rows` (dicts with the same keys, or prepared) as a readable table."""
    table = rows if isinstance(rows, Prepared) else prepare(rows)
    st.dataframe(table.rows, hide_index=True, key=key, column_config=table.config)
