"""Store files are created readable by their owner only (issue 16).

The file is the whole map: on a shared laptop or server another account must
not be able to copy it. Checked for the plain and the encrypted embedded store,
with a permissive umask, on the main file and the WAL/shared-memory files
SQLite creates beside it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import model as m
from graph.sensitivity import SYSTEM
from graph.store import WriteBatch
from tests.conftest import open_embedded


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the common default: new files world-readable
    try:
        yield
    finally:
        os.umask(old)


def _others_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & 0o077


@pytest.mark.parametrize("encrypted", [False, True], ids=["embedded", "sqlcipher"])
@pytest.mark.usefixtures("permissive_umask")
def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path: Path, encrypted: bool) -> None:
    path = tmp_path / "field.db"
    store = open_embedded(path, encrypted=encrypted)
    try:
        store.write(
            WriteBatch.of([m.Person(id="per_1", name="Fictional Commander")]), actor="analyst"
        )
        assert store.get("per_1", viewer=SYSTEM) is not None
        files = [p for p in tmp_path.iterdir() if p.name.startswith("field.db")]
        assert path in files
        for file in files:
            assert _others_bits(file) == 0, f"{file.name} is open to other accounts"
    finally:
        store.close()


@pytest.mark.usefixtures("permissive_umask")
def test_an_existing_file_keeps_the_mode_its_owner_chose(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_embedded(path, encrypted=False).close()
    path.chmod(0o640)  # the owner shares it with their group on purpose
    open_embedded(path, encrypted=False).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
