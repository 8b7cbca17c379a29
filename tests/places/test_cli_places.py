"""CLI: import-boundaries and import-shapes: exit codes, JSON on stdout, store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest.helpers import run_cli


def test_import_boundaries_json_then_idempotent(
    tmp_path: Path, boundary_files: dict[str, Path]
) -> None:
    db = tmp_path / "s.db"
    result = run_cli(db, "import-boundaries", str(boundary_files["shapefile"]), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["levels"] == {"0": 1, "1": 2, "2": 4} and report["created"] == 13
    again = json.loads(
        run_cli(db, "import-boundaries", str(boundary_files["shapefile"]), "--json").stdout
    )
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == 7


def test_broken_boundaries_exit_3_naming_feature_and_field(
    tmp_path: Path, boundary_files: dict[str, Path]
) -> None:
    db = tmp_path / "s.db"
    assert run_cli(db, "import-boundaries", str(boundary_files["adm0"])).exit_code == 0
    before = json.loads(run_cli(db, "stats", "--json").stdout)
    result = run_cli(db, "import-boundaries", str(boundary_files["broken"]))
    assert result.exit_code == 3
    assert "broken.geojson, row 2: field 'geometry': feature 2" in result.stderr
    assert "row 3: field 'ADM1_PCODE': feature 3: P-code is missing" in result.stderr
    assert json.loads(run_cli(db, "stats", "--json").stdout) == before


def test_import_shapes_checks_kind_of_shape_per_site(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    rows = tmp_path / "sites.jsonl"
    rows.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "kind": "Site",
                    "id": "sit_cp",
                    "name": "Ferry checkpoint",
                    "site_kind": "checkpoint",
                },
                {"kind": "Site", "id": "sit_rt", "name": "North road", "site_kind": "supply_route"},
            ]
        )
        + "\n"
    )
    assert run_cli(db, "import", str(rows), "--format", "snapshot").exit_code == 0, "seed"
    point = {"type": "Point", "coordinates": [31.2, 2.0]}
    line = {"type": "LineString", "coordinates": [[30.1, 1.5], [33.9, 2.5]]}

    def shapes(cp: dict[str, object], rt: dict[str, object]) -> Path:
        path = tmp_path / "shapes.geojson"
        feats = [
            {"type": "Feature", "properties": {"id": "sit_cp"}, "geometry": cp},
            {"type": "Feature", "properties": {"id": "sit_rt"}, "geometry": rt},
            {"type": "Feature", "properties": {"id": "sit_none"}, "geometry": point},
        ]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
        return path

    wrong = run_cli(db, "import-shapes", str(shapes(line, point)))
    assert wrong.exit_code == 3
    assert "row 1, record 'sit_cp': field 'geometry'" in wrong.stderr
    assert "row 2, record 'sit_rt': field 'geometry'" in wrong.stderr
    assert "row 3, record 'sit_none': field 'id'" in wrong.stderr
    path = shapes(point, line)
    feats = json.loads(path.read_text())["features"][:2]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    done = run_cli(db, "import-shapes", str(path), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["updated"] == 2
    assert json.loads(run_cli(db, "import-shapes", str(path), "--json").stdout)["updated"] == 0


def test_demo_map_contacts_at_and_timeline_commands(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run_cli(db, "demo", "--no-ui").exit_code == 0
    found = json.loads(
        run_cli(db, "contacts", "--at", "40.3,3.1", "--on", "2026-06-01", "--json").stdout
    )
    assert [a["pcode"] for a in found["areas"]] == ["KL0101", "KL01", "KL"]
    sites = {s["area"]: s for s in found["sites"]}
    assert {"sit_varro_bridge", "sit_varro_corvane_route"} <= set(sites)
    assert [e["node"] for e in sites["sit_varro_bridge"]["armed"]] == ["unt_fhu_varro_cp"]
    bad = run_cli(db, "contacts", "--at", "3.1")
    assert bad.exit_code == 3 and "LON,LAT" in bad.stderr
    early = json.loads(run_cli(db, "timeline", "KL0302", "--to", "2024-05", "--json").stdout)
    later = json.loads(run_cli(db, "timeline", "KL0302", "--json").stdout)
    holders = [i["source"] for i in later["items"] if i["target"] == "sit_oskeny_screening"]
    assert "act_srf" in holders and "act_smk" in holders
    assert "act_srf" not in [i["source"] for i in early["items"]]
    text = run_cli(db, "timeline", "Oskeny screening site")
    assert text.exit_code == 0 and "Sunward Renewal Faction controls" in text.stdout
