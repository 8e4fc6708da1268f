"""What an import reports: why each refused row was refused, and what the whole file did.

A :class:`RowProblem` names the row (as the user sees it: the header is row 1), the column, the cell's
text and the reason; :func:`problem_from_refusal` turns a refusal the ledger raised into one, naming the
cell to correct. An :class:`ImportResult` counts the rows read, valid, written and already recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from revolve.errors import (
    DuplicateCode,
    DuplicateReceipt,
    GuarantorCapExceeded,
    IdempotencyConflict,
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
from revolve.errors.base import HintRenderer
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
    CONFLICT = "conflict"

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
    ProblemKind.CONFLICT: (
        "账簿中已有同一编号但内容不同的记录：请核对，或改用新编号",
        "the books already hold this number with different content: check it, or use a new number",
    ),
}


PERSONAL_COLUMNS: Mapping[str, Callable[[str], str]] = {
    "mother_name": mask_name,
    "national_id": mask_national_id,
    "phone": mask_phone,
}
"""The columns whose cells are personal data, and how a problem shows each."""


class NoteKind(StrEnum):
    """Something an import did besides writing rows, reported so that nothing is dropped in silence."""

    TITLE_ROW = "title_row"
    TOTAL_ROW = "total_row"
    IGNORED_COLUMN = "ignored_column"
    UNKNOWN_VILLAGE = "unknown_village"

    def label(self, lang: str = "zh") -> str:
        """What the note means, in a language."""
        zh, en = _NOTE_TEXT[self]
        return zh if lang == "zh" else en


_NOTE_TEXT: Mapping[NoteKind, tuple[str, str]] = {
    NoteKind.TITLE_ROW: ("表头上方的标题行，已跳过", "a title row above the header, skipped"),
    NoteKind.TOTAL_ROW: ("合计行，已跳过", "a total row, skipped"),
    NoteKind.IGNORED_COLUMN: ("系统不使用的列，已忽略", "a column revolve does not use, ignored"),
    NoteKind.UNKNOWN_VILLAGE: (
        "不是本基金所属组织下的村，这些户未关联组织（可先建立该村组织）",
        "the village is not an organisation under the fund's: no organisation linked (create the village first)",
    ),
}


@dataclass(frozen=True, slots=True)
class ImportNote:
    """A row or column an import skipped or could not map, with its row (None for a column) and text."""

    kind: NoteKind
    row: int | None
    text: str

    def describe(self, lang: str = "zh") -> str:
        """One line: ``第1行「2016年花名册」：表头上方的标题行，已跳过``."""
        if lang == "zh":
            where = f"第{self.row}行" if self.row is not None else "列"
            return f"{where}「{self.text}」：{self.kind.label('zh')}"
        where = f"row {self.row}" if self.row is not None else "column"
        return f"{where} {self.text!r}: {self.kind.label('en')}"


_NATIONAL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal(text: str) -> str:
    """``text`` with every national ID number and mobile phone in it masked (``110105********0012``)."""
    text = _NATIONAL_ID.sub(lambda m: mask_national_id(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One reason a row was not imported.

    Attributes:
        row: the row number as the user sees it (the header is row 1).
        kind: why, as a :class:`ProblemKind`.
        column: the field of the offending column (``"amount"``), or None when no one column is at fault.
        value: the offending cell as text ("" for a blank cell), or None.
        detail: more precise words in English, usually the message of the refusal revolve raised.
        detail_zh: the same words in Chinese (what :meth:`describe` shows in Chinese: never English).
        error: the refusal the ledger raised for this row, if any: :meth:`describe` says its message in
            the reader's language, its hint in the caller's terms (the CLI names its options).

    A cell of a personal column (the mother's name, the ID number, the phone) is kept masked, in
    ``value`` and wherever ``detail`` quotes it, and no national ID or phone number stands in clear in
    either detail: a problem is printed, logged and mailed (issue 12).
    """

    row: int
    kind: ProblemKind
    column: str | None = None
    value: str | None = None
    detail: str = ""
    detail_zh: str = ""
    error: RevolveError | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        mask = PERSONAL_COLUMNS.get(self.column or "")
        details = {"detail": self.detail, "detail_zh": self.detail_zh}
        if mask is not None and self.value:
            clear, masked = self.value, mask(self.value)
            object.__setattr__(self, "value", masked)
            for shown in {clear, clear.strip()} - {""}:
                details = {k: v.replace(shown, masked) for k, v in details.items()}
        for name, text in details.items():
            object.__setattr__(self, name, mask_personal(text))

    def said(self, lang: str = "zh", *, render_hint: HintRenderer | None = None) -> str:
        """The detail in ``lang``: the refusal's own message when there is one (its hint said by
        ``render_hint``), else :attr:`detail_zh` or :attr:`detail`; masked."""
        if self.error is not None:
            text = self.error.message(lang, render_hint=render_hint)
        else:
            text = self.detail_zh if lang == "zh" else self.detail
        mask = PERSONAL_COLUMNS.get(self.column or "")
        if mask is not None and self.error is not None:
            clear = self.error.fields.get(self.column or "")
            if isinstance(clear, str) and clear:
                text = text.replace(clear, mask(clear))
        return mask_personal(text)

    def describe(
        self,
        lang: str = "zh",
        *,
        columns: Sequence[ImportColumn] = (),
        render_hint: HintRenderer | None = None,
    ) -> str:
        """One line for people: ``第3行，金额「12.345」：金额超过两位小数…`` / ``row 3, amount '12.345': …``.

        ``render_hint`` says a refusal's hint in the caller's terms (Python's when None)."""
        every = (c for kind in ImportKind for c in COLUMNS[kind])  # when not told: any kind's header
        header = next((c.label(lang) for c in (*columns, *every) if c.field == self.column), self.column)
        detail = self.said(lang, render_hint=render_hint)
        if lang == "zh":
            where = f"第{self.row}行"
            if header is not None:
                where += f"，{header}" + (f"「{self.value}」" if self.value is not None else "")
            text = f"{where}：{self.kind.label('zh')}" + (f"（{detail}）" if detail else "")
            return mask_personal(text)
        where = f"row {self.row}"
        if header is not None:
            where += f", {header}" + (f" {self.value!r}" if self.value is not None else "")
        return mask_personal(f"{where}: {self.kind.label('en')}" + (f" ({detail})" if detail else ""))

    def reason(
        self,
        lang: str = "zh",
        *,
        columns: Sequence[ImportColumn] = (),
        render_hint: HintRenderer | None = None,
    ) -> str:
        """The problem without its row number, for the 错误原因 column of an errors workbook (masked)."""
        prefix = f"第{self.row}行" if lang == "zh" else f"row {self.row}"
        text = self.describe(lang, columns=columns, render_hint=render_hint)
        return text.removeprefix(prefix).lstrip("，：,: ")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    Attributes:
        kind: households, loans or repayments.
        source: the file read.
        rows_read: data rows read (blank rows and the header not counted).
        rows_valid: rows that passed every check (written, or that would have been).
        rows_written: rows committed to the books (0 when all-or-nothing and any row failed).
        rows_unchanged: rows the books already hold with the same content (idempotent retries).
        problems: every problem found, in row order.
        keep_valid: whether valid rows were kept despite problems.
        notes: title and total rows skipped, columns ignored, villages not found.
        header_row: the row the header was found on.
        encoding: the text encoding a text file was read in (None for a workbook).
        errors_file: the errors workbook written, if any.
    """

    kind: ImportKind
    source: str
    rows_read: int
    rows_valid: int
    rows_written: int
    rows_unchanged: int
    problems: tuple[RowProblem, ...]
    keep_valid: bool
    notes: tuple[ImportNote, ...] = ()
    header_row: int = 1
    encoding: str | None = None
    errors_file: str | None = None

    def note_lines(self, lang: str = "zh") -> list[str]:
        """The notes for a terminal, one line per kind however many rows it covers (a sheet with a
        小计 row per village gives one line naming them): ``第7、15行：合计行，已跳过``."""
        lines = []
        for kind in NoteKind:
            notes = [n for n in self.notes if n.kind is kind]
            if not notes:
                continue
            if kind in (NoteKind.TITLE_ROW, NoteKind.TOTAL_ROW):
                rows = [str(n.row) for n in notes]
                where = (
                    f"第{'、'.join(rows)}行"
                    if lang == "zh"
                    else f"row{'s' if len(rows) > 1 else ''} {', '.join(rows)}"
                )
            else:
                texts = [n.text for n in notes]
                where = (
                    "".join(f"「{t}」" for t in texts) if lang == "zh" else ", ".join(repr(t) for t in texts)
                )
                where = (
                    ("列" if kind is NoteKind.IGNORED_COLUMN else "所在村") + where
                    if lang == "zh"
                    else (("column " if kind is NoteKind.IGNORED_COLUMN else "village ") + where)
                )
            lines.append(f"{where}：{kind.label('zh')}" if lang == "zh" else f"{where}: {kind.label('en')}")
        return lines

    @property
    def ignored(self) -> tuple[str, ...]:
        """The headers of the columns revolve did not use."""
        return tuple(n.text for n in self.notes if n.kind is NoteKind.IGNORED_COLUMN)

    def tally(self, lang: str = "zh") -> str:
        """One line for the clerk: ``共 N 行，成功 X 行，错误 Y 行，已写入 错误.xlsx``."""
        bad = len({p.row for p in self.problems})
        done = self.rows_written + self.rows_unchanged
        held = self.rows_valid - done if not self.rows_written and self.problems else 0
        if lang == "zh":
            text = f"共 {self.rows_read} 行，成功 {done} 行"
            if self.rows_unchanged:
                text += f"（其中 {self.rows_unchanged} 行此前已导入，未重复写入）"
            text += f"，错误 {bad} 行"
            if held > 0:
                text += f"（另 {held} 行无误但未写入：改正后重新导入，或加 --keep-valid）"
            return text + (f"，已写入 {self.errors_file}" if self.errors_file else "")
        text = f"{self.rows_read} rows, {done} done"
        if self.rows_unchanged:
            text += f" ({self.rows_unchanged} of them imported before, not written again)"
        text += f", {bad} with errors"
        if held > 0:
            text += f" ({held} valid rows not written: fix and import again, or add --keep-valid)"
        return text + (f", written to {self.errors_file}" if self.errors_file else "")

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
    elif isinstance(error, DuplicateReceipt | IdempotencyConflict):
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
    if problem in (ProblemKind.UNKNOWN_HOUSEHOLD, ProblemKind.UNKNOWN_LOAN):
        # the problem's own words say what to do (import the households first); the refusal adds nothing
        return RowProblem(row, problem, column, raw(column or ""), str(error))
    return RowProblem(
        row, problem, column, None if column is None else raw(column), str(error), error.message("zh"), error
    )
