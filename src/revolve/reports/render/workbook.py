"""Excel: the report as a workbook of typed cells (openpyxl), a 概要/Summary sheet and one sheet per section.

The summary sheet holds the title, the frame (subject, as-of date as a date cell, period), a linked list of
the section sheets and the notes. Each section sheet opens with the report's title, byline and the section's
title; its facts follow as 项目/数值 rows, then its table with a bold, filled, bordered header row (frozen,
and repeated on every printed page) and a bold total row. Cells are *typed*: amounts numeric yuan
(``Decimal``, format ``#,##0.00``), counts ``int`` (``#,##0``), dates dates (``yyyy-mm-dd``), rates a numeric
fraction (``0.00%``) beside their numerator and denominator; text is always text, never a formula. Sheet
names are legal and unique; column widths fit the widest text; pages are A4, fitted to the width, landscape
from seven columns, with a print area over what was written.

A report with a form (the 季报表's 行次/项目/本期数 grid) is a filing workbook instead: the form on the first
sheet, with 编制单位, 单位：元, the signature lines and the print date, printed on one page (fit to 1 × 1);
every other section on one 附表 (annex) sheet, one after another, then the notes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from revolve.money import Money
from revolve.ratios import UNDEFINED_TEXT, Ratio
from revolve.reports.labels import Language
from revolve.reports.model import Cell, ColumnKind, Report, Section, Term
from revolve.reports.render.cells import display, printable, untranslated, width
from revolve.reports.render.words import Words, resolve

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported when a workbook is written, not when revolve starts: a command that writes no
# workbook (most of the command line's) starts without it

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_MONEY_FORMAT = "#,##0.00"
_COUNT_FORMAT = "#,##0"
_DATE_FORMAT = "yyyy-mm-dd"
_RATIO_FORMAT = "0.00%"
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_LANDSCAPE_FROM = 7
_SUMMARY_COLUMNS = 3


class _Styles(NamedTuple):
    """The workbook's borders, fills and fonts."""

    grid: Border
    total_grid: Border
    header_fill: PatternFill
    label_fill: PatternFill
    bold: Font
    title_font: Font
    section_font: Font


@cache
def _styles() -> _Styles:
    from openpyxl.styles import Border, Font, PatternFill, Side  # noqa: PLC0415

    thin = Side(style="thin", color="000000")
    return _Styles(
        grid=Border(left=thin, right=thin, top=thin, bottom=thin),
        total_grid=Border(left=thin, right=thin, top=Side(style="double", color="000000"), bottom=thin),
        header_fill=PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2"),
        label_fill=PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2"),
        bold=Font(bold=True),
        title_font=Font(bold=True, size=14),
        section_font=Font(bold=True, size=12),
    )


def _sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel sheet names: no []:*?/\\, at most 31 characters, unique regardless of case."""
    used: set[str] = set()
    names = []
    for number, title in enumerate(titles, 1):
        base = _SHEET_FORBIDDEN.sub("_", printable(title)).strip().strip("'")[:_SHEET_MAX]
        base = base.rstrip("'") or f"Sheet{number}"
        name, copy = base, 1
        # "History" is reserved by Excel.
        while name.casefold() in used or name.casefold() == "history":
            copy += 1
            suffix = f"({copy})"
            name = base[: _SHEET_MAX - len(suffix)] + suffix
        used.add(name.casefold())
        names.append(name)
    return names


class _Sheet:
    """Writes typed cells into one worksheet and remembers each column's widest text."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Cell, *, fmt: str | None = None) -> None:
        """One cell: amounts as Decimal yuan, counts as int, dates as dates, text as text (never a formula)."""
        cell = self.sheet.cell(row=row, column=col)
        shown: str
        if value is None:
            return
        if isinstance(value, Money):
            cell.value = value.yuan
            cell.number_format = _MONEY_FORMAT
            shown = display(value)
        elif isinstance(value, Ratio):  # pragma: no cover - rates are split by put_ratio
            raise TypeError("write a rate with put_ratio")
        elif isinstance(value, int):
            cell.value = value
            cell.number_format = _COUNT_FORMAT
            shown = display(value)
        elif isinstance(value, Decimal):
            cell.value = value
            if fmt is None:
                exponent = value.as_tuple().exponent
                places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
                fmt = _COUNT_FORMAT + ("." + "0" * places if places else "")
            cell.number_format = fmt
            shown = f"{value * 100:.2f}%" if fmt == _RATIO_FORMAT else display(value)
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = _DATE_FORMAT
            shown = display(value)
        elif isinstance(value, Term):
            untranslated(value)
        else:
            shown = printable(value)
            cell.value = shown
            cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        self.widths[col] = max(
            self.widths.get(col, 0), max((width(line) for line in shown.split("\n")), default=0)
        )

    def put_ratio(self, row: int, col: int, value: Cell) -> None:
        """A rate in three cells: the fraction (0.00%, "—" when undefined), its numerator, its denominator."""
        if not isinstance(value, Ratio):
            self.put(row, col, value)
            return
        fraction = value.value
        self.put(row, col, UNDEFINED_TEXT if fraction is None else fraction, fmt=_RATIO_FORMAT)
        self.put(row, col + 1, value.numerator)
        self.put(row, col + 2, value.denominator)

    def style(
        self,
        row: int,
        first: int,
        last: int,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        border: Border | None = None,
    ) -> None:
        for col in range(first, last + 1):
            cell = self.sheet.cell(row=row, column=col)
            cell.border = border or _styles().grid
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill

    def header(self, row: int, names: Sequence[str]) -> None:
        from openpyxl.styles import Alignment  # noqa: PLC0415

        for col, name in enumerate(names, 1):
            self.put(row, col, name)
            self.sheet.cell(row=row, column=col).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
        self.style(row, 1, len(names), font=_styles().bold, fill=_styles().header_fill)

    def finish(self, *, header_row: int | None, columns: int, last_row: int, one_page: bool = False) -> None:
        """Column widths, frozen header, print titles and area, A4 fitted to the width (to one page for a
        form); landscape from seven columns."""
        from openpyxl.utils import get_column_letter  # noqa: PLC0415
        from openpyxl.worksheet.properties import PageSetupProperties  # noqa: PLC0415

        for col, widest in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(col)].width = min(
                max(widest + 2, _MIN_WIDTH), _MAX_WIDTH
            )
        if header_row is not None:
            self.sheet.freeze_panes = f"A{header_row + 1}"
            self.sheet.print_title_rows = f"{header_row}:{header_row}"
        self.sheet.print_area = f"A1:{get_column_letter(max(columns, 1))}{max(last_row, 1)}"
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = "landscape" if columns >= _LANDSCAPE_FROM else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if one_page else 0
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _write_heading(sheet: _Sheet, words: Words, subtitle: str | None) -> int:
    """The report's title block at the top of a sheet (the byline followed by 编制单位 and 单位：元 when the
    report has a letterhead); returns the next free row."""
    cells = sheet.sheet
    cells.cell(row=1, column=1, value=words.title).font = _styles().title_font
    byline = f"{words.byline}    {words.masthead}" if words.masthead else words.byline
    cells.cell(row=2, column=1, value=printable(byline))
    cells.cell(row=2, column=1).data_type = "s"
    if subtitle is None:
        return 4
    cells.cell(row=3, column=1, value=subtitle).font = _styles().section_font
    return 5


def _write_section(
    sheet: _Sheet, words: Words, row: int, section: Section, names: tuple[tuple[str, ...], tuple[str, ...]]
) -> tuple[int, int | None, int]:
    """A section's facts (项目/数值 rows) and its table from ``row`` on.

    Args:
        sheet: the sheet written to.
        words: the report's words.
        row: the first row to write.
        section: the section as shown.
        names: its fact labels and its column labels.

    Returns:
        The last row written, the row of the last header (None without one) and the widest span.
    """
    labels, columns = names
    header_row: int | None = None
    span = 2
    if section.facts:
        has_ratio = any(isinstance(fact.value, Ratio) for fact in section.facts)
        header = [words.word("item"), words.word("value")]
        if has_ratio:
            header += [words.word("numerator"), words.word("denominator")]
        sheet.header(row, header)
        header_row = row
        span = len(header)
        for name, fact in zip(labels, section.facts, strict=True):
            row += 1
            sheet.put(row, 1, name)
            sheet.put_ratio(row, 2, fact.value)
            sheet.style(row, 1, 1, fill=_styles().label_fill)
            sheet.style(row, 2, len(header))
        if section.table is not None:
            row += 2
    table = section.table
    if table is not None:
        header = words.spread_header(table.columns, columns)
        sheet.header(row, header)
        header_row = row
        span = max(span, len(header))
        lines = [(r, False) for r in table.rows]
        if table.total is not None:
            lines.append((table.total, True))
        for line, is_total in lines:
            row += 1
            col = 1
            for column, value in zip(table.columns, line, strict=True):
                if column.kind is ColumnKind.RATIO:
                    sheet.put_ratio(row, col, value)
                    col += 3
                    continue
                if isinstance(value, Ratio):  # a rate in a form's figure column: its fraction
                    fraction = value.value
                    sheet.put(row, col, UNDEFINED_TEXT if fraction is None else fraction, fmt=_RATIO_FORMAT)
                else:
                    sheet.put(row, col, value)
                col += 1
            if is_total:
                sheet.style(row, 1, len(header), font=_styles().bold, border=_styles().total_grid)
            else:
                sheet.style(row, 1, len(header))
    return row, header_row, span


def _write_lines(sheet: _Sheet, row: int, texts: Sequence[str]) -> int:
    """Plain lines of text (notes, signature lines, the print date) from ``row`` on; returns the last row."""
    for text in texts:
        row += 1
        cell = sheet.sheet.cell(row=row, column=1, value=printable(text))
        cell.data_type = "s"
    return row


def _closing(words: Words) -> list[str]:
    """The lines that close a printed sheet: the signature lines and the print date, when the report has them."""
    closing = [words.signature_line()] if words.signatures else []
    return closing + ([words.printed] if words.printed else [])


def _summary_sheet(sheet: _Sheet, words: Words, names: Sequence[str]) -> None:
    cells = sheet.sheet
    cells.cell(row=1, column=1, value=words.title).font = _styles().title_font
    row = 3
    for name, values in words.frame:
        # every frame row spans the summary's columns: a label, then a value or a period's start and end
        parts: list[Cell] = [name, *values]
        parts += [None] * (_SUMMARY_COLUMNS - len(parts))
        for col, part in enumerate(parts, 1):
            sheet.put(row, col, part)
        sheet.style(row, 1, 1, font=_styles().bold, fill=_styles().label_fill)
        row += 1
    row += 1
    sheet.header(row, [words.word("contents")])
    for sheet_name, (title, _, _) in zip(names, words.sections, strict=True):
        row += 1
        sheet.put(row, 1, title)
        link = cells.cell(row=row, column=1)
        link.hyperlink = "#'{}'!A1".format(sheet_name.replace("'", "''"))
        link.style = "Hyperlink"
        link.border = _styles().grid
    if words.notes:
        row += 2
        sheet.header(row, [words.word("notes")])
        for note in words.notes:
            row += 1
            sheet.put(row, 1, note)
    sheet.finish(header_row=None, columns=_SUMMARY_COLUMNS, last_row=row)


def _form_workbook(book: Workbook, words: Words) -> None:
    """A report with a form: the form on the first sheet, fitted to one page with its masthead, signature
    lines and print date; the annex sections one after another on the second, the notes after them."""
    from openpyxl.worksheet.worksheet import Worksheet  # noqa: PLC0415

    report = words.shown
    parts = list(zip(report.sections, words.sections, strict=True))
    form = [(s, w) for s, w in parts if s.form]
    annex = [(s, w) for s, w in parts if not s.form]
    names = _sheet_names([words.title, words.word("annex")])
    first = book.active
    assert isinstance(first, Worksheet)  # a new workbook always has its one sheet
    first.title = names[0]
    sheet = _Sheet(first)
    row = _write_heading(sheet, words, None) - 1
    header_row: int | None = None
    span = 2
    for section, (_, labels, columns) in form:
        row, header_row, span = _write_section(sheet, words, row + 1, section, (labels, columns))
        row += 1
    row = _write_lines(sheet, row, _closing(words))
    sheet.finish(header_row=header_row, columns=span, last_row=row, one_page=True)
    if not annex and not words.notes:
        return
    sheet = _Sheet(book.create_sheet(names[1]))
    row = _write_heading(sheet, words, words.word("annex")) - 1
    span = 2
    for section, (title, labels, columns) in annex:
        row += 1
        sheet.sheet.cell(row=row, column=1, value=title).font = _styles().section_font
        row, _, width_ = _write_section(sheet, words, row + 1, section, (labels, columns))
        span = max(span, width_)
        row += 1
    if words.notes:
        row += 1
        sheet.sheet.cell(row=row, column=1, value=words.word("notes")).font = _styles().section_font
        row = _write_lines(sheet, row, [f"{n}. {note}" for n, note in enumerate(words.notes, 1)])
    # the notes are long lines of text: they must not widen the first column
    sheet.finish(header_row=None, columns=span, last_row=row)


def render_xlsx(report: Report, *, lang: Language | str = Language.ZH) -> bytes:
    """The report as an Excel workbook: a 概要/Summary sheet, then one sheet per section, typed cells.

    The summary sheet holds the title, subject, as-of date (a date cell), period, a linked list of the
    section sheets and the notes. Each section sheet opens with the report's title and dates and the
    section's title; its facts follow as 项目/数值 rows (a rate adds 分子/分母 columns), then its table:
    a bold, filled, bordered header row (frozen, and repeated on every printed page), the rows and a bold
    total row. Amounts are ``Decimal`` yuan with ``#,##0.00``, counts ``int`` with ``#,##0``, decimals
    with their own places, dates ``yyyy-mm-dd``, rates a ``Decimal`` fraction with ``0.00%`` followed by
    their numerator and denominator columns ("—" when undefined). Column widths fit the widest text, a
    CJK character counting 2. Pages are A4 (landscape from seven columns), fitted to the width, with a
    print area over what was written.

    A report with a form (the 季报表) is laid out for filing instead: the form on the first sheet — title,
    编制单位 and 单位：元, the grid (a rate as its percentage; its parts are in the annex), the signature
    lines and the print date — printed on one page; then one 附表 sheet holding every other section one
    after another, and the notes.

    Args:
        report: the report to write.
        lang: the language of sheet names, headers and labels, ``"zh"`` (default) or ``"en"``.

    Returns:
        The .xlsx file's bytes.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.worksheet.worksheet import Worksheet  # noqa: PLC0415

    words = resolve(report, lang)
    book = Workbook()
    book.properties.title = words.heading
    book.properties.creator = "revolve"
    if any(section.form for section in report.sections):
        _form_workbook(book, words)
    else:
        names = _sheet_names([words.word("summary"), *(title for title, _, _ in words.sections)])
        summary_sheet = book.active
        assert isinstance(summary_sheet, Worksheet)  # a new workbook always has its one sheet
        summary_sheet.title = names[0]
        _summary_sheet(_Sheet(summary_sheet), words, names[1:])
        last = len(words.sections) - 1
        for number, (sheet_name, section, (title, labels, columns)) in enumerate(
            zip(names[1:], words.shown.sections, words.sections, strict=True)
        ):
            sheet = _Sheet(book.create_sheet(sheet_name))
            row = _write_heading(sheet, words, title)
            row, header_row, span = _write_section(sheet, words, row, section, (labels, columns))
            if number == last and _closing(words):  # the signature lines and the print date close it
                row = _write_lines(sheet, row + 1, _closing(words))
            sheet.finish(header_row=header_row, columns=span, last_row=row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
