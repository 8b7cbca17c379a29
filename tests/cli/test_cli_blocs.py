"""`actorgraph blocs` on both stores: blocs on a date, contested pairs, whose ties changed.

Every actor, source and relationship here is FICTIONAL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from graph import model as m
from graph.settings import Settings
from graph.store import WriteBatch
from graph.stores import open_store
from ui.cli import app

SRC = [{"source_id": "src_radio", "locator": "bulletin 12"}]


def _actor(node: str, name: str) -> m.ArmedActor:
    return m.ArmedActor(
        id=node,
        name=name,
        actor_kind="non_state_armed_group",
        structure="centralised",
        sensitivity="public",
    )


def _records() -> list[Any]:
    public: dict[str, Any] = {"sensitivity": "public", "confidence": 0.9}
    return [
        m.Source(id="src_radio", name="Radio Brenn (fictional)", reliability="B", credibility="2"),
        _actor("act_army", "Coastal Army"),
        _actor("act_herders", "Herder Defence"),
        _actor("act_union", "Hills Union"),
        _actor("act_watch", "Valley Watch"),
        _actor("act_ridge", "Ridge Militia"),
        # The herders stand with the army until 2022, then turn on it and join the union.
        m.AlliedWith(
            id="r_ha",
            source_id="act_herders",
            target_id="act_army",
            valid_from="2019",
            valid_to="2022-12",
            **public,
        ),
        m.Opposes(
            id="r_ho",
            source_id="act_herders",
            target_id="act_army",
            valid_from="2023-01",
            sources=SRC,
            **public,
        ),
        m.AlliedWith(
            id="r_hu",
            source_id="act_herders",
            target_id="act_union",
            valid_from="2023-01",
            **public,
        ),
        # The watch keeps its one alliance throughout: it never changes side.
        m.AlliedWith(
            id="r_aw", source_id="act_army", target_id="act_watch", valid_from="2019", **public
        ),
        # The union and the ridge militia: allied, and opposed too from March 2023.
        m.AlliedWith(
            id="r_ur", source_id="act_union", target_id="act_ridge", valid_from="2020", **public
        ),
        m.Opposes(
            id="r_ur2",
            source_id="act_ridge",
            target_id="act_union",
            valid_from="2023-03",
            **public,
        ),
    ]


@pytest.fixture
def blocs_url(store_url: str) -> str:
    store = open_store(store_url, Settings())
    store.ensure_schema()
    store.write(WriteBatch.of(_records()), actor="test")
    store.close()
    return store_url


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--store", url, "blocs", *args])
    return result.exit_code, result.stdout, result.stderr


def test_compare_reports_only_actors_whose_own_ties_changed_with_both_ties(
    blocs_url: str,
) -> None:
    code, out, err = _run(blocs_url, "--compare", "2022-06", "--as-of", "2023-06", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["from"], data["to"]) == ("2022-06-30", "2023-06-30")
    reported = {(c["actor"], c["counterpart"]): c["category"] for c in data["changes"]}
    assert reported == {
        ("act_army", "act_herders"): "switched",
        ("act_herders", "act_army"): "switched",
        ("act_herders", "act_union"): "new tie",
        ("act_union", "act_herders"): "new tie",
        ("act_union", "act_ridge"): "became contested",
        ("act_ridge", "act_union"): "became contested",
    }
    switch = next(c for c in data["switched"] if c["actor"] == "act_herders")
    assert [(t["relationship"], t["valid_to"]) for t in switch["ended"]] == [("r_ha", "2022-12")]
    began = switch["began"][0]
    assert (began["relationship"], began["basis"], began["sources"]) == (
        "r_ho",
        "asserted",
        ["src_radio"],
    )
    # The watch lost the herders from its bloc, through their ties, not its own.
    assert [mc["actor"] for mc in data["membership_changed"]] == ["act_watch"]

    code, text, err = _run(blocs_url, "--compare", "2022-06", "--as-of", "2023-06")
    assert code == 0, err
    assert (
        "    switched: allied with Coastal Army (r_ha, asserted, 2019..2022-12) -> "
        "opposes Coastal Army (r_ho, asserted, from 2023-01, sources src_radio)"
    ) in text
    changed, _, membership = text.partition("bloc membership changed")
    assert "Valley Watch" not in changed and "Valley Watch: no longer with Herder Defence" in (
        membership
    )


def test_blocs_on_a_date_list_contested_pairs_apart(blocs_url: str) -> None:
    code, out, err = _run(blocs_url, "--as-of", "2023-06", "--json")
    assert code == 0, err
    data = json.loads(out)
    members = [[a["actor"] for a in b["members"]] for b in data["blocs"]]
    # The contested union-ridge alliance does not hold the ridge in the union's bloc.
    assert members == [["act_army", "act_watch"], ["act_herders", "act_union"], ["act_ridge"]]
    assert [(c["a"], c["b"], c["same_bloc"]) for c in data["contested"]] == [
        ("act_ridge", "act_union", False)
    ]
    code, text, err = _run(blocs_url, "--as-of", "2023-06")
    assert code == 0, err
    assert "contested pairs" in text and "Ridge Militia - Hills Union: allied (r_ur" in text


def test_blocs_at_a_past_date_do_not_move_when_a_later_tie_is_added(blocs_url: str) -> None:
    asked = ("--as-of", "2022-06", "--json")
    code, before, err = _run(blocs_url, *asked)
    assert code == 0, err
    code, compared, err = _run(blocs_url, "--compare", "2021", *asked)
    assert code == 0, err
    store = open_store(blocs_url, Settings())
    later = [
        m.Opposes(id="r_aw2", source_id="act_watch", target_id="act_army", valid_from="2022-07"),
        m.AlliedWith(id="r_wr", source_id="act_watch", target_id="act_ridge", valid_from="2024"),
    ]
    store.write(WriteBatch.of(later), actor="test")
    store.close()
    assert _run(blocs_url, *asked)[1] == before
    assert _run(blocs_url, "--compare", "2021", *asked)[1] == compared
    # ...while a question about a date after them sees them.
    code, out, err = _run(blocs_url, "--as-of", "2024-06", "--json")
    assert code == 0, err
    assert json.loads(out)["contested"][0]["a"] == "act_army"
