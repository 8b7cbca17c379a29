"""The README stays true: every CLI command has help and is documented there."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ui.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    group = typer.main.get_command(app)
    assert group.commands[name].help, f"command {name!r} has no help text"  # type: ignore[attr-defined]
    assert f"actorgraph {name}" in README, f"README does not mention `actorgraph {name}`"


def test_readme_commands_exist_and_ci_runs_the_readme_test_command() -> None:
    for script in re.findall(r"^(scripts/\w[\w-]*)", README, flags=re.MULTILINE):
        path = ROOT / script
        assert path.exists() and os.access(path, os.X_OK), script
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_samples_say_they_are_fictional() -> None:
    """Every sample file says so; a CSV (no comment lines in the template format) says
    it through the README.txt of its template folder."""
    for path in [*(ROOT / "samples").rglob("*"), *(ROOT / "ui" / "demo_data").rglob("*")]:
        if path.is_file() and path.suffix in {".jsonl", ".md", ".csv", ".txt"}:
            said_in = path.with_name("README.txt") if path.suffix == ".csv" else path
            head = said_in.read_text(encoding="utf-8")[:2000].lower()
            assert "fictional" in head, f"{path} does not say its data is fictional"
