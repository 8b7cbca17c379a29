"""The format registry: each import format's name, how to recognise it, read it and build it.

Adding a format is one entry in `REGISTRY` (see CONTRIBUTING.md): the pipeline
never names a format. Detection reads the file once and hands the tables it
read to the caller (`Detected`), so nothing is cached between calls, and two
app sessions importing at once never share a read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ImportRejected, RowError
from ingest import acled, hxl, ucdp
from ingest.context import ImportContext
from ingest.drafts import Built, RowKey
from ingest.rows import Table, read_csv, read_table_file, read_xlsx

Builder = Callable[[list[Table], ImportContext, set[RowKey]], Built]


@dataclass(frozen=True)
class Format:
    """One import format.

    looks_like  recognises one table of the file (None: recognised by suffix only);
    read        the file's tables (None when the builder reads the file itself,
                as a snapshot's does);
    by_columns  True when its columns tell it (checked on every table first), False
                when only the sheet or file name can (templates, checked last).
    """

    name: str
    build: Builder
    looks_like: Callable[[Table, Path], bool] | None = None
    read: Callable[[Path], list[Table]] | None = None
    by_columns: bool = True

    @property
    def tabular(self) -> bool:
        return self.read is not None


def read_tables(path: Path) -> list[Table]:
    """A template folder's CSV files (one sheet each), or a file's sheets."""
    if path.is_dir():
        return [read_csv(p, sheet=p.stem) for p in sorted(path.glob("*.csv"))]
    return read_table_file(path)


# The template and snapshot modules are loaded when a file of theirs is met:
# importing an event file builds neither the templates' sheet specs (every
# model) nor loads the snapshot code (networkx).
def _build_template(tables: list[Table], ctx: ImportContext, skip: set[RowKey]) -> Built:
    from ingest.templates import build  # loaded when a template file is met

    return build(tables, ctx, skip)


def _is_template(table: Table, path: Path) -> bool:
    from ingest.templates import spec_for  # builds every sheet spec: only when asked

    return spec_for(table.sheet or path.stem) is not None


def _build_snapshot(tables: list[Table], ctx: ImportContext, skip: set[RowKey]) -> Built:
    from ingest.export import build_snapshot  # snapshot code loads networkx

    return build_snapshot(tables, ctx, skip)


def _header(table: Table) -> set[str]:
    return {h.strip().lower() for h in table.header}


REGISTRY: dict[str, Format] = {
    f.name: f
    for f in (
        Format("template", _build_template, _is_template, read_tables, by_columns=False),
        Format("snapshot", _build_snapshot),
        Format("hxl", hxl.build, lambda t, _: hxl.looks_like(t), read_tables),
        Format("acled", acled.build, lambda t, _: acled.looks_like(_header(t)), read_tables),
        Format("ucdp", ucdp.build, lambda t, _: ucdp.looks_like(_header(t)), read_tables),
    )
}
FORMATS: tuple[str, ...] = tuple(REGISTRY)
# The order columns are tried in: event exports are told apart before HXL.
_BY_COLUMNS = ("acled", "ucdp", "hxl")
SNAPSHOT_SUFFIXES = (".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class Detected:
    """The format a file is in, and the tables read to tell (None: not read yet)."""

    format: Format
    tables: list[Table] | None = None

    def read(self, path: Path) -> list[Table]:
        """The tables detection read, else the format's own reading of the file."""
        if self.tables is not None:
            return self.tables
        return self.format.read(path) if self.format.read is not None else []


def format_named(name: str, path: Path) -> Format:
    """`--format NAME`, or the file's rejection naming the formats there are."""
    if name not in REGISTRY:
        raise ImportRejected(
            [
                RowError(
                    field="format",
                    file=str(path),
                    message=f"unknown format {name!r}",
                    suggestion="use one of: " + ", ".join(FORMATS),
                )
            ]
        )
    return REGISTRY[name]


def detect_format(path: Path) -> str:
    """Guess the format from the name and the first rows; `--format` overrides."""
    return detect(path).format.name


def detect(path: Path) -> Detected:
    """The file's format from its name and columns, with the tables read to tell."""
    if path.is_dir():
        return Detected(REGISTRY["template"])
    suffix = path.suffix.lower()
    if suffix in SNAPSHOT_SUFFIXES:
        return Detected(REGISTRY["snapshot"])
    if suffix in (".xlsx", ".xlsm"):
        tables = read_xlsx(path)
        return Detected(_format_of_tables(tables, path) or REGISTRY["template"], tables)
    table = read_csv(path)
    if table.empty:
        raise ImportRejected(empty_errors([table], path))
    fmt = _format_of_tables([table], path)
    if fmt is None:
        raise ImportRejected(
            [
                RowError(
                    field="format",
                    file=str(path),
                    row=table.header_row if table.header else None,
                    message="cannot tell the format from the file name or its columns",
                    suggestion="use --format " + "|".join(FORMATS),
                )
            ]
        )
    return Detected(fmt, [table])


def _format_of_tables(tables: list[Table], path: Path) -> Format | None:
    by_columns = [REGISTRY[n] for n in _BY_COLUMNS]
    for table in tables:
        for fmt in by_columns:
            if fmt.looks_like is not None and fmt.looks_like(table, path):
                return fmt
    by_name = [f for f in REGISTRY.values() if not f.by_columns and f.looks_like is not None]
    for fmt in by_name:
        if any(fmt.looks_like(t, path) for t in tables):  # type: ignore[misc]
            return fmt
    return None


def empty_errors(tables: list[Table], path: Path) -> list[RowError]:
    """The file has no header and no data: nothing else about it can be said."""
    if not tables or all(t.empty for t in tables):
        return [
            RowError(
                field="header",
                file=str(path),
                row=1,
                message="the file is empty: no header row and no data",
                suggestion="export the data again, or start from `actorgraph template`",
            )
        ]
    return []
