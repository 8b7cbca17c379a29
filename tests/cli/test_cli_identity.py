"""`actorgraph review` and read commands on a missing store (FICTIONAL data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli import app


def invoke(runner: CliRunner, store_url: str, *args: str) -> object:
    return runner.invoke(app, ["--store", store_url, *args], catch_exceptions=False)


def person_folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / f"people_{len(list(tmp_path.glob('people_*')))}"
    folder.mkdir()
    with (folder / "Person.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["name"], [name]])
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["list"],
        ["search", "Orrin"],
        ["show", "act_x"],
        ["review"],
        ["export", "--out", "x.jsonl"],
    ],
)
def test_a_read_command_on_a_missing_store_exits_6_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "typo" / "stroe.db"
    result = CliRunner().invoke(app, ["--store", f"sqlite:///{missing}", *command])
    assert result.exit_code == 6, result.output
    assert str(missing) in result.stderr and "no store at" in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_init_and_import_still_create_the_store(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = CliRunner().invoke(app, ["--store", f"sqlite:///{db}", "init"])
    assert result.exit_code == 0 and db.is_file()
    other = tmp_path / "other.db"
    imported = CliRunner().invoke(
        app,
        ["--store", f"sqlite:///{other}", "import", str(person_folder(tmp_path, "Ilyo Varrant"))],
    )
    assert imported.exit_code == 0, imported.output and other.is_file()


def test_review_lists_pending_items_and_accept_reject_decide_them(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    for name in ("Dario Venn", "Maro Kestel"):
        assert (
            invoke(runner, store_url, "import", str(person_folder(tmp_path, name))).exit_code == 0
        )
    for spelling in ("Darjo Venn", "Marro Kestel"):
        result = invoke(
            runner, store_url, "import", str(person_folder(tmp_path, spelling)), "--json"
        )
        (item,) = json.loads(result.stdout)["review"]
        assert item["matched"]["name"] in ("Dario Venn", "Maro Kestel") and item["item"]
    listed = json.loads(invoke(runner, store_url, "review", "--json").stdout)
    assert sorted(r["spelling"] for r in listed) == ["Darjo Venn", "Marro Kestel"]
    by_spelling = {r["spelling"]: r["item"] for r in listed}
    accepted = invoke(runner, store_url, "review", "accept", by_spelling["Darjo Venn"], "--json")
    assert json.loads(accepted.stdout)["status"] == "accepted"
    rejected = invoke(runner, store_url, "review", "reject", by_spelling["Marro Kestel"])
    assert rejected.exit_code == 0 and "rejected" in rejected.stderr
    assert json.loads(invoke(runner, store_url, "review", "--json").stdout) == []
    decided = json.loads(invoke(runner, store_url, "review", "--all", "--json").stdout)
    assert {r["status"] for r in decided} == {"accepted", "rejected"}
    unknown = invoke(runner, store_url, "review", "accept", "rev_nothing")
    assert unknown.exit_code == 6 and "no review item" in unknown.stderr


def test_review_reject_reports_the_links_it_withdrew_and_history_lists_them(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    """FICTIONAL: 'Orin Liberation Front' was matched to 'Orrin Liberation Front'."""
    from tests.ingest.test_identity import ACLED_COLUMNS, acled_row, write_csv

    first = write_csv(tmp_path / "a.csv", ACLED_COLUMNS, [acled_row(1, "Orrin Liberation Front")])
    assert invoke(runner, store_url, "import", str(first)).exit_code == 0
    second = write_csv(
        tmp_path / "b.csv",
        ACLED_COLUMNS,
        [acled_row(2, "Orin Liberation Front"), acled_row(3, "Orin Liberation Front")],
    )
    (item,) = json.loads(invoke(runner, store_url, "import", str(second), "--json").stdout)[
        "review"
    ]
    rejected = invoke(runner, store_url, "review", "reject", item["item"])
    assert rejected.exit_code == 0
    assert "withdrew 2 event link(s)" in rejected.stderr
    ids = rejected.stderr.split("had attached: ", 1)[1].split("\n", 1)[0].split(", ")
    assert len(ids) == 2 and all(i.startswith("rel_") for i in ids)
    history = invoke(runner, store_url, "history", item["matched"]["id"])
    assert history.exit_code == 0
    assert "withdrawn links (2)" in history.stdout
    for link in ids:
        assert f"{link}  PARTICIPATED_IN" in history.stdout
    assert history.stdout.count(f"withdrawn by {item['item']}") == 2
