"""CLI commands for place and time: `import-boundaries`, `place-events`, `timeline`.

`register(app)` adds them to the main `actorgraph` app (ui/cli.py). As with
every command, data goes to stdout (`--json`: JSON only) and the summary and
errors to stderr; a rejected file exits 3 naming the file, feature and field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph.errors import NotFound
from graph.schema import NodeKind
from graph.sensitivity import Sensitivity
from ui.cli_support import EXIT_INVALID, CliState, emit_json, fail, info, parse_as_of, state
from ui.demo_files import DEMO_SHAPES

if TYPE_CHECKING:  # the analyses load networkx when they run (start-up time)
    import networkx as nx

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only, on stdout.")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check the file and report; write nothing.")
]


def import_boundaries(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="COD-AB boundaries: a .geojson, or a zip of shapefiles.")
    ],
    level: Annotated[
        int | None,
        typer.Option("--level", min=0, max=5, help="Import only this admin level (default: all)."),
    ] = None,
    sensitivity: Annotated[
        Sensitivity,
        typer.Option("--sensitivity", help="Label of new areas (COD-AB is published: public)."),
    ] = Sensitivity.PUBLIC,
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import administrative boundaries (areas, P-codes, names, parents, shapes): the gazetteer."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.boundaries import import_boundaries as run

    st = state(ctx)
    st.may_create = True
    report = run(
        st.store(),
        path,
        actor=st.viewer.name,
        viewer=st.viewer,
        level=level,
        dry_run=dry_run,
        sensitivity=sensitivity,
    )
    if json_out:
        emit_json(report.as_dict())
    levels = ", ".join(f"{n} at level {lvl}" for lvl, n in sorted(report.levels.items()))
    verb = "checked (dry run)" if dry_run else "imported"
    info(
        f"{verb} {sum(report.levels.values())} area(s) from {report.file}: {levels}; "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )
    for line in report.unlinked:
        info(f"  not linked to a parent: {line}")


def import_shapes(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="GeoJSON whose features carry the `id` of a Site or Area.")
    ],
    dry_run: DryRunOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Attach drawn shapes to sites, routes and areas that exist (points, lines, polygons)."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.shapes import attach_shapes

    st = state(ctx)
    report = attach_shapes(
        st.store(), path, actor=st.viewer.name, viewer=st.viewer, dry_run=dry_run
    )
    if json_out:
        emit_json({**report.as_dict(), "dry_run": dry_run})
    info(
        f"shapes from {path.name}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )


def place_events(ctx: typer.Context, dry_run: DryRunOpt = False, json_out: JsonOpt = False) -> None:
    """Place incidents imported before the boundaries in the gazetteer's areas (one write)."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.placement import place_stored_events

    st = state(ctx)
    report = place_stored_events(
        st.store(), actor=st.viewer.name, viewer=st.viewer, dry_run=dry_run
    )
    if json_out:
        emit_json({**report.as_dict(), "dry_run": dry_run})
    info(
        f"placed {report.placed} incident(s) ({report.by_coordinates} by coordinates, "
        f"{report.by_names} by admin names); {report.already} already placed; "
        f"{len(report.unplaced)} not placed; {len(report.withdrawn)} placeholder link(s) "
        "withdrawn"
    )
    for line in report.unplaced:
        info(f"  {line}")


def contacts_at_point(
    st: CliState,
    graph: nx.MultiDiGraph[str],
    at: str,
    day: date,
    radius_km: float,
    json_out: bool,
) -> None:
    """`actorgraph contacts --at LON,LAT`: the areas there and the sites near it."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.geometry import GeometryProblem, parse_lon_lat
    from queries.places import contacts_at
    from ui.cli_queries import print_contacts

    try:
        lon, lat = parse_lon_lat(at)
    except GeometryProblem as e:
        fail(f"--at: {e}", EXIT_INVALID)
    shapes = st.store().geometries(viewer=st.viewer)
    data = contacts_at(graph, shapes, lon, lat, as_of=day, radius_km=radius_km)
    if json_out:
        emit_json(data)
        return
    if not data["inside"]:
        typer.echo(f"{lon},{lat} lies in no area with a shape (import-boundaries first?)")
    for found in data["areas"]:
        typer.echo(f"{found['name']} ({found['pcode']}), as of {found['as_of']}")
        print_contacts(found)
    for found in data["sites"]:
        typer.echo(f"{found['name']} ({found['site_kind']}, {found['distance_km']} km)")
        print_contacts(found)


def timeline(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="An armed actor, unit, area (or P-code) or site.")],
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY[-MM[-DD]]).")] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day: the axis as it stood then.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Allegiances, command, control, incidents, engagements and commitments on one time axis."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.dates import lower_bound
    from graph.projection import projection
    from queries.timeline_view import timeline as build
    from ui.cli_queries import resolve

    st = state(ctx)
    graph = projection(st.store(), viewer=st.viewer)
    first = _day(start, lower_bound) if start else None
    last = parse_as_of(end)
    node = _place_by_pcode(graph, subject) or resolve(
        st, graph, subject, kinds=TIMELINE_KINDS, what="subject"
    )
    items = build(graph, node, start=first, end=last)
    if json_out:
        emit_json({"subject": node, "from": _iso(first), "to": _iso(last), "items": items})
        return
    typer.echo(f"{graph.nodes[node]['record'].name}: {len(items)} item(s)")
    for item in items:
        when = item["start"] or "(undated)"
        if not item["point"]:
            when += f" .. {item['end'] or 'open'}"
        typer.echo(f"  {when:<24} {item['lane']:<11} {item['label']}")


TIMELINE_KINDS = [
    NodeKind.ARMED_ACTOR,
    NodeKind.UNIT,
    NodeKind.PERSON,
    NodeKind.AREA,
    NodeKind.SITE,
]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str, bound: Callable[[str], date]) -> date:
    try:
        return bound(text)
    except ValueError as e:
        fail(f"{text!r}: {e}", EXIT_INVALID)


def _place_by_pcode(graph: nx.MultiDiGraph[str], text: str) -> str | None:
    """An area given by its P-code (KL0101), the way officers name districts."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from queries.contacts import find_area

    try:
        return find_area(graph, text) if text.upper() == text and " " not in text else None
    except NotFound:
        return None


def load_demo_shapes(st: CliState) -> None:
    """The demo's fictional boundaries, sites and routes, after its records."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.shapes import attach_shapes

    report = attach_shapes(st.store(), DEMO_SHAPES, actor="demo", viewer=st.viewer)
    info(f"shapes: {report.created + report.updated + report.unchanged} on the map")


def register(app: typer.Typer) -> None:
    app.command("import-boundaries")(import_boundaries)
    app.command("import-shapes")(import_shapes)
    app.command("place-events")(place_events)
    app.command("timeline")(timeline)
