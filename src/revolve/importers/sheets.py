"""A sheet read into rows of cells: a ``.csv``/``.txt`` file or a worksheet of an ``.xlsx`` workbook.

**Encodings are detected, not demanded.** A text file is read by this cascade, first match wins:

1. a byte-order mark: UTF-8 (``EF BB BF``), UTF-16LE (``FF FE``) or UTF-16BE (``FE FF``) — the last two
   are what Excel and WPS write as "Unicode 文本", tab-separated;
2. strict UTF-8 (a GBK file almost never decodes as UTF-8: its two-byte characters break UTF-8's rules);
3. GB18030, the national standard and a superset of GBK and GB2312, which Chinese Excel/WPS write as
   "CSV (逗号分隔)".

``encoding=`` (``--encoding``) overrides the cascade. The cascade is ours, not a statistical detector
(charset-normalizer, chardet): the candidates a county office produces are these few, GB18030 decodes
almost any byte string, so a detector could only rank the same three guesses — and a fixed rule gives
the same answer for the same file every time.

**The header row is found, not assumed.** County sheets open with a merged title (``2026年幸福工程借款
花名册``), a ``单位：元`` line or a date. Given the header names of the kind of file, :func:`read_rows`
scans the first :data:`HEADER_SCAN` rows and takes the one that names the most known columns; the rows
above it are skipped and named in :attr:`SheetRows.skipped`. Every later non-blank row keeps the number
the user sees (for ``.xlsx`` the worksheet's own row numbers, for text files the record number). Cells
keep what the file holds — text from CSV; text, numbers, dates and booleans from Excel — and are read
into values only later, column by column.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from revolve.errors import Hint, ImportFileError

CellValue = object
"""What a cell holds: ``str`` from CSV; ``str``, ``int``, ``float``, ``datetime``, ``bool`` or None from Excel."""

HEADER_SCAN = 10
"""How many rows from the top are searched for the header row."""


@dataclass(frozen=True, slots=True)
class SheetRows:
    """A sheet as read.

    Attributes:
        source: the file.
        header: the header row's cells as text.
        rows: every non-blank row below the header, with its row number as the user sees it.
        header_row: the number of the header row (1 unless title rows stand above it).
        skipped: the non-blank rows above the header (titles, ``单位：元``), with their first text.
        encoding: the text encoding the file was read in (None for a workbook).
    """

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[CellValue, ...]], ...]
    header_row: int = 1
    skipped: tuple[tuple[int, str], ...] = ()
    encoding: str | None = None


def read_rows(
    source: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    headers: Collection[str] = (),
    header_key: Callable[[str], str] = str.strip,
) -> SheetRows:
    """Read a ``.csv``/``.txt`` file or a worksheet of an ``.xlsx`` workbook into rows of cells.

    Args:
        source: the file; its suffix (``.csv``/``.txt`` or ``.xlsx``/``.xlsm``) says how to read it.
        sheet: the worksheet of a workbook (the first one by default).
        encoding: the text encoding of a text file; None detects it (BOM, UTF-8, GB18030).
        headers: the known header names, as ``header_key`` gives them; the header row is the row among
            the first :data:`HEADER_SCAN` that names the most of them (row 1 when none names any).
        header_key: how a cell's text is compared with ``headers``.

    Returns:
        The header, every non-blank data row below it with its row number, and the rows skipped above it.

    Raises:
        ImportFileError: the file is missing, of another type, not in ``encoding``, damaged or empty.
    """
    path = Path(source)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFileError(path, reason="no_file")
    used: str | None = None
    if suffix in (".csv", ".txt", ".tsv"):
        table, used = _read_text(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, sheet)
    elif suffix == ".xls":
        raise ImportFileError(path, reason="xls")
    else:
        raise ImportFileError(path, reason="suffix")
    if not any(any(not is_blank(c) for c in cells) for _, cells in table):
        raise ImportFileError(path, reason="empty")
    at = _header_index(table, headers, header_key)
    header = tuple(_header_text(v) for v in table[at][1])
    if not any(header):
        raise ImportFileError(path, reason="blank_header")
    skipped = tuple(
        (n, next(_header_text(c) for c in cells if not is_blank(c)))
        for n, cells in table[:at]
        if any(not is_blank(c) for c in cells)
    )
    rows = tuple((n, cells) for n, cells in table[at + 1 :] if any(not is_blank(c) for c in cells))
    return SheetRows(str(path), header, rows, table[at][0], skipped, used)


def _header_index(
    table: list[tuple[int, tuple[CellValue, ...]]], headers: Collection[str], key: Callable[[str], str]
) -> int:
    """The index in ``table`` of the header row: the first of the top rows naming the most known headers;
    without known headers (or when none is named), the first non-blank row."""
    first = next(i for i, (_, cells) in enumerate(table) if any(not is_blank(c) for c in cells))
    best, best_hits = first, 0
    for index, (_, cells) in enumerate(table[:HEADER_SCAN]):
        hits = len({key(t) for c in cells if (t := _header_text(c))} & set(headers))
        if hits > best_hits:
            best, best_hits = index, hits
    return best


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(data: bytes) -> str:
    """The encoding of a text file's bytes: its byte-order mark, else UTF-8 if it decodes strictly,
    else GB18030 (a superset of GBK); the module docstring says why this cascade.

    Raises:
        UnicodeDecodeError: the bytes are none of these.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data.decode("gb18030")  # raises when it is not GB18030 either
        return "gb18030"
    return "utf-8"


def _read_text(path: Path, encoding: str | None) -> tuple[list[tuple[int, tuple[CellValue, ...]]], str]:
    data = path.read_bytes()
    try:
        used = detect_encoding(data) if encoding is None else encoding
        text = data.decode(used)
    except UnicodeDecodeError:
        named = "UTF-8, UTF-16 or GB18030/GBK" if encoding is None else encoding
        raise ImportFileError(
            path,
            reason="encoding",
            named=named,
            hint=Hint(argument="encoding", values=("big5",)),
        ) from None
    except LookupError:
        raise ImportFileError(path, reason="unknown_encoding", encoding=encoding) from None
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    # Excel's "Unicode 文本" (UTF-16) and .txt/.tsv files are tab-separated; a comma file has commas
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(n, tuple(r)) for n, r in enumerate(reader, start=1)], used
    except csv.Error as exc:
        raise ImportFileError(path, reason="bad_csv", cause=str(exc)) from None


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, tuple[CellValue, ...]]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(path, reason="bad_xlsx", cause=str(exc)) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ImportFileError(path, reason="no_sheet", sheet=sheet, sheets=", ".join(workbook.sheetnames))
        # read-only worksheets yield every row from 1, padding blank ones, so enumerate gives row numbers
        return [(n, tuple(r)) for n, r in enumerate(worksheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def is_blank(value: CellValue) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: CellValue) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()
