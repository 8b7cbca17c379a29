"""An import warns when a relationship it adds repeats one already recorded (graph.overlaps).

Every name here is FICTIONAL (invented people and groups of Orrinland).
"""

from __future__ import annotations

from pathlib import Path

from graph.schema import RelType
from graph.sensitivity import SYSTEM, Sensitivity, Viewer
from graph.store import GraphStore
from tests.ingest.helpers import load, run_cli
from tests.ingest.test_identity import write_csv

FIELD_OFFICER = Viewer(name="field-officer", clearance=Sensitivity.RESTRICTED)


def _folder(tmp_path: Path, sheets: dict[str, list[dict[str, str]]]) -> Path:
    folder = tmp_path / f"t{len(list(tmp_path.iterdir()))}"
    for sheet, rows in sheets.items():
        write_csv(folder / f"{sheet}.csv", sorted({c for r in rows for c in r}), rows)
    return folder


_GROUP = {"actor_kind": "non_state_armed_group", "structure": "decentralised"}


def _seed(store: GraphStore, tmp_path: Path) -> None:
    """An NGO, two commanders and an armed group, and the NGO's access to the first commander."""
    load(
        store,
        _folder(
            tmp_path,
            {
                "Organisation": [
                    {"id": "org_rww", "name": "Relief Without Walls", "org_kind": "ingo"},
                ],
                "Person": [
                    {"id": "per_dask", "name": "Morwen Dask"},
                    {"id": "per_venn", "name": "Dario Venn"},
                ],
                "ArmedActor": [
                    {"id": "act_pmo", "name": "Popular Movement of Orrinland", **_GROUP},
                    {"id": "act_kra", "name": "Kalmora Republican Army", **_GROUP},
                ],
                "HAS_ACCESS_TO": [
                    {
                        "id": "rel_first",
                        "source_id": "org_rww",
                        "target_id": "per_dask",
                        "valid_from": "2021",
                        "sensitivity": "restricted",
                    },
                ],
                "ALLIED_WITH": [
                    {
                        "id": "rel_pact",
                        "source_id": "act_pmo",
                        "target_id": "act_kra",
                        "valid_from": "2022-01",
                        "valid_to": "2023-06",
                        "sensitivity": "restricted",
                    },
                ],
            },
        ),
    )


def _access(rel_id: str, target: str = "per_dask", **dates: str) -> dict[str, str]:
    return {"id": rel_id, "source_id": "org_rww", "target_id": target, **dates}


def test_a_second_access_record_over_the_same_months_is_named_with_its_row(
    store: GraphStore, tmp_path: Path
) -> None:
    _seed(store, tmp_path)
    file = _folder(tmp_path, {"HAS_ACCESS_TO": [_access("rel_again", valid_from="2022-05")]})
    report = load(store, file)
    (warning,) = report.warnings
    assert f"{file / 'HAS_ACCESS_TO.csv'}:" in warning and "row 2" in warning
    assert "HAS_ACCESS_TO org_rww → per_dask" in warning and "repeats rel_first" in warning
    assert "already recorded" in warning
    # A warning, not a refusal: the analyst decides which one to close.
    ids = {r.id for r in store.iter_relationships(RelType.HAS_ACCESS_TO, viewer=SYSTEM)}
    assert ids == {"rel_first", "rel_again"}
    assert report.as_dict()["warnings"] == [warning]


def test_a_dry_run_warns_the_same_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    _seed(store, tmp_path)
    file = _folder(tmp_path, {"HAS_ACCESS_TO": [_access("rel_again", valid_from="2022-05")]})
    counter = store.change_counter()
    planned = load(store, file, dry_run=True)
    assert store.change_counter() == counter
    assert len(planned.warnings) == 1 and "repeats rel_first" in planned.warnings[0]


def test_a_handover_another_person_or_a_closed_record_is_not_a_repeat(
    store: GraphStore, tmp_path: Path
) -> None:
    _seed(store, tmp_path)
    rows = [
        _access("rel_other", target="per_venn", valid_from="2022"),  # another person
        # The file closes the stored record and opens its successor the same month.
        _access("rel_first", valid_from="2021", valid_to="2024-03"),
        _access("rel_next", valid_from="2024-03"),
    ]
    assert load(store, _folder(tmp_path, {"HAS_ACCESS_TO": rows})).warnings == []
    # An alliance that begins after the stored one ended is a new alliance.
    later = {"id": "rel_pact2", "source_id": "act_kra", "target_id": "act_pmo"}
    assert (
        load(store, _folder(tmp_path, {"ALLIED_WITH": [{**later, "valid_from": "2024"}]})).warnings
        == []
    )


def test_a_symmetric_type_repeats_either_way_round(store: GraphStore, tmp_path: Path) -> None:
    _seed(store, tmp_path)
    reversed_pact = {
        "id": "rel_pact2",
        "source_id": "act_kra",
        "target_id": "act_pmo",
        "valid_from": "2023-01",
    }
    (warning,) = load(store, _folder(tmp_path, {"ALLIED_WITH": [reversed_pact]})).warnings
    assert "ALLIED_WITH act_kra → act_pmo" in warning and "repeats rel_pact" in warning


def test_two_new_rows_of_one_file_are_reported_once_at_the_later_row(
    store: GraphStore, tmp_path: Path
) -> None:
    _seed(store, tmp_path)
    rows = [
        _access("rel_a", target="per_venn", valid_from="2022"),
        _access("rel_b", target="per_venn", valid_from="2023"),
    ]
    (warning,) = load(store, _folder(tmp_path, {"HAS_ACCESS_TO": rows})).warnings
    assert "row 3" in warning and "repeats rel_a" in warning and "in this file" in warning


def test_a_repeat_above_the_importers_clearance_is_not_revealed(
    store: GraphStore, tmp_path: Path
) -> None:
    _seed(store, tmp_path)
    secret = _access("rel_secret", target="per_venn", valid_from="2020")
    load(store, _folder(tmp_path, {"HAS_ACCESS_TO": [{**secret, "sensitivity": "confidential"}]}))
    file = _folder(
        tmp_path, {"HAS_ACCESS_TO": [_access("rel_mine", "per_venn", valid_from="2022")]}
    )
    report = load(store, file, viewer=FIELD_OFFICER)
    assert report.warnings == []
    # The same file read by someone cleared for it is warned.
    other = _folder(
        tmp_path, {"HAS_ACCESS_TO": [_access("rel_theirs", "per_venn", valid_from="2022")]}
    )
    assert any("repeats rel_secret" in w for w in load(store, other).warnings)


def test_the_cli_prints_the_warning(tmp_path: Path) -> None:
    from graph.stores.embedded_store import EmbeddedStore  # the CLI needs a file it can open

    db = tmp_path / "g.db"
    store = EmbeddedStore(db)
    _seed(store, tmp_path)
    store.close()
    file = _folder(tmp_path, {"HAS_ACCESS_TO": [_access("rel_again", valid_from="2022-05")]})
    result = run_cli(db, "import", str(file))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "repeats rel_first" in result.output
