"""CSV: the report in an exact, round-trippable form (the ``csv`` module), for other programs to read.

Write it with ``encoding="utf-8-sig"``, as :func:`revolve.reports.render.write` does, for Excel to read
Chinese. The form:

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
  ``到期还款率（分子）``, ``到期还款率（分母）`` (English ``… (numerator)``, ``… (denominator)``). A form's
  figure column (本期数, which holds amounts, counts and rates row by row) is spread the same way: three
  fields, the last two empty on a row that is not a rate.
* A 其中 row's 项目 keeps its indent (full-width spaces before the label).
* In the total row an empty first cell is written as 合计 / Total.
* A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a spreadsheet
  would run it as a formula: CSV injection) is written with a leading ``'``, as the xlsx output keeps such
  text as text; so is a text cell that starts with ``'`` itself, so that the rule can be undone exactly:
  a program reading the file drops one leading ``'`` of a text cell (:func:`unneutralised`) and gets the
  text back. Numbers are never touched: a negative amount stays ``-0.05``.
"""

from __future__ import annotations

import csv
import io

from revolve.ratios import Ratio
from revolve.reports.labels import Language
from revolve.reports.model import Cell, ColumnKind, Report, Term
from revolve.reports.render.cells import plain, ratio_fraction, untranslated
from revolve.reports.render.words import resolve

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISE = (*_FORMULA_STARTS, "'")


def neutralised(text: str) -> str:
    """``text`` with a ``'`` in front when a spreadsheet would read it as a formula, or when it starts
    with ``'`` already (so :func:`unneutralised` undoes it exactly; see the module)."""
    return "'" + text if text.startswith(_NEUTRALISE) else text


def unneutralised(text: str) -> str:
    """A text cell of revolve's CSV as it was before :func:`neutralised`: one leading ``'`` dropped."""
    return text[1:] if text.startswith("'") else text


def _fields(value: Cell, kind: ColumnKind | None) -> list[str]:
    """A value as CSV fields: one, or three for a rate (fraction, numerator, denominator)."""
    if isinstance(value, Ratio):
        return [ratio_fraction(value) or "", plain(value.numerator), plain(value.denominator)]
    if value is None:
        text = ""
    elif isinstance(value, Term):
        untranslated(value)
    elif isinstance(value, str):
        text = neutralised(value)
    else:
        text = plain(value)
    return [text, "", ""] if kind in (ColumnKind.RATIO, ColumnKind.FIGURE) else [text]


def render_csv(report: Report, *, lang: Language | str = Language.ZH) -> str:
    """The report as CSV text in the exact form of this module's docstring (plain yuan, rates in three).

    Args:
        report: the report to write.
        lang: ``"zh"`` (default) or ``"en"``.

    Returns:
        CSV text with ``\\r\\n`` line ends; save it as ``utf-8-sig`` for Excel (``write`` does).

    Raises:
        UnknownLabel: the report names a label key that is not in the catalogue.
        UnknownLanguage: a language other than 'zh' or 'en'.
        InvalidReport: a table row of the wrong width or a cell of the wrong type.
    """
    words = resolve(report, lang)
    report = words.shown
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralised(words.title)])
    for name, values in words.frame:
        writer.writerow([name, *(field for value in values for field in _fields(value, None))])
    for section, (title, fact_labels, column_labels) in zip(report.sections, words.sections, strict=True):
        writer.writerows([[], [], [title]])
        for name, fact in zip(fact_labels, section.facts, strict=True):
            writer.writerow([name, *_fields(fact.value, None)])
        table = section.table
        if table is not None:
            writer.writerow([])
            writer.writerow(words.spread_header(table.columns, column_labels, figures=True))
            for row in (*table.rows, *((table.total,) if table.total is not None else ())):
                fields: list[str] = []
                for column, value in zip(table.columns, row, strict=True):
                    fields += _fields(value, column.kind)
                writer.writerow(fields)
    if words.notes:
        writer.writerows([[], [], [words.word("notes")]])
        writer.writerows([note] for note in words.notes)
    return buffer.getvalue()
