"""Identity you can trust: guards, source ids, review items, decisions, joint sides.

Every file here is FICTIONAL, written by the test: invented groups, people and
countries (Orrinland, Vell, Kalmora).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph import model as m
from graph.errors import ImportRejected
from graph.schema import NodeKind, RelType
from graph.sensitivity import SYSTEM
from graph.store import GraphStore
from ingest.pipeline import make_id
from ingest.resolve import match_key
from ingest.review import decide, list_reviews
from tests.fixtures.ingest.make_fixtures import ACLED_HEADER, UCDP_HEADER
from tests.ingest.helpers import contents, load

# The real column layouts (only the columns a row fills are non-empty).
ACLED_COLUMNS = ACLED_HEADER
UCDP_COLUMNS = UCDP_HEADER


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def acled_row(
    n: int, actor1: str, actor2: str = "", country: str = "Orrinland", **kw: str
) -> dict[str, str]:
    return {
        "event_id_cnty": f"ORR{n}",
        "event_date": f"2024-0{1 + n % 8}-1{n % 9}",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": actor1,
        "inter1": "2",
        "actor2": actor2,
        "inter2": "2" if actor2 else "",
        "country": country,
        "admin1": "North",
        "fatalities": "0",
        "notes": "FICTIONAL test event",
        **kw,
    }


def ucdp_row(n: int, a: tuple[str, str], b: tuple[str, str], country: str) -> dict[str, str]:
    return {
        "id": str(700 + n),
        "type_of_violence": "2",
        "side_a": a[0],
        "side_a_new_id": a[1],
        "side_b": b[0],
        "side_b_new_id": b[1],
        "date_start": f"2023-0{1 + n % 8}-01",
        "date_end": f"2023-0{1 + n % 8}-02",
        "country": country,
        "best": "1",
    }


def actors(store: GraphStore) -> list[m.AnyNode]:
    return list(store.iter_nodes(NodeKind.ARMED_ACTOR, viewer=SYSTEM))


def named(store: GraphStore, name: str) -> list[m.AnyNode]:
    return [n for n in actors(store) if n.name == name]


def seed_template(tmp_path: Path, sheet: str, rows: list[dict[str, str]]) -> Path:
    folder = tmp_path / f"seed_{sheet}_{len(list(tmp_path.iterdir()))}"
    columns = sorted({c for r in rows for c in r})
    write_csv(folder / f"{sheet}.csv", columns, rows)
    return folder


# --------------------------------------------------------------------------- guards


def test_one_word_apart_groups_stay_two_records_on_import(
    store: GraphStore, tmp_path: Path
) -> None:
    """'Unity' and 'Real' make another group (often a split): never merged at 0.9."""
    first = write_csv(
        tmp_path / "a.csv",
        ACLED_COLUMNS,
        [acled_row(1, "Popular Movement of Orrinland"), acled_row(2, "Kalmora Republican Army")],
    )
    load(store, first)
    second = write_csv(
        tmp_path / "b.csv",
        ACLED_COLUMNS,
        [
            acled_row(3, "Popular Unity Movement of Orrinland"),
            acled_row(4, "Real Kalmora Republican Army"),
        ],
    )
    load(store, second)
    names = sorted(n.name for n in actors(store))
    assert names == [
        "Kalmora Republican Army",
        "Popular Movement of Orrinland",
        "Popular Unity Movement of Orrinland",
        "Real Kalmora Republican Army",
    ]
    assert all(n.aliases == () for n in actors(store))


# --------------------------------------------------------------------------- review items


def test_a_fuzzy_match_is_a_review_item_with_an_alias_and_a_stored_pending_review(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, seed_template(tmp_path, "Person", [{"name": "Dario Venn"}]))
    (dario,) = store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)
    report = load(
        store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn", "title": "Colonel"}])
    )
    (item,) = report.review
    assert (item.row, item.field, item.value) == (2, "name", "Darjo Venn")
    assert item.matched_id == dario.id and item.matched_name == "Dario Venn"
    assert item.score is not None and 0.75 <= item.score < 1.0
    assert item.item and item.item in item.message
    (person,) = store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)
    assert "Darjo Venn" in person.aliases
    (pending,) = list_reviews(store, viewer=SYSTEM)
    assert (pending.item, pending.spelling, pending.status) == (item.item, "Darjo Venn", "pending")
    # Not decided yet: the next import reports it again, without a second stored review.
    again = load(store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}]))
    assert [r.item for r in again.review] == [item.item]
    (person,) = store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)
    assert len(person.identity_reviews) == 1


def test_accepted_spelling_is_no_longer_a_review_item(store: GraphStore, tmp_path: Path) -> None:
    load(store, seed_template(tmp_path, "Person", [{"name": "Dario Venn"}]))
    report = load(store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}]))
    decided = decide(store, report.review[0].item or "", "accept", actor="reviewer", viewer=SYSTEM)
    assert decided.status == "accepted" and decided.decided_by == "reviewer"
    assert list_reviews(store, viewer=SYSTEM) == []
    again = load(store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}]))
    assert again.review == []
    people = list(store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM))
    assert len(people) == 1 and "Darjo Venn" in people[0].aliases
    # The decision is a new version of the record: history says who decided.
    history = store.history(people[0].id, viewer=SYSTEM)
    assert history[-1].record.recorded_by == "reviewer"


def test_rejected_spelling_gets_its_own_record_on_the_next_import(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, seed_template(tmp_path, "Person", [{"name": "Dario Venn"}]))
    report = load(store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}]))
    decide(store, report.review[0].item or "", "reject", actor="reviewer", viewer=SYSTEM)
    (dario,) = store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)
    assert "Darjo Venn" not in dario.aliases
    again = load(store, seed_template(tmp_path, "Person", [{"name": "Darjo Venn"}]))
    assert again.review == []
    assert sorted(p.name for p in store.iter_nodes(NodeKind.PERSON, viewer=SYSTEM)) == [
        "Dario Venn",
        "Darjo Venn",
    ]


def test_never_two_differently_named_records_merged_without_a_review_item(
    store: GraphStore, tmp_path: Path
) -> None:
    """The invariant, over a file of near-miss spellings against known groups."""
    known = ["Front of the Seven Hills", "Orrin Valley Defence Militia", "Kalmora Liberation Army"]
    load(
        store,
        write_csv(
            tmp_path / "k.csv", ACLED_COLUMNS, [acled_row(i, n) for i, n in enumerate(known)]
        ),
    )
    before = {n.id: {match_key(x) for x in (n.name, *n.aliases)} for n in actors(store)}
    spellings = [
        "Seven Hills Front",
        "Orrin Valley Defense Militia",
        "Orrin Valley Defence Militias",
        "Kalmora Liberation Army (KLA)",
        "Kalmora Liberation Armee",
        "Front of the Seven Hils",
        "New Kalmora Liberation Army",
    ]
    report = load(
        store,
        write_csv(
            tmp_path / "n.csv",
            ACLED_COLUMNS,
            [acled_row(10 + i, s) for i, s in enumerate(spellings)],
        ),
    )
    reviewed = {(r.matched_id, match_key(r.value or "")) for r in report.review if r.matched_id}
    merged = 0
    for node in actors(store):
        for spelling in node.aliases:
            if node.id in before and match_key(spelling) not in before[node.id]:
                merged += 1
                assert (node.id, match_key(spelling)) in reviewed, spelling
    assert merged >= 3  # the test exercises fuzzy merges, not only separate records
    assert named(store, "New Kalmora Liberation Army")


# --------------------------------------------------------------------------- source ids


def test_ucdp_side_ids_decide_identity_not_names(store: GraphStore, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ged.csv",
        UCDP_COLUMNS,
        [
            ucdp_row(1, ("Government of Orrinland", "801"), ("People's Army", "811"), "Orrinland"),
            ucdp_row(2, ("Government of Vell", "802"), ("People's Army", "812"), "Vell"),
            # UCDP's id 811, spelt differently: the same group.
            ucdp_row(
                3,
                ("Government of Orrinland", "801"),
                ("Peoples Army of Orrinland", "811"),
                "Orrinland",
            ),
        ],
    )
    report = load(store, path)
    armies = named(store, "People's Army")
    assert len(armies) == 2
    assert {tuple(a.external_ids) for a in armies} == {("ucdp-side:811",), ("ucdp-side:812",)}
    (orrin,) = [a for a in armies if "ucdp-side:811" in a.external_ids]
    assert "Peoples Army of Orrinland" in orrin.aliases
    assert any("names differ" in w and "Peoples Army of Orrinland" in w for w in report.warnings)
    # Re-import changes nothing and finds the same records.
    snapshot = contents(store)
    load(store, path)
    assert contents(store) == snapshot


def test_acled_actors_with_one_name_in_two_countries_stay_two(
    store: GraphStore, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "acled.csv",
        ACLED_COLUMNS,
        [
            acled_row(1, "Hill Defence Group", country="Orrinland"),
            acled_row(2, "Hill Defence Group", country="Vell"),
            acled_row(3, "Hill Defence Group", country="Orrinland"),
        ],
    )
    load(store, path)
    groups = named(store, "Hill Defence Group")
    assert len(groups) == 2
    participations = [r for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)]
    per_group = {g.id: sum(1 for r in participations if r.source_id == g.id) for g in groups}
    assert sorted(per_group.values()) == [1, 2]


# --------------------------------------------------------------------------- joint sides


def test_joint_ucdp_side_becomes_its_members_with_co_side_alliance(
    store: GraphStore, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "joint.csv",
        UCDP_COLUMNS,
        [
            {
                **ucdp_row(
                    1,
                    ("Government of Orrinland, Government of Vell", "801, 802"),
                    ("Hill Front", "821"),
                    "Orrinland",
                ),
                "type_of_violence": "1",
            }
        ],
    )
    load(store, path)
    names = sorted(a.name for a in actors(store))
    assert names == ["Government of Orrinland", "Government of Vell", "Hill Front"]
    ids = {a.name: a.id for a in actors(store)}
    takers = {r.source_id for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)}
    assert takers == set(ids.values())
    allied = [
        {r.source_id, r.target_id}
        for r in store.iter_relationships(RelType.ALLIED_WITH, viewer=SYSTEM)
    ]
    assert allied == [{ids["Government of Orrinland"], ids["Government of Vell"]}]
    opposed = {
        frozenset((r.source_id, r.target_id))
        for r in store.iter_relationships(RelType.OPPOSES, viewer=SYSTEM)
    }
    assert frozenset((ids["Government of Vell"], ids["Hill Front"])) in opposed


# --------------------------------------------------------------------------- plain errors


def test_a_reference_matching_nothing_names_row_field_and_close_names(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "tpl"
    write_csv(
        folder / "ArmedActor.csv",
        ["name", "actor_kind", "structure"],
        [
            {
                "name": "Tikrit Hills Brigade",
                "actor_kind": "non_state_armed_group",
                "structure": "centralised",
            }
        ],
    )
    write_csv(
        folder / "ALLIED_WITH.csv",
        ["source_id", "target_id"],
        [{"source_id": "Tikrit Hills Brigade", "target_id": "Tikrit Hill Brigades Front"}],
    )
    before = contents(store)
    with pytest.raises(ImportRejected) as caught:
        load(store, folder)
    (error,) = caught.value.errors
    assert error.field == "target_id" and error.row == 2 and error.file.endswith("ALLIED_WITH.csv")
    assert error.message.startswith("no record named 'Tikrit Hill Brigades Front' (")
    assert "ALLIED_WITH.csv, sheet ALLIED_WITH, row 2, field target_id)" in error.message
    assert "did you mean 'Tikrit Hills Brigade'" in error.suggestion
    assert "pattern" not in error.message
    assert contents(store) == before


def test_an_analyst_merge_makes_both_source_ids_name_one_record(
    store: GraphStore, tmp_path: Path
) -> None:
    from ingest.merge import merge_entities

    path = write_csv(
        tmp_path / "acled.csv",
        ACLED_COLUMNS,
        [
            acled_row(1, "Hill Defence Group", country="Orrinland"),
            acled_row(2, "Hill Defence Group", country="Vell"),
        ],
    )
    load(store, path)
    keep, other = sorted(named(store, "Hill Defence Group"), key=lambda n: n.id)
    merge_entities(store, keep.id, other.id, actor="analyst")
    (merged,) = [n for n in named(store, "Hill Defence Group") if n.valid_to is None]
    assert set(merged.external_ids) == {"acled-country:orrinland", "acled-country:vell"}
    more = write_csv(
        tmp_path / "more.csv",
        ACLED_COLUMNS,
        [acled_row(3, "Hill Defence Group", country="Vell")],
    )
    load(store, more)
    (incident_rel,) = [
        r
        for r in store.iter_relationships(RelType.PARTICIPATED_IN, viewer=SYSTEM)
        if r.target_id == make_id("inc", "acled", "ORR3")
    ]
    assert incident_rel.source_id == merged.id


def test_a_template_row_with_a_known_source_id_attaches_whatever_its_name(
    store: GraphStore, tmp_path: Path
) -> None:
    """An analyst's row naming UCDP's id 811 is that group, under another name."""
    path = write_csv(
        tmp_path / "ged.csv",
        UCDP_COLUMNS,
        [ucdp_row(1, ("Government of Orrinland", "801"), ("People's Army", "811"), "Orrinland")],
    )
    load(store, path)
    report = load(
        store,
        seed_template(
            tmp_path,
            "ArmedActor",
            [
                {
                    "name": "PA-Orrinland",
                    "external_ids": "ucdp-side:811",
                    "actor_kind": "non_state_armed_group",
                    "structure": "decentralised",
                },
                {
                    # Same name as a UCDP group, but another id: another group.
                    "name": "People's Army",
                    "external_ids": "ucdp-side:899",
                    "actor_kind": "non_state_armed_group",
                    "structure": "centralised",
                },
            ],
        ),
    )
    armies = sorted(named(store, "People's Army"), key=lambda a: a.external_ids)
    assert [a.external_ids for a in armies] == [("ucdp-side:811",), ("ucdp-side:899",)]
    assert "PA-Orrinland" in armies[0].aliases
    assert isinstance(armies[0], m.ArmedActor) and armies[0].structure == m.Structure.DECENTRALISED
    assert any("names differ" in w and "PA-Orrinland" in w for w in report.warnings)


def test_hxl_organisation_matched_by_similarity_is_a_review_item(
    store: GraphStore, tmp_path: Path
) -> None:
    load(
        store,
        seed_template(
            tmp_path, "Organisation", [{"name": "Orrin Relief Network", "org_kind": "nngo"}]
        ),
    )
    hxl = tmp_path / "3w.csv"
    hxl.write_text(
        "Organisation,Sector,Comment\n#org+name,#sector,\n"
        "Orrin Relief Netwerk,Health,FICTIONAL test row\n",
        "utf-8",
    )
    report = load(store, hxl, format="hxl")
    (item,) = report.review
    assert (item.row, item.field, item.value) == (3, "#org+name", "Orrin Relief Netwerk")
    assert item.matched_name == "Orrin Relief Network"
    (org,) = store.iter_nodes(NodeKind.ORGANISATION, viewer=SYSTEM)
    assert "Orrin Relief Netwerk" in org.aliases
    assert [r.spelling for r in org.identity_reviews] == ["Orrin Relief Netwerk"]
