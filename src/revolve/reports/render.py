"""Rendering: one :class:`~revolve.reports.model.Report`, six formats for the people who read it.

A report is data; this module shows it. Every format resolves the same label keys in the same language
(Chinese by default, English on request) and shows the same figures, each in the form its readers expect:

* **text** and **Markdown** (tabulate, wide-character aware so Chinese columns align): a heading line
  (title — subject — as-of date — period), then each section's title, its facts as a two-column list and
  its table closed by the total row. Amounts are grouped with two decimals (``12,000.00`` in tables,
  ``¥12,000.00`` in facts), counts grouped (``3,605``), dates ISO, every rate with its numerator and
  denominator (``98.95% (3,567 ÷ 3,605)``, domain.md §11), ``None`` as nothing.
* **HTML**: one self-contained printable A4 page — inline CSS, no scripts, no external files, a Chinese
  font stack, bordered tables whose header repeats on every printed page — written as well-formed XHTML.
* **CSV** (the ``csv`` module): the exact, round-trippable form described below.
* **Excel** (openpyxl): a 概要/Summary sheet and one sheet per section, with *typed* cells — amounts as
  numeric yuan (``Decimal``, format ``#,##0.00``), counts as ``int`` (``#,##0``), dates as dates
  (``yyyy-mm-dd``), rates as a numeric fraction (``0.00%``) beside their numerator and denominator.
* **JSON**: the exact form described below.

Amounts never pass through ``float`` in any format.

The CSV form (write it with ``encoding="utf-8-sig"``, as :func:`write` does, for Excel to read Chinese):

* The head: ``[title]``, ``[报告对象, subject]``, ``[截至, YYYY-MM-DD]`` and, for a report of a period,
  ``[报告期, YYYY-MM-DD, YYYY-MM-DD]`` (labels in the report's language).
* Each section follows after **two** empty rows: a ``[section title]`` row, then one row per fact
  ``[label, value]``; if the section has a table, **one** empty row, the header row, the rows, and the
  total row. A section therefore splits on its single empty row into "title and facts" and "table".
* The notes, if any, come last after two empty rows: a ``[附注]`` row, then one row per note.
* Values: an amount is plain yuan with two decimals and no grouping (``1234.56``, ``-0.05``; read it back
  with ``Money.of_yuan``); a count is a plain integer (``3605``); a decimal is plain positional text
  (``0.0490``); a date is ISO; text is verbatim; an empty value is an empty field. A rate takes **three**
  fields — its fraction rounded half-up to six decimals (``0.989459``, empty when the denominator is
  zero), its numerator and its denominator, each an amount (``3567.00``, always with a point) or a count
  (``3567``, never with one). A rate column's header is therefore three fields: ``到期还款率``,
  ``到期还款率（分子）``, ``到期还款率（分母）`` (English ``… (numerator)``, ``… (denominator)``).
* In the total row an empty first cell is written as 合计 / Total.

The JSON form (``ensure_ascii=False``, two-space indent)::

    {"kind": "quarterly", "lang": "zh", "title": "季报表", "subject": "丰宁县幸福工程",
     "as_of": "2024-03-31", "period": {"start": "2024-01-01", "end": "2024-03-31"} | null,
     "sections": [{"key": "capital", "title": "资金来源",
                   "facts": [{"key": "outstanding", "label": "贷款余额", "kind": "money",
                              "value": "12000.00"}],
                   "table": {"columns": [{"key": "source", "label": "来源", "kind": "text"}, ...],
                             "rows": [[...], ...], "total": [...] | null} | null}],
     "notes": ["..."]}

Values: an amount is a string of yuan with two decimals (``"1234.56"``, exact; ``Money.of_yuan`` reads
it), a count an integer, a decimal a string (``"0.0490"``), a date an ISO string, text a string, an
empty value ``null``, and a rate an object ``{"numerator": …, "denominator": …, "value": "0.989459"}``
whose parts are amounts (strings) or counts (integers) and whose value is the fraction rounded half-up
to six decimals, ``null`` when the denominator is zero. A fact's ``kind`` names its value's type (a
:class:`~revolve.reports.model.ColumnKind` value, ``null`` for an empty value); its ``key`` is the label
key. The total row is the report's data: an empty first cell stays ``null``.

Invariants: every label key of the report (title, section titles, column labels, fact labels) must be in
:data:`~revolve.reports.labels.LABELS` — an unknown key raises
:class:`~revolve.reports.labels.UnknownLabel` before anything is written; a note is a label key or plain
text. Every cell must have the type its column's kind says (or be ``None``), and a table's rows and total
must be as wide as its columns; otherwise :class:`InvalidReport` is raised.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from tabulate import SEPARATING_LINE, tabulate

from revolve.errors import InvalidReport, UnknownFormat, UnknownLanguage
from revolve.money import Money
from revolve.ratios import UNDEFINED_TEXT, Ratio
from revolve.reports.labels import LABELS, Language, label
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term

__all__ = [
    "Format",
    "InvalidReport",
    "UnknownFormat",
    "format_for_path",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "render_xlsx",
    "write",
]


class Format(StrEnum):
    """An output format of :func:`render`; its value is also the usual file suffix's name."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


_SUFFIXES = {
    ".txt": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".csv": Format.CSV,
    ".xlsx": Format.XLSX,
    ".json": Format.JSON,
}


# ---- choosing a format ------------------------------------------------------------------------------


def format_for_path(path: str | PathLike[str]) -> Format:
    """The format a file name asks for, by its suffix.

    Args:
        path: a file name such as ``"季报表.xlsx"``; the suffix is matched without regard to case:
            ``.txt`` text, ``.md`` Markdown, ``.html`` HTML, ``.csv`` CSV, ``.xlsx`` Excel, ``.json`` JSON
            (``.htm`` and ``.markdown`` also work).

    Returns:
        The format.

    Raises:
        UnknownFormat: any other suffix, or none.
    """
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        raise UnknownFormat(
            suffix or str(path), formats=[f.value for f in Format], suffixes=list(_SUFFIXES)
        ) from None


def _format(fmt: Format | str) -> Format:
    try:
        return Format(fmt)
    except ValueError:
        raise UnknownFormat(fmt, formats=[f.value for f in Format], suffixes=list(_SUFFIXES)) from None


def _language(lang: Language | str) -> Language:
    try:
        return Language(lang)
    except ValueError:
        raise UnknownLanguage(lang, hint="reports are in 'zh' (Chinese) or 'en' (English)") from None


# ---- checking the report and resolving its words -----------------------------------------------------

_NUMERIC = frozenset({ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DECIMAL, ColumnKind.RATIO})


def _kind_of(value: Cell, where: str) -> ColumnKind | None:
    """The kind of a value (None for an empty one), refusing what a report cell cannot hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidReport(where, value, reason="a report holds no booleans; use a labelled text")
    if isinstance(value, Money):
        return ColumnKind.MONEY
    if isinstance(value, Ratio):
        return ColumnKind.RATIO
    if isinstance(value, int):
        return ColumnKind.COUNT
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidReport(where, value, reason="a decimal must be a finite number")
        return ColumnKind.DECIMAL
    if isinstance(value, date):
        return ColumnKind.DATE
    if isinstance(value, str | Term):
        return ColumnKind.TEXT
    raise InvalidReport(
        where, value, reason="a cell is Money, int, date, Ratio, Decimal, str or None (never a float)"
    )


def _check_table(section: Section, table: Table) -> None:
    if not table.columns:
        raise InvalidReport(f"section {section.key!r}", table.columns, reason="a table needs a column")
    width = len(table.columns)
    rows = [(f"row {n}", row) for n, row in enumerate(table.rows, 1)]
    if table.total is not None:
        rows.append(("total row", table.total))
    for name, row in rows:
        where = f"section {section.key!r}, {name}"
        if len(row) != width:
            raise InvalidReport(where, row, reason=f"it has {len(row)} cells for {width} columns")
        for column, value in zip(table.columns, row, strict=True):
            cell_where = f"{where}, column {column.key!r}"
            kind = _kind_of(value, cell_where)
            # a Term is a word (合计, a status) and may stand in any column, as an empty cell may
            if kind is not None and kind is not column.kind and not isinstance(value, Term):
                raise InvalidReport(
                    cell_where, value, reason=f"a {column.kind.value} column holds {kind.value}"
                )


@dataclass(frozen=True, slots=True)
class _Words:
    """The report's words in one language, every label key resolved (and so checked).

    ``shown`` is the report as people see it: every :class:`Term` cell replaced by its label, and the
    empty first cell of a total row by 合计 / Total. Only JSON keeps the report's own cells.
    """

    lang: Language
    shown: Report
    title: str
    dates: str
    heading: str
    sections: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (title, fact labels, column labels)
    notes: tuple[str, ...]

    def word(self, key: str) -> str:
        return label(key, self.lang)


def _shown_row(row: tuple[Cell, ...], language: Language) -> tuple[Cell, ...]:
    return tuple(label(value.key, language) if isinstance(value, Term) else value for value in row)


def _shown_section(section: Section, language: Language) -> Section:
    facts = tuple(
        replace(fact, value=label(fact.value.key, language)) if isinstance(fact.value, Term) else fact
        for fact in section.facts
    )
    table = section.table
    if table is not None:
        total = table.total
        if total is not None and total[0] is None:
            total = (Term("total"), *total[1:])
        table = replace(
            table,
            rows=tuple(_shown_row(row, language) for row in table.rows),
            total=None if total is None else _shown_row(total, language),
        )
    return replace(section, facts=facts, table=table)


def _resolve(report: Report, lang: Language | str) -> _Words:
    """Check the report and resolve every label key it names, before any output is made."""
    language = _language(lang)
    for section in report.sections:
        for fact in section.facts:
            _kind_of(fact.value, f"section {section.key!r}, fact {fact.label!r}")
        if section.table is not None:
            _check_table(section, section.table)
    shown = replace(report, sections=tuple(_shown_section(section, language) for section in report.sections))
    title = label(report.title, language)
    dates = f"{label('as_of', language)} {report.as_of.isoformat()}"
    if report.period is not None:
        start, end = report.period
        dates += f" — {label('period', language)} {start.isoformat()} {label('through', language)} {end.isoformat()}"
    sections = []
    for section in report.sections:
        columns = section.table.columns if section.table is not None else ()
        sections.append(
            (
                label(section.title, language),
                tuple(label(fact.label, language) for fact in section.facts),
                tuple(label(column.label, language) for column in columns),
            )
        )
    notes = tuple(label(note, language) if note in LABELS else note for note in report.notes)
    return _Words(
        lang=language,
        shown=shown,
        title=title,
        dates=dates,
        heading=" — ".join(part for part in (title, report.subject, dates) if part),
        sections=tuple(sections),
        notes=notes,
    )


# ---- values as text ---------------------------------------------------------------------------------


def _untranslated(term: Term) -> NoReturn:
    # Renderers work on ``_Words.shown``, where _resolve has put every Term into words.
    raise TypeError(f"{term!r} reached a renderer untranslated")  # pragma: no cover


def _part_text(part: Money | int, symbol: str) -> str:
    return part.format(symbol=symbol) if isinstance(part, Money) else f"{part:,}"


def _display(value: Cell, *, symbol: str = "") -> str:
    """A value as people read it: grouped amounts and counts, ISO dates, rates with their parts."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.format(symbol=symbol)
    if isinstance(value, Ratio):
        return f"{value.percent} ({_part_text(value.numerator, symbol)} ÷ {_part_text(value.denominator, symbol)})"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value, ",f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Term):
        _untranslated(value)
    return value


def _width(text: str) -> int:
    """Display width of a line: a wide (CJK) character counts 2, a combining mark 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return width


def _facts_align(facts: Sequence[Fact]) -> str:
    """Right-align fact values when they are all figures or dates (amounts line up on the point), else left."""
    numeric = all(_kind_of(fact.value, fact.label) in _NUMERIC | {ColumnKind.DATE, None} for fact in facts)
    return "right" if numeric else "left"


def _column_align(column: Column) -> str:
    return "right" if column.kind in _NUMERIC else "left"


# ---- text and Markdown ------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r\n", " ").replace("\n", " ")


def _plain_text(text: str) -> str:
    return text


def _tabulated(report: Report, words: _Words, *, markdown: bool) -> str:
    escape: Callable[[str], str] = _markdown_escape if markdown else _plain_text
    lines: list[str] = []
    if markdown:
        lines += [f"# {escape(words.heading)}", ""]
    else:
        lines += [words.heading, "=" * _width(words.heading), ""]
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        if markdown:
            lines += [f"## {escape(title)}", ""]
        else:
            lines += [title, "-" * _width(title), ""]
        if section.facts:
            rows = [
                [escape(name), escape(_display(fact.value, symbol="¥"))]
                for name, fact in zip(fact_labels, section.facts, strict=True)
            ]
            align = ("left", _facts_align(section.facts))
            if markdown:
                headers = [escape(words.word("item")), escape(words.word("value"))]
                lines.append(
                    tabulate(rows, headers=headers, tablefmt="pipe", disable_numparse=True, colalign=align)
                )
            else:
                lines.append(tabulate(rows, tablefmt="plain", disable_numparse=True, colalign=align))
            lines.append("")
        table = section.table
        if table is not None:
            body: list[Any] = [[escape(_display(value)) for value in row] for row in table.rows]
            total = table.total
            if total is not None:
                if not markdown and body:
                    body.append(SEPARATING_LINE)
                body.append([escape(_display(value)) for value in total])
            lines.append(
                tabulate(
                    body,
                    headers=[escape(name) for name in column_labels],
                    tablefmt="pipe" if markdown else "simple",
                    disable_numparse=True,
                    colalign=[_column_align(column) for column in table.columns],
                )
            )
            lines.append("")
    if words.notes:
        notes_title = words.word("notes")
        if markdown:
            lines += [f"## {escape(notes_title)}", ""]
        else:
            lines += [notes_title, "-" * _width(notes_title), ""]
        lines += [f"{n}. {escape(note)}" for n, note in enumerate(words.notes, 1)]
        lines.append("")
    return "\n".join(lines)


def render_text(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as plain text with aligned tables (tabulate), for a terminal or a text file.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        Lines ending in ``\\n``: the heading, each section (title, facts, table with its total row),
        then the notes.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = _resolve(report, lang)
    return _tabulated(words.shown, words, markdown=False)


def render_markdown(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as Markdown: headings, pipe tables with numbers right-aligned, a numbered list of notes.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        Markdown text; Markdown's special characters in labels and values are escaped.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = _resolve(report, lang)
    return _tabulated(words.shown, words, markdown=True)


# ---- HTML -------------------------------------------------------------------------------------------

# XML 1.0 refuses these control characters; neither a printed page nor a spreadsheet can show them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CSS = """
@page { size: A4; margin: 15mm 12mm 15mm 12mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
  font-size: 10.5pt; line-height: 1.45; color: #000; background: #fff;
  max-width: 186mm; margin: 0 auto; padding: 6mm 0;
}
@media print { body { max-width: none; padding: 0; } }
h1 { font-size: 16pt; text-align: center; margin: 0 0 1.5mm 0; }
p.meta { text-align: center; margin: 0 0 6mm 0; }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm 0; }
table.facts { width: auto; min-width: 60%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.6pt solid #000; padding: 1mm 2mm; vertical-align: top; }
thead th { background: #e6e6e6; text-align: center; font-weight: bold; }
table.facts th { background: #f2f2f2; text-align: left; font-weight: normal; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 1.8pt double #000; }
span.parts { font-size: 9pt; }
ol.notes { font-size: 9pt; padding-left: 6mm; }
"""


def _h(text: str) -> str:
    return html.escape(_UNPRINTABLE.sub("", text), quote=True)


def _html_value(value: Cell, *, symbol: str = "") -> str:
    if isinstance(value, Ratio):
        parts = f"({_part_text(value.numerator, symbol)} ÷ {_part_text(value.denominator, symbol)})"
        return f'{_h(value.percent)} <span class="parts">{_h(parts)}</span>'
    return _h(_display(value, symbol=symbol))


def _html_class(kind: ColumnKind | None) -> str:
    if kind in _NUMERIC:
        return ' class="num"'
    if kind is ColumnKind.DATE:
        return ' class="date"'
    return ""


def render_html(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as one self-contained printable page (A4), well-formed XHTML with inline CSS.

    Args:
        report: the report to show.
        lang: ``"zh"`` (default, ``lang="zh-CN"``) or ``"en"``.

    Returns:
        The page, starting ``<!DOCTYPE html>``; no scripts, no external files; every text escaped.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = _resolve(report, lang)
    report = words.shown
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if words.lang is Language.ZH else "en"}">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="generator" content="revolve"/>',
        f"<title>{_h(words.heading)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_h(words.title)}</h1>",
        f'<p class="meta">{_h(" — ".join(p for p in (report.subject, words.dates) if p))}</p>',
        "</header>",
    ]
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        out += [f'<section id="{_h(section.key)}">', f"<h2>{_h(title)}</h2>"]
        if section.facts:
            out.append('<table class="facts">')
            out.append("<tbody>")
            for name, fact in zip(fact_labels, section.facts, strict=True):
                css = _html_class(_kind_of(fact.value, name))
                out.append(
                    f'<tr><th scope="row">{_h(name)}</th><td{css}>{_html_value(fact.value, symbol="¥")}</td></tr>'
                )
            out += ["</tbody>", "</table>"]
        table = section.table
        if table is not None:
            out += ["<table>", "<thead>", "<tr>"]
            out += [f'<th scope="col">{_h(name)}</th>' for name in column_labels]
            out += ["</tr>", "</thead>", "<tbody>"]
            rows = [("", row) for row in table.rows]
            if table.total is not None:
                rows.append((' class="total"', table.total))
            for row_class, row in rows:
                cells = "".join(
                    f"<td{_html_class(column.kind)}>{_html_value(value)}</td>"
                    for column, value in zip(table.columns, row, strict=True)
                )
                out.append(f"<tr{row_class}>{cells}</tr>")
            out += ["</tbody>", "</table>"]
        out.append("</section>")
    if words.notes:
        out += ["<footer>", f"<h2>{_h(words.word('notes'))}</h2>", '<ol class="notes">']
        out += [f"<li>{_h(note)}</li>" for note in words.notes]
        out += ["</ol>", "</footer>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# ---- CSV --------------------------------------------------------------------------------------------

_RATIO_PLACES = 6


def _plain(value: Money | int) -> str:
    return value.format(symbol="", grouping=False) if isinstance(value, Money) else str(value)


def _ratio_fraction(value: Ratio) -> str | None:
    """The fraction rounded half-up to six decimals (``"0.989459"``), None when undefined."""
    return value.multiple_text(_RATIO_PLACES) if value.is_defined else None


def _csv_fields(value: Cell, kind: ColumnKind | None) -> list[str]:
    """A value as CSV fields: one, or three for a rate (fraction, numerator, denominator)."""
    if isinstance(value, Ratio):
        return [_ratio_fraction(value) or "", _plain(value.numerator), _plain(value.denominator)]
    if value is None:
        text = ""
    elif isinstance(value, Money | int):
        text = _plain(value)
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, Term):
        _untranslated(value)
    else:
        text = value
    return [text, "", ""] if kind is ColumnKind.RATIO else [text]


def _ratio_headers(name: str, words: _Words) -> list[str]:
    numerator, denominator = words.word("numerator"), words.word("denominator")
    if words.lang is Language.ZH:
        return [name, f"{name}（{numerator}）", f"{name}（{denominator}）"]
    return [name, f"{name} ({numerator.lower()})", f"{name} ({denominator.lower()})"]


def render_csv(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as CSV text in the exact form of this module's docstring (plain yuan, rates in three).

    Args:
        report: the report to write.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        CSV text with ``\\r\\n`` line ends; save it as ``utf-8-sig`` for Excel (:func:`write` does).

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = _resolve(report, lang)
    report = words.shown
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([words.title])
    writer.writerow([words.word("subject"), report.subject])
    writer.writerow([words.word("as_of"), report.as_of.isoformat()])
    if report.period is not None:
        writer.writerow([words.word("period"), *(day.isoformat() for day in report.period)])
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        writer.writerows([[], [], [title]])
        for name, fact in zip(fact_labels, section.facts, strict=True):
            writer.writerow([name, *_csv_fields(fact.value, None)])
        table = section.table
        if table is not None:
            writer.writerow([])
            header: list[str] = []
            for column, name in zip(table.columns, column_labels, strict=True):
                header += _ratio_headers(name, words) if column.kind is ColumnKind.RATIO else [name]
            writer.writerow(header)
            for row in (*table.rows, *((table.total,) if table.total is not None else ())):
                fields: list[str] = []
                for column, value in zip(table.columns, row, strict=True):
                    fields += _csv_fields(value, column.kind)
                writer.writerow(fields)
    if words.notes:
        writer.writerows([[], [], [words.word("notes")]])
        writer.writerows([note] for note in words.notes)
    return buffer.getvalue()


# ---- JSON -------------------------------------------------------------------------------------------


def _json_value(value: Cell, language: Language) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Term):
        return {"term": value.key, "label": label(value.key, language)}
    if isinstance(value, Money):
        return _plain(value)
    if isinstance(value, Ratio):
        return {
            "numerator": _json_value(value.numerator, language),
            "denominator": _json_value(value.denominator, language),
            "value": _ratio_fraction(value),
        }
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat()


def _json_kind(value: Cell, where: str) -> str | None:
    if isinstance(value, Term):
        return "term"
    kind = _kind_of(value, where)
    return None if kind is None else kind.value


def render_json(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as JSON in the exact form of this module's docstring (amounts as yuan strings).

    Args:
        report: the report to write.
        lang: the language of its labels, ``"zh"`` (default) or ``"en"``.

    Returns:
        JSON text (UTF-8 characters kept, not escaped), ending in ``\\n``.

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = _resolve(report, lang)
    sections = []
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        table = section.table
        sections.append(
            {
                "key": section.key,
                "title": title,
                "facts": [
                    {
                        "key": fact.label,
                        "label": name,
                        "kind": _json_kind(fact.value, name),
                        "value": _json_value(fact.value, words.lang),
                    }
                    for name, fact in zip(fact_labels, section.facts, strict=True)
                ],
                "table": None
                if table is None
                else {
                    "columns": [
                        {"key": column.key, "label": name, "kind": column.kind.value}
                        for column, name in zip(table.columns, column_labels, strict=True)
                    ],
                    "rows": [[_json_value(value, words.lang) for value in row] for row in table.rows],
                    "total": None
                    if table.total is None
                    else [_json_value(value, words.lang) for value in table.total],
                },
            }
        )
    document = {
        "kind": report.kind,
        "lang": words.lang.value,
        "title": words.title,
        "subject": report.subject,
        "as_of": report.as_of.isoformat(),
        "period": None
        if report.period is None
        else {"start": report.period[0].isoformat(), "end": report.period[1].isoformat()},
        "sections": sections,
        "notes": list(words.notes),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ---- Excel ------------------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
_MONEY_FORMAT = "#,##0.00"
_COUNT_FORMAT = "#,##0"
_DATE_FORMAT = "yyyy-mm-dd"
_RATIO_FORMAT = "0.00%"
_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOTAL_GRID = Border(left=_THIN, right=_THIN, top=Side(style="double", color="000000"), bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
_LABEL_FILL = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12)
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_LANDSCAPE_FROM = 7


def _sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel sheet names: no []:*?/\\, at most 31 characters, unique regardless of case."""
    used: set[str] = set()
    names = []
    for number, title in enumerate(titles, 1):
        base = _SHEET_FORBIDDEN.sub("_", _UNPRINTABLE.sub("", title)).strip().strip("'")[:_SHEET_MAX]
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
            shown = _display(value)
        elif isinstance(value, Ratio):  # pragma: no cover - rates are split by put_ratio
            raise TypeError("write a rate with put_ratio")
        elif isinstance(value, int):
            cell.value = value
            cell.number_format = _COUNT_FORMAT
            shown = _display(value)
        elif isinstance(value, Decimal):
            cell.value = value
            if fmt is None:
                exponent = value.as_tuple().exponent
                places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
                fmt = _COUNT_FORMAT + ("." + "0" * places if places else "")
            cell.number_format = fmt
            shown = f"{value * 100:.2f}%" if fmt == _RATIO_FORMAT else format(value, ",f")
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = _DATE_FORMAT
            shown = value.isoformat()
        elif isinstance(value, Term):
            _untranslated(value)
        else:
            shown = _UNPRINTABLE.sub("", value)
            cell.value = shown
            cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        self.widths[col] = max(
            self.widths.get(col, 0), max((_width(line) for line in shown.split("\n")), default=0)
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
        border: Border = _GRID,
    ) -> None:
        for col in range(first, last + 1):
            cell = self.sheet.cell(row=row, column=col)
            cell.border = border
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill

    def header(self, row: int, names: Sequence[str]) -> None:
        for col, name in enumerate(names, 1):
            self.put(row, col, name)
            self.sheet.cell(row=row, column=col).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
        self.style(row, 1, len(names), font=_BOLD, fill=_HEADER_FILL)

    def finish(self, *, header_row: int | None, columns: int) -> None:
        for col, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(col)].width = min(
                max(width + 2, _MIN_WIDTH), _MAX_WIDTH
            )
        if header_row is not None:
            self.sheet.freeze_panes = f"A{header_row + 1}"
            self.sheet.print_title_rows = f"{header_row}:{header_row}"
        setup = self.sheet.page_setup
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.orientation = "landscape" if columns >= _LANDSCAPE_FROM else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _write_heading(sheet: _Sheet, words: _Words, report: Report, subtitle: str | None) -> int:
    """The report's title block at the top of a sheet; returns the next free row."""
    cells = sheet.sheet
    cells.cell(row=1, column=1, value=words.title).font = _TITLE_FONT
    cells.cell(
        row=2, column=1, value=_UNPRINTABLE.sub("", " — ".join(p for p in (report.subject, words.dates) if p))
    )
    cells.cell(row=2, column=1).data_type = "s"
    if subtitle is None:
        return 4
    cells.cell(row=3, column=1, value=subtitle).font = _SECTION_FONT
    return 5


def render_xlsx(report: Report, *, lang: Language | str = Language.ZH) -> bytes:
    """The report as an Excel workbook: a 概要/Summary sheet, then one sheet per section, typed cells.

    The summary sheet holds the title, subject, as-of date (a date cell), period, a linked list of the
    section sheets and the notes. Each section sheet opens with the report's title and dates and the
    section's title; its facts follow as 项目/数值 rows (a rate adds 分子/分母 columns), then its table:
    a bold, filled, bordered header row (frozen, and repeated on every printed page), the rows and a bold
    total row. Amounts are ``Decimal`` yuan with ``#,##0.00``, counts ``int`` with ``#,##0``, decimals
    with their own places, dates ``yyyy-mm-dd``, rates a ``Decimal`` fraction with ``0.00%`` followed by
    their numerator and denominator columns ("—" when undefined). Column widths fit the widest text, a
    CJK character counting 2. Pages are A4, fitted to the width.

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
    words = _resolve(report, lang)
    report = words.shown
    names = _sheet_names([words.word("summary"), *(title for title, _, _ in words.sections)])
    book = Workbook()
    book.properties.title = words.heading
    book.properties.creator = "revolve"

    summary_sheet = book.active
    assert isinstance(summary_sheet, Worksheet)  # a new workbook always has its one sheet
    summary_sheet.title = names[0]
    summary = _Sheet(summary_sheet)
    summary_sheet.cell(row=1, column=1, value=words.title).font = _TITLE_FONT
    row = 3
    frame: list[tuple[str, Cell, Cell]] = [(words.word("subject"), report.subject, None)]
    frame.append((words.word("as_of"), report.as_of, None))
    if report.period is not None:
        frame.append((words.word("period"), report.period[0], report.period[1]))
    for name, first, second in frame:
        summary.put(row, 1, name)
        summary.put(row, 2, first)
        summary.put(row, 3, second)
        summary.style(row, 1, 1, font=_BOLD, fill=_LABEL_FILL)
        row += 1
    row += 1
    summary.header(row, [words.word("contents")])
    for sheet_name, (title, _, _) in zip(names[1:], words.sections, strict=True):
        row += 1
        summary.put(row, 1, title)
        link = summary_sheet.cell(row=row, column=1)
        link.hyperlink = "#'{}'!A1".format(sheet_name.replace("'", "''"))
        link.style = "Hyperlink"
        link.border = _GRID
    if words.notes:
        row += 2
        summary.header(row, [words.word("notes")])
        for note in words.notes:
            row += 1
            summary.put(row, 1, note)
    summary.finish(header_row=None, columns=3)

    for sheet_name, section, (title, fact_labels, column_labels) in zip(
        names[1:], report.sections, words.sections, strict=True
    ):
        sheet = _Sheet(book.create_sheet(sheet_name))
        row = _write_heading(sheet, words, report, title)
        header_row: int | None = None
        width = 2
        if section.facts:
            has_ratio = any(isinstance(fact.value, Ratio) for fact in section.facts)
            header = [words.word("item"), words.word("value")]
            if has_ratio:
                header += [words.word("numerator"), words.word("denominator")]
            sheet.header(row, header)
            header_row = row
            width = len(header)
            for name, fact in zip(fact_labels, section.facts, strict=True):
                row += 1
                sheet.put(row, 1, name)
                sheet.put_ratio(row, 2, fact.value)
                sheet.style(row, 1, 1, fill=_LABEL_FILL)
                sheet.style(row, 2, len(header))
            row += 2
        table = section.table
        if table is not None:
            header = []
            for column, name in zip(table.columns, column_labels, strict=True):
                if column.kind is ColumnKind.RATIO:
                    header += _ratio_headers(name, words)
                else:
                    header.append(name)
            sheet.header(row, header)
            header_row = row
            width = max(width, len(header))
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
                    else:
                        sheet.put(row, col, value)
                        col += 1
                if is_total:
                    sheet.style(row, 1, len(header), font=_BOLD, border=_TOTAL_GRID)
                else:
                    sheet.style(row, 1, len(header))
        sheet.finish(header_row=header_row, columns=width)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- one entry point --------------------------------------------------------------------------------

_RENDERERS: dict[Format, Callable[..., str | bytes]] = {
    Format.TEXT: render_text,
    Format.MARKDOWN: render_markdown,
    Format.HTML: render_html,
    Format.CSV: render_csv,
    Format.XLSX: render_xlsx,
    Format.JSON: render_json,
}


@overload
def render(report: Report, fmt: Literal[Format.XLSX, "xlsx"], *, lang: Language | str = ...) -> bytes: ...
@overload
def render(
    report: Report,
    fmt: Literal[
        Format.TEXT,
        Format.MARKDOWN,
        Format.HTML,
        Format.CSV,
        Format.JSON,
        "text",
        "markdown",
        "html",
        "csv",
        "json",
    ],
    *,
    lang: Language | str = ...,
) -> str: ...
@overload
def render(report: Report, fmt: Format | str, *, lang: Language | str = ...) -> str | bytes: ...
def render(report: Report, fmt: Format | str, *, lang: Language | str = Language.ZH) -> str | bytes:
    """The report in a format: text for every format but Excel, whose workbook comes as bytes.

    Args:
        report: the report to show.
        fmt: a :class:`Format` or its name: ``text``, ``markdown``, ``html``, ``csv``, ``xlsx``, ``json``.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        ``str`` for text, Markdown, HTML, CSV and JSON; ``bytes`` for xlsx.

    Raises:
        UnknownFormat: a format revolve does not render.
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    return _RENDERERS[_format(fmt)](report, lang=lang)


def write(
    report: Report,
    path: str | PathLike[str],
    *,
    fmt: Format | str | None = None,
    lang: Language | str = Language.ZH,
) -> Path:
    """Render the report and save it to a file, choosing the format from the suffix unless told.

    The report is rendered in full before the file is opened, so a refusal writes nothing. CSV is saved
    as UTF-8 with a byte-order mark (``utf-8-sig``) so that Excel reads its Chinese; the other text
    formats as plain UTF-8. Line ends are kept as rendered. The folder must exist.

    Args:
        report: the report to save.
        path: the file to write (replaced if it exists), e.g. ``"季报表-2024Q1.xlsx"``.
        fmt: the format, if not the one the suffix names.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        The path written.

    Raises:
        UnknownFormat: no ``fmt`` and a suffix other than .txt .md .html .csv .xlsx .json, or an
            unknown ``fmt``.
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
        OSError: the file cannot be written.
    """
    target = Path(path)
    chosen = format_for_path(target) if fmt is None else _format(fmt)
    output = render(report, chosen, lang=lang)
    if isinstance(output, bytes):
        target.write_bytes(output)
    else:
        encoding = "utf-8-sig" if chosen is Format.CSV else "utf-8"
        target.write_text(output, encoding=encoding, newline="")
    return target
