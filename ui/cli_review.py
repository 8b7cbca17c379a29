"""`actorgraph review`: spellings an import attached by similarity, and the decisions.

An import attaches a spelling to a known record by a fuzzy match only with a
review item; here a reviewer lists them and accepts (same entity) or rejects
(different entity: the event links the spelling's rows attached are withdrawn,
and the next import gives the spelling its own record).
"""

from __future__ import annotations

from typing import Annotated

import typer

from ui.cli_support import emit_json, info, state

review_app = typer.Typer(
    help="List spellings imports matched by similarity; accept or reject each (review items).",
    invoke_without_command=True,
    rich_markup_mode=None,  # plain help, as the root command (rich costs start-up time)
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only, on stdout.")]


@review_app.callback()
def review_list(
    ctx: typer.Context,
    everything: Annotated[
        bool, typer.Option("--all", help="Also list items already accepted or rejected.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """List pending review items (with --all, decided ones too)."""
    if ctx.invoked_subcommand is not None:
        return
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.review import list_reviews

    st = state(ctx)
    items = list_reviews(st.store(), viewer=st.viewer, everything=everything)
    if json_out:
        emit_json([r.as_dict() for r in items])
        return
    if not items:
        info("no review items" if everything else "no pending review items")
    for r in items:
        typer.echo(
            f"{r.item}  {r.status:<8} {r.spelling!r} -> {r.record_name!r} ({r.record_id}), "
            f"{r.rule} {r.score:.2f}" + (f"; {r.found_in}" if r.found_in else "")
        )


def _decide(ctx: typer.Context, item: str, decision: str, json_out: bool) -> None:
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.review import decide

    st = state(ctx)
    done = decide(
        st.store(),
        item,
        "accept" if decision == "accept" else "reject",
        actor=st.viewer.name,
        viewer=st.viewer,
    )
    if json_out:
        emit_json(done.as_dict())
        return
    if decision == "accept":
        info(f"accepted: {done.spelling!r} is {done.record_name!r} ({done.record_id})")
    else:
        info(
            f"rejected: {done.spelling!r} is not {done.record_name!r} ({done.record_id}); "
            "removed from its aliases; the next import gives it a record of its own"
        )
        info(
            f"withdrew {len(done.withdrawn)} event link(s) its rows had attached"
            + (": " + ", ".join(done.withdrawn) if done.withdrawn else "")
        )
        if done.reweighed:
            info(
                f"recounted {len(done.reweighed)} inferred tie(s) without those events: "
                + ", ".join(done.reweighed)
            )


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="The review item's id (rev_…).")],
    json_out: JsonOpt = False,
) -> None:
    """Accept: the spelling is the same entity; it stays an alias and is not reported again."""
    _decide(ctx, item, "accept", json_out)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="The review item's id (rev_…).")],
    json_out: JsonOpt = False,
) -> None:
    """Reject: a different entity; withdraw the event links its rows attached."""
    _decide(ctx, item, "reject", json_out)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
