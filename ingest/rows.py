"""Readers that keep row numbers: CSV (any of the encodings field staff send) and XLSX.

Every importer starts here. A `Table` is one CSV file or one worksheet: its
header, and its rows, each knowing the file, sheet and row number a person sees
in a spreadsheet (the header is row 1). Nothing is cleaned away here: cells are
kept as text, exactly as read, so a rejected row can be written back unchanged.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 (with a BOM, or
without one when every other byte is NUL) and Windows-1252 (what Excel on a
French or English Windows saves as "CSV"). A file that is none of these is
rejected with the line and column of the first byte that cannot be read.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from graph.dates import normalise_partial
from graph.errors import ImportRejected, RowError

__all__ = [
    "HUGE_CELL",
    "Row",
    "RowError",
    "Table",
    "control_character_problem",
    "decode",
    "parse_date_cell",
    "parse_json_line",
    "read_csv",
    "read_table_file",
    "read_xlsx",
]

#: Longest cell we accept, in characters: the longest free-text field of the schema.
HUGE_CELL = 20_000
# The csv module refuses fields over 128 KiB with an unhelpful error; read them
# and report them as too long instead.
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class Row:
    """One data row: where it came from, its cells by column name, and its raw form."""

    file: str
    sheet: str
    number: int
    values: dict[str, str]
    cells: list[str]
    raw: str = ""  # the row's original text (CSV), written back verbatim to reject files
    formulas: set[str] = field(default_factory=set)  # XLSX columns holding a formula
    raw_cells: list[object] = field(default_factory=list)  # XLSX values as read

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.file, self.sheet, self.number)

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass
class Table:
    """A CSV file or one worksheet."""

    file: str
    sheet: str
    header: list[str]
    rows: list[Row]
    header_row: int = 1
    # Lines before the first data row, verbatim (header, HXL hashtags, help row).
    preamble: list[str] = field(default_factory=list)
    preamble_cells: list[list[object]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    empty: bool = False  # the file has no bytes / the sheet has no cells at all


# --------------------------------------------------------------------------- encodings


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: most ASCII characters leave a NUL in every other byte."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode(data: bytes, file: str) -> tuple[str, str, list[str]]:
    """Decode bytes into text; return (text, encoding, warnings) or raise ImportRejected."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = _looks_utf16(data) or "utf-8"
    try:
        return data.decode(encoding), encoding, warnings
    except UnicodeDecodeError as e:
        if encoding != "utf-8":
            line, col = _position(data, e.start)
            raise ImportRejected(
                [
                    RowError(
                        field="encoding",
                        file=file,
                        row=line,
                        message=f"cannot read the file as {encoding} "
                        f"(byte {e.start}, line {line}, column {col}: {e.reason})",
                        suggestion="save the file as UTF-8",
                    )
                ]
            ) from e
        utf8_error = e
    line, col = _position(data, utf8_error.start)
    lenient = data.decode("utf-8", errors="replace")
    if any(ord(c) > 0x7F and c != "\ufffd" for c in lenient):
        # Valid UTF-8 letters elsewhere: a file pasted together from two encodings.
        # Reading it as Windows-1252 would garble the good part; refuse instead.
        raise ImportRejected(
            [
                RowError(
                    field="encoding",
                    file=file,
                    row=line,
                    message=f"mixes UTF-8 with another encoding: byte "
                    f"0x{data[utf8_error.start]:02x} on line {line}, column {col} is not UTF-8",
                    suggestion="re-type or re-save that line as UTF-8",
                )
            ]
        ) from utf8_error
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise ImportRejected(
            [
                RowError(
                    field="encoding",
                    file=file,
                    row=line,
                    message=f"not UTF-8, UTF-16 or Windows-1252 text: byte "
                    f"0x{data[utf8_error.start]:02x} on line {line}, column {col} "
                    "cannot be read",
                    suggestion="save the file as UTF-8 (in Excel: CSV UTF-8)",
                )
            ]
        ) from e
    warnings.append(
        f"{file}: not UTF-8 (first non-UTF-8 byte on line {line}); read as Windows-1252"
    )
    return text, "cp1252", warnings


# --------------------------------------------------------------------------- CSV


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """Yield (first line number, cells, raw text) for each CSV record."""
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        end = reader.line_num
        raw = "".join(lines[start - 1 : end])
        yield start, cells, raw
        start = end + 1


# C0 controls other than tab, line feed and carriage return, DEL, and the C1 block.
# None belongs in a name or a note; they break GraphML exports (XML 1.0 forbids
# most of them) and terminals. C1 characters nearly always come from text decoded
# with the wrong code page somewhere upstream (UTF-8 read as Latin-1 turns "’"  # noqa: RUF003
# into "â\x80\x99"), so they are reported as such.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C1 = re.compile("[\x80-\x9f]")


def control_character_problem(value: str) -> tuple[str, str] | None:
    r"""(message, suggestion) when `value` holds a control character, else None.

    Refused rather than stripped: a silently changed name no longer matches the
    same actor in the next file, and the character usually marks a damaged
    export that the person who made it should repair at its source.

    >>> control_character_problem("Front of the Seven Hills") is None
    True
    >>> control_character_problem("Front\x07")[0]
    'contains control character U+0007 at position 6'
    """
    found = _C1.search(value)
    if found:
        return (
            f"contains control character U+{ord(found.group()):04X} at position "
            f"{found.start() + 1}: the text looks mis-decoded (UTF-8 read as "
            "Latin-1 or Windows-1252 somewhere before this file)",
            "re-export the source as UTF-8, or retype the garbled characters",
        )
    found = _CONTROL.search(value)
    if found:
        return (
            f"contains control character U+{ord(found.group()):04X} "
            f"at position {found.start() + 1}",
            "delete the invisible character (often pasted from a PDF or a terminal)",
        )
    return None


# Either kind of control character: one search over a row's joined cells tells
# whether any cell needs the per-cell check (joining creates no new character).
_ANY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_cells(row: Row, errors: list[RowError]) -> None:
    """Control characters and oversized cells, per cell, in column order.

    A clean row (nearly every row of a large file) is passed with one regex
    search and one length scan rather than two searches per cell: for a
    50,000-row event file that was a tenth of the import.
    """
    values = row.values.values()
    if not _ANY_CONTROL.search("".join(values)) and max(map(len, values), default=0) <= HUGE_CELL:
        return
    _check_each_cell(row, errors)


def _check_each_cell(row: Row, errors: list[RowError]) -> None:
    for column, value in row.values.items():
        problems = [control_character_problem(value)]
        if len(value) > HUGE_CELL:
            problems.append(
                (
                    f"cell has {len(value):,} characters; the limit is {HUGE_CELL:,}",
                    "shorten the text or keep the document elsewhere and cite it",
                )
            )
        errors.extend(
            RowError(
                field=column,
                file=row.file,
                sheet=row.sheet,
                row=row.number,
                # Never echo a value with a control character: it is what broke the terminal.
                value=value[:40] + "…" if message.startswith("cell has") else None,
                message=message,
                suggestion=suggestion,
            )
            for problem in problems
            if problem
            for message, suggestion in [problem]
        )


def _make_rows(
    file: str,
    sheet: str,
    header: list[str],
    records: list[tuple[int, list[object], str, set[str]]],
    errors: list[RowError],
) -> list[Row]:
    rows: list[Row] = []
    width = len(header)
    # Every column named (the usual case): a full row's values are the header
    # zipped with its cells, built in C rather than column by column.
    all_named = all(header)
    for number, raw_cells, raw, formulas in records:
        # CSV cells are text already; only XLSX values need converting.
        cells = [c if type(c) is str else _cell_text(c) for c in raw_cells]
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(
                RowError(
                    field=f"column {width + 1}",
                    file=file,
                    sheet=sheet,
                    row=number,
                    message=f"row has {len(cells)} cells but the header has {width} columns",
                    suggestion="check for an unquoted delimiter inside a cell",
                )
            )
        if all_named and len(cells) >= width:
            values = dict(zip(header, cells, strict=False))  # cells past the header: checked above
        else:
            values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        row = Row(
            file=file,
            sheet=sheet,
            number=number,
            values=values,
            cells=cells,
            raw=raw,
            formulas=formulas,
            raw_cells=list(raw_cells),
        )
        _check_cells(row, errors)
        rows.append(row)
    return rows


def read_csv(path: Path, *, sheet: str = "") -> Table:
    """Read one CSV file; header on its first non-empty line."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ImportRejected(
            [RowError(field="file", file=file, row=None, message=e.strerror or str(e))]
        ) from e
    if not data.strip():
        return Table(file=file, sheet=sheet, header=[], rows=[], empty=True)
    text, encoding, warnings = decode(data, file)
    delimiter = _sniff_delimiter(text)
    errors: list[RowError] = []
    header: list[str] | None = None
    header_row = 1
    preamble: list[str] = []
    body: list[tuple[int, list[object], str, set[str]]] = []
    for number, cells, raw in _records(text, delimiter):
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [c.strip().lstrip("\ufeff") for c in cells]
            header_row = number
            preamble.append(raw)
            continue
        body.append((number, list(cells), raw, set()))
    if header is None:
        return Table(file=file, sheet=sheet, header=[], rows=[], empty=True, encoding=encoding)
    table = Table(
        file=file,
        sheet=sheet,
        header=header,
        rows=[],
        header_row=header_row,
        preamble=preamble,
        encoding=encoding,
        delimiter=delimiter,
        errors=errors,
        warnings=warnings,
    )
    for index, (number, record, raw, _) in enumerate(body):
        at_end = index == len(body) - 1 and raw.count('"') % 2 == 1
        problem = _unbalanced_quote(number, record, raw, header, delimiter, at_end=at_end)
        if problem:
            errors.append(dataclasses.replace(problem, file=file, sheet=sheet))
    table.rows = _make_rows(file, sheet, header, body, errors)
    return table


def _unbalanced_quote(
    number: int, cells: list[object], raw: str, header: list[str], delimiter: str, *, at_end: bool
) -> RowError | None:
    """A quote that swallows the line breaks after it: report it instead of merging rows.

    The csv module, like Excel, reads everything up to the next quote as one cell,
    so one stray `"` silently turns several rows into one. A multi-line cell is
    legitimate (a note with line breaks), so it is reported only when the quote
    is never closed, or when a swallowed line has nearly a full row's delimiters.
    """
    spanned = len(raw.splitlines())
    width = len(header)
    if spanned < 2:
        return _quote_swallowing_delimiters(number, cells, raw, header, delimiter)
    full_row = max(2, (width - 1) * 3 // 4)
    for i, cell in enumerate(cells):
        text = str(cell)
        if "\n" not in text and "\r" not in text:
            continue
        swallowed = text.splitlines()[1:]
        if not at_end and not any(line.count(delimiter) >= full_row for line in swallowed):
            continue
        end = number + spanned - 1
        how = "is never closed" if at_end else f"is closed only on line {end}"
        return _quote_error(
            header,
            i,
            number,
            f'a quote (") opened in this cell on line {number} {how}, '
            f"so lines {number} to {end} were read as one row",
        )
    return None


def _quote_error(header: list[str], column: int, number: int, message: str) -> RowError:
    """A stray-quote problem in cell `column` of the record starting on line `number`."""
    return RowError(
        field=header[column] if column < len(header) and header[column] else f"column {column + 1}",
        file="",  # the caller fills in file and sheet
        row=number,
        message=message,
        suggestion='remove the stray quote, or double it ("") inside a quoted cell',
    )


def _quote_swallowing_delimiters(
    number: int, cells: list[object], raw: str, header: list[str], delimiter: str
) -> RowError | None:
    """A stray quote closed further along the same line: the cells between become one."""
    width = len(header)
    if '"' not in raw or len(cells) >= width or raw.count(delimiter) < width - 1:
        return None
    for i, cell in enumerate(cells):
        if str(cell).count(delimiter) >= 2:
            return _quote_error(
                header,
                i,
                number,
                f'a quote (") in this cell joins {str(cell).count(delimiter) + 1} '
                f"cells into one: the row has {len(cells)} cells, the header {width}",
            )
    return None


# --------------------------------------------------------------------------- JSON Lines


def parse_json_line(
    text: str, file: str, number: int
) -> tuple[dict[str, Any] | None, RowError | None]:
    """One snapshot line as a JSON object, or the error naming its line.

    Besides malformed JSON, `json.loads` raises ValueError for integers of more
    than 4,300 digits and RecursionError for deeply nested arrays: both are
    hostile or damaged input, reported like any other bad line.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return None, RowError(
            field="json",
            file=file,
            row=number,
            message=f"not valid JSON: {e.msg} at column {e.colno}",
        )
    except (ValueError, RecursionError) as e:
        what = "nested too deeply" if isinstance(e, RecursionError) else "a number is too long"
        return None, RowError(
            field="json", file=file, row=number, message=f"unreadable JSON: {what}"
        )
    if not isinstance(data, dict):
        return None, RowError(
            field="json", file=file, row=number, message="each line must be one JSON object"
        )
    for key, value in _strings(data):
        problem = control_character_problem(value)
        if problem:
            return None, RowError(
                field=key, file=file, row=number, message=problem[0], suggestion=problem[1]
            )
    return data, None


def _strings(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every string in a parsed line (keys too), with the top-level field it sits under."""
    stack: list[tuple[str, object]] = [(str(k), v) for k, v in data.items()]
    stack += [(str(k), str(k)) for k in data]
    while stack:
        field_name, value = stack.pop()
        if isinstance(value, str):
            yield field_name, value
        elif isinstance(value, dict):
            stack.extend((field_name, v) for v in value.values())
            stack.extend((field_name, str(k)) for k in value)
        elif isinstance(value, list):
            stack.extend((field_name, v) for v in value)


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str:
    """A cell as text: dates as ISO, whole floats without `.0`, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> list[Table]:
    """Read every visible worksheet; formula cells are flagged, never evaluated.

    The workbook is streamed (openpyxl's read-only mode): rows are parsed from
    the sheet's XML as they are iterated, without building the full cell model
    with its styles, which took about 5 GB for a 15 MB workbook (the figures
    per 100,000 rows are in docs/performance.md).
    """
    from openpyxl import load_workbook

    file = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise ImportRejected([_unreadable_workbook(file, e)]) from e
    tables: list[Table] = []
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                continue
            tables.append(_xlsx_table(file, ws.title, _sheet_records(ws)))
    except ImportRejected:
        raise
    except Exception as e:  # a damaged sheet is only found while streaming it
        raise ImportRejected([_unreadable_workbook(file, e)]) from e
    finally:
        workbook.close()
    return tables


def _unreadable_workbook(file: str, error: Exception) -> RowError:
    return RowError(
        field="file",
        file=file,
        message=f"cannot open as an Excel workbook: {type(error).__name__}",
        suggestion="save it again as .xlsx from Excel or LibreOffice",
    )


def _sheet_records(ws: Any) -> list[tuple[int, list[object], str, set[int]]]:
    """A streamed sheet's rows: (row number, values, raw text, formula columns)."""
    from openpyxl.worksheet.formula import ArrayFormula

    # The size a sheet declares is only a hint (some writers say A1:A1 for a
    # full sheet); without this a read-only sheet would stop where it says.
    ws.reset_dimensions()
    records: list[tuple[int, list[object], str, set[int]]] = []
    for cells in ws.iter_rows():
        values: list[object] = []
        formula_cols: set[int] = set()
        number = 0
        for i, cell in enumerate(cells):
            number = getattr(cell, "row", None) or number  # padding cells have no row
            value = cell.value
            if isinstance(value, ArrayFormula):
                formula_cols.add(i)
                value = value.text
            elif cell.data_type == "f":
                formula_cols.add(i)
            values.append(value)
        while values and values[-1] in (None, ""):
            values.pop()
        if number:
            records.append((number, values, "", formula_cols))
    return records


def _xlsx_table(
    file: str, sheet: str, records: list[tuple[int, list[object], str, set[int]]]
) -> Table:
    errors: list[RowError] = []
    header: list[str] | None = None
    header_row = 1
    preamble_cells: list[list[object]] = []
    body: list[tuple[int, list[object], str, set[str]]] = []
    for number, values, raw, formula_cols in records:
        if header is None:
            if not any(_cell_text(v).strip() for v in values):
                continue
            header = [_cell_text(v).strip() for v in values]
            header_row = number
            preamble_cells.append(values)
            continue
        names = {header[i] if i < len(header) else f"column {i + 1}" for i in formula_cols}
        body.append((number, values, raw, names))
    if header is None:
        return Table(file=file, sheet=sheet, header=[], rows=[], empty=True)
    table = Table(
        file=file,
        sheet=sheet,
        header=header,
        rows=[],
        header_row=header_row,
        preamble_cells=preamble_cells,
        errors=errors,
    )
    table.rows = _make_rows(file, sheet, header, body, errors)
    return table


def read_table_file(path: Path) -> list[Table]:
    """CSV or XLSX by extension."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return [read_csv(path)]


# --------------------------------------------------------------------------- dates

_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}")
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_NUMERIC_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_WORD_FORMATS = (
    ("%d %B %Y", "day"),
    ("%d %b %Y", "day"),
    ("%d-%B-%Y", "day"),
    ("%d-%b-%Y", "day"),
    ("%B %d, %Y", "day"),
    ("%b %d, %Y", "day"),
    ("%B %d %Y", "day"),
    ("%B %Y", "month"),
    ("%b %Y", "month"),
)


def parse_date_cell(text: str) -> tuple[str | None, str]:
    """A date cell to a partial ISO date, or (None, problem).

    Accepts `2021`, `2021-03`, `2021-03-14`, a date-time (the time is dropped),
    `14/03/2021` (only one reading is possible), `2021/03/14`, `14 March 2021`,
    `March 2021`. Refuses `03/04/2021`: 3 April or 4 March cannot be told apart.

    >>> parse_date_cell("14/03/2021")
    ('2021-03-14', '')
    >>> parse_date_cell("03/04/2021")[1].startswith("ambiguous")
    True
    """
    t = text.strip()
    try:
        return normalise_partial(t), ""
    except ValueError as e:
        problem = str(e)
    found = _DATETIME.match(t)
    if found:
        return _checked(found.group(1))
    found = _NUMERIC_YMD.match(t)
    if found:
        y, mo, d = (int(g) for g in found.groups())
        return _checked(f"{y:04d}-{mo:02d}-{d:02d}")
    found = _NUMERIC_DMY.match(t)
    if found:
        a, b, y = (int(g) for g in found.groups())
        if a != b and a <= 12 and b <= 12:
            return None, (
                f"ambiguous date {t!r}: it could be {a} {_MONTHS[b]} or {b} {_MONTHS[a]} {y}"
            )
        day, month = (a, b) if a > 12 or a == b else (b, a) if b > 12 else (a, b)
        return _checked(f"{y:04d}-{month:02d}-{day:02d}")
    for fmt, precision in _WORD_FORMATS:
        try:
            parsed = datetime.strptime(t, fmt)
        except ValueError:
            continue
        if precision == "month":
            return parsed.strftime("%Y-%m"), ""
        return parsed.date().isoformat(), ""
    if "does not exist" in problem or "implausible" in problem:
        return None, problem.replace("malformed date", "impossible date")
    return None, f"not a date: {t!r}"


_MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _checked(iso: str) -> tuple[str | None, str]:
    try:
        return normalise_partial(iso), ""
    except ValueError as e:
        return None, str(e).replace("malformed date", "impossible date")
