"""Repayment schedules (还款计划): loan terms in, a tuple of instalments out, exact to the fen.

Concepts:

* :class:`LoanTerms` — everything a schedule depends on: principal, start date, number of periods,
  repayment method, rate (annual 年利率 or monthly 月利率), frequency, interest mode, day count, due-date
  rules, principal grace, management fee (管理费), rounding.
* :class:`RepaymentMethod` — equal instalment 等额本息 (annuity), equal principal 等额本金, interest only
  with principal at maturity 按月付息到期还本 / 按季结息, bullet 一次性还本付息 / 利随本清 (the national
  幸福工程 default, usually interest-free) and custom (caller-given principal amounts).
* :class:`Installment` — one due date with its principal, interest, fee, total and the principal
  balance left after it; :class:`Schedule` — the instalments and their totals.
* :func:`generate_schedule` builds a schedule; :func:`reschedule_extension` (展期) and
  :func:`reschedule_after_prepayment` (提前还款: fewer or lower instalments) build a new one from the
  principal outstanding on a date.

Invariants of every schedule:

* instalment principal sums exactly to the loan principal and the balance falls to exactly zero;
* due dates strictly increase and fall after the start date; no amount is negative;
* a zero rate gives zero interest everywhere;
* every amount is rounded to the fen exactly once, with the terms' rounding mode (ROUND_HALF_UP unless
  ROUND_HALF_EVEN or another mode is asked for); the last instalment absorbs every remainder;
* the 等额本息 level instalment is the exact annuity rounded once — the figure a bank quotes — unless
  that level cannot repay the loan properly (a loan of a few yuan, or a coarse instalment multiple).

Computation is exact: money stays an ``int`` of fen and rates become exact integer ratios
(``Decimal.as_integer_ratio``), so ``balance × 4.9 % / 12`` is rounded once from its exact value rather
than from a 28-digit approximation. ``Money`` values are built once, at the end.

The module is pure: it imports only the standard library and revolve's core, and never reads a clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import (
    ROUND_HALF_UP,
    Decimal,
)
from enum import StrEnum
from fractions import Fraction
from itertools import accumulate, repeat
from operator import sub
from typing import TypeVar

from revolve.checks import check_money, check_rate, check_rounding, check_term_date, check_whole
from revolve.dates import (
    MONTHLY,
    DayCount,
    Frequency,
    add_months,
    day_count_days,
    days_in_year,
    due_dates,
)
from revolve.errors import AmountOutOfRange, InvalidTerms
from revolve.money import FEN_MAX, Money
from revolve.rounding import div_round

__all__ = [
    "FeeTiming",
    "Installment",
    "InterestMode",
    "LoanTerms",
    "PrepaymentOption",
    "RatePeriod",
    "RepaymentMethod",
    "Schedule",
    "generate_schedule",
    "reschedule_after_prepayment",
    "reschedule_extension",
]


class RepaymentMethod(StrEnum):
    """How principal and interest are spread over the instalments (domain.md §15)."""

    EQUAL_INSTALLMENT = "equal_installment"
    """等额本息: the same total every period (an annuity); interest on the balance, the rest principal."""
    EQUAL_PRINCIPAL = "equal_principal"
    """等额本金: the same principal every period; interest on the falling balance."""
    INTEREST_ONLY = "interest_only"
    """按月付息到期还本 / 按季结息: interest every period, all principal with the last instalment."""
    BULLET = "bullet"
    """一次性还本付息 / 利随本清: one instalment at maturity with simple interest (幸福工程 default)."""
    CUSTOM = "custom"
    """Caller-given principal amounts per period (分期还款 by agreement); interest on the balance."""


class RatePeriod(StrEnum):
    """Whether ``LoanTerms.rate`` is a yearly rate (年利率) or a monthly rate (月利率 = 年利率 / 12)."""

    ANNUAL = "annual"
    MONTHLY = "monthly"


class InterestMode(StrEnum):
    """How a period's interest is computed.

    * ``PER_PERIOD`` — balance × annual rate ÷ periods per year, whatever the period's length (how
      等额本息 and 等额本金 loans are quoted).
    * ``DAILY`` — balance × annual rate × interest days ÷ days in the year (360 or 365) under the day
      count; a short or long first period, or a stub before maturity, earns interest for its actual days.
    """

    PER_PERIOD = "per_period"
    DAILY = "daily"


class FeeTiming(StrEnum):
    """When the management fee (管理费) is due."""

    PER_PERIOD = "per_period"
    """With every instalment: principal × fee rate ÷ periods per year, rounded to the fen."""
    UPFRONT = "upfront"
    """Once, on the start date, for the whole term (often withheld from the disbursement)."""


class PrepaymentOption(StrEnum):
    """What a prepayment (提前还款) changes in the rest of the schedule."""

    FEWER_INSTALLMENTS = "fewer_installments"
    """缩短期限: keep the instalment about the same, finish sooner."""
    LOWER_INSTALLMENTS = "lower_installments"
    """减少月供: keep the due dates, pay less each time."""


_E = TypeVar("_E", bound=StrEnum)

_ZERO = Decimal(0)
_MAX_TERM = 10_000


def _coerce_enum(kind: type[_E], field: str, value: object) -> _E:
    """A member of ``kind`` from itself or from its value (``"bullet"`` → ``RepaymentMethod.BULLET``)."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        for member in kind:
            if member.value == value:
                return member
    choices = ", ".join(repr(member.value) for member in kind)
    raise InvalidTerms(field, value, reason=f"choose one of {choices}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoanTerms:
    """The terms a repayment schedule is built from. Frozen; checked when constructed.

    Attributes:
        principal: the loan principal (本金), positive.
        start: the disbursement date (放款日); interest runs from it.
        term: the number of periods (≥ 1). For every method but ``BULLET`` it is also the number of
            instalments; a bullet loan has one instalment at the end of the last period (24 monthly periods
            = a two-year loan).
        method: the repayment method; ``BULLET`` (the 幸福工程 default) unless given.
        rate: the interest rate as a ``Decimal`` (``Decimal("0.049")`` is 4.9 %); 0 means interest-free.
            A ``str`` or ``int`` is converted; a ``float`` is refused.
        rate_period: whether ``rate`` is annual (年利率) or monthly (月利率, multiplied by 12).
        frequency: the period between due dates (monthly unless given).
        interest_mode: per-period interest or daily interest over actual days.
        day_count: ACT/360 (default), ACT/365F or 30/360; used by the daily mode and by day-based
            frequencies.
        first_due: the first repayment date; later dates are anchored on it.
        day_of_month: a fixed day of month for the due dates (e.g. 20; 31 = the last day).
        due_dates: explicit due dates, one per period (any method). They must strictly increase and
            fall after ``start``; ``term`` must equal their number; ``first_due`` and ``day_of_month``
            must then be left out.
        principal_amounts: for ``CUSTOM`` only: the principal due each period, non-negative Money
            summing exactly to ``principal``, one per period.
        grace_periods: principal grace (宽限期) for ``EQUAL_INSTALLMENT`` and ``EQUAL_PRINCIPAL``: the
            first g periods pay interest (and fee) only; the loan amortises over the remaining periods.
        fee_rate: the management fee (管理费) as an annual fraction of the principal, e.g.
            ``Decimal("0.03")``; 0 means none.
        fee_timing: per period with each instalment, or once up front.
        rounding: a ``decimal`` rounding mode for every amount; ROUND_HALF_UP by default,
            ROUND_HALF_EVEN on request.
        installment_multiple: for ``EQUAL_INSTALLMENT`` and ``EQUAL_PRINCIPAL``: round the level
            instalment (等额本息) or the level principal (等额本金) to a multiple of this amount, e.g.
            ``yuan(1)`` or ``yuan(10)``; the last instalment takes the difference.

    Raises:
        InvalidTerms: a non-positive principal, a term below 1, grace ≥ term, custom amounts that do not
            sum to the principal, due dates not strictly increasing or not after the start, and every
            other inconsistency; the error carries the field and the offending value.
        InvalidRate: a negative, float or malformed rate or fee rate, or one above 100 % a year (a
            percentage typed as a fraction, ``Decimal("4.9")`` for 4.9 %).
        MoneyTypeError: a float given as money.
    """

    principal: Money
    start: date
    term: int
    method: RepaymentMethod = RepaymentMethod.BULLET
    rate: Decimal = _ZERO
    rate_period: RatePeriod = RatePeriod.ANNUAL
    frequency: Frequency = MONTHLY
    interest_mode: InterestMode = InterestMode.PER_PERIOD
    day_count: DayCount = DayCount.ACT_360
    first_due: date | None = None
    day_of_month: int | None = None
    due_dates: tuple[date, ...] = ()
    principal_amounts: tuple[Money, ...] = ()
    grace_periods: int = 0
    fee_rate: Decimal = _ZERO
    fee_timing: FeeTiming = FeeTiming.PER_PERIOD
    rounding: str = ROUND_HALF_UP
    installment_multiple: Money | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # normalising a frozen value while it is being built
        principal = check_money("principal", self.principal, positive=True, terms=True)
        check_term_date("start", self.start)
        term = check_whole("term", self.term, minimum=1)
        if term > _MAX_TERM:
            raise InvalidTerms("term", term, reason=f"at most {_MAX_TERM} periods")
        method = _coerce_enum(RepaymentMethod, "method", self.method)
        set_(self, "method", method)
        rate_period = _coerce_enum(RatePeriod, "rate_period", self.rate_period)
        set_(self, "rate_period", rate_period)
        monthly = rate_period is RatePeriod.MONTHLY
        set_(self, "rate", check_rate("rate", self.rate, monthly=monthly, convert=True))
        set_(self, "fee_rate", check_rate("fee_rate", self.fee_rate, convert=True))
        set_(self, "interest_mode", _coerce_enum(InterestMode, "interest_mode", self.interest_mode))
        set_(self, "day_count", _coerce_enum(DayCount, "day_count", self.day_count))
        set_(self, "fee_timing", _coerce_enum(FeeTiming, "fee_timing", self.fee_timing))
        if not isinstance(self.frequency, Frequency):
            raise InvalidTerms("frequency", self.frequency, reason="give a Frequency, e.g. MONTHLY")
        check_rounding("rounding", self.rounding)
        grace = check_whole("grace_periods", self.grace_periods, minimum=0)
        if grace >= term:
            raise InvalidTerms(
                "grace_periods", grace, reason=f"grace must be shorter than the term of {term} periods"
            )
        if grace and method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
            raise InvalidTerms(
                "grace_periods",
                grace,
                reason=f"principal grace applies to equal_installment and equal_principal, not {method}",
            )
        self._check_dates(term)
        self._check_amounts(method, term, principal)
        multiple = self.installment_multiple
        if multiple is not None:
            check_money("installment_multiple", multiple, positive=True, terms=True)
            if method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
                raise InvalidTerms(
                    "installment_multiple",
                    multiple,
                    reason=f"only equal_installment and equal_principal round to a multiple, not {method}",
                )

    def _check_dates(self, term: int) -> None:
        explicit = self.due_dates
        if not isinstance(explicit, tuple):
            if isinstance(explicit, str) or not isinstance(explicit, Iterable):
                raise InvalidTerms("due_dates", explicit, reason="give a tuple of dates")
            explicit = tuple(explicit)
            object.__setattr__(self, "due_dates", explicit)
        if self.first_due is not None:
            check_term_date("first_due", self.first_due)
            if self.first_due <= self.start:
                raise InvalidTerms(
                    "first_due",
                    self.first_due,
                    reason=f"the first repayment date must fall after the start {self.start.isoformat()}",
                )
        if self.day_of_month is not None:
            dom = self.day_of_month
            if isinstance(dom, bool) or not isinstance(dom, int) or not 1 <= dom <= 31:
                raise InvalidTerms("day_of_month", dom, reason="give a day of month from 1 to 31")
            if not self.frequency.months:
                raise InvalidTerms(
                    "day_of_month", dom, reason=f"a {self.frequency} frequency has no day of month"
                )
        if not explicit:
            return
        if self.first_due is not None or self.day_of_month is not None:
            raise InvalidTerms(
                "due_dates",
                explicit,
                reason="explicit due dates leave no room for first_due or day_of_month; drop those",
            )
        if len(explicit) != term:
            raise InvalidTerms(
                "due_dates", explicit, reason=f"{len(explicit)} due dates for a term of {term} periods"
            )
        previous = self.start
        for index, due in enumerate(explicit):
            check_term_date("due_dates", due)
            if due <= previous:
                where = f"the start {previous.isoformat()}" if index == 0 else f"{previous.isoformat()}"
                raise InvalidTerms(
                    "due_dates",
                    due,
                    reason=f"due dates must strictly increase and fall after the start; "
                    f"{due.isoformat()} is not after {where}",
                )
            previous = due

    def _check_amounts(self, method: RepaymentMethod, term: int, principal: Money) -> None:
        amounts = self.principal_amounts
        if not isinstance(amounts, tuple):
            if isinstance(amounts, str) or not isinstance(amounts, Iterable):
                raise InvalidTerms("principal_amounts", amounts, reason="give a tuple of Money")
            amounts = tuple(amounts)
            object.__setattr__(self, "principal_amounts", amounts)
        if method is not RepaymentMethod.CUSTOM:
            if amounts:
                raise InvalidTerms(
                    "principal_amounts", amounts, reason=f"principal amounts are for custom, not {method}"
                )
            return
        if len(amounts) != term:
            raise InvalidTerms(
                "principal_amounts",
                amounts,
                reason=f"{len(amounts)} amounts for a term of {term} periods; give one per period",
            )
        total = 0
        for amount in amounts:
            check_money("principal_amounts", amount, terms=True)
            total += amount.fen
        if total != principal.fen:
            raise InvalidTerms(
                "principal_amounts",
                amounts,
                reason=f"they sum to {Money(total)}, not the principal {principal}",
            )

    @property
    def annual_rate(self) -> Decimal:
        """The rate per year (a monthly rate times 12)."""
        return self.rate * 12 if self.rate_period is RatePeriod.MONTHLY else self.rate

    def period_end_dates(self) -> tuple[date, ...]:
        """The end date of every period: the explicit due dates, or those generated from the start.

        Returns:
            ``term`` strictly increasing dates after ``start``.

        Raises:
            InvalidTerms: the dates would run beyond the year 9999.
        """
        if self.due_dates:
            return self.due_dates
        return due_dates(
            self.start, self.frequency, self.term, first_due=self.first_due, day_of_month=self.day_of_month
        )


@dataclass(frozen=True, slots=True)
class Installment:
    """One instalment (一期): what falls due on one date, and the principal left after paying it.

    Attributes:
        number: 1, 2, … in due-date order (期数).
        due_date: the repayment date (还款日).
        principal: principal due (应还本金).
        interest: interest due (应还利息).
        fee: management fee due (管理费).
        balance_after: principal outstanding once this instalment is paid (剩余本金).
    """

    number: int
    due_date: date
    principal: Money
    interest: Money
    fee: Money
    balance_after: Money

    @property
    def total(self) -> Money:
        """Principal + interest + fee (本期应还合计)."""
        return Money(self.principal.fen + self.interest.fen + self.fee.fen)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A repayment schedule: the terms, the instalments in due-date order, and an up-front fee.

    Attributes:
        terms: the terms it was built from.
        installments: the instalments, numbered from 1, due dates strictly increasing.
        upfront_fee: a management fee due on the start date (zero unless ``FeeTiming.UPFRONT``); it is
            not an instalment.
    """

    terms: LoanTerms
    installments: tuple[Installment, ...]
    upfront_fee: Money

    @property
    def total_principal(self) -> Money:
        """The principal of all instalments; equals the loan principal."""
        return Money(sum(i.principal.fen for i in self.installments))

    @property
    def total_interest(self) -> Money:
        """The interest of all instalments (利息合计)."""
        return Money(sum(i.interest.fen for i in self.installments))

    @property
    def total_fee(self) -> Money:
        """The up-front fee plus the fee of every instalment (管理费合计)."""
        return Money(self.upfront_fee.fen + sum(i.fee.fen for i in self.installments))

    @property
    def total(self) -> Money:
        """Everything the borrower pays: principal + interest + fees (还款总额)."""
        return Money(self.total_principal.fen + self.total_interest.fen + self.total_fee.fen)

    @property
    def maturity_date(self) -> date:
        """The last due date (到期日)."""
        return self.installments[-1].due_date

    def balance_on(self, on: date) -> Money:
        """The principal outstanding on a date if every instalment due on or before it was paid.

        Args:
            on: the date.

        Returns:
            The loan principal before the first due date; zero on and after maturity.
        """
        balance = self.terms.principal
        for installment in self.installments:
            if installment.due_date > on:
                break
            balance = installment.balance_after
        return balance


# ---- computation: integers of fen, exact ratios, one rounding per amount --------------------------


@dataclass(frozen=True, slots=True)
class _Basis:
    """The terms' rates as exact integer ratios.

    Period k's interest on a balance B is ``B·num·lengths[k] / den`` and a regular period's fee is
    ``P·fee_num·regular / fee_den``, each rounded once with ``rounding``. A period of months is
    ``months/12`` of a year and a period of days ``days/360`` (or ``/365``); in the daily mode a period
    is its interest days over the day count's year.
    """

    num: int
    den: int
    lengths: tuple[int, ...]
    fee_num: int
    fee_den: int
    regular: int
    rounding: str


def _basis(terms: LoanTerms, ends: tuple[date, ...]) -> _Basis:
    a, b = terms.annual_rate.as_integer_ratio()
    fa, fb = terms.fee_rate.as_integer_ratio()
    frequency = terms.frequency
    regular = frequency.months or frequency.days
    year_units = 12 if frequency.months else days_in_year(terms.day_count)
    if terms.interest_mode is InterestMode.DAILY:
        day_count = terms.day_count
        lengths = []
        previous = terms.start
        for end in ends:
            lengths.append(day_count_days(previous, end, day_count))
            previous = end
        return _Basis(
            a, b * days_in_year(day_count), tuple(lengths), fa, fb * year_units, regular, terms.rounding
        )
    return _Basis(a, b * year_units, (regular,) * len(ends), fa, fb * year_units, regular, terms.rounding)


def _interest_on_balance(balance: int, parts: list[int], basis: _Basis) -> list[int]:
    """Each period's interest on the balance outstanding during it."""
    num, den, rounding = basis.num, basis.den, basis.rounding
    if not num:
        return [0] * len(parts)
    interest = []
    for part, length in zip(parts, basis.lengths, strict=True):
        interest.append(div_round(balance * num * length, den, rounding))
        balance -= part
    return interest


def _amortise(
    balance: int, level: int, basis: _Basis, lengths: tuple[int, ...]
) -> tuple[list[int], list[int], bool]:
    """Pay ``level`` (principal + interest) every period; the last period pays off what is left.

    Returns the principal and interest columns and whether they are acceptable: no instalment before the
    last may pay less than its interest or more principal than is outstanding. (With every principal
    part ≥ 0 the balance only falls, so it went below zero somewhere exactly when it ends below zero.)
    """
    num, den, rounding = basis.num, basis.den, basis.rounding
    principal: list[int] = []
    interest: list[int] = []
    add_principal, add_interest = principal.append, interest.append
    if rounding == ROUND_HALF_UP and lengths.count(lengths[0]) == len(lengths):
        # The common case, inlined: (2x + d) // 2d is x/d rounded half up, with x = balance·num·length.
        twice_rate, den2 = 2 * num * lengths[0], 2 * den
        for _ in range(len(lengths) - 1):
            due = (balance * twice_rate + den) // den2
            part = level - due
            balance -= part
            add_principal(part)
            add_interest(due)
        due = (balance * twice_rate + den) // den2
    else:
        for length in lengths[:-1]:
            due = div_round(balance * num * length, den, rounding) if balance >= 0 else 0
            part = level - due
            balance -= part
            add_principal(part)
            add_interest(due)
        due = div_round(balance * num * lengths[-1], den, rounding) if balance >= 0 else 0
    valid = balance >= 0 and (len(principal) == 0 or min(principal) >= 0)
    add_principal(balance)
    add_interest(due)
    return principal, interest, valid


def _annuity_factors(num: int, den: int, lengths: tuple[int, ...]) -> tuple[int, int, int]:
    """``(A, U, den^n)`` such that the exact level payment on P is ``P·A / U``.

    With ``1 + i_k = f_k / den`` and ``f_k = den + num·t_k``, the level payment that repays P is
    ``P·Π(1+i_k) / Σ_k Π_{j>k}(1+i_j)``; in integers ``A = Π f_k`` and ``U = Σ_k den^k·Π_{j>k} f_j``.
    For equal periods this is the textbook ``P·i·(1+i)^n / ((1+i)^n − 1)``, and for a zero rate ``P/n``.
    """
    n = len(lengths)
    den_power = den**n
    if not num:
        return den_power, n * den_power, den_power
    if lengths.count(lengths[0]) == n:
        f = den + num * lengths[0]
        if f == den:  # zero-day periods (30/360 from the 30th to the 31st) accrue nothing
            return den_power, n * den_power, den_power
        growth = f**n
        return growth, den * (growth - den_power) // (f - den), den_power
    growth, accumulated, power = 1, 0, 1
    for length in lengths:
        f = den + num * length
        power *= den
        growth *= f
        accumulated = accumulated * f + power
    return growth, accumulated, den_power


def _equal_installment(terms: LoanTerms, fee: int, basis: _Basis) -> tuple[list[int], list[int]]:
    principal_fen, grace, rounding = terms.principal.fen, terms.grace_periods, terms.rounding
    num, den, lengths = basis.num, basis.den, basis.lengths
    unit = terms.installment_multiple.fen if terms.installment_multiple is not None else 1
    pre_interest = [div_round(principal_fen * num * t, den, rounding) for t in lengths[:grace]]
    amortising = lengths[grace:]
    growth, accumulated, den_power = _annuity_factors(num, den, amortising)
    # The borrower's instalment is the level payment plus the fee; with a multiple that sum is rounded.
    level = unit * div_round(principal_fen * growth + fee * accumulated, accumulated * unit, rounding) - fee
    principal, interest, valid = _amortise(principal_fen, level, basis, amortising)
    if not valid:
        # On a tiny loan, or with a multiple coarse for the loan, the rounded level can repay the loan
        # before the last period (or fall short of a period's interest). Use the nearest level that
        # repays it properly; otherwise the level is always the rounded annuity — the figure a bank quotes.
        settled = _settle_level(
            terms,
            basis,
            level=level,
            unit=unit,
            accumulation=Fraction(accumulated, den_power),
            amortising=amortising,
        )
        if settled is None:
            multiple = terms.installment_multiple
            field, value = ("installment_multiple", multiple) if multiple else ("principal", terms.principal)
            raise InvalidTerms(
                field,
                value,
                reason="no level instalment repays this loan without paying it off before the last period; "
                "use a smaller multiple, a larger principal or fewer periods",
            )
        principal, interest = settled
    return [0] * grace + principal, pre_interest + interest


def _settle_level(
    terms: LoanTerms,
    basis: _Basis,
    *,
    level: int,
    unit: int,
    accumulation: Fraction,
    amortising: tuple[int, ...],
) -> tuple[list[int], list[int]] | None:
    """The valid level near ``level`` whose last instalment is closest to it; None if there is none.

    One more unit per period lowers the final balance by about ``accumulation`` units (s_n, the
    accumulated value of 1 per period), so the search centres ``gap / s_n`` units away.
    """
    principal_fen = terms.principal.fen
    principal, interest, _ = _amortise(principal_fen, level, basis, amortising)
    gap = principal[-1] + interest[-1] - level
    step = round(Fraction(gap, unit) / accumulation)
    candidates = {level + unit * (step + d) for d in (-1, 0, 1)} | {level - unit, level + unit}
    best: tuple[tuple[int, int], list[int], list[int]] | None = None
    for candidate in sorted(c for c in candidates if c >= 0):
        principal, interest, valid = _amortise(principal_fen, candidate, basis, amortising)
        if valid:
            key = (abs(principal[-1] + interest[-1] - candidate), abs(candidate - level))
            if best is None or key < best[0]:
                best = (key, principal, interest)
    return None if best is None else (best[1], best[2])


def _equal_principal_parts(principal_fen: int, periods: int, unit: int, rounding: str) -> list[int]:
    """The same principal every period, rounded to the unit; the last period takes the remainder."""
    part = unit * div_round(principal_fen, periods * unit, rounding)
    if part * (periods - 1) > principal_fen:
        # Rounding up left nothing (or less than nothing) for the last period: round down instead.
        part = unit * (principal_fen // (periods * unit))
    return [part] * (periods - 1) + [principal_fen - part * (periods - 1)]


# Building the frozen values is most of the time a schedule takes. Every amount here is a non-negative
# int no larger than a total already checked against the 64-bit range, and an Installment has no checks
# of its own, so the values are built by filling their slots directly, column by column, in C-level
# ``map`` loops, rather than through ``__init__`` one row at a time: the same frozen values, built about
# twice as fast (see bench/schedule.py).
def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    setter: Callable[[object, object], None] = cls.__dict__[name].__set__  # the slot's member descriptor
    return setter


_new_object = object.__new__
_set_fen = _slot_setter(Money, "fen")
_INSTALLMENT_SLOTS = tuple(
    _slot_setter(Installment, name)
    for name in ("number", "due_date", "principal", "interest", "fee", "balance_after")
)
_NO_MONEY = Money(0)


def _money_column(values: list[int]) -> list[Money]:
    if not any(values):
        return [_NO_MONEY] * len(values)
    if values.count(values[0]) == len(values):
        return [Money(values[0])] * len(values)
    column = list(map(_new_object, repeat(Money, len(values))))
    deque(map(_set_fen, column, values), maxlen=0)
    return column


def _build(
    terms: LoanTerms,
    due: tuple[date, ...],
    *,
    principal: list[int],
    interest: list[int],
    fee: list[int],
    upfront_fee: int,
) -> Schedule:
    """Turn the integer columns into frozen values, once."""
    total = terms.principal.fen + sum(interest) + sum(fee) + upfront_fee
    if total > FEN_MAX:
        raise AmountOutOfRange(total)
    count = len(due)
    balance = list(accumulate(principal, sub, initial=terms.principal.fen))
    del balance[0]
    installments = tuple(map(_new_object, repeat(Installment, count)))
    columns = (
        range(1, count + 1),
        due,
        _money_column(principal),
        _money_column(interest),
        _money_column(fee),
        _money_column(balance),
    )
    for set_slot, column in zip(_INSTALLMENT_SLOTS, columns, strict=True):
        deque(map(set_slot, installments, column), maxlen=0)
    return Schedule(terms, installments, Money(upfront_fee) if upfront_fee else _NO_MONEY)


def generate_schedule(terms: LoanTerms) -> Schedule:
    """Build the repayment schedule of a loan.

    Args:
        terms: the loan terms.

    Returns:
        The schedule: one instalment per period (one in all for a bullet loan), principal summing
        exactly to the loan principal, the balance falling to zero.

    Raises:
        InvalidTerms: ``terms`` is not a LoanTerms; due dates beyond the year 9999; an
            ``installment_multiple`` so coarse that no level instalment can repay the loan.
        AmountOutOfRange: interest so large that the total leaves the 64-bit fen range.
    """
    if not isinstance(terms, LoanTerms):
        raise InvalidTerms("terms", terms, reason="give a LoanTerms")
    ends = terms.period_end_dates()
    basis = _basis(terms, ends)
    principal_fen, rounding, method = terms.principal.fen, terms.rounding, terms.method
    upfront = terms.fee_timing is FeeTiming.UPFRONT
    fee_num, fee_den, regular = basis.fee_num, basis.fee_den, basis.regular
    whole_fee = div_round(principal_fen * fee_num * regular * terms.term, fee_den, rounding) if fee_num else 0

    if method is RepaymentMethod.BULLET:
        # Simple interest (利随本清): the whole term's interest on the principal, rounded once.
        if terms.interest_mode is InterestMode.DAILY:
            span = day_count_days(terms.start, ends[-1], terms.day_count)
        else:
            span = regular * terms.term
        interest = div_round(principal_fen * basis.num * span, basis.den, rounding)
        return _build(
            terms,
            ends[-1:],
            principal=[principal_fen],
            interest=[interest],
            fee=[0 if upfront else whole_fee],
            upfront_fee=whole_fee * upfront,
        )

    count = terms.term
    fee = 0 if upfront or not fee_num else div_round(principal_fen * fee_num * regular, fee_den, rounding)
    if method is RepaymentMethod.EQUAL_INSTALLMENT:
        principal, interest_column = _equal_installment(terms, fee, basis)
    else:
        if method is RepaymentMethod.EQUAL_PRINCIPAL:
            grace = terms.grace_periods
            unit = terms.installment_multiple.fen if terms.installment_multiple is not None else 1
            principal = [0] * grace + _equal_principal_parts(principal_fen, count - grace, unit, rounding)
        elif method is RepaymentMethod.INTEREST_ONLY:
            principal = [0] * (count - 1) + [principal_fen]
        else:
            principal = [amount.fen for amount in terms.principal_amounts]
        interest_column = _interest_on_balance(principal_fen, principal, basis)
    return _build(
        terms,
        ends,
        principal=principal,
        interest=interest_column,
        fee=[fee] * count,
        upfront_fee=whole_fee * upfront,
    )


# ---- rescheduling ------------------------------------------------------------------------------------


def _grid(terms: LoanTerms, count: int) -> tuple[date, ...]:
    """The terms' period end dates continued to ``count`` periods on the same anchor."""
    explicit = terms.due_dates
    if not explicit:
        return due_dates(
            terms.start, terms.frequency, count, first_due=terms.first_due, day_of_month=terms.day_of_month
        )
    if count <= len(explicit):
        return explicit[:count]
    last, frequency = explicit[-1], terms.frequency
    extra = range(1, count - len(explicit) + 1)
    if frequency.months:
        return explicit + tuple(add_months(last, k * frequency.months) for k in extra)
    return explicit + tuple(date.fromordinal(last.toordinal() + k * frequency.days) for k in extra)


def _check_reschedule(terms: LoanTerms, on: date, outstanding: Money) -> None:
    if not isinstance(terms, LoanTerms):
        raise InvalidTerms("terms", terms, reason="give the LoanTerms of the current schedule")
    check_term_date("on", on)
    if on < terms.start:
        raise InvalidTerms("on", on, reason=f"a loan cannot be rescheduled before its start {terms.start}")
    check_money("outstanding", outstanding, positive=True, terms=True)
    if terms.method is RepaymentMethod.CUSTOM:
        raise InvalidTerms(
            "method", terms.method, reason="a custom schedule is rescheduled by giving new custom terms"
        )


def _rescheduled(
    terms: LoanTerms, on: date, outstanding: Money, ends: tuple[date, ...], grace: int
) -> LoanTerms:
    # An up-front fee settled the original term at disbursement; a fee for an extension, if the
    # programme charges one, is its own decision, so the new schedule charges none up front.
    fee_rate = _ZERO if terms.fee_timing is FeeTiming.UPFRONT else terms.fee_rate
    return replace(
        terms,
        principal=outstanding,
        start=on,
        term=len(ends),
        due_dates=ends,
        first_due=None,
        day_of_month=None,
        grace_periods=min(grace, len(ends) - 1),
        fee_rate=fee_rate,
    )


def reschedule_extension(terms: LoanTerms, *, on: date, outstanding: Money, extra_periods: int) -> Schedule:
    """展期: a new schedule that repays the principal outstanding on ``on`` over the remaining periods
    plus ``extra_periods`` more, keeping the original due-date grid, method and rates.

    Args:
        terms: the loan's current terms.
        on: the date the extension takes effect (interest on the new schedule runs from it).
        outstanding: the principal outstanding on that date.
        extra_periods: how many periods the maturity moves out (≥ 1).

    Returns:
        The new schedule; its ``terms`` are the new terms (explicit due dates, start ``on``). Remaining
        principal grace is kept; an up-front fee is not charged again.

    Raises:
        InvalidTerms: ``on`` before the start or after the extended maturity, a non-positive
            ``outstanding``, ``extra_periods`` below 1, or a custom schedule.
        MoneyTypeError: a float given as ``outstanding``.
    """
    _check_reschedule(terms, on, outstanding)
    extra = check_whole("extra_periods", extra_periods, minimum=1)
    grid = _grid(terms, terms.term + extra)
    remaining = tuple(end for end in grid if end > on)
    if not remaining:
        raise InvalidTerms("on", on, reason=f"it falls after the extended maturity {grid[-1].isoformat()}")
    grace = sum(1 for end in grid[: terms.grace_periods] if end > on)
    return generate_schedule(_rescheduled(terms, on, outstanding, remaining, grace))


def reschedule_after_prepayment(
    terms: LoanTerms, *, on: date, outstanding: Money, option: PrepaymentOption
) -> Schedule:
    """提前还款: a new schedule for the principal still outstanding after a prepayment on ``on``.

    With ``LOWER_INSTALLMENTS`` (减少月供) the remaining due dates stay and each instalment falls. With
    ``FEWER_INSTALLMENTS`` (缩短期限) the instalment stays about the same and the loan ends sooner: an
    equal-instalment loan keeps the fewest periods whose level payment does not exceed the old one; an
    equal-principal loan keeps its per-period principal.

    Args:
        terms: the loan's current terms.
        on: the prepayment date (interest on the new schedule runs from it).
        outstanding: the principal outstanding after the prepayment.
        option: fewer instalments or lower instalments.

    Returns:
        The new schedule over the remaining due dates of the original grid.

    Raises:
        InvalidTerms: ``on`` before the start or on/after the last due date, a non-positive
            ``outstanding``, a custom schedule, or ``FEWER_INSTALLMENTS`` for a bullet or interest-only
            loan (whose instalments carry no principal to shorten).
        MoneyTypeError: a float given as ``outstanding``.
    """
    _check_reschedule(terms, on, outstanding)
    option = _coerce_enum(PrepaymentOption, "option", option)
    grid = terms.period_end_dates()
    remaining = tuple(end for end in grid if end > on)
    if not remaining:
        raise InvalidTerms("on", on, reason=f"it falls on or after the last due date {grid[-1].isoformat()}")
    grace = min(sum(1 for end in grid[: terms.grace_periods] if end > on), len(remaining) - 1)
    if option is PrepaymentOption.FEWER_INSTALLMENTS:
        method = terms.method
        if method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
            raise InvalidTerms(
                "option",
                option,
                reason=f"a {method} loan repays its principal at maturity; use lower_installments",
            )
        old = generate_schedule(terms).installments[terms.grace_periods]
        amortising = len(remaining) - grace
        if method is RepaymentMethod.EQUAL_PRINCIPAL:
            per_period = max(old.principal.fen, 1)
            periods = min(amortising, -(-outstanding.fen // per_period))
        else:
            periods = _periods_for_level(
                _rescheduled(terms, on, outstanding, remaining, grace),
                grace,
                old.principal.fen + old.interest.fen,
            )
        remaining = remaining[: grace + periods]
    return generate_schedule(_rescheduled(terms, on, outstanding, remaining, grace))


def _periods_for_level(terms: LoanTerms, grace: int, level: int) -> int:
    """The fewest amortising periods whose exact level payment does not exceed ``level``."""
    basis = _basis(terms, terms.due_dates)
    num, den = basis.num, basis.den
    principal_fen = terms.principal.fen
    growth, accumulated, power = 1, 0, 1
    amortising = basis.lengths[grace:]
    for periods, length in enumerate(amortising, 1):
        f = den + num * length
        power *= den
        growth *= f
        accumulated = accumulated * f + power
        if principal_fen * growth <= level * accumulated:
            return periods
    return len(amortising)
