"""The analysis commands through the CLI, on a FICTIONAL embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import model as m
from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.examples import tiny_records
from ui.cli import app


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    records = [
        *tiny_records(),
        m.Area(id="are_orrin", name="Orrin District", pcode="KL0101"),
        m.Controls(id="r_ctl", source_id="unt_cp", target_id="are_orrin"),
        m.AlliedWith(
            id="r_ally",
            source_id="act_army",
            target_id="act_front",
            valid_from="2015",
            valid_to="2018",
        ),
    ]
    # Written through the store itself, so these tests depend on the analysis
    # commands only, not on the import command.
    store = EmbeddedStore(tmp_path / "q.db")
    store.ensure_schema()
    store.write(WriteBatch.of(records), actor="test")
    store.close()
    return f"sqlite:///{tmp_path / 'q.db'}"


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--store", url, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["paths", "--to", "per_local", "--as-of", "2024-06-01"],
        ["reach", "Front of the Seven Hills", "--as-of", "2024-06"],
        ["influencers", "--top", "3", "--key", "2", "--as-of", "2024-06-01"],
        ["gaps", "--stale-days", "30", "--as-of", "2024-06-01"],
        ["blocs", "--as-of", "2024-06-01", "--compare", "2016"],
        ["profile", "act_front", "--as-of", "2024-06-01"],
        ["contacts", "--area", "KL0101", "--as-of", "2024-06-01"],
    ],
)
def test_every_analysis_command_prints_json_only_and_text_otherwise(
    store_url: str, args: list[str]
) -> None:
    code, out, err = run(store_url, *args, "--json")
    assert code == 0, err
    assert isinstance(json.loads(out), dict)
    code, text, err = run(store_url, *args)
    assert code == 0, err
    assert text.strip() and not text.lstrip().startswith("{")


def test_paths_by_name_explains_the_route(store_url: str) -> None:
    code, out, err = run(
        store_url, "paths", "--to", "Ilyo Varrant", "--as-of", "2024-06-01", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["target"] == "per_local"
    assert data["paths"][0]["nodes"] == ["org_ocha", "per_fp", "per_elder", "per_local"]
    assert data["paths"][0]["hops"][1]["type"] == "HAS_ACCESS_TO"


def test_paths_from_a_named_engager_and_through_parties(store_url: str) -> None:
    code, out, err = run(
        store_url,
        "paths",
        "--to",
        "per_local",
        "--from",
        "Hill Relief",
        "--allow-through-parties",
        "--as-of",
        "2024-06-01",
        "--json",
    )
    assert code == 0, err
    path = json.loads(out)["paths"][0]
    assert path["nodes"] == ["org_ngo", "per_gen", "per_local"]
    assert any("another party" in w for w in path["warnings"])


def test_unknown_and_ambiguous_targets_fail_cleanly(store_url: str) -> None:
    code, out, err = run(store_url, "paths", "--to", "Nobody at all")
    assert code == 6 and out == "" and "no target" in err
    code, out, err = run(store_url, "reach", "Zeta")
    assert code == 3 and "ambiguous" in err and "unt_cp" in err and "pst_cp" in err
    # An exact name wins over names that merely contain it.
    code, out, err = run(store_url, "reach", "Checkpoint Zeta", "--json")
    assert code == 0 and json.loads(out)["target"] == "unt_cp"


def test_blocs_compare_reports_the_alliance_that_turned_to_opposition(store_url: str) -> None:
    code, out, err = run(store_url, "blocs", "--compare", "2016", "--as-of", "2024-06-01", "--json")
    assert code == 0, err
    data = json.loads(out)
    army = next(c for c in data["changes"] if c["actor"] == "act_army")
    assert (army["category"], army["counterpart"]) == ("switched", "act_front")
    assert [t["relationship"] for t in army["ended"]] == ["r_ally"]
    assert army["began"][0]["type"] == "OPPOSES"
