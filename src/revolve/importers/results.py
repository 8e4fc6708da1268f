"""What an import reports: why each refused row was refused, and what the whole file did.

A :class:`RowProblem` names the row (as the user sees it: the header is row 1), the column, the cell's
text and the reason; :func:`problem_from_refusal` turns a refusal the ledger raised into one, naming the
cell to correct. An :class:`ImportResult` counts the rows read, valid, written and already recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from revolve.errors import (
    DuplicateCode,
    DuplicateReceipt,
    GuarantorCapExceeded,
    InsufficientFunds,
    InvalidAmount,
    InvalidDate,
    InvalidNationalId,
    LoanStateError,
    Overpayment,
    PeriodClosed,
    PolicyViolation,
    RevolveError,
    UnknownGuarantor,
    UnknownHousehold,
    UnknownLoan,
    UnknownOrg,
)
from revolve.households import mask_name, mask_national_id, mask_phone
from revolve.importers.columns import COLUMNS, KEY_COLUMN, ImportColumn, ImportKind


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


_PERSONAL: Mapping[str, Callable[[str], str]] = {
    "mother_name": mask_name,
    "national_id": mask_national_id,
    "phone": mask_phone,
}
"""The columns whose cells are personal data, and how a problem shows each."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One reason a row was not imported.

    Attributes:
        row: the row number as the user sees it (the header is row 1).
        kind: why, as a :class:`ProblemKind`.
        column: the field of the offending column (``"amount"``), or None when no one column is at fault.
        value: the offending cell as text ("" for a blank cell), or None.
        detail: more precise words, usually the message of the refusal revolve raised.

    A cell of a personal column (the mother's name, the ID number, the phone) is kept masked, in
    ``value`` and wherever ``detail`` quotes it: a problem is printed, logged and mailed (issue 12).
    """

    row: int
    kind: ProblemKind
    column: str | None = None
    value: str | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        mask = _PERSONAL.get(self.column or "")
        if mask is None or not self.value:
            return
        clear, masked = self.value, mask(self.value)
        object.__setattr__(self, "value", masked)
        detail = self.detail
        for shown in {clear, clear.strip()} - {""}:
            detail = detail.replace(shown, masked)
        object.__setattr__(self, "detail", detail)

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


def problem_from_refusal(
    error: RevolveError, row: int, kind: ImportKind, raw: Callable[[str], str]
) -> RowProblem:
    """Name the column a ledger refusal is about, so the user knows which cell to correct."""
    date_column = {
        ImportKind.HOUSEHOLDS: "registered_on",
        ImportKind.LOANS: "start",
        ImportKind.OPENING: "start",
    }.get(kind, "on")
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
        column = {"household national ID": "national_id", "batch": "batch"}.get(error.what, KEY_COLUMN[kind])
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
