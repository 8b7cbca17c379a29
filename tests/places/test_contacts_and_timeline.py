"""contacts --at and the timeline on real stores: control as of a date, sites near a
point, and the past-date invariant (records dated later never move an earlier answer)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from graph import model as m
from graph.projection import projection
from graph.sensitivity import Viewer
from graph.store import GraphStore, WriteBatch
from ingest.boundaries import area_id, import_boundaries
from ingest.shapes import attach_shapes
from queries.places import contacts_at, map_layers
from queries.timeline_view import timeline
from tests.places.conftest import ADMIN, PUBLIC

BRUNE = area_id("VD0102")


def _seed(store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path) -> None:
    import_boundaries(store, boundary_files["shapefile"], actor="t", viewer=ADMIN)
    records: list[m.AnyRecord] = [
        m.ArmedActor(id="act_guard", name="Verdanian Border Guard", actor_kind="state_force",
                     structure="integrated", sensitivity="public"),
        m.ArmedActor(id="act_front", name="Brune Liberation Front",
                     actor_kind="non_state_armed_group", structure="decentralised",
                     sensitivity="public"),
        m.Person(id="per_cmdr", name="Ostrid Vell", sensitivity="public"),
        m.Organisation(id="org_ocha", name="OCHA Verdania", org_kind="ocha_cmcoord",
                       engager=True, sensitivity="public"),
        m.Commands(id="rel_cmd", source_id="per_cmdr", target_id="act_front", sensitivity="public"),
        m.HasAccessTo(id="rel_acc", source_id="org_ocha", target_id="per_cmdr", strength=0.8,
                      sensitivity="public"),
        m.Controls(id="rel_ctl_guard", source_id="act_guard", target_id=BRUNE,
                   valid_from="2020", valid_to="2024-06", sensitivity="public"),
        m.Controls(id="rel_ctl_front", source_id="act_front", target_id=BRUNE,
                   valid_from="2024-07", sensitivity="public"),
        m.Site(id="sit_ferry", name="Brune ferry checkpoint", site_kind="checkpoint",
               sensitivity="confidential"),
        m.PartOf(id="rel_site_in", source_id="sit_ferry", target_id=BRUNE,
                 sensitivity="confidential"),
        m.Controls(id="rel_ctl_ferry", source_id="act_front", target_id="sit_ferry",
                   valid_from="2024-08", sensitivity="confidential"),
        m.Incident(id="inc_1", name="Shelling of Brune market", date="2024-09-03",
                   harm_pattern="reckless", longitude=31.5, latitude=2.0, sensitivity="public"),
        m.Perpetrated(id="rel_perp", source_id="act_front", target_id="inc_1",
                      sensitivity="public"),
        m.OccurredIn(id="rel_occ", source_id="inc_1", target_id=BRUNE, sensitivity="public"),
    ]  # fmt: skip
    store.write(WriteBatch.of(records), actor="t")
    shapes = tmp_path / "ferry.geojson"
    shapes.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "sit_ferry"},
                        "geometry": {"type": "Point", "coordinates": [31.52, 2.01]},
                    }
                ],
            }
        )
    )
    attach_shapes(store, shapes, actor="t", viewer=ADMIN)


def _at(store: GraphStore, day: date, viewer: Viewer = ADMIN) -> dict[str, object]:
    graph = projection(store, viewer=viewer, as_of=day)
    return contacts_at(graph, store.geometries(viewer=viewer), 31.5, 2.0, as_of=day)


def _controllers(found: dict[str, object]) -> list[str]:
    return [e["node"] for e in found["areas"][0]["armed"] if e["relation"] == "CONTROLS"]  # type: ignore[index]


def test_contacts_at_a_point_follow_control_on_the_date_and_list_sites_near(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    _seed(store, boundary_files, tmp_path)
    before = _at(store, date(2023, 1, 1))
    assert [a["pcode"] for a in before["areas"]] == ["VD0102", "VD01", "VD"]  # type: ignore[index]
    assert _controllers(before) == ["act_guard"]
    # The ferry checkpoint is there, but nobody is recorded holding it before 2024-08.
    assert [(s["area"], s["armed"]) for s in before["sites"]] == [("sit_ferry", [])]  # type: ignore[attr-defined]
    after = _at(store, date(2025, 1, 1))
    assert _controllers(after) == ["act_front"]
    (site,) = after["sites"]  # type: ignore[misc]
    assert site["area"] == "sit_ferry" and site["distance_km"] < 3
    (holder,) = site["armed"]
    assert holder["node"] == "act_front" and [c["node"] for c in holder["commanders"]] == [
        "per_cmdr"
    ]
    assert [e["engager"] for e in holder["engagers"]] == ["org_ocha"]


def test_contacts_at_respect_clearance_on_sites_and_their_shapes(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    _seed(store, boundary_files, tmp_path)
    public = _at(store, date(2025, 1, 1), PUBLIC)
    assert public["sites"] == [] and _controllers(public) == ["act_front"]
    assert "sit_ferry" not in store.geometries(viewer=PUBLIC)


def test_timeline_of_an_area_and_an_actor(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    _seed(store, boundary_files, tmp_path)
    graph = projection(store, viewer=ADMIN)
    area = [(i["lane"], i["start"], i["end"], i["record"]) for i in timeline(graph, BRUNE)]
    assert area == [
        ("control", "2020-01-01", "2024-06-30", "rel_ctl_guard"),
        ("control", "2024-07-01", None, "rel_ctl_front"),
        ("control", "2024-08-01", None, "rel_ctl_ferry"),
        ("incident", "2024-09-03", "2024-09-03", "inc_1"),
    ]
    actor = {(i["lane"], i["record"]) for i in timeline(graph, "act_front")}
    assert actor == {
        ("command", "rel_cmd"),
        ("control", "rel_ctl_front"),
        ("control", "rel_ctl_ferry"),
        ("incident", "inc_1"),
    }
    window = timeline(graph, BRUNE, start=date(2024, 8, 15), end=date(2024, 12, 31))
    assert [i["record"] for i in window] == ["rel_ctl_front", "rel_ctl_ferry", "inc_1"]


def test_past_answers_do_not_move_when_later_records_arrive(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    _seed(store, boundary_files, tmp_path)
    day = date(2024, 12, 31)

    def answers() -> tuple[object, object, object]:
        graph = projection(store, viewer=ADMIN)
        return (
            timeline(graph, BRUNE, end=day),
            timeline(graph, "act_front", end=day),
            _controllers(_at(store, day)),
        )

    before = answers()
    front = next(r for r in store.iter_relationships(viewer=ADMIN) if r.id == "rel_ctl_front")
    store.write(
        WriteBatch.of(
            [
                # The front loses Brune in 2025, a new group takes it, more shelling follows.
                front.model_copy(update={"valid_to": "2025-03", "recorded_at": None}),
                m.ArmedActor(
                    id="act_new",
                    name="Dunmere Watch",
                    actor_kind="community_militia",
                    structure="community_embedded",
                    sensitivity="public",
                ),
                m.Controls(
                    id="rel_ctl_new",
                    source_id="act_new",
                    target_id=BRUNE,
                    valid_from="2025-04",
                    sensitivity="public",
                ),
                m.Incident(
                    id="inc_2",
                    name="Raid on Brune ferry",
                    date="2025-05-01",
                    harm_pattern="deliberate",
                    sensitivity="public",
                ),
                m.OccurredIn(
                    id="rel_occ2", source_id="inc_2", target_id=BRUNE, sensitivity="public"
                ),
                m.Perpetrated(
                    id="rel_perp2", source_id="act_front", target_id="inc_2", sensitivity="public"
                ),
            ]
        ),
        actor="t",
    )
    assert answers() == before
    assert "rel_ctl_new" in [i["record"] for i in timeline(projection(store, viewer=ADMIN), BRUNE)]


def test_map_layers_shade_by_control_on_the_date_and_follow_clearance(
    store: GraphStore, boundary_files: dict[str, Path], tmp_path: Path
) -> None:
    _seed(store, boundary_files, tmp_path)

    def layers(day: date, viewer: Viewer = ADMIN) -> dict[str, object]:
        graph = projection(store, viewer=viewer, as_of=day)
        return map_layers(graph, store.geometries(viewer=viewer))

    def held(found: dict[str, object]) -> dict[str, list[str]]:
        return {a["pcode"]: [c["id"] for c in a["controllers"]] for a in found["areas"]}  # type: ignore[attr-defined]

    early, late = layers(date(2023, 1, 1)), layers(date(2025, 1, 1))
    assert early["level"] == 2 and held(early)["VD0102"] == ["act_guard"]
    assert held(late)["VD0102"] == ["act_front"] and held(late)["VD0101"] == []
    assert [s["id"] for s in late["sites"]] == ["sit_ferry"]  # type: ignore[attr-defined]
    assert [i["id"] for i in late["incidents"]] == ["inc_1"]  # type: ignore[attr-defined]
    public = layers(date(2025, 1, 1), PUBLIC)
    assert public["sites"] == [] and held(public)["VD0102"] == ["act_front"]
    # A second controller the same day makes the district contested.
    store.write(
        WriteBatch.of(
            [
                m.Controls(
                    id="rel_ctl_both",
                    source_id="act_guard",
                    target_id=BRUNE,
                    valid_from="2024-12",
                    sensitivity="public",
                )
            ]
        ),
        actor="t",
    )
    both = {a["pcode"]: a["contested"] for a in layers(date(2025, 1, 1))["areas"]}  # type: ignore[attr-defined]
    assert both["VD0102"] is True and both["VD0101"] is False
    assert held(layers(date(2023, 1, 1))) == held(early)  # the past did not move
