"""Reading one cell into a value: text, a national ID number, a date, money, a count, a rate or a choice.

Amounts are yuan (``1234.56``, ``¥1,234.56``, ``1.2万``). An amount finer than a fen (``12.345``) is
refused, never rounded. Dates are ``2026-03-31``, ``2026/3/31``, ``2026年3月31日``, ``20260331`` or an
Excel date cell. Excel numeric cells arrive from openpyxl as ``float``; a float never becomes money:
revolve takes the shortest decimal text that round-trips the float (``Decimal(repr(value))`` — what
Excel itself shows for a typed ``1234.56``) and refuses it if that has more than two decimals, so a cell
holding ``12.345`` or a formula result such as ``12.345000000000001`` is reported, not rounded. A
national ID number in a numeric cell is refused (Excel keeps only 15 significant digits of a number).
A choice (repayment method, payer, …) is named in Chinese or English, compared as headers are.

Full-width digits, letters and punctuation (``５０００．５０``, ``２０１６－０４－０１``, an ID ending in
``Ｘ``), which Chinese input methods type, read as their ASCII forms: amounts, dates, counts, rates, ID
numbers and codes (户编码, 借款编号, 凭证号 …) are NFKC-normalised before they are read. Names and
free text are kept as typed.

Each reader returns the value or raises :class:`UnreadableCell`, which the row turns into a problem
for its column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from revolve.errors import InvalidAmount, InvalidNationalId, MoneyTypeError, RevolveError
from revolve.households import FamilyPlanningStatus, validate_national_id
from revolve.importers.columns import header_key
from revolve.importers.results import ProblemKind
from revolve.importers.sheets import CellValue, is_blank
from revolve.money import Money
from revolve.rules import ContributionSource, PayerKind
from revolve.schedule import InterestGrace, PrepaymentOption, RepaymentMethod


class UnreadableCell(Exception):
    """A cell that cannot be read; becomes a RowProblem for its column."""

    def __init__(self, kind: ProblemKind, detail: str = "", zh: str = "") -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.zh = zh
        """The detail in Chinese (a Chinese problem line never carries English words)."""


def display(value: CellValue) -> str:
    """A cell as the user sees it, for a problem's report ("" for a blank cell)."""
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


def narrow(value: CellValue) -> CellValue:
    """A text cell with full-width digits, letters and punctuation made ASCII (NFKC); others unchanged."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def read_code(value: CellValue, *, required: bool = True) -> str | None:
    """A code or number (户编码, 借款编号, 还款凭证号): text, full-width characters made ASCII."""
    return read_text(narrow(value), required=required)


def read_text(value: CellValue, *, required: bool = True) -> str | None:
    """A text cell. Excel numbers that are whole become their digits (a receipt number 20240001)."""
    if is_blank(value):
        if required:
            raise UnreadableCell(ProblemKind.MISSING_VALUE)
        return None
    if isinstance(value, bool):
        raise UnreadableCell(
            ProblemKind.BAD_VALUE, "a TRUE/FALSE cell where text is expected", "此处应为文字，不是逻辑值"
        )
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _MAX_EXACT_FLOAT_INT:
            return str(int(value))
        raise UnreadableCell(
            ProblemKind.BAD_VALUE,
            "a number with decimals where text is expected: format the column as text",
            "此处应为文字，却是带小数的数字：请把该列设为文本格式",
        )
    if isinstance(value, datetime | date):
        return display(value)
    return str(value).strip()


def read_national_id(value: CellValue) -> str:
    """A national ID number (身份证号), its check digit verified; never from a numeric cell."""
    if isinstance(value, float):
        # Excel keeps 15 significant digits of a number: an 18-digit ID typed as a number is already wrong
        raise UnreadableCell(
            ProblemKind.BAD_NATIONAL_ID,
            "the ID number is stored as a number, which Excel cuts to 15 digits: "
            "format the column as text (文本) and type it again",
            "身份证号以数字保存，Excel 只保留 15 位有效数字：请把该列设为文本格式后重新输入",
        )
    text = read_text(narrow(value))
    assert text is not None
    try:
        return validate_national_id(text)
    except InvalidNationalId as exc:
        raise UnreadableCell(ProblemKind.BAD_NATIONAL_ID, exc.reason, exc.reason_in("zh")) from None


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def read_date(value: CellValue) -> date:
    """A date cell: an Excel date, or text such as 2026-03-31, 2026/3/31, 2026年3月31日, 20260331."""
    value = narrow(value)
    if is_blank(value):
        raise UnreadableCell(ProblemKind.MISSING_VALUE)
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise UnreadableCell(
                ProblemKind.BAD_DATE,
                "the cell holds a time of day: give a date only",
                "单元格含有时刻：只填日期",
            )
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
                raise UnreadableCell(
                    ProblemKind.BAD_DATE, "there is no such day in the calendar", "日历上没有这一天"
                ) from None
        raise UnreadableCell(ProblemKind.BAD_DATE)
    raise UnreadableCell(
        ProblemKind.BAD_DATE,
        "a number is not a date: format the cell as a date (日期)",
        "数字不是日期：请把单元格设为日期格式",
    )


def read_money(value: CellValue, *, positive: bool = True) -> Money:
    """An amount of yuan, exact to the fen; a float cell is read through its shortest decimal text."""
    value = narrow(value)
    if is_blank(value):
        raise UnreadableCell(ProblemKind.MISSING_VALUE)
    yuan: str | Decimal | int
    if isinstance(value, bool):
        raise UnreadableCell(ProblemKind.BAD_AMOUNT, "a TRUE/FALSE cell is not an amount", "逻辑值不是金额")
    if isinstance(value, float):
        # repr() is the shortest text that reads back as this float: 1234.56 stays 1234.56, and a cell
        # holding 12.345 or 12.345000000000001 keeps its third decimal and is refused below, not rounded
        try:
            yuan = Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a float is always a number or inf/nan
            raise UnreadableCell(ProblemKind.BAD_AMOUNT) from None
        if not yuan.is_finite():
            raise UnreadableCell(ProblemKind.BAD_AMOUNT)
    elif isinstance(value, int):
        yuan = value
    elif isinstance(value, str):
        yuan = value.strip()
    else:
        raise UnreadableCell(ProblemKind.BAD_AMOUNT)
    try:
        amount = Money.of_yuan(yuan)
    except (InvalidAmount, MoneyTypeError) as exc:
        if _finer_than_fen(yuan):
            raise UnreadableCell(ProblemKind.SUB_FEN_AMOUNT) from None
        zh = exc.reason_in("zh") if isinstance(exc, InvalidAmount) else exc.message("zh")
        raise UnreadableCell(ProblemKind.BAD_AMOUNT, str(exc), zh) from None
    if amount.is_negative() or (positive and amount.is_zero()):
        raise UnreadableCell(
            ProblemKind.BAD_AMOUNT,
            "it must be more than 0" if positive else "it cannot be negative",
            "须大于 0" if positive else "不能为负数",
        )
    return amount


def _finer_than_fen(yuan: str | Decimal | int) -> bool:
    """True when the value is a well-formed amount that only fails for being finer than a fen."""
    try:
        # the rounded result is thrown away: this only asks whether rounding would have been needed
        Money.of_yuan(yuan, rounding=ROUND_HALF_UP)
    except RevolveError:
        return False
    return True


def read_count(value: CellValue) -> int:
    """A whole number of periods: ``24``, ``24期`` or ``24个月``."""
    value = narrow(value)
    if is_blank(value):
        raise UnreadableCell(ProblemKind.MISSING_VALUE)
    if isinstance(value, bool):
        raise UnreadableCell(ProblemKind.BAD_NUMBER)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*(?:期|个月|月)?\s*", value):
        return int(re.sub(r"\D", "", value))
    raise UnreadableCell(
        ProblemKind.BAD_NUMBER, "give a whole number of periods, e.g. 24", "请填整数期数，如 24"
    )


_RATE_EN = "write the yearly rate as 0.049 or 4.9%"
_RATE_ZH = "年利率请写成 0.049 或 4.9%"


def read_rate(value: CellValue) -> Decimal:
    """A rate: ``0.049`` or ``4.9%`` (a float cell through its shortest decimal text, never binary)."""
    value = narrow(value)
    if is_blank(value):
        return Decimal(0)
    if isinstance(value, bool):
        raise UnreadableCell(ProblemKind.BAD_NUMBER)
    if isinstance(value, int):
        return Decimal(value)
    text = repr(value) if isinstance(value, float) else str(value).strip()
    percent = text.endswith(("%", "％"))
    try:
        rate = Decimal(text.rstrip("%％").strip())
    except InvalidOperation:
        raise UnreadableCell(ProblemKind.BAD_NUMBER, _RATE_EN, _RATE_ZH) from None
    if not rate.is_finite():
        raise UnreadableCell(ProblemKind.BAD_NUMBER, _RATE_EN, _RATE_ZH)
    return rate / 100 if percent else rate


def read_choice(value: CellValue, names: Mapping[str, str], *, what: str, zh: str = "取值") -> str | None:
    """One of ``names`` (each name read as a header is); None for a blank cell. A refusal lists them
    by their first Chinese name, ``zh`` naming what is chosen."""
    zh_names = {v: k for k, v in reversed(list(names.items())) if not k.isascii()}
    if is_blank(value):
        return None
    text = read_text(value)
    assert text is not None
    found = names.get(header_key(text))
    if found is None:
        choices = sorted(set(names.values()))
        raise UnreadableCell(
            ProblemKind.BAD_VALUE,
            f"{what} is one of: {', '.join(choices)}",
            f"{zh}应为其中之一：{'、'.join(zh_names.get(c, c) for c in choices)}",
        )
    return found


_SOURCE_NAMES = {
    ContributionSource.DONATION: ("捐赠", "捐款"),
    ContributionSource.FISCAL: ("财政", "财政资金"),
    ContributionSource.UPPER_LEVEL: ("上级", "上级资金"),
    ContributionSource.MATCHING: ("配套",),
}


def _names(pairs: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Every name of each value (the value itself among them), keyed as headers are."""
    return {header_key(name): value for value, names in pairs.items() for name in (value, *names)}


METHODS = _names(
    {
        RepaymentMethod.BULLET: ("一次性还本付息", "利随本清", "到期一次还本付息", "到期还本付息"),
        RepaymentMethod.EQUAL_INSTALLMENT: ("等额本息",),
        RepaymentMethod.EQUAL_PRINCIPAL: ("等额本金",),
        RepaymentMethod.FLAT: ("等本等息", "equal_principal_equal_interest"),
        RepaymentMethod.INTEREST_ONLY: (
            "按期付息、到期还本",
            "按月付息到期还本",
            "按期付息到期还本",
            "先息后本",
        ),
    }
)
INTEREST_GRACES = _names(
    {
        InterestGrace.WAIVED: ("免息", "免收利息"),
        InterestGrace.DEFERRED: ("缓息", "延后收息", "递延"),
    }
)
FP_STATUSES = _names({s.value: (s.label_zh,) for s in FamilyPlanningStatus})
PAYERS = _names(
    {
        PayerKind.BORROWER: ("借款人", "本人", PayerKind.BORROWER.label_zh),
        PayerKind.GUARANTOR: ("担保人", "代偿", PayerKind.GUARANTOR.label_zh),
        PayerKind.PLEDGE: ("质押", "质押存款", "质押存款抵扣", "保证金", PayerKind.PLEDGE.label_zh),
    }
)
SOURCES = _names({s.value: (s.label_zh, *_SOURCE_NAMES.get(s, ())) for s in ContributionSource})
PREPAYMENTS = _names(
    {
        PrepaymentOption.FEWER_INSTALLMENTS: ("缩短期限",),
        PrepaymentOption.LOWER_INSTALLMENTS: ("减少月供", "减少每期还款"),
    }
)
