"""CLI commands for place and time: `import-boundaries`, `place-events`, `timeline`.

`register(app)` adds them to the main `actorgraph` app (ui/cli.py). As with
every command, data goes to stdout (`--json`: JSON only) and the summary and
errors to stderr; a rejected file exits 3 naming the file, feature and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.sensitivity import Sensitivity
from ui.cli_support import CliState, emit_json, info, state

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
        f"{len(report.unplaced)} not placed"
    )
    for line in report.unplaced:
        info(f"  {line}")


DEMO_SHAPES = Path(__file__).resolve().parent.parent / "samples" / "demo" / "shapes.geojson"


def load_demo_shapes(st: CliState) -> None:
    """The demo's fictional boundaries, sites and routes, after its records."""
    from ingest.shapes import attach_shapes

    report = attach_shapes(st.store(), DEMO_SHAPES, actor="demo", viewer=st.viewer)
    info(f"shapes: {report.updated} placed on the map")


def register(app: typer.Typer) -> None:
    app.command("import-boundaries")(import_boundaries)
    app.command("import-shapes")(import_shapes)
    app.command("place-events")(place_events)
