"""Reports as data: a frozen value built from the books, then rendered to any format.

A :class:`Report` is a title, what it is about, a date or period, and sections. A section is either a
list of :class:`Fact` s (label → value, e.g. "贷款余额 ¥12,000.00") or a :class:`Table` (typed columns and
rows). Values keep their type — :class:`~revolve.money.Money`, ``int``, ``date``,
:class:`~revolve.ratios.Ratio`, ``Decimal`` or ``str`` — so every renderer can show them its own way: text
with thousands separators, Excel as numeric cells, JSON as numbers.

Labels are keys of :data:`revolve.reports.labels.LABELS`; a renderer resolves them in the language it is
asked for (Chinese by default), and so it does for :class:`Term` cells (a status, a payer, a kind). Builders mask personal data (ID numbers, phones) before a value ever
enters a report, unless the caller asks to reveal it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from revolve.chain import Checkpoint
from revolve.money import Money
from revolve.ratios import Ratio

__all__ = [
    "Cell",
    "Column",
    "ColumnKind",
    "Fact",
    "Letterhead",
    "Report",
    "Section",
    "Signature",
    "Table",
    "Term",
]


@dataclass(frozen=True, slots=True)
class Term:
    """A word the renderer translates: a label key such as ``status_active`` (在贷 / active).

    ``indent`` sets it in by that many full-width spaces, as a form sets in its 其中 rows under the row
    they break down (``Term("of_which_borrower", indent=2)`` shows ``　　其中：借款人归还``).
    """

    key: str
    indent: int = 0


Cell = Money | int | date | Ratio | Decimal | Term | str | None
"""One value in a report: typed, never pre-formatted (``None`` shows as empty)."""


class ColumnKind(StrEnum):
    """How a column's values are typed (and so aligned and formatted)."""

    TEXT = "text"
    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    RATIO = "ratio"
    DECIMAL = "decimal"
    FIGURE = "figure"
    """Any figure, typed cell by cell (an amount, a count, a rate or a decimal): the 本期数 column of a
    form whose rows are of different kinds."""


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: a stable key, a label key, and the kind of its values."""

    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled value, e.g. the loan's outstanding principal on a statement."""

    label: str
    value: Cell


@dataclass(frozen=True, slots=True)
class Table:
    """Typed columns and rows; ``total`` is an optional closing row (合计)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a report: facts, a table, or both (facts first)."""

    key: str
    title: str
    facts: tuple[Fact, ...] = ()
    table: Table | None = None
    form: bool = False
    """The report's form (表式): one grid of 行次, 项目 and figures meant to print on one page; an Excel
    workbook gives it the first sheet, fitted to one page."""
    annex: bool = False
    """Part of the detailed annex (附表) behind the form: an Excel workbook puts the annex sections on one
    sheet, one after another; HTML starts them on a new page under an 附表 heading."""


@dataclass(frozen=True, slots=True)
class Letterhead:
    """Who issues a printed document (编制单位) and how its page is headed and footed.

    Attributes:
        organisation: the 编制单位 printed at the head of the page, e.g. 丰宁满族自治县计划生育协会.
        logo_text: a line above the title in place of a logo (a county's own words, or empty).
        footer: a line at the foot of every page (an address, a telephone), or empty.
    """

    organisation: str
    logo_text: str = ""
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line of a printed document: who signs (a label key such as ``sign_prepared_by``
    制表人) and the name printed beside the line, when it is known; empty leaves the line to sign on."""

    role: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A report built from the books: what, about whom, when, and its sections.

    Attributes:
        kind: a stable identifier (``statement``, ``quarterly``, ``register``, ...).
        title: the label key of its title (``repayment_statement``, ...).
        subject: what it is about, as people name it (a fund, an org, a loan and borrower).
        as_of: the date its balances are taken at.
        period: the first and last day it covers, for reports of a period.
        sections: its content, in order.
        notes: footnotes (formulas of rates, definitions), as label keys or plain text.
        checkpoints: the checkpoint (账簿校验码) of each fund the report was drawn from, printed below the
            notes so that the books it shows can be proven unchanged later.
        letterhead: the 编制单位 (and a county's logo text and footer) of a printed document; with one, every
            format prints 编制单位 and 单位：元 under the title.
        signatures: the signature lines the document needs (制表人, 审核人, 负责人; a borrower's 确认签字).
        printed_on: the day it was printed (打印日期), given by the caller (the core has no clock).
        number: the document's own number (a receipt's number, a voucher's 凭证号), printed beside the
            title; empty for a report.
    """

    kind: str
    title: str
    subject: str
    as_of: date
    sections: tuple[Section, ...]
    period: tuple[date, date] | None = None
    notes: tuple[str, ...] = ()
    # not compared: two reports showing the same figures are equal whatever was posted since
    checkpoints: tuple[Checkpoint, ...] = field(default=(), compare=False)
    letterhead: Letterhead | None = None
    signatures: tuple[Signature, ...] = ()
    # not compared: the same figures printed on two days are the same report
    printed_on: date | None = field(default=None, compare=False)
    number: str = ""

    def section(self, key: str) -> Section:
        """The section with this key."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def rate(self, key: str) -> Ratio:
        """A rate from the report's table of rates (回收率, 脱贫率, …) by its label key, e.g.
        ``recovery_rate``, with its numerator and denominator."""
        table = self.section("rates").table
        for row in table.rows if table is not None else ():
            if row[0] == Term(key) and isinstance(row[1], Ratio):
                return row[1]
        raise KeyError(key)

    def fact(self, label: str) -> Cell:
        """The value of the first fact with this label, in any section."""
        for section in self.sections:
            for fact in section.facts:
                if fact.label == label:
                    return fact.value
        raise KeyError(label)
