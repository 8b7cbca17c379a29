"""Identity on FICTIONAL files in real layouts (tests/validation/identity_cases/README.md).

Same-name actors in two countries stay two records (UCDP by its side ids,
ACLED by country); a joint UCDP side is its members, allied; groups one
meaningful word apart are never merged; and the answer for a past date does
not move when the later files arrive.
"""

from __future__ import annotations

from pathlib import Path

from graph import model as m
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from tests.ingest.helpers import load

CASES = Path(__file__).resolve().parent / "identity_cases"
UCDP_CASE = CASES / "ucdp_same_name_two_countries.csv"
ACLED_CASE = CASES / "acled_same_name_two_countries.csv"
AREA_CASE = CASES / "acled_same_area_two_countries.csv"


def _actors(store: GraphStore) -> dict[str, list[m.AnyNode]]:
    out: dict[str, list[m.AnyNode]] = {}
    for node in store.iter_nodes(NodeKind.ARMED_ACTOR, viewer=SYSTEM):
        out.setdefault(node.name, []).append(node)
    return out


def _events_of(store: GraphStore, actor_id: str) -> int:
    return sum(
        1
        for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)
        if r.source_id == actor_id
    )


def test_ucdp_same_name_in_two_countries_is_two_groups_by_side_id(store: GraphStore) -> None:
    report = load(store, UCDP_CASE)
    assert report.errors == [] and report.review == []
    actors = _actors(store)
    assert sorted(actors) == ["Government of Orrinland", "Government of Vell", "People's Army"]
    armies = {a.external_ids: a for a in actors["People's Army"]}
    assert set(armies) == {("ucdp-side:811",), ("ucdp-side:812",)}
    assert _events_of(store, armies[("ucdp-side:811",)].id) == 3
    assert _events_of(store, armies[("ucdp-side:812",)].id) == 1
    # The joint side of the last event: both governments took part, allied that day.
    orrin, vell = actors["Government of Orrinland"][0], actors["Government of Vell"][0]
    assert _events_of(store, orrin.id) == 3 and _events_of(store, vell.id) == 2
    (ally,) = store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM)
    assert {ally.source_id, ally.target_id} == {orrin.id, vell.id}
    assert (ally.first_cited, ally.last_cited, ally.evidence_count) == (
        "2022-07-03",
        "2022-07-03",
        1,
    )


def test_acled_same_name_in_two_countries_is_two_groups(store: GraphStore) -> None:
    report = load(store, ACLED_CASE)
    assert report.errors == [] and report.review == []
    actors = _actors(store)
    hill = {a.external_ids: a for a in actors["Hill Defence Group"]}
    assert set(hill) == {("acled-country:orrinland",), ("acled-country:vell",)}
    assert _events_of(store, hill[("acled-country:orrinland",)].id) == 2
    assert _events_of(store, hill[("acled-country:vell",)].id) == 2
    # One word apart: two groups, neither an alias of the other.
    assert len(actors["Popular Movement of Orrinland"]) == 1
    assert len(actors["Popular Unity Movement of Orrinland"]) == 1
    assert all(not a.aliases for group in actors.values() for a in group)


def test_who_took_part_in_2022_does_not_move_when_a_2023_file_arrives(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, UCDP_CASE)
    pairs = {
        (r.source_id, r.target_id)
        for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)
    }
    armies = {a.id: a for a in _actors(store)["People's Army"]}
    later = tmp_path / "acled_2023.csv"
    rows = ACLED_CASE.read_text("utf-8").splitlines()
    # The same name again, in 2023 and in Vell, from a dataset without UCDP's ids.
    later.write_text(
        "\n".join([rows[0], rows[2].replace("Hill Defence Group", "People's Army")]) + "\n",
        "utf-8",
    )
    report = load(store, later)
    after = {
        (r.source_id, r.target_id)
        for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)
    }
    assert pairs <= after and len(after - pairs) == 1
    for army_id, army in armies.items():
        assert store.get(army_id, viewer=SYSTEM) == army
    # Two known groups share the name: never merged silently, listed for review.
    (item,) = report.review
    assert item.value == "People's Army"
    assert {c["id"] for c in item.candidates} == set(armies)


def _country_of(store: GraphStore, area_id: str) -> str:
    """Follow PART_OF up from an area to the top (the country) and return its name."""
    parent = {
        r.source_id: r.target_id for r in store.iter_relationships(RelType.PART_OF, viewer=SYSTEM)
    }
    while area_id in parent:
        area_id = parent[area_id]
    node = store.get(area_id, viewer=SYSTEM)
    assert node is not None
    return node.name


def test_same_named_province_in_two_countries_is_two_areas(store: GraphStore) -> None:
    # admin1 "Tarn" in Orrinland and in Vell: each event stays in its own country,
    # for this import and for a later one.
    report = load(store, AREA_CASE)
    assert report.errors == []
    load(store, AREA_CASE)  # re-import: the areas resolve to themselves
    tarns = [a for a in store.iter_nodes(NodeKind.AREA, viewer=SYSTEM) if a.name == "Tarn"]
    assert len(tarns) == 2
    countries = {
        store.get(r.source_id, viewer=SYSTEM).name: _country_of(store, r.target_id)  # type: ignore[union-attr]
        for r in store.iter_relationships(RelType.OCCURRED_IN, viewer=SYSTEM)
    }
    assert {d[-11:-1]: c for d, c in countries.items()} == {
        "2023-04-02": "Orrinland",
        "2023-04-09": "Vell",
        "2023-04-15": "Orrinland",
    }
