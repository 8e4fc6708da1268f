"""A report cell: the kind of value it holds, and the one way each kind of value is written as text.

Every format shows the same figures, each in the form its readers expect, and this module holds both forms:

* For people (:func:`display`): amounts grouped with two decimals (``12,000.00`` in tables, ``¥12,000.00`` in
  facts), counts grouped (``3,605``), decimals positional and grouped, dates ISO, every rate with its
  numerator and denominator (``98.95% (3,567 ÷ 3,605)``, domain.md §11), ``None`` as nothing.
* For machines (:func:`plain`, :func:`ratio_fraction`): an amount as plain yuan with two decimals and no
  grouping (``1234.56``, ``-0.05``; ``Money.of_yuan`` reads it back), a count as a plain integer, a decimal
  as plain positional text (``0.0490``), a date ISO, and a rate's fraction rounded half-up to six decimals
  (``0.989459``; none when the denominator is zero).

Amounts never pass through ``float``. A :class:`~revolve.reports.model.Term` never reaches these functions:
the formats work on the report as shown (:mod:`revolve.reports.render.words`), where every Term has become
its label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NoReturn

from revolve.errors import InvalidReport
from revolve.money import Money
from revolve.ratios import Ratio
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Term

NUMERIC = frozenset(
    {ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.DECIMAL, ColumnKind.RATIO, ColumnKind.FIGURE}
)
"""The kinds that are figures: right-aligned wherever they are shown."""

RATIO_PLACES = 6
"""The decimals of a rate's fraction in the machine formats (CSV, JSON)."""

# XML 1.0 refuses these control characters; neither a printed page nor a spreadsheet can show them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def kind_of(value: Cell, where: str) -> ColumnKind | None:
    """The kind of a value (None for an empty one), refusing what a report cell cannot hold.

    Args:
        value: the cell.
        where: where it stands in the report, for the error message.

    Returns:
        Its kind; a :class:`~revolve.reports.model.Term` is text.

    Raises:
        InvalidReport: a boolean, a float, a non-finite decimal or any other type.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidReport(where, value, reason="boolean")
    if isinstance(value, Money):
        return ColumnKind.MONEY
    if isinstance(value, Ratio):
        return ColumnKind.RATIO
    if isinstance(value, int):
        return ColumnKind.COUNT
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidReport(where, value, reason="not_finite")
        return ColumnKind.DECIMAL
    if isinstance(value, date):
        return ColumnKind.DATE
    if isinstance(value, str | Term):
        return ColumnKind.TEXT
    raise InvalidReport(where, value, reason="cell_type")


def untranslated(term: Term) -> NoReturn:
    """Refuse a Term that reached a format: the shown report has every Term put into words."""
    raise TypeError(f"{term!r} reached a renderer untranslated")  # pragma: no cover


def _part_text(part: Money | int, symbol: str) -> str:
    return part.format(symbol=symbol) if isinstance(part, Money) else f"{part:,}"


def ratio_parts(value: Ratio, *, symbol: str = "") -> str:
    """A rate's numerator and denominator as people read them: ``(3,567 ÷ 3,605)``."""
    return f"({_part_text(value.numerator, symbol)} ÷ {_part_text(value.denominator, symbol)})"


def display(value: Cell, *, symbol: str = "") -> str:
    """A value as people read it: grouped amounts and counts, ISO dates, rates with their parts.

    Args:
        value: the cell; never a Term.
        symbol: the currency symbol before an amount (``"¥"`` in facts, none in tables).

    Returns:
        The text; empty for ``None``.
    """
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.format(symbol=symbol)
    if isinstance(value, Ratio):
        return f"{value.percent} {ratio_parts(value, symbol=symbol)}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return format(value, ",f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Term):
        untranslated(value)
    return value


def plain(value: Money | int | Decimal | date) -> str:
    """A figure or date in its exact machine form: ``1234.56``, ``3605``, ``0.0490``, ``2024-03-31``."""
    if isinstance(value, Money):
        return value.format(symbol="", grouping=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat()


def ratio_fraction(value: Ratio) -> str | None:
    """The fraction rounded half-up to six decimals (``"0.989459"``), None when undefined."""
    return value.multiple_text(RATIO_PLACES) if value.is_defined else None


def printable(text: str) -> str:
    """The text without the control characters that XML (a page, a workbook) cannot hold."""
    return _UNPRINTABLE.sub("", text)


def width(text: str) -> int:
    """Display width of a line: a wide (CJK) character counts 2, a combining mark 0."""
    columns = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        columns += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return columns


def facts_align(facts: Sequence[Fact]) -> str:
    """Right-align fact values when they are all figures or dates (amounts line up on the point), else left."""
    numeric = all(kind_of(fact.value, fact.label) in NUMERIC | {ColumnKind.DATE, None} for fact in facts)
    return "right" if numeric else "left"


def column_align(column: Column) -> str:
    """Figures to the right, words and dates to the left."""
    return "right" if column.kind in NUMERIC else "left"
