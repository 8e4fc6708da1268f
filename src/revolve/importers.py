"""Importing households, loans and repayments from CSV or Excel files, with every bad row reported.

A county office keeps its household files (一户一档), loan contracts and repayment vouchers in
spreadsheets. This module reads such a sheet — a ``.csv`` file (UTF-8, with or without the byte-order
mark Excel writes) or the first worksheet of an ``.xlsx`` workbook — and records each row through the
:class:`~revolve.ledger.Ledger`'s own operations, so an imported row is checked exactly as a typed-in one.

**Columns.** The first row is the header. Each column may be headed in Chinese or in English (case,
spaces and a unit suffix such as ``（元）`` are ignored); columns revolve does not know are ignored.
The accepted headers are in :data:`COLUMNS`:

* households — 户编码/code, 母亲姓名/mother_name, 身份证号/national_id, 登记日期/registered_on;
  optional 计生类别/fp_status, 所属组织/org (an organisation code), 联系电话/phone,
  帮扶前年收入/income_before;
* loans — 借款编号/number, 户编码/household, 批次/batch, 金额/amount, 放款日期/start, 期数/term; optional
  还款方式/method (一次性还本付息 by default), 年利率/rate (``0.049`` or ``4.9%``; interest-free when
  blank), 担保人/guarantor (guarantor codes, several separated by ``;`` or ``、``), 质押金额/pledge.
  A batch not yet in the fund is opened, dated the loan's start date;
* repayments — 借款编号/loan, 金额/amount, 还款日期/on, 还款凭证号/receipt; optional 还款人/payer
  (借款人/borrower by default, 担保人/guarantor, 质押/pledge), 担保人/guarantor (when a guarantor pays),
  提前还款/prepayment (缩短期限/fewer_installments or 减少月供/lower_installments).

**Values.** Amounts are yuan (``1234.56``, ``¥1,234.56``, ``1.2万``). An amount finer than a fen
(``12.345``) is refused, never rounded. Dates are ``2026-03-31``, ``2026/3/31``, ``2026年3月31日``,
``20260331`` or an Excel date cell. Excel numeric cells arrive from openpyxl as ``float``; a float never
becomes money: revolve takes the shortest decimal text that round-trips the float
(``Decimal(repr(value))`` — what Excel itself shows for a typed ``1234.56``) and refuses it if that has
more than two decimals, so a cell holding ``12.345`` or a formula result such as
``12.345000000000001`` is reported, not rounded. A national ID number in a numeric cell is refused
unless it is an exact integer (Excel keeps only 15 significant digits of a number: format the column as
text).

**Rows and problems.** Row numbers are as the user sees them: the header is row 1 (for ``.xlsx`` the
worksheet's own row numbers; for CSV the record number). Blank rows are skipped. Every bad row is
reported as a :class:`RowProblem` naming its row, column, value and reason — a malformed cell, an
unknown household, a bad ID check digit, a duplicate receipt, or any refusal the ledger raises. A missing
required column is reported once, and then nothing is imported.

**All or nothing.** By default the whole file is one transaction: each row runs in its own SAVEPOINT
(so one refusal cannot disturb the next row), every row is tried so that every problem is reported, and
the transaction commits only if no row failed — otherwise nothing is written. With ``keep_valid=True``
the valid rows are committed and the bad ones reported. A repayment whose receipt number was already
recorded with the same content is an idempotent retry: it is counted as unchanged, not written again.

Invariants: nothing is written when any row fails unless ``keep_valid``; a float never becomes money;
the header row is row 1.
"""

from __future__ import annotations

import csv
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from tqdm import tqdm

from revolve.errors import (
    DuplicateCode,
    DuplicateReceipt,
    GuarantorCapExceeded,
    ImportFileError,
    ImportTargetError,
    InsufficientFunds,
    InvalidAmount,
    InvalidDate,
    InvalidNationalId,
    InvalidRate,
    InvalidTerms,
    LoanStateError,
    MoneyTypeError,
    Overpayment,
    PeriodClosed,
    PolicyViolation,
    RevolveError,
    UnknownGuarantor,
    UnknownHousehold,
    UnknownLoan,
    UnknownOrg,
)
from revolve.funds import Fund
from revolve.households import FamilyPlanningStatus, Registration, validate_national_id
from revolve.ledger import Ledger
from revolve.loans.payout import Disbursement
from revolve.loans.repayment import Payment
from revolve.money import Money
from revolve.rules import PayerKind
from revolve.schedule import LoanTerms, PrepaymentOption, RepaymentMethod
from revolve.store.database import WRITE
from revolve.store.transactions import Session

__all__ = [
    "COLUMNS",
    "ImportColumn",
    "ImportFileError",
    "ImportKind",
    "ImportResult",
    "ImportTargetError",
    "ProblemKind",
    "RowProblem",
    "SheetRows",
    "all_or_nothing",
    "import_file",
    "import_households",
    "import_loans",
    "import_repayments",
    "read_rows",
]

FundRef = Fund | int | str
Books = Ledger | Session
CellValue = object
"""What a cell holds: ``str`` from CSV; ``str``, ``int``, ``float``, ``datetime``, ``bool`` or None from Excel."""


# ---- what can be imported, and under which headers ------------------------------------------------
class ImportKind(StrEnum):
    """What a file holds."""

    HOUSEHOLDS = "households"
    LOANS = "loans"
    REPAYMENTS = "repayments"


@dataclass(frozen=True, slots=True)
class ImportColumn:
    """One column an import reads: its field (and English header), its Chinese header, and other names."""

    field: str
    zh: str
    required: bool = True
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        """The header in a language: ``户编码`` or ``code``."""
        return self.zh if lang == "zh" else self.field

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header this column is recognised by."""
        return (self.field, self.zh, *self.aliases)


COLUMNS: Mapping[ImportKind, tuple[ImportColumn, ...]] = {
    ImportKind.HOUSEHOLDS: (
        ImportColumn("code", "户编码", aliases=("档案号", "户号", "household")),
        ImportColumn("mother_name", "母亲姓名", aliases=("受助母亲姓名", "姓名", "name")),
        ImportColumn("national_id", "身份证号", aliases=("身份证号码", "居民身份证号码", "id_number")),
        ImportColumn("registered_on", "登记日期", aliases=("建档日期",)),
        ImportColumn("fp_status", "计生类别", required=False, aliases=("计生状况", "户类别")),
        ImportColumn("org", "所属组织", required=False, aliases=("组织编码", "org_code")),
        ImportColumn("phone", "联系电话", required=False, aliases=("电话", "手机")),
        ImportColumn("income_before", "帮扶前年收入", required=False, aliases=("帮扶前家庭年收入",)),
    ),
    ImportKind.LOANS: (
        ImportColumn("number", "借款编号", aliases=("借款合同号", "loan")),
        ImportColumn("household", "户编码", aliases=("档案号", "户号")),
        ImportColumn("batch", "批次", aliases=("批次号",)),
        ImportColumn("amount", "金额", aliases=("借款金额", "principal")),
        ImportColumn("start", "放款日期", aliases=("借款日期", "disbursed_on")),
        ImportColumn("term", "期数", aliases=("借款期限", "期限")),
        ImportColumn("method", "还款方式", required=False),
        ImportColumn("rate", "年利率", required=False, aliases=("利率",)),
        ImportColumn("guarantor", "担保人", required=False, aliases=("担保人编码", "guarantors")),
        ImportColumn("pledge", "质押金额", required=False, aliases=("质押存款",)),
    ),
    ImportKind.REPAYMENTS: (
        ImportColumn("loan", "借款编号", aliases=("借款合同号", "number")),
        ImportColumn("amount", "金额", aliases=("还款金额",)),
        ImportColumn("on", "还款日期", aliases=("date",)),
        ImportColumn("receipt", "还款凭证号", aliases=("凭证号", "收据号")),
        ImportColumn("payer", "还款人", required=False),
        ImportColumn("guarantor", "担保人", required=False, aliases=("担保人编码",)),
        ImportColumn("prepayment", "提前还款", required=False),
    ),
}
"""The columns each kind of file may hold, in their usual order."""

_KEY_COLUMN = {ImportKind.HOUSEHOLDS: "code", ImportKind.LOANS: "number", ImportKind.REPAYMENTS: "receipt"}
"""The column that names a row's record: two rows of one file may not share it."""


# ---- problems and results ------------------------------------------------------------------------
class ProblemKind(StrEnum):
    """Why a row (or the header) was refused."""

    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    MISSING_VALUE = "missing_value"
    BAD_DATE = "bad_date"
    BAD_AMOUNT = "bad_amount"
    SUB_FEN_AMOUNT = "sub_fen_amount"
    BAD_NUMBER = "bad_number"
    BAD_VALUE = "bad_value"
    BAD_NATIONAL_ID = "bad_national_id"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    UNKNOWN_LOAN = "unknown_loan"
    DUPLICATE_CODE = "duplicate_code"
    DUPLICATE_RECEIPT = "duplicate_receipt"
    REFUSED = "refused"

    def label(self, lang: str = "zh") -> str:
        """What the problem means and what to do, in a language."""
        zh, en = _PROBLEM_TEXT[self]
        return zh if lang == "zh" else en


_PROBLEM_TEXT: Mapping[ProblemKind, tuple[str, str]] = {
    ProblemKind.MISSING_COLUMN: (
        "缺少必需的列，未导入任何数据：请在第1行加上这一列",
        "a required column is missing, nothing was imported: add it to row 1",
    ),
    ProblemKind.DUPLICATE_COLUMN: (
        "同一列出现了两次，未导入任何数据：请删去其中一列",
        "the column appears twice, nothing was imported: remove one of them",
    ),
    ProblemKind.MISSING_VALUE: ("必填项为空：请填写", "a required value is blank: fill it in"),
    ProblemKind.BAD_DATE: (
        "日期无法识别：请写成 2026-03-31",
        "not a date: write it as 2026-03-31",
    ),
    ProblemKind.BAD_AMOUNT: (
        "金额无法识别：请以元为单位填写正数，如 1234.56",
        "not a valid amount: write a positive number of yuan, e.g. 1234.56",
    ),
    ProblemKind.SUB_FEN_AMOUNT: (
        "金额超过两位小数（不足一分）；系统不做四舍五入，请改正金额",
        "more than two decimals (finer than a fen); revolve never rounds: correct the amount",
    ),
    ProblemKind.BAD_NUMBER: ("数字无法识别：请改正", "not a valid number: correct it"),
    ProblemKind.BAD_VALUE: ("取值无法识别：请改正", "not a recognised value: correct it"),
    ProblemKind.BAD_NATIONAL_ID: (
        "身份证号码有误：请对照身份证核对",
        "invalid national ID number: check it against the ID card",
    ),
    ProblemKind.UNKNOWN_HOUSEHOLD: (
        "本基金没有这个户编码：请先导入户档案",
        "no household with this code in the fund: import the households first",
    ),
    ProblemKind.UNKNOWN_LOAN: (
        "本基金没有这笔借款：请核对借款编号，或先导入借款",
        "no loan with this number in the fund: check the number or import the loans first",
    ),
    ProblemKind.DUPLICATE_CODE: (
        "编号重复：已在本基金或本文件中使用",
        "the code is already used in the fund or in this file",
    ),
    ProblemKind.DUPLICATE_RECEIPT: (
        "还款凭证号重复：每张凭证只能记录一次，请核对凭证",
        "duplicate receipt number: each receipt is recorded once, check the voucher",
    ),
    ProblemKind.REFUSED: ("账簿拒绝了这一行", "the books refused this row"),
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One reason a row was not imported.

    Attributes:
        row: the row number as the user sees it (the header is row 1).
        kind: why, as a :class:`ProblemKind`.
        column: the field of the offending column (``"amount"``), or None when no one column is at fault.
        value: the offending cell as text ("" for a blank cell), or None.
        detail: more precise words, usually the message of the refusal revolve raised.
    """

    row: int
    kind: ProblemKind
    column: str | None = None
    value: str | None = None
    detail: str = ""

    def describe(self, lang: str = "zh", *, columns: Sequence[ImportColumn] = ()) -> str:
        """One line for people: ``第3行，金额「12.345」：金额超过两位小数…`` / ``row 3, amount '12.345': …``."""
        header = next((c.label(lang) for c in columns if c.field == self.column), self.column)
        if lang == "zh":
            where = f"第{self.row}行"
            if header is not None:
                where += f"，{header}" + (f"「{self.value}」" if self.value is not None else "")
            return f"{where}：{self.kind.label('zh')}" + (f"（{self.detail}）" if self.detail else "")
        where = f"row {self.row}"
        if header is not None:
            where += f", {header}" + (f" {self.value!r}" if self.value is not None else "")
        return f"{where}: {self.kind.label('en')}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    Attributes:
        kind: households, loans or repayments.
        source: the file read.
        rows_read: data rows read (blank rows and the header not counted).
        rows_valid: rows that passed every check (written, or that would have been).
        rows_written: rows committed to the books (0 when all-or-nothing and any row failed).
        rows_unchanged: repayments already recorded with the same content (idempotent retries).
        problems: every problem found, in row order.
        keep_valid: whether valid rows were kept despite problems.
    """

    kind: ImportKind
    source: str
    rows_read: int
    rows_valid: int
    rows_written: int
    rows_unchanged: int
    problems: tuple[RowProblem, ...]
    keep_valid: bool

    @property
    def ok(self) -> bool:
        """True when no row had a problem."""
        return not self.problems

    @property
    def columns(self) -> tuple[ImportColumn, ...]:
        """The columns of this kind of file."""
        return COLUMNS[self.kind]

    def summary(self, lang: str = "zh") -> str:
        """One line: how many rows were read, written and refused."""
        bad = len({p.row for p in self.problems})
        if lang == "zh":
            text = f"读取 {self.rows_read} 行，写入 {self.rows_written} 行"
            if self.rows_unchanged:
                text += f"，{self.rows_unchanged} 行此前已记录"
            if self.problems:
                text += f"，{bad} 行有误"
                if not self.rows_written:
                    text += "，未写入任何数据"
            return text
        text = f"{self.rows_read} rows read, {self.rows_written} written"
        if self.rows_unchanged:
            text += f", {self.rows_unchanged} already recorded"
        if self.problems:
            text += f", {bad} with problems"
            if not self.rows_written:
                text += "; nothing was written"
        return text


# ---- reading a sheet -------------------------------------------------------------------------------
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
    rows = tuple((n, cells) for n, cells in table[1:] if any(not _blank(c) for c in cells))
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


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_UNIT_SUFFIX = re.compile(r"[（(][^）)]*[）)]$")


def _header_text(value: CellValue) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()


def _header_key(text: str) -> str:
    """Normalise a header: case, spaces, dashes and a unit suffix such as ``（元）`` do not matter."""
    key = _UNIT_SUFFIX.sub("", text.strip()).strip().casefold()
    return re.sub(r"[\s\-]+", "_", key)


# ---- reading cells ---------------------------------------------------------------------------------
class _Bad(Exception):
    """A cell that cannot be read; becomes a RowProblem for its column."""

    def __init__(self, kind: ProblemKind, detail: str = "") -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def _display(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


_MAX_EXACT_FLOAT_INT = 2**53


def _text(value: CellValue, *, required: bool = True) -> str | None:
    """A text cell. Excel numbers that are whole become their digits (a receipt number 20240001)."""
    if _blank(value):
        if required:
            raise _Bad(ProblemKind.MISSING_VALUE)
        return None
    if isinstance(value, bool):
        raise _Bad(ProblemKind.BAD_VALUE, "a TRUE/FALSE cell where text is expected")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _MAX_EXACT_FLOAT_INT:
            return str(int(value))
        raise _Bad(
            ProblemKind.BAD_VALUE, "a number with decimals where text is expected: format the column as text"
        )
    if isinstance(value, datetime | date):
        return _display(value)
    return str(value).strip()


def _national_id(value: CellValue) -> str:
    if isinstance(value, float):
        # Excel keeps 15 significant digits of a number: an 18-digit ID typed as a number is already wrong
        raise _Bad(
            ProblemKind.BAD_NATIONAL_ID,
            "the ID number is stored as a number, which Excel cuts to 15 digits: "
            "format the column as text (文本) and type it again",
        )
    text = _text(value)
    assert text is not None
    try:
        return validate_national_id(text)
    except InvalidNationalId as exc:
        raise _Bad(ProblemKind.BAD_NATIONAL_ID, exc.reason) from None


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _date(value: CellValue) -> date:
    """A date cell: an Excel date, or text such as 2026-03-31, 2026/3/31, 2026年3月31日, 20260331."""
    if _blank(value):
        raise _Bad(ProblemKind.MISSING_VALUE)
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise _Bad(ProblemKind.BAD_DATE, "the cell holds a time of day: give a date only")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
        if match is not None:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise _Bad(ProblemKind.BAD_DATE, "there is no such day in the calendar") from None
        raise _Bad(ProblemKind.BAD_DATE)
    raise _Bad(ProblemKind.BAD_DATE, "a number is not a date: format the cell as a date (日期)")


def _money(value: CellValue, *, positive: bool = True) -> Money:
    """An amount of yuan, exact to the fen; a float cell is read through its shortest decimal text."""
    if _blank(value):
        raise _Bad(ProblemKind.MISSING_VALUE)
    yuan: str | Decimal | int
    if isinstance(value, bool):
        raise _Bad(ProblemKind.BAD_AMOUNT, "a TRUE/FALSE cell is not an amount")
    if isinstance(value, float):
        # repr() is the shortest text that reads back as this float: 1234.56 stays 1234.56, and a cell
        # holding 12.345 or 12.345000000000001 keeps its third decimal and is refused below, not rounded
        try:
            yuan = Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a float is always a number or inf/nan
            raise _Bad(ProblemKind.BAD_AMOUNT) from None
        if not yuan.is_finite():
            raise _Bad(ProblemKind.BAD_AMOUNT)
    elif isinstance(value, int):
        yuan = value
    elif isinstance(value, str):
        yuan = value.strip()
    else:
        raise _Bad(ProblemKind.BAD_AMOUNT)
    try:
        amount = Money.of_yuan(yuan)
    except (InvalidAmount, MoneyTypeError) as exc:
        if _finer_than_fen(yuan):
            raise _Bad(ProblemKind.SUB_FEN_AMOUNT) from None
        raise _Bad(ProblemKind.BAD_AMOUNT, str(exc)) from None
    if amount.is_negative() or (positive and amount.is_zero()):
        raise _Bad(ProblemKind.BAD_AMOUNT, "it must be more than 0" if positive else "it cannot be negative")
    return amount


def _finer_than_fen(yuan: str | Decimal | int) -> bool:
    """True when the value is a well-formed amount that only fails for being finer than a fen."""
    try:
        # the rounded result is thrown away: this only asks whether rounding would have been needed
        Money.of_yuan(yuan, rounding=ROUND_HALF_UP)
    except RevolveError:
        return False
    return True


def _count(value: CellValue) -> int:
    if _blank(value):
        raise _Bad(ProblemKind.MISSING_VALUE)
    if isinstance(value, bool):
        raise _Bad(ProblemKind.BAD_NUMBER)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*(?:期|个月|月)?\s*", value):
        return int(re.sub(r"\D", "", value))
    raise _Bad(ProblemKind.BAD_NUMBER, "give a whole number of periods, e.g. 24")


def _rate(value: CellValue) -> Decimal:
    """A rate: ``0.049`` or ``4.9%`` (a float cell through its shortest decimal text, never binary)."""
    if _blank(value):
        return Decimal(0)
    if isinstance(value, bool):
        raise _Bad(ProblemKind.BAD_NUMBER)
    if isinstance(value, int):
        return Decimal(value)
    text = repr(value) if isinstance(value, float) else str(value).strip()
    percent = text.endswith(("%", "％"))
    try:
        rate = Decimal(text.rstrip("%％").strip())
    except InvalidOperation:
        raise _Bad(ProblemKind.BAD_NUMBER, "write the yearly rate as 0.049 or 4.9%") from None
    if not rate.is_finite():
        raise _Bad(ProblemKind.BAD_NUMBER, "write the yearly rate as 0.049 or 4.9%")
    return rate / 100 if percent else rate


def _choice(value: CellValue, names: Mapping[str, str], *, what: str) -> str | None:
    if _blank(value):
        return None
    text = _text(value)
    assert text is not None
    found = names.get(_header_key(text))
    if found is None:
        raise _Bad(ProblemKind.BAD_VALUE, f"{what} is one of: {', '.join(sorted(set(names.values())))}")
    return found


def _names(pairs: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {_header_key(name): value for value, names in pairs.items() for name in (value, *names)}


_METHODS = _names(
    {
        RepaymentMethod.BULLET: ("一次性还本付息", "利随本清", "到期一次还本付息", "到期还本付息"),
        RepaymentMethod.EQUAL_INSTALLMENT: ("等额本息",),
        RepaymentMethod.EQUAL_PRINCIPAL: ("等额本金",),
        RepaymentMethod.INTEREST_ONLY: (
            "按期付息、到期还本",
            "按月付息到期还本",
            "按期付息到期还本",
            "先息后本",
        ),
    }
)
_FP_STATUSES = _names({s.value: (s.label_zh,) for s in FamilyPlanningStatus})
_PAYERS = _names(
    {
        PayerKind.BORROWER: ("借款人", "本人", PayerKind.BORROWER.label_zh),
        PayerKind.GUARANTOR: ("担保人", "代偿", PayerKind.GUARANTOR.label_zh),
        PayerKind.PLEDGE: ("质押", "质押存款", PayerKind.PLEDGE.label_zh),
    }
)
_PREPAYMENTS = _names(
    {
        PrepaymentOption.FEWER_INSTALLMENTS: ("缩短期限",),
        PrepaymentOption.LOWER_INSTALLMENTS: ("减少月供", "减少每期还款"),
    }
)
_LIST_SEPARATORS = re.compile(r"[;；、,，]")


# ---- parsed rows -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _HouseholdRow:
    code: str
    mother_name: str
    national_id: str
    registered_on: date
    fp_status: FamilyPlanningStatus
    org: str | None
    phone: str | None
    income_before: Money | None


@dataclass(frozen=True, slots=True)
class _LoanRow:
    number: str
    household: str
    batch: str
    terms: LoanTerms
    guarantors: tuple[str, ...]
    pledge: Money | None


@dataclass(frozen=True, slots=True)
class _RepaymentRow:
    loan: str
    amount: Money
    on: date
    receipt: str
    payer: PayerKind
    guarantor: str | None
    prepayment: PrepaymentOption | None


_Parsed = _HouseholdRow | _LoanRow | _RepaymentRow
_T = TypeVar("_T")


class _Cells:
    """One row's cells by field, collecting every unreadable cell as a problem."""

    def __init__(self, row: int, cells: Mapping[str, CellValue]) -> None:
        self.row = row
        self.cells = cells
        self.problems: list[RowProblem] = []

    def raw(self, name: str) -> str:
        return _display(self.cells.get(name))

    def read(self, name: str, reader: Callable[[CellValue], _T], fallback: _T) -> _T:
        try:
            return reader(self.cells.get(name))
        except _Bad as bad:
            self.problems.append(RowProblem(self.row, bad.kind, name, self.raw(name), bad.detail))
            return fallback


_NO_DATE = date(1, 1, 1)
_NO_MONEY = Money(0)


def _parse_household(c: _Cells) -> _HouseholdRow:
    status = c.read("fp_status", lambda v: _choice(v, _FP_STATUSES, what="the family-planning status"), None)
    income = c.read("income_before", lambda v: None if _blank(v) else _money(v, positive=False), None)
    return _HouseholdRow(
        code=c.read("code", _text, None) or "",
        mother_name=c.read("mother_name", _text, None) or "",
        national_id=c.read("national_id", _national_id, ""),
        registered_on=c.read("registered_on", _date, _NO_DATE),
        fp_status=FamilyPlanningStatus(status or FamilyPlanningStatus.COMPLIANT),
        org=c.read("org", lambda v: _text(v, required=False), None),
        phone=c.read("phone", lambda v: _text(v, required=False), None),
        income_before=income,
    )


def _parse_loan(c: _Cells) -> _LoanRow | None:
    number = c.read("number", _text, None) or ""
    household = c.read("household", _text, None) or ""
    batch = c.read("batch", _text, None) or ""
    amount = c.read("amount", _money, _NO_MONEY)
    start = c.read("start", _date, _NO_DATE)
    term = c.read("term", _count, 0)
    method = c.read("method", lambda v: _choice(v, _METHODS, what="the repayment method"), None)
    rate = c.read("rate", _rate, Decimal(0))
    guarantors = c.read("guarantor", lambda v: _text(v, required=False), None)
    pledge = c.read("pledge", lambda v: None if _blank(v) else _money(v), None)
    if c.problems:
        return None
    try:
        terms = LoanTerms(
            principal=amount,
            start=start,
            term=term,
            method=RepaymentMethod(method or RepaymentMethod.BULLET),
            rate=rate,
        )
    except InvalidTerms as exc:
        column = {"principal": "amount", "start": "start", "term": "term"}.get(exc.field, "method")
        c.problems.append(RowProblem(c.row, ProblemKind.REFUSED, column, c.raw(column), str(exc)))
        return None
    except InvalidRate as exc:
        c.problems.append(RowProblem(c.row, ProblemKind.BAD_NUMBER, "rate", c.raw("rate"), str(exc)))
        return None
    names = tuple(g.strip() for g in _LIST_SEPARATORS.split(guarantors or "") if g.strip())
    return _LoanRow(number, household, batch, terms, names, pledge)


def _parse_repayment(c: _Cells) -> _RepaymentRow:
    payer = c.read("payer", lambda v: _choice(v, _PAYERS, what="the payer"), None)
    prepayment = c.read("prepayment", lambda v: _choice(v, _PREPAYMENTS, what="the prepayment option"), None)
    return _RepaymentRow(
        loan=c.read("loan", _text, None) or "",
        amount=c.read("amount", _money, _NO_MONEY),
        on=c.read("on", _date, _NO_DATE),
        receipt=c.read("receipt", _text, None) or "",
        payer=PayerKind(payer or PayerKind.BORROWER),
        guarantor=c.read("guarantor", lambda v: _text(v, required=False), None),
        prepayment=None if prepayment is None else PrepaymentOption(prepayment),
    )


# ---- writing rows ----------------------------------------------------------------------------------
@dataclass(slots=True)
class _State:
    """What the import learned from the books; updated only once a row's savepoint is released."""

    batches: set[str] | None = None
    orgs: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, set[str]] = field(default_factory=dict)


def _write_household(ledger: Ledger, fund: Fund, row: _Parsed, state: _State) -> bool:
    assert isinstance(row, _HouseholdRow)
    org_id = None
    if row.org is not None:
        org_id = state.orgs.get(row.org)
        if org_id is None:
            org_id = state.orgs[row.org] = ledger.org(row.org).id
    ledger.register_household(
        fund,
        code=row.code,
        mother_name=row.mother_name,
        national_id=row.national_id,
        registered_on=row.registered_on,
        fp_status=row.fp_status,
        org=org_id,
        phone=row.phone,
        income_before=row.income_before,
    )
    return True


def _write_loan(ledger: Ledger, fund: Fund, row: _Parsed, state: _State) -> bool:
    assert isinstance(row, _LoanRow)
    if state.batches is None:
        state.batches = {b.code for b in ledger.batches(fund)}
    if row.batch not in state.batches:
        # a batch named for the first time is opened on the first of its loans' start dates
        ledger.open_batch(fund, code=row.batch, on=row.terms.start)
    ledger.disburse(
        fund,
        number=row.number,
        household=row.household,
        batch=row.batch,
        terms=row.terms,
        guarantors=row.guarantors,
        pledge=row.pledge,
    )
    state.batches.add(row.batch)
    return True


def _write_repayment(ledger: Ledger, fund: Fund, row: _Parsed, state: _State) -> bool:
    assert isinstance(row, _RepaymentRow)
    known = state.receipts.get(row.loan)
    if known is None:
        known = state.receipts[row.loan] = {r.receipt for r in ledger.receipts(fund, row.loan)}
    ledger.repay(
        fund,
        row.loan,
        amount=row.amount,
        on=row.on,
        receipt=row.receipt,
        payer=row.payer,
        guarantor=row.guarantor,
        prepayment=row.prepayment,
    )
    # the ledger answers a faithful retry (same receipt, same payment) with the first record
    fresh = row.receipt not in known
    known.add(row.receipt)
    return fresh


def _write_all(ledger: Ledger, fund: Fund, kind: ImportKind, rows: Sequence[_Parsed], state: _State) -> int:
    """Write every row with one bulk call (``register_households``, ``disburse_many``, ``repay_many``);
    return how many were new. The first refusal propagates, and the caller then goes row by row to
    report every problem of the file."""
    if kind is ImportKind.HOUSEHOLDS:
        households = [r for r in rows if isinstance(r, _HouseholdRow)]
        for code in {r.org for r in households if r.org is not None and r.org not in state.orgs}:
            state.orgs[code] = ledger.org(code).id
        ledger.register_households(
            fund,
            [
                Registration(
                    r.code,
                    r.mother_name,
                    r.national_id,
                    r.registered_on,
                    r.fp_status,
                    None if r.org is None else state.orgs[r.org],
                    r.phone,
                    r.income_before,
                )
                for r in households
            ],
        )
        return len(households)
    if kind is ImportKind.LOANS:
        loans = [r for r in rows if isinstance(r, _LoanRow)]
        if state.batches is None:
            state.batches = {b.code for b in ledger.batches(fund)}
        for r in loans:
            if r.batch not in state.batches:
                # a batch named for the first time is opened on the first of its loans' start dates
                ledger.open_batch(fund, code=r.batch, on=r.terms.start)
                state.batches.add(r.batch)
        ledger.disburse_many(
            fund,
            [Disbursement(r.number, r.household, r.batch, r.terms, r.guarantors, r.pledge) for r in loans],
        )
        return len(loans)
    payments = [r for r in rows if isinstance(r, _RepaymentRow)]
    known = ledger.receipts_by_number(fund, (r.receipt for r in payments))
    ledger.repay_many(
        fund,
        [Payment(r.loan, r.amount, r.on, r.receipt, r.payer, r.guarantor, r.prepayment) for r in payments],
    )
    # the ledger answers a faithful retry (same receipt, same payment) with the first record
    return sum(1 for r in payments if r.receipt not in known)


_PARSERS: Mapping[ImportKind, Callable[[_Cells], _Parsed | None]] = {
    ImportKind.HOUSEHOLDS: _parse_household,
    ImportKind.LOANS: _parse_loan,
    ImportKind.REPAYMENTS: _parse_repayment,
}
_WRITERS: Mapping[ImportKind, Callable[[Ledger, Fund, _Parsed, _State], bool]] = {
    ImportKind.HOUSEHOLDS: _write_household,
    ImportKind.LOANS: _write_loan,
    ImportKind.REPAYMENTS: _write_repayment,
}


def _problem_from(error: RevolveError, row: int, kind: ImportKind, raw: Callable[[str], str]) -> RowProblem:
    """Name the column a ledger refusal is about, so the user knows which cell to correct."""
    date_column = {ImportKind.HOUSEHOLDS: "registered_on", ImportKind.LOANS: "start"}.get(kind, "on")
    problem: ProblemKind
    column: str | None
    if isinstance(error, UnknownHousehold):
        problem, column = ProblemKind.UNKNOWN_HOUSEHOLD, "household"
    elif isinstance(error, UnknownLoan):
        problem, column = ProblemKind.UNKNOWN_LOAN, "loan"
    elif isinstance(error, DuplicateReceipt):
        problem, column = ProblemKind.DUPLICATE_RECEIPT, "receipt"
    elif isinstance(error, InvalidNationalId):
        problem, column = ProblemKind.BAD_NATIONAL_ID, "national_id"
    elif isinstance(error, DuplicateCode):
        problem = ProblemKind.DUPLICATE_CODE
        column = {"household national ID": "national_id", "batch": "batch"}.get(error.what, _KEY_COLUMN[kind])
    elif isinstance(error, UnknownGuarantor):
        problem, column = ProblemKind.REFUSED, "guarantor"
    elif isinstance(error, UnknownOrg):
        problem, column = ProblemKind.REFUSED, "org"
    elif isinstance(error, InvalidDate | PeriodClosed):
        problem, column = ProblemKind.REFUSED, date_column
    elif isinstance(
        error, InvalidAmount | Overpayment | InsufficientFunds | PolicyViolation | GuarantorCapExceeded
    ):
        problem, column = ProblemKind.REFUSED, "amount"
    elif isinstance(error, LoanStateError):
        problem, column = ProblemKind.REFUSED, "loan"
    else:
        problem, column = ProblemKind.REFUSED, None
    return RowProblem(row, problem, column, None if column is None else raw(column), str(error))


# ---- the unit of work ------------------------------------------------------------------------------
class _Unit:
    """One transaction for many ledger operations: a Session of revolve's own, or a savepoint of the host's."""

    def __init__(self, books: Books) -> None:
        if isinstance(books, Ledger):
            engine = books.engine
            if engine is None:
                raise ImportTargetError
            # the whole unit writes, so on SQLite it begins with BEGIN IMMEDIATE and holds the write lock
            self.session = Session(bind=engine.execution_options(**{WRITE: True}))
            self._own = True
            self._outer = None
            self.ledger = Ledger(session=self.session, create_schema=False)
        else:
            self.session = books
            self._own = False
            self.ledger = Ledger(session=books)
            self._outer = books.begin_nested()

    def finish(self, *, commit: bool) -> None:
        """Commit (or release the savepoint) when ``commit``; otherwise roll everything back."""
        try:
            if self._outer is not None:
                if commit:
                    self._outer.commit()
                else:
                    self._outer.rollback()
            elif commit:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            if self._own:
                self.session.close()

    def abandon(self) -> None:
        """Roll back after an unexpected exception (the caller re-raises it)."""
        self.finish(commit=False)


@contextmanager
def all_or_nothing(books: Books) -> Iterator[Ledger]:
    """Run several ledger operations as one transaction: all of them are written, or none.

    Args:
        books: a :class:`Ledger` that opened its own database (revolve then opens one Session and
            commits it at the end), or a host's SQLAlchemy ``Session`` (the operations then run in one
            SAVEPOINT of it, released at the end; the host still commits).

    Returns:
        A context manager yielding a Ledger whose operations all belong to that one transaction; it
        commits when the block ends normally and rolls back if the block raises.

    Raises:
        ImportTargetError: ``books`` is a Ledger that writes inside a host Session: pass the Session.
    """
    unit = _Unit(books)
    try:
        yield unit.ledger
    except BaseException:
        unit.abandon()
        raise
    unit.finish(commit=True)


# ---- importing -------------------------------------------------------------------------------------
def _map_header(
    header: Sequence[str], columns: Sequence[ImportColumn]
) -> tuple[dict[str, int], list[RowProblem]]:
    by_name = {_header_key(h): c for c in columns for h in c.headers}
    positions: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, text in enumerate(header):
        column = by_name.get(_header_key(text)) if text else None
        if column is None:
            continue  # a column revolve does not read (remarks, totals) is left alone
        if column.field in positions:
            problems.append(RowProblem(1, ProblemKind.DUPLICATE_COLUMN, column.field, text))
            continue
        positions[column.field] = index
    for column in columns:
        if column.required and column.field not in positions:
            problems.append(
                RowProblem(1, ProblemKind.MISSING_COLUMN, column.field, None, f"{column.zh} / {column.field}")
            )
    return positions, problems


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def import_file(
    books: Books,
    fund: FundRef,
    kind: ImportKind | str,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
) -> ImportResult:
    """Import one file of households, loans or repayments into a fund.

    Args:
        books: a :class:`Ledger` opened on its own database, or a host's SQLAlchemy ``Session`` (the
            import then runs in one savepoint of it and the host commits).
        fund: the fund (value, id or code).
        kind: ``households``, ``loans`` or ``repayments``.
        source: a ``.csv`` (UTF-8, BOM or not) or ``.xlsx`` file; see the module docstring for columns.
        keep_valid: commit the valid rows even if others fail (by default nothing is written then).
        progress: show a progress bar on stderr; by default only when stderr is a terminal.
        sheet: the worksheet of a workbook (the first by default).
        encoding: the encoding of a CSV file.

    Returns:
        An :class:`ImportResult`: rows read, valid, written and already recorded, and every problem.

    Raises:
        ImportFileError: the file cannot be read as a table at all.
        ImportTargetError: ``books`` is a Ledger inside a host Session (pass the Session instead).
        UnknownFund: no such fund.
    """
    kind = ImportKind(kind)
    columns = COLUMNS[kind]
    sheet_rows = read_rows(source, sheet=sheet, encoding=encoding)
    positions, header_problems = _map_header(sheet_rows.header, columns)

    def result(valid: int, written: int, unchanged: int, problems: list[RowProblem]) -> ImportResult:
        ordered = tuple(sorted(problems, key=lambda p: p.row))
        return ImportResult(
            kind, sheet_rows.source, len(sheet_rows.rows), valid, written, unchanged, ordered, keep_valid
        )

    if header_problems:
        return result(0, 0, 0, header_problems)

    problems: list[RowProblem] = []
    parsed: list[tuple[_Cells, _Parsed]] = []
    key_column = _KEY_COLUMN[kind]
    first_seen: dict[str, int] = {}
    for number, cells in sheet_rows.rows:
        row = _Cells(number, {name: cells[i] if i < len(cells) else None for name, i in positions.items()})
        record = _PARSERS[kind](row)
        key = row.raw(key_column)
        if key and key in first_seen:
            duplicate = (
                ProblemKind.DUPLICATE_RECEIPT if kind is ImportKind.REPAYMENTS else ProblemKind.DUPLICATE_CODE
            )
            row.problems.append(
                RowProblem(number, duplicate, key_column, key, f"row {first_seen[key]} has the same one")
            )
        elif key:
            first_seen[key] = number
        if row.problems or record is None:
            problems.extend(row.problems)
        else:
            parsed.append((row, record))

    valid = written = unchanged = 0
    state = _State()
    unit = _Unit(books)
    try:
        target = unit.ledger.fund(fund)
        bar = tqdm(
            total=len(parsed),
            desc=f"导入 {sheet_rows.source}",
            unit="行",
            file=sys.stderr,
            disable=not _show_progress(progress),
            delay=0 if progress else 0.5,
        )
        if parsed and not problems:
            # a clean file goes in with one bulk call; a refusal there sends it row by row, below
            try:
                with unit.session.begin_nested():
                    fresh = _write_all(unit.ledger, target, kind, [record for _, record in parsed], state)
            except RevolveError:
                state = _State()
            else:
                bar.update(len(parsed))
                bar.close()
                unit.finish(commit=True)
                return result(len(parsed), fresh, len(parsed) - fresh, problems)
        for row, record in parsed:
            bar.update(1)
            try:
                with unit.session.begin_nested():
                    fresh = _WRITERS[kind](unit.ledger, target, record, state)
            except RevolveError as exc:
                problems.append(_problem_from(exc, row.row, kind, row.raw))
                continue
            valid += 1
            if fresh:
                written += 1
            else:
                unchanged += 1
        bar.close()
        commit = keep_valid or not problems
        unit.finish(commit=commit)
    except BaseException:
        unit.abandon()
        raise
    return result(valid, written if commit else 0, unchanged, problems)


def import_households(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
) -> ImportResult:
    """Import a file of households (户档案); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.HOUSEHOLDS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
    )


def import_loans(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
) -> ImportResult:
    """Import a file of loans paid out (借款); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.LOANS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
    )


def import_repayments(
    books: Books,
    fund: FundRef,
    source: str | Path,
    *,
    keep_valid: bool = False,
    progress: bool | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
) -> ImportResult:
    """Import a file of repayments (还款); arguments, result and errors as for :func:`import_file`."""
    return import_file(
        books,
        fund,
        ImportKind.REPAYMENTS,
        source,
        keep_valid=keep_valid,
        progress=progress,
        sheet=sheet,
        encoding=encoding,
    )
