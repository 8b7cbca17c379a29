"""`actorgraph NAME …` converts only command NAME (issue 13, start-up).

typer builds a click command from every registered function before it runs
one; `ui.cli.main` hands it a table holding only the command asked for. What a
user sees must not change: each command's help, its run, its usage errors, and
click's suggestions for a mistyped name.
"""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from ui import cli


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["search", "x"], "search"),
        (["--store", "sqlite:///a.db", "show", "act_1"], "show"),
        (["--store=sqlite:///a.db", "--clearance", "public", "stats"], "stats"),
        (["--tls-ca", "ca.pem", "user", "list"], "user"),
        (["--help"], None),
        (["--store", "sqlite:///a.db"], None),
        ([], None),
    ],
)
def test_the_command_asked_for_is_the_first_word_after_the_global_options(
    argv: list[str], expected: str | None
) -> None:
    assert cli.command_asked(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "--help"],
        ["show", "--help"],
        ["import", "--help"],
        ["user", "--help"],
        ["audit", "verify", "--help"],
        ["paths", "--help"],
        ["list", "--type", "Planet"],  # a usage error, exit 2
        ["schema"],
    ],
)
def test_a_lean_table_answers_exactly_as_the_whole_table(argv: list[str]) -> None:
    runner = CliRunner()
    lean = cli.lean_app(argv[0])
    assert lean is not None
    whole = runner.invoke(cli.app, argv)
    alone = runner.invoke(lean, argv)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert len(lean.registered_commands) + len(lean.registered_groups) == 1


def test_an_unknown_name_gets_the_whole_table_and_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.lean_app("serch") is None
    monkeypatch.setattr(sys, "argv", ["actorgraph", "serch", "x"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 2
    assert "Did you mean 'search'" in capsys.readouterr().err
