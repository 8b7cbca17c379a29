"""`actorgraph measures` reproduces figures published for four public networks.

Each network is a JSON Lines file under `data/`, anonymised (ids only), with
its sources cited and every difference from a paper explained in its header.
Each test imports the file through the real `actorgraph import` command into
a fresh store of each kind (embedded and Neo4j), runs `actorgraph measures
--json` and compares with the published figures at the precision published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import store_url  # noqa: F401  (the fixture, for both stores)
from ui.cli import app

DATA = Path(__file__).resolve().parent / "data"
# The three networks are undated: any question date sees all of them.
AS_OF = "2024-01-01"


def _invoke(url: str, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--store", url, *args])
    assert result.exit_code == 0, result.stderr
    return result


def measured(url: str, name: str, *, kinds: str) -> dict[str, Any]:
    """Import `data/<name>.jsonl` with the real importer, then `measures --json` on it."""
    _invoke(url, "init")
    report = json.loads(_invoke(url, "import", str(DATA / f"{name}.jsonl"), "--json").stdout)
    assert report["errors"] == []
    out = _invoke(
        url,
        "measures",
        "--as-of",
        AS_OF,
        "--kinds",
        kinds,
        "--types",
        "ASSOCIATED_WITH",
        "--top",
        "100",
        "--json",
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in data["nodes"]}


def test_zachary_karate_club(store_url: str) -> None:  # noqa: F811
    data = measured(store_url, "zachary_karate", kinds="Person")
    net = data["network"]
    # KONECT, "ucidata-zachary": n 34, m 78, fill 0.139037, clustering 0.255682, diameter 5.
    assert (net["nodes"], net["ties"]) == (34, 78)
    assert round(net["density"], 6) == 0.139037
    assert round(net["transitivity"], 6) == 0.255682
    assert net["connected"] is True and net["diameter"] == 5
    # Newman (2004), greedy modularity on the karate club: Q = 0.381.
    assert round(net["modularity"], 3) == 0.381
    # The instructor is the broker between the two factions.
    assert data["top_broker"]["id"] == "k01"
    assert {n["degree"] for n in data["nodes"] if n["id"] in ("k01", "k34")} == {16, 17}


def test_padgett_florentine_marriages(store_url: str) -> None:  # noqa: F811
    data = measured(store_url, "padgett_florentine", kinds="Community")
    net = data["network"]
    assert (net["nodes"], net["ties"]) == (16, 20)
    assert net["component_sizes"] == [15, 1]  # the Pucci married into none of the others
    assert net["connected"] is False and net["diameter"] is None
    assert round(net["density"], 3) == 0.167
    assert round(net["transitivity"], 7) == 0.1914894
    medici = data["top_broker"]
    assert medici["id"] == "f09"
    assert medici["betweenness_raw"] == pytest.approx(47.5)
    # Over the 105 pairs of other families among all 16 (the header explains 0.522).
    assert round(medici["betweenness"], 3) == 0.452
    assert round(47.5 / 91, 3) == 0.522
    assert by_id(data)["f12"]["degree"] == 0


def test_les_miserables_coappearance(store_url: str) -> None:  # noqa: F811
    data = measured(store_url, "lesmis_coappearance", kinds="Person")
    net = data["network"]
    # NodeXL, as printed on the Wayne State page the file's header cites.
    assert (net["nodes"], net["ties"]) == (77, 254)
    assert net["connected"] is True and net["component_sizes"] == [77]
    assert net["diameter"] == 5
    assert round(net["average_path_length"], 1) == 2.6
    # "only 8%" of the 2,926 possible ties: the page drops the decimals of 8.68%.
    assert int(net["density"] * 100) == 8
    assert round(254 / net["density"]) == 2926
    nodes = by_id(data)
    assert nodes["m11"]["degree"] == 36
    assert max(n["degree"] for n in data["nodes"]) == 36
    assert [n["id"] for n in data["nodes"] if n["degree"] == 36] == ["m11"]
    # Computed, not quoted (see the header): the protagonist is also the top broker.
    broker = data["top_broker"]
    assert broker["id"] == "m11" and round(broker["betweenness"], 3) == 0.570
    assert data["nodes"][1]["id"] == "m02" and round(data["nodes"][1]["betweenness"], 3) == 0.177


def test_krackhardt_kite_separates_the_three_centralities(store_url: str) -> None:  # noqa: F811
    data = measured(store_url, "krackhardt_kite", kinds="Person")
    net = data["network"]
    assert (net["nodes"], net["ties"]) == (10, 18)
    nodes = data["nodes"]

    def leaders(field: str) -> set[str]:
        best = max(n[field] for n in nodes)
        return {n["id"] for n in nodes if n[field] == pytest.approx(best)}

    # Krackhardt (1990), as the header cites: the most connected, the broker and the
    # closest are different actors.
    assert leaders("degree") == {"kite3"} and by_id(data)["kite3"]["degree"] == 6
    assert leaders("betweenness_raw") == {"kite7"} and data["top_broker"]["id"] == "kite7"
    assert leaders("closeness") == {"kite5", "kite6"}
    # Computed from the 18 ties (see the header).
    assert net["density"] == pytest.approx(0.4)
    assert data["top_broker"]["betweenness_raw"] == pytest.approx(14.0)
    assert round(data["top_broker"]["betweenness"], 3) == 0.389


# Every file in data/, so a network added later cannot skip the check.
@pytest.mark.parametrize("name", sorted(path.stem for path in DATA.glob("*.jsonl")))
def test_every_file_cites_its_source_and_names_no_one(name: str) -> None:
    lines = (DATA / f"{name}.jsonl").read_text("utf-8").splitlines()
    header = "\n".join(line for line in lines if line.startswith("//"))
    assert "Source:" in header and "anonymised" in header
    assert re.search(r"\(\d{4}\)", header), "the paper is cited with its year"
    records = [json.loads(line) for line in lines if not line.startswith("//")]
    for record in records:
        if "kind" in record:
            assert record["name"] == record["id"], "ids only: no name of a person or family"
        else:
            assert record["type"] == "ASSOCIATED_WITH"
