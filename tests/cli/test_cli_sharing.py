"""Audience exports through the CLI: manifest, encryption round trip, clean failures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.cli.test_cli import write_fixture
from ui.cli import app


def test_encrypted_audience_export_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert (
        runner.invoke(
            app, ["--store", url, "import", str(write_fixture(tmp_path / "f.jsonl"))]
        ).exit_code
        == 0
    )
    out = tmp_path / "mission.enc"
    env = {"ACTORGRAPH_EXPORT_PASSPHRASE": "a long shared passphrase"}
    result = runner.invoke(
        app,
        [
            "--store",
            url,
            "export",
            "--audience",
            "un_mission",
            "--out",
            str(out),
            "--encrypt",
            "--json",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encrypted"] and report["withheld_by_kind"]["Engagement"] == 1
    assert b"Seven Hills" not in out.read_bytes()

    plain = tmp_path / "mission.jsonl"
    result = runner.invoke(app, ["decrypt", str(out), "--out", str(plain)], env=env)
    assert result.exit_code == 0, result.stderr
    assert "Front of the Seven Hills" in plain.read_text(encoding="utf-8")

    result = runner.invoke(
        app,
        ["decrypt", str(out), "--out", str(tmp_path / "x")],
        env={"ACTORGRAPH_EXPORT_PASSPHRASE": "the wrong passphrase"},
    )
    assert result.exit_code == 1 and "wrong passphrase" in result.stderr
    assert not (tmp_path / "x").exists()

    result = runner.invoke(
        app, ["--store", url, "export", "--audience", "donors", "--out", str(tmp_path / "d.jsonl")]
    )
    assert result.exit_code == 6 and "no audience 'donors'" in result.stderr
