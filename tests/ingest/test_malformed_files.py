"""Malformed files that used to crash or import the wrong thing: exit 3, file, row, field.

Each case starts from the FICTIONAL fixtures and breaks them the way real files
break: a stray quote that makes the csv module swallow rows, control characters
pasted into a name, text decoded with the wrong code page before it reached us,
JSON Lines that `json` cannot read (a 5,000-digit number, nesting deeper than
Python's recursion limit), an account name the model refuses. The store is
compared before and after (`assert_rejected`), and GraphML exports stay XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import GraphStore, WriteBatch
from ingest.export import export_store
from tests.ingest.helpers import ACLED, TEMPLATE_CSV, run_cli
from tests.ingest.test_bad_input import _rows, assert_rejected

EXIT_INVALID = 3


def _acled_text(rows: list[list[str]]) -> str:
    """ACLED rows written without any quoting (commas inside cells become `;`)."""
    return "".join(",".join(c.replace(",", ";") for c in row) + "\n" for row in rows)


def _acled_with_quote(tmp: Path, opened: int, closed: int | None) -> Path:
    """A stray `"` at the start of `notes` on line `opened`, and one at its end on `closed`."""
    rows = _rows(ACLED)
    notes = rows[0].index("notes")
    rows[opened - 1][notes] = '"' + rows[opened - 1][notes]
    if closed is not None:
        rows[closed - 1][notes] += '"'
    bad = tmp / "acled_quote.csv"
    bad.write_text(_acled_text(rows), encoding="utf-8")
    return bad


def test_stray_quote_that_swallows_rows_is_reported_with_its_lines(tmp_path: Path) -> None:
    bad = _acled_with_quote(tmp_path, opened=3, closed=5)
    message = assert_rejected(tmp_path, bad, file="acled_quote.csv", row=3, field="notes")
    assert "lines 3 to 5 were read as one row" in message
    assert "closed only on line 5" in message


def test_quote_never_closed_is_reported_with_its_line(tmp_path: Path) -> None:
    last = len(_rows(ACLED))
    bad = _acled_with_quote(tmp_path, opened=last - 2, closed=None)
    message = assert_rejected(tmp_path, bad, file="acled_quote.csv", row=last - 2, field="notes")
    assert "never closed" in message


def test_stray_quote_inside_a_line_names_the_cell_it_starts_in(tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines[1] = lines[1].replace(",Orrin Market,", ',"Orrin Market,', 1)
    bad = tmp_path / "acled_quote.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    message = assert_rejected(tmp_path, bad, file="acled_quote.csv", row=2, field="location")
    assert "quote" in message


def _template_with_name(tmp: Path, name: str) -> Path:
    folder = tmp / "template_bad"
    folder.mkdir()
    text = (TEMPLATE_CSV / "ArmedActor.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace("Kalmoran Armed Forces", name, 1)
    (folder / "ArmedActor.csv").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("character", "code"), [("\x07", "U+0007"), ("\x00", "U+0000"), ("\x1b", "U+001B")]
)
def test_name_with_a_control_character_is_refused(
    tmp_path: Path, character: str, code: str
) -> None:
    bad = _template_with_name(tmp_path, f"Kalmoran{character} Armed Forces")
    message = assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=4, field="name")
    assert code in message


def test_c1_control_character_from_mojibake_is_reported(tmp_path: Path) -> None:
    # "Kalmora’s" whose UTF-8 bytes were once read as Latin-1: "â\x80\x99".  # noqa: RUF003 (look-alike characters are the test)
    garbled = "Kalmora’s Armed Forces".encode().decode("latin-1")  # noqa: RUF001 (look-alike characters are the test)
    bad = _template_with_name(tmp_path, garbled)
    message = assert_rejected(tmp_path, bad, file="ArmedActor.csv", row=4, field="name")
    assert "U+0080" in message
    assert "mis-decoded" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "act_x", "kind": "ArmedActor", "n": ' + "9" * 5000 + "}", "number is too long"),
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"id": "act_x", "kind": "ArmedActor", "name": "Front\\u0007"}', "U+0007"),
    ],
    ids=["huge-number", "deep-nesting", "control-character"],
)
def test_unreadable_json_line_is_reported_not_a_traceback(
    tmp_path: Path, line: str, expected: str
) -> None:
    bad = tmp_path / "snapshot.jsonl"
    bad.write_text("// FICTIONAL\n" + line + "\n", encoding="utf-8")
    field = "name" if expected.startswith("U+") else "json"
    message = assert_rejected(tmp_path, bad, file="snapshot.jsonl", row=2, field=field)
    assert expected in message


def test_invalid_account_name_exits_3_naming_the_field(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tests.ingest.helpers import cli_app

    result = CliRunner().invoke(
        cli_app(),
        [
            "--store",
            f"sqlite:///{tmp_path / 'a.db'}",
            "init",
            "--admin",
            "bad name!",
            "--password-stdin",
        ],
        input="a-long-enough-passphrase\n",
        catch_exceptions=False,
    )
    assert result.exit_code == EXIT_INVALID, result.output
    assert "field 'name'" in result.stderr
    assert "Traceback" not in result.output
    # No account was made: the store still opens without a login.
    assert run_cli(tmp_path / "a.db", "stats", "--json").exit_code == 0


def test_graphml_export_escapes_control_characters_and_stays_xml(
    store: GraphStore, tmp_path: Path
) -> None:
    # A name written before imports refused control characters (or by a form).
    actor = m.ArmedActor(
        id="act_ctl",
        name="Front\x0bof the\x1b Seven\x85Hills",
        actor_kind="non_state_armed_group",
        structure="decentralised",
        notes="line one\nline two\x00",
    )
    store.write(WriteBatch.of([actor]), actor="test")
    out = tmp_path / "graph.graphml"
    export_store(store, SYSTEM, "graphml", out)
    root = ET.parse(out).getroot()  # raises on invalid XML
    texts = [d.text or "" for d in root.iter() if d.tag.endswith("data")]
    assert "Front\\u000bof the\\u001b Seven\\u0085Hills" in texts
    assert "line one\nline two\\u0000" in texts
