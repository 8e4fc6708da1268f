"""A sheet's rows read as records: the header mapped to columns, each row's cells read into one record.

The header is matched against the kind's :data:`~revolve.importers.columns.COLUMNS`; a missing
required column or a column given twice is a problem of row 1, and then nothing is read. Each data row
is read cell by cell, collecting every cell that cannot be read, so that one pass reports all of a row's
problems; a row naming the same record as an earlier row of the file (its code, loan number or receipt)
is refused too. A row with no problem becomes a :data:`Record`, ready for the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from revolve.errors import InvalidEntry, InvalidRate, InvalidTerms, RevolveError
from revolve.households import FamilyPlanningStatus
from revolve.importers.cells import (
    FP_STATUSES,
    INTEREST_GRACES,
    METHODS,
    PAYERS,
    PREPAYMENTS,
    SOURCES,
    UnreadableCell,
    display,
    narrow,
    read_choice,
    read_code,
    read_count,
    read_date,
    read_money,
    read_national_id,
    read_rate,
    read_text,
)
from revolve.importers.columns import KEY_COLUMN, ImportColumn, ImportKind, header_key
from revolve.importers.results import ImportNote, NoteKind, ProblemKind, RowProblem
from revolve.importers.sheets import CellValue, SheetRows, is_blank
from revolve.loans.file import LoanFile, purpose_of
from revolve.money import Money
from revolve.opening import OpeningLoan
from revolve.rules import ContributionSource, PayerKind
from revolve.schedule import InterestGrace, LoanTerms, PrepaymentOption, RepaymentMethod

_LIST_SEPARATORS = re.compile(r"[;；、,，]")


def map_header(
    header: Sequence[str], columns: Sequence[ImportColumn], *, row: int = 1
) -> tuple[dict[str, int], list[RowProblem], list[str]]:
    """Where each column is in ``header`` (found on row ``row``), the header's problems (a required
    column missing, or one column given twice), and the headers of the columns revolve does not use
    (所在单位, 备注 …), each once, to be reported as ignored."""
    by_name = {header_key(h): c for c in columns for h in c.headers}
    positions: dict[str, int] = {}
    problems: list[RowProblem] = []
    ignored: list[str] = []
    for index, text in enumerate(header):
        column = by_name.get(header_key(text)) if text else None
        if column is None:
            if text and text not in ignored:
                ignored.append(text)  # reported once, never dropped in silence
            continue
        if column.field in positions:
            problems.append(RowProblem(row, ProblemKind.DUPLICATE_COLUMN, column.field, text))
            continue
        positions[column.field] = index
    for column in columns:
        if column.required and column.field not in positions:
            problems.append(
                RowProblem(
                    row,
                    ProblemKind.MISSING_COLUMN,
                    column.field,
                    None,
                    f"{column.zh} / {column.field}",
                    column.zh,
                )
            )
    return positions, problems, ignored


_TOTAL_LABEL = re.compile(r"^(?:合计|总计|小计|累计|共计|total)", re.IGNORECASE)
_ID_COLUMNS = {
    ImportKind.HOUSEHOLDS: ("code", "national_id"),
    ImportKind.LOANS: ("number", "household"),
    ImportKind.REPAYMENTS: ("loan", "receipt"),
    ImportKind.OPENING: ("number", "household"),
    ImportKind.CONTRIBUTIONS: ("on", "receipt"),
}
_AMOUNT_COLUMNS = ("amount", "income_before", "principal_repaid", "pledge")


def total_row(kind: ImportKind, cells: Sequence[CellValue], positions: Mapping[str, int]) -> str | None:
    """The label of a 合计/总计/小计 row, or None for a data row. A row is a total when its first
    non-blank cell says so, or when its identifying columns are blank and an amount is given."""
    first = next((c for c in cells if not is_blank(c)), None)
    if isinstance(first, str) and _TOTAL_LABEL.match("".join(str(narrow(first)).split())):
        return first.strip()

    def cell(name: str) -> CellValue:
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    if all(is_blank(cell(n)) for n in _ID_COLUMNS[kind]) and any(
        not is_blank(cell(n)) for n in _AMOUNT_COLUMNS
    ):
        return display(next(cell(n) for n in _AMOUNT_COLUMNS if not is_blank(cell(n))))
    return None


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """A row of a households file, read."""

    code: str
    mother_name: str
    national_id: str
    registered_on: date
    fp_status: FamilyPlanningStatus
    org: str | None
    phone: str | None
    income_before: Money | None
    persons: int | None = None
    village: str | None = None


@dataclass(frozen=True, slots=True)
class LoanRow:
    """A row of a loans file, read; its terms already checked."""

    number: str
    household: str
    batch: str
    terms: LoanTerms
    guarantors: tuple[str, ...]
    pledge: Money | None
    file: LoanFile | None = None


@dataclass(frozen=True, slots=True)
class RepaymentRow:
    """A row of a repayments file, read."""

    loan: str
    amount: Money
    on: date
    receipt: str
    payer: PayerKind
    guarantor: str | None
    prepayment: PrepaymentOption | None


@dataclass(frozen=True, slots=True)
class ContributionRow:
    """A row of a contributions file (捐赠/拨款到账), read."""

    on: date
    amount: Money
    source: ContributionSource
    donor: str
    receipt: str | None


Record = HouseholdRow | LoanRow | RepaymentRow | OpeningLoan | ContributionRow
"""A row read into what the ledger records."""
_T = TypeVar("_T")


class RowCells:
    """One row's cells by field, collecting every unreadable cell as a problem."""

    def __init__(self, row: int, cells: Mapping[str, CellValue]) -> None:
        self.row = row
        self.cells = cells
        self.problems: list[RowProblem] = []

    def raw(self, name: str) -> str:
        """The cell of column ``name`` as the user sees it."""
        return display(self.cells.get(name))

    def read(self, name: str, reader: Callable[[CellValue], _T], fallback: _T) -> _T:
        """The cell of column ``name`` read by ``reader``; ``fallback`` (and a problem) if it cannot be."""
        try:
            return reader(self.cells.get(name))
        except UnreadableCell as bad:
            self.problems.append(RowProblem(self.row, bad.kind, name, self.raw(name), bad.detail, bad.zh))
            return fallback


_NO_DATE = date(1, 1, 1)
_NO_MONEY = Money(0)


def _parse_household(c: RowCells) -> HouseholdRow:
    status = c.read(
        "fp_status",
        lambda v: read_choice(v, FP_STATUSES, what="the family-planning status", zh="计生类别"),
        None,
    )
    income = c.read("income_before", lambda v: None if is_blank(v) else read_money(v, positive=False), None)
    return HouseholdRow(
        code=c.read("code", read_code, None) or "",
        mother_name=c.read("mother_name", read_text, None) or "",
        national_id=c.read("national_id", read_national_id, ""),
        registered_on=c.read("registered_on", read_date, _NO_DATE),
        fp_status=FamilyPlanningStatus(status or FamilyPlanningStatus.COMPLIANT),
        org=c.read("org", lambda v: read_text(v, required=False), None),
        phone=c.read("phone", lambda v: read_text(v, required=False), None),
        income_before=income,
        persons=c.read("persons", _read_persons, None),
        village=c.read("village", lambda v: read_text(v, required=False), None),
    )


def _read_persons(value: CellValue) -> int | None:
    """A household's size: blank, or a whole number from 1 (``4`` or ``4人``)."""
    if is_blank(value):
        return None
    text = value.strip().removesuffix("人").strip() if isinstance(value, str) else value
    persons = read_count(text)
    if persons < 1:
        raise UnreadableCell(
            ProblemKind.BAD_NUMBER, "give the household's size, 1 or more persons", "家庭人口至少 1 人"
        )
    return persons


def _loan_file(c: RowCells) -> LoanFile | None:
    """The loan file's columns (用途, 协议编号, 协议日期, 帮扶责任人); None when all are blank."""
    texts = {
        name: c.read(name, lambda v: read_text(v, required=False), None)
        for name in ("purpose", "agreement_no", "helper")
    }
    signed = c.read("agreement_on", lambda v: None if is_blank(v) else read_date(v), None)
    if signed is None and all(v is None for v in texts.values()):
        return None
    purpose, note = purpose_of(texts["purpose"]) if texts["purpose"] else (None, None)
    try:
        return LoanFile(
            purpose=purpose,
            purpose_note=note,
            agreement_no=texts["agreement_no"],
            agreement_on=signed,
            helper=texts["helper"],
        )
    except InvalidEntry as exc:
        column = exc.field if exc.field in texts else "purpose"  # a note too long is the purpose's
        c.problems.append(_refused(c, ProblemKind.REFUSED, column, exc))
        return None


def _refused(c: RowCells, kind: ProblemKind, column: str, error: RevolveError) -> RowProblem:
    """A problem of column ``column`` of row ``c``: ``error`` refused it (said in the reader's language)."""
    return RowProblem(c.row, kind, column, c.raw(column), str(error), error.message("zh"), error)


def _parse_loan(c: RowCells) -> LoanRow | None:
    number = c.read("number", read_code, None) or ""
    household = c.read("household", read_code, None) or ""
    batch = c.read("batch", read_code, None) or ""
    amount = c.read("amount", read_money, _NO_MONEY)
    start = c.read("start", read_date, _NO_DATE)
    term = c.read("term", read_count, 0)
    method = c.read(
        "method", lambda v: read_choice(v, METHODS, what="the repayment method", zh="还款方式"), None
    )
    rate = c.read("rate", read_rate, Decimal(0))
    guarantors = c.read("guarantor", lambda v: read_code(v, required=False), None)
    pledge = c.read("pledge", lambda v: None if is_blank(v) else read_money(v), None)
    grace = c.read("interest_grace", lambda v: 0 if is_blank(v) else read_count(v), 0)
    grace_kind = c.read(
        "interest_grace_kind",
        lambda v: read_choice(v, INTEREST_GRACES, what="the interest grace (免息 or 缓息)", zh="宽限期利息"),
        None,
    )
    file = _loan_file(c)
    if c.problems:
        return None
    try:
        terms = LoanTerms(
            principal=amount,
            start=start,
            term=term,
            method=RepaymentMethod(method or RepaymentMethod.BULLET),
            rate=rate,
            interest_grace_periods=grace,
            interest_grace=InterestGrace(grace_kind or InterestGrace.WAIVED),
        )
    except InvalidTerms as exc:
        column = {
            "principal": "amount",
            "start": "start",
            "term": "term",
            "interest_grace_periods": "interest_grace",
        }.get(exc.field, "method")
        c.problems.append(_refused(c, ProblemKind.REFUSED, column, exc))
        return None
    except InvalidRate as exc:
        c.problems.append(_refused(c, ProblemKind.BAD_NUMBER, "rate", exc))
        return None
    names = tuple(g.strip() for g in _LIST_SEPARATORS.split(guarantors or "") if g.strip())
    return LoanRow(number, household, batch, terms, names, pledge, file)


def _parse_repayment(c: RowCells) -> RepaymentRow:
    payer = c.read("payer", lambda v: read_choice(v, PAYERS, what="the payer", zh="还款人"), None)
    prepayment = c.read(
        "prepayment", lambda v: read_choice(v, PREPAYMENTS, what="the prepayment option", zh="提前还款"), None
    )
    return RepaymentRow(
        loan=c.read("loan", read_code, None) or "",
        amount=c.read("amount", read_money, _NO_MONEY),
        on=c.read("on", read_date, _NO_DATE),
        receipt=c.read("receipt", read_code, None) or "",
        payer=PayerKind(payer or PayerKind.BORROWER),
        guarantor=c.read("guarantor", lambda v: read_code(v, required=False), None),
        prepayment=None if prepayment is None else PrepaymentOption(prepayment),
    )


def _parse_opening_loan(c: RowCells) -> OpeningLoan | None:
    """A loan in progress at the opening: a loan row with its round and what was paid before it. Its
    remaining schedule is rebuilt from its terms (:func:`revolve.opening.remaining_schedule`)."""
    round_ = c.read("round", read_count, 0)
    repaid = c.read("principal_repaid", lambda v: read_money(v, positive=False), _NO_MONEY)
    interest = c.read(
        "interest_paid", lambda v: _NO_MONEY if is_blank(v) else read_money(v, positive=False), _NO_MONEY
    )
    fee = c.read("fee_paid", lambda v: _NO_MONEY if is_blank(v) else read_money(v, positive=False), _NO_MONEY)
    loan = _parse_loan(c)
    if loan is None or c.problems:
        return None
    return OpeningLoan(
        loan.number,
        loan.household,
        loan.batch,
        loan.terms,
        round=round_,
        principal_repaid=repaid,
        interest_paid=interest,
        fee_paid=fee,
        guarantors=loan.guarantors,
        pledge=loan.pledge,
    )


def _parse_contribution(c: RowCells) -> ContributionRow:
    source = c.read("source", lambda v: read_choice(v, SOURCES, what="the source", zh="来源"), None)
    return ContributionRow(
        on=c.read("on", read_date, _NO_DATE),
        amount=c.read("amount", read_money, _NO_MONEY),
        source=ContributionSource(source or ContributionSource.DONATION),
        donor=c.read("donor", lambda v: read_text(v, required=False), None) or "",
        receipt=c.read("receipt", lambda v: read_code(v, required=False), None),
    )


PARSERS: Mapping[ImportKind, Callable[[RowCells], Record | None]] = {
    ImportKind.HOUSEHOLDS: _parse_household,
    ImportKind.LOANS: _parse_loan,
    ImportKind.REPAYMENTS: _parse_repayment,
    ImportKind.OPENING: _parse_opening_loan,
    ImportKind.CONTRIBUTIONS: _parse_contribution,
}
"""How each kind of row is read; None when the row had a problem."""


def parse_rows(
    kind: ImportKind, sheet: SheetRows, positions: Mapping[str, int]
) -> tuple[list[tuple[RowCells, Record]], list[RowProblem], list[ImportNote]]:
    """Read every data row of ``sheet`` into a record of ``kind``.

    Args:
        kind: what the sheet holds.
        sheet: the rows read from the file.
        positions: where each column is, from :func:`map_header`.

    Returns:
        The rows that became records, each with its cells (to name a cell the ledger later refuses),
        the problems of every other row, and a note for each 合计 row skipped.
    """
    problems: list[RowProblem] = []
    notes: list[ImportNote] = []
    parsed: list[tuple[RowCells, Record]] = []
    key_column = KEY_COLUMN[kind]
    first_seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        label = total_row(kind, cells, positions)
        if label is not None:
            notes.append(ImportNote(NoteKind.TOTAL_ROW, number, label))
            continue
        row = RowCells(number, {name: cells[i] if i < len(cells) else None for name, i in positions.items()})
        record = PARSERS[kind](row)
        key = row.raw(key_column)
        if key and key in first_seen:
            duplicate = (
                ProblemKind.DUPLICATE_RECEIPT if kind is ImportKind.REPAYMENTS else ProblemKind.DUPLICATE_CODE
            )
            row.problems.append(
                RowProblem(
                    number,
                    duplicate,
                    key_column,
                    key,
                    f"row {first_seen[key]} has the same one",
                    f"与第{first_seen[key]}行相同",
                )
            )
        elif key:
            first_seen[key] = number
        if row.problems or record is None:
            problems.extend(row.problems)
        else:
            parsed.append((row, record))
    return parsed, problems, notes
