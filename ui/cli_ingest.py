"""CLI commands for getting data in and out: `template`, `import`, `export`, `merge`.

`register(app)` adds them to the main `actorgraph` app. Data (and, with
`--json`, only JSON) goes to stdout; the progress bar, the summary line and
error messages go to stderr. A rejected import exits with code 3 (see
ui/cli_support.py) after listing every problem; with `--json` the same
report is printed as JSON first.

The ingest modules are imported inside each command, not at the top: every
`actorgraph` call would otherwise load them (start-up time, checked by
tests/cli/test_startup_imports.py).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph import model as m
from graph.errors import ImportRejected, InvalidRecords, RowError
from graph.sensitivity import Sensitivity
from ui.cli_support import ask_secret, emit_json, info, state

if TYPE_CHECKING:
    from ingest.pipeline import ImportReport, Resolved

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only, on stdout.")]

FORMAT_HELP = "template (XLSX workbook or CSV folder), snapshot (JSON Lines), hxl, acled, ucdp"


def template(
    out: Annotated[
        Path, typer.Option("--out", help="Workbook (.xlsx) or, with --format csv, a folder.")
    ],
    format_: Annotated[
        str, typer.Option("--format", help="xlsx (one sheet per kind) or csv (a folder of files).")
    ] = "xlsx",
) -> None:
    """Write a data-entry template: a sheet per node kind and relationship type, with drop-downs."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.templates import write_template_csv, write_template_xlsx

    if format_ not in ("xlsx", "csv"):
        raise InvalidRecords(
            [_error("format", f"unknown template format {format_!r}", "use xlsx or csv")]
        )
    if format_ == "csv":
        write_template_csv(out)
    else:
        write_template_xlsx(out)
    info(f"wrote the template to {out}")


def _error(field: str, message: str, suggestion: str = "") -> RowError:
    return RowError(field=field, message=message, suggestion=suggestion)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr (shown only on a terminal); yields a callback."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update


def import_(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File (or template folder) to import.")],
    format_: Annotated[
        str | None, typer.Option("--format", help=f"Override detection: {FORMAT_HELP}.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Provenance stamped on every imported record (a Source)."),
    ] = None,
    reliability: Annotated[
        m.Reliability, typer.Option("--reliability", help="Grade of the --source: A … F.")
    ] = m.Reliability.F,
    credibility: Annotated[
        m.Credibility, typer.Option("--credibility", help="Grade of the information: 1 … 6.")
    ] = m.Credibility.C6,
    sensitivity: Annotated[
        Sensitivity | None,
        typer.Option("--sensitivity", help="Label for imported records that do not set one."),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Write the valid rows; copy rejected rows, unchanged, to a reject file.",
        ),
    ] = False,
    report_path: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write the full report here, every row's match and every new id: "
            "JSON, or CSV if FILE ends in .csv (reject file beside it).",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List every row's match (exact ones too) and every new id."
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Import a template, a JSON Lines snapshot, an HXL CSV, an ACLED or a UCDP GED export.

    By default the file imports only if every row is valid; otherwise nothing is
    written and every problem is listed (file, sheet, row, field, value). The
    report lists each name matched to a record without an exact match
    (`sheet/row: "spelling" → id (name), score`) and the ids of new records;
    --verbose or --report FILE give every row.
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.pipeline import FORMATS, ImportOptions, ImportReport, SourceSpec, run_import

    st = state(ctx)
    st.may_create = True  # an import (even a dry run) is a write command
    if format_ is not None and format_ not in FORMATS:
        raise InvalidRecords(
            [_error("format", f"unknown format {format_!r}", "use one of: " + ", ".join(FORMATS))]
        )
    options = ImportOptions(
        format=format_,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        source=SourceSpec(source, reliability, credibility) if source else None,
        sensitivity=sensitivity,
        actor=st.viewer.name,
        report_dir=report_path.parent if report_path else None,
        viewer=st.viewer,
    )
    try:
        with _progress(not json_out) as progress:
            report = run_import(st.store(), path, options, progress=progress)
    except ImportRejected as e:
        rejected = ImportReport(file=str(path), format=format_ or "", dry_run=dry_run)
        rejected.errors = e.errors
        rejected.rejected = len({(x.file, x.sheet, x.row) for x in e.errors if x.row is not None})
        _write_report(report_path, rejected, written=False)
        if json_out:
            emit_json(rejected.as_dict() | {"written": False})
        raise
    _write_report(report_path, report, written=not dry_run)
    if json_out:
        emit_json(report.as_dict() | {"written": not dry_run})
    else:
        for line in report_lines(report, verbose=verbose):
            info(line)
        if report_path is not None:
            info(f"full report: {report_path}")
        if dry_run:
            info("dry run: nothing was written")
    info(report.summary())


# A 5,000-row file creates thousands of records: the terminal shows this many
# new ids, and --verbose / --report every one. Fuzzy matches are never cut.
SHOWN_NEW = 20


def report_lines(report: ImportReport, *, verbose: bool = False) -> list[str]:
    """What an officer reads after an import, in order: warnings, each name attached
    to a record by a match that was not exact (with the rows that spelled it so),
    names left for review, new ids, rejected rows.

    By default exact matches are only counted, a fuzzy match met on many rows is
    one line naming its first row and how many more, and new ids stop after
    `SHOWN_NEW`; `verbose` lists every row and every id.
    """
    lines = [f"warning: {w}" for w in report.warnings]
    review_of = {(r.matched_id, r.value): r for r in report.review if r.matched_id}
    grouped: dict[tuple[str, str], list[Resolved]] = {}
    for match in report.matches:
        if verbose or not match.exact:
            grouped.setdefault((match.record_id, match.spelling), []).append(match)
    shown: set[tuple[str | None, str | None]] = set()
    for (record_id, spelling), rows in grouped.items():
        item = review_of.get((record_id, spelling))
        if item is not None and item.item:
            shown.add((record_id, spelling))
        suffix = f"; review: actorgraph review accept|reject {item.item}" if item else ""
        if verbose:
            lines.extend(f"matched {r.line()}{suffix}" for r in rows)
        else:
            more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
            lines.append(f"matched {rows[0].line()}{more}{suffix}")
    lines.extend(
        f"review: {item.file}, row {item.row}: {item.message}"
        for item in report.review
        if (item.matched_id, item.value) not in shown
    )
    exact = sum(1 for m in report.matches if m.exact)
    if exact and not verbose:
        lines.append(f"{exact} row(s) matched a record exactly (--verbose lists them)")
    verb = "would create" if report.dry_run else "created"
    news = report.new_records if verbose else report.new_records[:SHOWN_NEW]
    lines.extend(f"{verb} {r.id} {r.kind} {r.name}" for r in news)
    if len(report.new_records) > len(news):
        lines.append(
            f"… and {len(report.new_records) - len(news)} more new records "
            "(--verbose or --report FILE lists them all)"
        )
    lines.extend(f"rejected: {error}" for error in report.errors)
    if report.reject_file:
        lines.append(f"rejected rows written, unchanged, to {report.reject_file}")
    return lines


REPORT_COLUMNS = (
    "what",
    "file",
    "sheet",
    "row",
    "field",
    "spelling",
    "record_id",
    "record_name",
    "kind",
    "score",
    "rule",
    "value",
    "message",
)


def _write_report(path: Path | None, report: ImportReport, *, written: bool) -> None:
    """The whole report: JSON (`--json`'s shape), or one CSV line per matched row,
    new record and rejected row, for a spreadsheet's filter."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() != ".csv":
        data = report.as_dict() | {"written": written}
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        path.write_text(text, "utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=REPORT_COLUMNS)
        out.writeheader()
        for match in report.matches:
            out.writerow({"what": "matched", **match.as_dict()})
        for new in report.new_records:
            out.writerow(
                {"what": "created" if written else "would create", "record_id": new.id}
                | {"kind": new.kind, "record_name": new.name}
            )
        for error in report.errors:
            out.writerow(
                {"what": "rejected", "file": error.file, "sheet": error.sheet, "row": error.row}
                | {"field": error.field, "value": error.value or "", "message": error.message}
            )


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="File to write (a folder for csv).")],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            help="snapshot (JSON Lines with history), graphml (Gephi), csv (nodes+edges), "
            "template (the import workbook, filled: edit it and import it back).",
        ),
    ] = "snapshot",
    audience: Annotated[
        str | None,
        typer.Option(
            "--audience",
            help="Export only what this audience may receive (see docs/sharing.md), "
            "with a manifest of what was withheld.",
        ),
    ] = None,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Encrypt (age format) with a passphrase (ACTORGRAPH_EXPORT_PASSPHRASE, or "
            "asked on a terminal); for --audience exports.",
        ),
    ] = False,
    encrypt_to: Annotated[
        list[str] | None,
        typer.Option(
            "--encrypt-to",
            help="Encrypt (age format) to this age public key (age1…); repeat for several "
            "recipients. For --audience exports; instead of --encrypt.",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Export what you may see (filtered by your clearance): snapshot, GraphML or CSV.

    With --audience NAME, write only what that audience's sharing protocol allows
    (JSON Lines) plus `<file>.manifest.json`; --encrypt protects both with a passphrase,
    --encrypt-to with partners' age public keys (they open them with `age -d`).
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.export import EXPORT_FORMATS, audited_export

    if audience is not None or encrypt or encrypt_to:
        _export_for_audience(ctx, out, audience, encrypt, encrypt_to or [], json_out)
        return
    if format_ not in EXPORT_FORMATS:
        raise InvalidRecords(
            [
                _error(
                    "format",
                    f"unknown export format {format_!r}",
                    "use " + ", ".join(EXPORT_FORMATS),
                )
            ]
        )
    st = state(ctx)
    store = st.store()
    count = audited_export(store, st.viewer, format_, out)
    result = {"format": format_, "out": str(out), "records": count}
    if json_out:
        emit_json(result)
    info(f"wrote {count} {'lines' if format_ == 'snapshot' else 'records'} to {out}")


def _export_for_audience(
    ctx: typer.Context,
    out: Path,
    name: str | None,
    encrypt: bool,
    encrypt_to: list[str],
    json_out: bool,
) -> None:
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.sharing import audience as find_audience
    from graph.sharing import load_audiences
    from ingest.audience_export import export_for_audience, manifest_path
    from ingest.encryption import parse_recipients

    if name is None:
        raise InvalidRecords(
            [_error("audience", "--encrypt and --encrypt-to need --audience", "name the audience")]
        )
    if encrypt and encrypt_to:
        raise InvalidRecords(
            [_error("encrypt", "give --encrypt or --encrypt-to, not both", "choose one")]
        )
    parse_recipients(encrypt_to)  # a mistyped key fails before anything is read or asked
    st = state(ctx)
    configured = os.environ.get("ACTORGRAPH_AUDIENCES")
    target = find_audience(name, load_audiences(Path(configured) if configured else None))
    passphrase = _passphrase(twice=True) if encrypt else None
    manifest = export_for_audience(
        st.store(),
        viewer=st.viewer,
        audience=target,
        out=out,
        passphrase=passphrase,
        recipients=encrypt_to,
    )
    encrypted = encrypt or bool(encrypt_to)
    result = {
        "audience": target.name,
        "out": str(out),
        "manifest": str(manifest_path(out)),
        "encrypted": encrypted,
        "recipients": encrypt_to,
        **manifest.as_dict(),
    }
    if json_out:
        emit_json(result)
    info(
        f"wrote {sum(manifest.exported.values())} records for {target.name} to {out}"
        + (" (encrypted, age format: open with `age -d`)" if encrypted else "")
    )


def _passphrase(*, twice: bool) -> str:
    secret = ask_secret("ACTORGRAPH_EXPORT_PASSPHRASE", "export passphrase", twice=twice)
    if secret is None:
        raise InvalidRecords(
            [_error("passphrase", "no passphrase", "set ACTORGRAPH_EXPORT_PASSPHRASE")]
        )
    return secret


def decrypt(
    path: Annotated[Path, typer.Argument(help="An encrypted export.", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Where to write the plain file.")],
    identity: Annotated[
        list[Path] | None,
        typer.Option(
            "--identity",
            "-i",
            help="An age key file (from age-keygen) for exports made with --encrypt-to.",
            exists=True,
        ),
    ] = None,
) -> None:
    """Decrypt an encrypted export: its passphrase as for export, or --identity KEYFILE.

    Exports are age files: a partner without actorgraph opens them with `age -d`.
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.encryption import decrypt as open_blob
    from ingest.encryption import read_identities

    if identity:
        keys = [key for file in identity for key in read_identities(file)]
        plain = open_blob(path.read_bytes(), identities=keys)
    else:
        plain = open_blob(path.read_bytes(), _passphrase(twice=False))
    out.write_bytes(plain)
    info(f"decrypted {path} to {out}")


def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="Id of the entity to keep.")],
    other: Annotated[str, typer.Argument(help="Id of the entity merged into KEEP (then closed).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report; write nothing.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Merge OTHER into KEEP: aliases and relationships move to KEEP; the merge is recorded."""
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from ingest.merge import merge_entities

    st = state(ctx)
    report = merge_entities(
        st.store(), keep, other, actor=st.viewer.name, dry_run=dry_run, viewer=st.viewer
    )
    if json_out:
        emit_json(report.as_dict())
        return
    info(
        f"merged {other} into {keep}: {len(report.moved)} relationship(s) moved, "
        f"{len(report.closed)} closed, aliases added: {', '.join(report.aliases_added) or 'none'}"
        + (" (dry run: nothing written)" if dry_run else "")
    )


def register(app: typer.Typer) -> None:
    """Add `template`, `import`, `export`, `decrypt` and `merge` to the actorgraph app."""
    app.command("template")(template)
    app.command("import")(import_)
    app.command("export")(export)
    app.command("decrypt")(decrypt)
    app.command("merge")(merge)


__all__ = ["register"]
