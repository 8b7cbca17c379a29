"""The reach-side CLI flags (influencers, gaps) on a FICTIONAL embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.store import WriteBatch
from graph.stores.embedded_store import EmbeddedStore
from queries.examples import tiny_records
from ui.cli import app


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    store = EmbeddedStore(tmp_path / "q.db")
    store.ensure_schema()
    store.write(WriteBatch.of(tiny_records()), actor="test")
    store.close()
    return f"sqlite:///{tmp_path / 'q.db'}"


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--store", url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_influencers_over_a_closed_group_says_why_the_list_is_empty(store_url: str) -> None:
    # Only the army's own general has a say over it in the tiny graph.
    code, out, err = run(store_url, "influencers", "--over", "act_army", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["influencers"] == []
    assert data["members_excluded"] == 1
    assert data["reason"].endswith("1 member of the actor excluded: use --include-members")
    code, text, err = run(store_url, "influencers", "--over", "act_army")
    assert code == 0, err
    assert "none listed:" in text and "use --include-members" in text


def test_influencers_include_members_lists_them_flagged(store_url: str) -> None:
    args = ["influencers", "--over", "act_army", "--include-members"]
    code, out, err = run(store_url, *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [(i["node"], i["member"]) for i in data["influencers"]] == [("per_gen", True)]
    assert data["reason"] is None
    code, text, err = run(store_url, *args)
    assert code == 0, err
    assert "[MEMBER of" in text and "none listed" not in text


def test_gaps_lists_single_points_per_engager_and_entry_point(store_url: str) -> None:
    code, out, err = run(store_url, "gaps", "--as-of", "2024-06-01", "--json")
    assert code == 0, err
    rows = json.loads(out)["single_points_per_engager"]
    assert [(r["engager"], r["entry_point"], [t["node"] for t in r["through"]]) for r in rows] == [
        ("org_ocha", "act_front", ["per_top"])
    ]
    code, text, err = run(store_url, "gaps", "--as-of", "2024-06-01")
    assert code == 0, err
    assert "single points of failure per engager and entry point:" in text
    assert "only through" in text
