"""A sheet read into rows of cells: a ``.csv`` file or a worksheet of an ``.xlsx`` workbook.

The first row is the header; every non-blank row after it keeps the number the user sees (the header is
row 1; for ``.xlsx`` the worksheet's own row numbers, for CSV the record number). A CSV file is UTF-8
with or without the byte-order mark Excel writes, or any named encoding; a file saved by Excel as
"Unicode text" is read with its tabs. Cells keep what the file holds — text from CSV; text, numbers,
dates and booleans from Excel — and are read into values only later, column by column.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from revolve.errors import ImportFileError

CellValue = object
"""What a cell holds: ``str`` from CSV; ``str``, ``int``, ``float``, ``datetime``, ``bool`` or None from Excel."""


@dataclass(frozen=True, slots=True)
class SheetRows:
    """A sheet as read: its header cells and its non-blank data rows with their row numbers."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[CellValue, ...]], ...]


def read_rows(source: str | Path, *, sheet: str | None = None, encoding: str = "utf-8-sig") -> SheetRows:
    """Read a ``.csv`` file or a worksheet of an ``.xlsx`` workbook into rows of cells.

    Args:
        source: the file; its suffix (``.csv``/``.txt`` or ``.xlsx``/``.xlsm``) says how to read it.
        sheet: the worksheet of a workbook (the first one by default).
        encoding: the text encoding of a CSV file; ``utf-8-sig`` reads UTF-8 with or without a BOM.

    Returns:
        The header (row 1) and every non-blank data row with its row number (header = row 1).

    Raises:
        ImportFileError: the file is missing, of another type, not in ``encoding``, damaged or empty.
    """
    path = Path(source)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFileError(path, reason="no such file: check the path")
    if suffix in (".csv", ".txt"):
        table = _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, sheet)
    elif suffix == ".xls":
        raise ImportFileError(path, reason="the old .xls format is not read: save it as .xlsx or CSV UTF-8")
    else:
        raise ImportFileError(path, reason="give a .csv or .xlsx file")
    if not table:
        raise ImportFileError(path, reason="it is empty: row 1 must hold the column headers")
    header = tuple(_header_text(v) for v in table[0][1])
    if not any(header):
        raise ImportFileError(path, reason="row 1 is blank: it must hold the column headers")
    rows = tuple((n, cells) for n, cells in table[1:] if any(not is_blank(c) for c in cells))
    return SheetRows(str(path), header, rows)


def _read_csv(path: Path, encoding: str) -> list[tuple[int, tuple[CellValue, ...]]]:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            # Excel on a Chinese system saves "Unicode text" with tabs; a comma file has commas
            delimiter = "\t" if "\t" in first and "," not in first else ","
            return [(n, tuple(r)) for n, r in enumerate(csv.reader(handle, delimiter=delimiter), start=1)]
    except UnicodeDecodeError:
        raise ImportFileError(
            path,
            reason=f"it is not {encoding} text: save it as 'CSV UTF-8' (CSV UTF-8（逗号分隔）), "
            "or name its encoding (e.g. --encoding gb18030)",
        ) from None
    except LookupError:
        raise ImportFileError(path, reason=f"unknown text encoding {encoding!r}") from None
    except csv.Error as exc:
        raise ImportFileError(path, reason=f"it is not a well-formed CSV file ({exc})") from None


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, tuple[CellValue, ...]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(path, reason=f"it is not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ImportFileError(
                path, reason=f"it has no sheet {sheet!r}; its sheets are {workbook.sheetnames}"
            )
        # read-only worksheets yield every row from 1, padding blank ones, so enumerate gives row numbers
        return [(n, tuple(r)) for n, r in enumerate(worksheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def is_blank(value: CellValue) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: CellValue) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()
