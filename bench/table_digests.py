"""Every table of an embedded store after a fixed import, as digests: old code against new.

A change to how the embedded store writes (graph/write_plan.py, row_codec's
rows, embedded_sql's statements) must leave the file's content as it was.
Run this module on the old tree and on the new one and compare the output:

    PYTHONPATH=/tmp/old python -m bench.table_digests M > old.txt
    PYTHONPATH=.        python -m bench.table_digests M > new.txt
    diff old.txt new.txt

It imports the generated graph in the benchmark's batches, then two updating
batches (edits, closes, unchanged repeats, a label change, new records), with
the store's clock and pseudonym key fixed, and prints each table's SHA-256
(rows in rowid order, rowids included), the schema's, the write reports and
the `audit verify` result. Not a benchmark: nothing is timed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from bench.generate import batches, records
from graph import model as m
from graph.sensitivity import Sensitivity
from graph.store import WriteBatch
from graph.stores import embedded_store


@contextmanager
def fixed_clock() -> Iterator[None]:
    """The store's clock one second further on every write, and a fixed key."""
    clock = [datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)]

    def tick(_last_at: str | None) -> datetime:
        clock[0] += timedelta(seconds=1)
        return clock[0]

    with (
        mock.patch("graph.stores.embedded_store.store_time", tick),
        mock.patch("secrets.token_hex", lambda n=32: "ab" * (n or 32)),
    ):
        yield


def _revised(record: m.AnyRecord, **changes: object) -> m.AnyRecord:
    return type(record).model_validate({**record.model_dump(), **changes})


def updates(size: str) -> tuple[WriteBatch, WriteBatch]:
    """Two batches over the generated graph: edits, closes and unchanged
    repeats; then label changes, more edits and new nodes."""
    first: list[m.AnyRecord] = []
    second: list[m.AnyRecord] = []
    for i, r in enumerate(records(size, 0)):
        if i % 7 == 0:
            first.append(_revised(r, notes=f"updated {i}"))
        elif (
            i % 11 == 0
            and isinstance(r, m.RelBase)
            and r.valid_to is None
            and (r.valid_from or "") <= "2025-06"
        ):
            first.append(_revised(r, valid_to="2025-06-01"))
        elif i % 17 == 0:
            first.append(r)  # unchanged
        if i % 13 == 0:
            second.append(_revised(r, sensitivity=Sensitivity.CONFIDENTIAL, notes="second"))
        elif i % 19 == 0 and isinstance(r, m.NodeBase):
            second.append(_revised(r, id=f"{r.id}_new", notes="new"))
    return WriteBatch.of(first), WriteBatch.of(second)


def table_digests(path: Path) -> dict[str, str]:
    """Each table's SHA-256 over its rows in rowid order (rowids included), and
    the schema's (key "schema")."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for (name,) in names.fetchall():
            digest = hashlib.sha256()
            for row in conn.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid'):
                digest.update(repr(row).encode() + b"\n")
            out[name] = digest.hexdigest()
        schema = conn.execute("SELECT group_concat(sql, ';') FROM sqlite_master ORDER BY name")
        out["schema"] = hashlib.sha256(str(schema.fetchone()[0]).encode()).hexdigest()
        return out
    finally:
        conn.close()


def run(size: str, path: Path) -> list[str]:
    """Import `size` into a new store at `path`, update it twice; the lines to compare."""
    lines = []
    with fixed_clock():
        store = embedded_store.EmbeddedStore(path)
        for batch in batches(size, 0):
            store.write(batch, actor="bench")
        for n, batch in enumerate(updates(size), start=1):
            lines.append(f"update {n}: {store.write(batch, actor=f'editor-{n}')}")
        lines.append(f"audit verify: {store.check_audit()}")
    lines += [f"{name} {digest}" for name, digest in table_digests(path).items()]
    return lines


def main(argv: list[str]) -> None:
    size = argv[0] if argv else "S"
    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(run(size, Path(folder) / "digests.db")))


if __name__ == "__main__":
    main(sys.argv[1:])
