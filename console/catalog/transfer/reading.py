"""Reading an uploaded CSV or XLSX file (decided by content, never by name) into a frame of text cells
whose index is the spreadsheet row number, with the size, row and column checks."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from typing import Any

import pandas as pd

from console.catalog.transfer.columns import COLUMNS, REQUIRED_COLUMNS, _cell_text
from console.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024


MAX_ROWS = 50_000


MAX_XLSX_UNPACKED = 300 * 1024 * 1024  # a 20 MB zip may not inflate into gigabytes


FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1


XLSX_MAGIC = b"PK\x03\x04"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls


def csv_problem(parser_message: str) -> str:
    """pandas' tokenizer message in the words of someone who edits a spreadsheet ("Error tokenizing data. C error:
    EOF inside string starting at row 4" is a quote never closed)."""
    text = parser_message.strip()
    if found := re.search(r"EOF inside string starting at row (\d+)", text):
        return f'a quoted cell that starts on row {int(found[1]) + 1} is never closed (a closing " is missing)'
    if found := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text):
        return f"row {found[2]} has {found[3]} cells where the rows before it have {found[1]} (check its quotes)"
    return re.sub(r"^Error tokenizing data\. C error: ", "", text)[:200]


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


def _normalise_header(name: Any) -> str:
    return _cell_text(name).strip().lstrip("\ufeff").lower().replace(" ", "_")


def _extent(cells: list[str]) -> int:
    """1 + the position of the last non-blank cell (0 for a blank row)."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i].strip():
            return i + 1
    return 0


def _frame_from(grid: list[list[str]]) -> pd.DataFrame:
    """First line = header; the index of the returned frame is the spreadsheet row number."""
    if not grid or not any(cell.strip() for cell in grid[0]):
        raise _refuse("is empty: the first row must hold the column names (download the template)")
    raw_header = [_normalise_header(h) for h in grid[0]]
    body = grid[1:]
    extents = [_extent(r) for r in body]
    widest = max(extents, default=0)
    keep = []  # positions of named columns; unnamed ones must be empty (spreadsheets add such columns)
    for i, name in enumerate(raw_header):
        if name:
            keep.append(i)
        elif i < widest and any(e > i and body[n][i].strip() for n, e in enumerate(extents)):
            raise _refuse(f"column {i + 1} has data but no name in the first row")
    header = [raw_header[i] for i in keep]
    if widest > len(raw_header):
        n = next(n for n, e in enumerate(extents) if e > len(raw_header))
        raise _refuse(f"row {n + FIRST_DATA_ROW} has more cells than there are columns")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise _refuse(f"names these columns more than once: {', '.join(twice)}")
    check_columns(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for n, (raw, e) in enumerate(zip(body, extents, strict=True)):
        if not e:
            continue  # blank lines between rows
        rows.append([raw[i] if i < len(raw) else "" for i in keep])
        numbers.append(n + FIRST_DATA_ROW)
    if len(rows) > MAX_ROWS:
        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
    return pd.DataFrame(rows, columns=header, index=pd.Index(numbers, name="row"), dtype=object)


def check_columns(columns: Iterable[str]) -> list[str]:
    """Refuse unknown columns and missing required ones; return the columns the file leaves out."""
    present = list(columns)
    unknown = [c for c in present if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    problems = []
    if unknown:
        problems.append(f"has unknown columns: {', '.join(unknown)} (allowed: {', '.join(COLUMNS)})")
    if missing:
        problems.append(f"lacks the required columns: {', '.join(missing)}")
    if problems:
        raise _refuse("; ".join(problems))
    return [c for c in COLUMNS if c not in present]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise _refuse("is a ZIP archive but not an Excel workbook (.xlsx)")
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise _refuse("unpacks to more than 300 MB; save it as CSV or split it")
    except zipfile.BadZipFile as exc:
        raise _refuse("looks like an .xlsx workbook but is damaged; save it again") from exc
    from openpyxl import load_workbook

    grid: list[list[str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)  # data_only: never formulas
            try:
                sheet = book.worksheets[0]
                filled = 0  # formatted but empty rows do not count (they keep the numbering)
                for values in sheet.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    if any(c.strip() for c in cells):
                        filled += 1
                        grid.append(cells)
                    else:
                        grid.append([])
                    if filled > MAX_ROWS + 1:
                        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
            finally:
                book.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise _refuse(f"could not be read as an Excel workbook ({type(exc).__name__}); save it again") from exc
    return grid


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            "is neither an Excel workbook (.xlsx) nor UTF-8 CSV text; in Excel choose Save As → “CSV UTF-8”"
        ) from exc
    if "\x00" in text:
        raise _refuse("contains binary data; upload a CSV (UTF-8) or .xlsx file")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # Excel in some locales saves with ';'
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            nrows=2 * MAX_ROWS + 2,  # blank lines do not count; _frame_from applies the limit
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise _refuse("is empty: the first row must hold the column names (download the template)") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise _refuse(f"is not valid CSV: {csv_problem(str(exc))}") from exc
    if len(frame) > 2 * MAX_ROWS + 1:
        raise _refuse(f"has more than {MAX_ROWS:,} rows; split it into several files")
    # Short rows are padded with NaN (a float) even with na_filter=False: those cells are empty.
    return [[cell if isinstance(cell, str) else "" for cell in row] for row in frame.itertuples(index=False, name=None)]


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """CSV or XLSX -> a frame of text cells whose index is the spreadsheet row number.

    The format is decided by the content (an .xlsx is a ZIP archive), never by `filename`, which only
    appears in messages. Raises ValidationFailed({"file": ...}) with a message a person can act on.
    """
    name = (filename or "the file")[:120]
    if len(data) > MAX_BYTES:
        raise _refuse(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several files")
    if not data.strip():
        raise _refuse(f"{name} is empty")
    if data.startswith(XLSX_MAGIC):
        grid = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC):
        raise _refuse("is an old Excel .xls file; save it as .xlsx or CSV UTF-8")
    else:
        grid = _read_csv(data)
    return _frame_from(grid)
