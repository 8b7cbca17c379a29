"""Encrypted audience exports a partner opens with standard age tools (FICTIONAL data).

The exports are checked with pyrage and, where Debian's `age` package is
installed, with the `age` command line itself: a partner needs no actorgraph.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest
from pyrage import passphrase as age_passphrase
from pyrage import x25519
from typer.testing import CliRunner

from tests.cli.test_cli import write_fixture
from ui.cli import app

PASSPHRASE = "a long shared passphrase"
RECORD = "Front of the Seven Hills"  # a fictional armed actor in the fixture
needs_age_cli = pytest.mark.skipif(
    shutil.which("age") is None, reason="the Debian `age` package is not installed"
)


def _store(runner: CliRunner, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 's.db'}"
    imported = runner.invoke(
        app, ["--store", url, "import", str(write_fixture(tmp_path / "f.jsonl"))]
    )
    assert imported.exit_code == 0, imported.stderr
    return url


def _export(runner: CliRunner, url: str, out: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app,
        ["--store", url, "export", "--audience", "un_mission", "--out", str(out), "--json", *args],
        env=env,
    )


def _key_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    """An age identity file and its public key, as `age-keygen` writes them."""
    identity = x25519.Identity.generate()
    path = tmp_path / f"{name}.key"
    path.write_text(f"# fictional partner {name}\n{identity}\n", encoding="utf-8")
    return path, str(identity.to_public())


def test_export_to_public_keys_opens_with_each_partners_identity_and_no_other(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _store(runner, tmp_path)
    (key_a, public_a), (key_b, public_b) = _key_file(tmp_path, "a"), _key_file(tmp_path, "b")
    outsider, _ = _key_file(tmp_path, "outsider")
    out = tmp_path / "mission.age"
    result = _export(runner, url, out, "--encrypt-to", public_a, "--encrypt-to", public_b)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encrypted"] and report["recipients"] == [public_a, public_b]

    blob = out.read_bytes()
    assert blob.startswith(b"age-encryption.org/v1\n") and RECORD.encode() not in blob
    for key in (key_a, key_b):
        identity = x25519.Identity.from_str(key.read_text().splitlines()[1])
        assert RECORD in pyrage.decrypt(blob, [identity]).decode("utf-8")
    manifest = Path(f"{out}.manifest.json")
    counts = json.loads(pyrage.decrypt(manifest.read_bytes(), [identity]))
    assert counts["withheld_by_kind"]["Engagement"] == 1  # still counts, still encrypted
    assert b"Engagement" not in manifest.read_bytes()

    plain = tmp_path / "plain.jsonl"
    opened = runner.invoke(
        app, ["decrypt", str(out), "--identity", str(key_a), "--out", str(plain)]
    )
    assert opened.exit_code == 0, opened.stderr
    assert RECORD in plain.read_text(encoding="utf-8")
    refused = runner.invoke(
        app, ["decrypt", str(out), "--identity", str(outsider), "--out", str(tmp_path / "x")]
    )
    assert refused.exit_code == 1 and "none of the given identities" in refused.stderr
    assert not (tmp_path / "x").exists()


@needs_age_cli
def test_the_age_command_line_opens_an_export_made_to_a_public_key(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _store(runner, tmp_path)
    key = tmp_path / "partner.key"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = subprocess.run(
        ["age-keygen", "-y", str(key)], check=True, capture_output=True, text=True
    ).stdout.strip()
    out = tmp_path / "mission.age"
    assert _export(runner, url, out, "--encrypt-to", public).exit_code == 0
    plain = subprocess.run(
        ["age", "--decrypt", "-i", str(key), str(out)], check=True, capture_output=True
    ).stdout.decode("utf-8")
    assert RECORD in plain
    manifest = subprocess.run(
        ["age", "--decrypt", "-i", str(key), f"{out}.manifest.json"],
        check=True,
        capture_output=True,
    ).stdout
    assert json.loads(manifest)["withheld_by_kind"]["Engagement"] == 1


def _age_decrypt_with_passphrase(path: Path, secret: str) -> bytes:
    """Run `age --decrypt FILE` as a partner would: it reads the passphrase from a terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: age, on the pseudo-terminal
        os.execvp("age", ["age", "--decrypt", "-o", f"{path}.out", str(path)])
    output = b""
    try:
        while b"passphrase" not in output.lower():
            output += os.read(fd, 1024)
        os.write(fd, secret.encode() + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    return Path(f"{path}.out").read_bytes()


def test_export_to_a_passphrase_opens_with_pyrage_and_the_age_command_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _store(runner, tmp_path)
    out = tmp_path / "mission.age"
    result = _export(
        runner, url, out, "--encrypt", env={"ACTORGRAPH_EXPORT_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 0, result.stderr
    blob = out.read_bytes()
    assert blob.startswith(b"age-encryption.org/v1\n") and RECORD.encode() not in blob
    assert RECORD in age_passphrase.decrypt(blob, PASSPHRASE).decode("utf-8")
    with pytest.raises(pyrage.DecryptError):
        age_passphrase.decrypt(blob, "not the passphrase at all")
    if shutil.which("age") is not None:
        assert RECORD in _age_decrypt_with_passphrase(out, PASSPHRASE).decode("utf-8")


def test_a_malformed_public_key_is_named_and_nothing_is_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = _store(runner, tmp_path)
    out = tmp_path / "mission.age"
    result = _export(runner, url, out, "--encrypt-to", "age1notakey")
    assert result.exit_code == 3
    assert "'age1notakey' is not an age public key" in result.stderr
    assert not out.exists() and not Path(f"{out}.manifest.json").exists()


def test_passphrase_and_public_keys_together_are_refused(runner: CliRunner, tmp_path: Path) -> None:
    url = _store(runner, tmp_path)
    _, public = _key_file(tmp_path, "a")
    out = tmp_path / "mission.age"
    result = _export(
        runner,
        url,
        out,
        "--encrypt",
        "--encrypt-to",
        public,
        env={"ACTORGRAPH_EXPORT_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 3 and "not both" in result.stderr
    assert not out.exists()
