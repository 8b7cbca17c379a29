"""One snapshot reader: the demo loader and `actorgraph import` read a file the same way.

There were two readers, decoding differently: the import read UTF-8 with or
without BOM and UTF-16 (`rows.decode`), the loader only UTF-8, so a snapshot
saved as UTF-16 by a Windows editor imported but did not load. FICTIONAL data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ImportRejected
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from ingest.snapshot import load_snapshot, read_lines, read_snapshot
from tests.ingest.helpers import contents, load

LINES = (
    "// FICTIONAL\n"
    '{"id": "act_snap", "kind": "ArmedActor", "name": "Fictional Front", '
    '"actor_kind": "non_state_armed_group", "structure": "unknown"}\n'
    '{"id": "act_snap2", "kind": "ArmedActor", "name": "Fictional Brigade", '
    '"actor_kind": "non_state_armed_group", "structure": "unknown"}\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_loader_reads_what_the_import_reads_in_every_encoding(
    store: GraphStore, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "snap.jsonl"
    path.write_text(LINES, encoding=encoding)
    records = read_snapshot(path)
    assert [r.id for r in records] == ["act_snap", "act_snap2"]
    report = load_snapshot(store, path, actor="test")
    assert report.created == 2
    loaded = contents(store)
    assert load(store, path).unchanged == 2  # the import sees the same records
    assert contents(store) == loaded
    node = store.get("act_snap", viewer=SYSTEM)
    assert node is not None and node.name == "Fictional Front"  # type: ignore[union-attr]


def test_loader_names_the_line_of_a_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(LINES + '{"id": "act_bad", "kind": "ArmedActor"}\n{oops\n', "utf-16")
    with pytest.raises(ImportRejected) as caught:
        read_snapshot(path)
    assert sorted({e.row for e in caught.value.errors}) == [4, 5]
    lines, problems = read_lines(path)
    assert [line.number for line in lines] == [2, 3, 4]
    assert [p.row for p in problems] == [5]
