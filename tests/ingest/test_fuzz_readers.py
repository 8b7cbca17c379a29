"""Fuzzing every importer's reader: hostile bytes give a message, never a traceback.

For each format (template CSV, template XLSX, history/plain JSONL snapshot, HXL,
ACLED, UCDP) Hypothesis builds files from the FICTIONAL fixtures and breaks them:
random bytes, other encodings, stray quotes and delimiters, control characters,
truncation at any byte, rows repeated many times. Whatever comes in, the import
either succeeds or raises an `ActorGraphError` whose message names the problem;
any other exception fails the test. When it is refused, an export taken before
equals one taken after: nothing was written. Both stores.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import ActorGraphError
from graph.store import GraphStore
from ingest.pipeline import ImportOptions, run_import
from tests.ingest.helpers import ACLED, HXL, TEMPLATE_CSV, TEMPLATE_XLSX, UCDP, contents

# Modest: the machine is shared (2 cores) and each example is a whole import.
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]
NASTY = [
    '"',
    '""',
    ",",
    ";",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9d",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "Ã©",
    "â€™",
    "=1+1",
    "#org",
    "{",
    "}",
    "[]",
    "ü" * 3,
]


def _text_of(path: Path, lines: int = 6) -> str:
    return "".join(path.read_text(encoding="utf-8-sig").splitlines(keepends=True)[:lines])


@st.composite
def mangled_text(draw: st.DrawFn, base: str) -> bytes:
    """The fixture's first lines, broken in several ways, then encoded somehow."""
    how = draw(st.sampled_from(["bytes", "insert", "truncate", "repeat", "encode"]))
    if how == "bytes":
        return draw(st.binary(min_size=0, max_size=2000))
    text = base
    if how in ("insert", "repeat"):
        for _ in range(draw(st.integers(1, 12))):
            at = draw(st.integers(0, len(text)))
            piece = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)))
            text = text[:at] + piece + text[at:]
    if how == "repeat":
        head, _, rest = text.partition("\n")
        text = head + "\n" + rest * draw(st.integers(2, 60))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def mangled_xlsx(draw: st.DrawFn) -> bytes:
    """The filled template workbook truncated, byte-flipped or with one part replaced."""
    data = TEMPLATE_XLSX.read_bytes()
    how = draw(st.sampled_from(["truncate", "flip", "part", "bytes"]))
    if how == "bytes":
        return draw(st.binary(min_size=0, max_size=3000))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            at = draw(st.integers(0, len(out) - 1))
            out[at] = draw(st.integers(0, 255))
        return bytes(out)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        victim = draw(st.sampled_from(names))
        junk = draw(st.one_of(st.binary(max_size=300), st.just(b"<worksheet><sheetData>")))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as dst:
            for name in names:
                dst.writestr(name, junk if name == victim else src.read(name))
    return buffer.getvalue()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
SNAPSHOT_LINE = (
    '{"id": "act_fuzz", "kind": "ArmedActor", "name": "Fictional Front", '
    '"actor_kind": "non_state_armed_group"}\n'
)


@st.composite
def mangled_jsonl(draw: st.DrawFn) -> bytes:
    """Snapshot lines: JSON of any shape, a real-looking record broken, or raw bytes."""
    how = draw(st.sampled_from(["json", "record", "bytes", "hostile"]))
    if how == "hostile":  # what `json` itself chokes on: depth and digit limits
        size = draw(st.integers(1, 60_000))
        shape = draw(st.sampled_from(["[{}]", '{{"a": {}}}', '{{"n": 1{}}}']))
        inner = "0" * size if "n" in shape else "[" * size + "]" * size
        return (shape.format(inner) + "\n").encode()
    if how == "bytes":
        return draw(st.binary(max_size=1500))
    if how == "json":
        import json

        lines = draw(st.lists(json_values, min_size=0, max_size=6))
        return "".join(json.dumps(v) + "\n" for v in lines).encode()
    return draw(mangled_text(SNAPSHOT_LINE + '{"_revision": {"version": 1}, "id": "x"}\n'))


def _fuzz(store: GraphStore, tmp: Path, name: str, fmt: str) -> Callable[[bytes], None]:
    """Import `data` as file `name`; return the check Hypothesis calls per example."""
    path = tmp / name

    def check(data: bytes) -> None:
        before = contents(store)
        path.write_bytes(data)
        try:
            run_import(store, path, ImportOptions(format=fmt, actor="fuzz"))
        except ActorGraphError as e:
            assert str(e).strip(), "an error without a message"
            assert contents(store) == before, "a refused import changed the store"

    return check


TEXT_CASES = [
    ("ArmedActor.csv", "template", _text_of(TEMPLATE_CSV / "ArmedActor.csv")),
    ("hxl_3w.csv", "hxl", _text_of(HXL)),
    ("acled.csv", "acled", _text_of(ACLED)),
    ("ucdp.csv", "ucdp", _text_of(UCDP)),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "fmt", "base"), TEXT_CASES, ids=[c[1] for c in TEXT_CASES])
def test_csv_readers_never_raise_anything_but_our_errors(
    store: GraphStore, tmp_path: Path, name: str, fmt: str, base: str
) -> None:
    check = _fuzz(store, tmp_path, name, fmt)

    @FUZZ
    @given(data=mangled_text(base))
    def run(data: bytes) -> None:
        check(data)

    run()


BINARY_CASES = [
    ("template.xlsx", "template", mangled_xlsx()),
    ("snapshot.jsonl", "snapshot", mangled_jsonl()),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "fmt", "files"), BINARY_CASES, ids=["xlsx", "jsonl"])
def test_xlsx_and_jsonl_readers_never_raise_anything_but_our_errors(
    store: GraphStore, tmp_path: Path, name: str, fmt: str, files: st.SearchStrategy[bytes]
) -> None:
    check = _fuzz(store, tmp_path, name, fmt)

    @FUZZ
    @given(data=files)
    def run(data: bytes) -> None:
        check(data)

    run()
