"""Loan terms (贷款条件): everything a repayment schedule depends on, checked when constructed.

* :class:`LoanTerms` — principal, start date, number of periods, repayment method, rate (annual 年利率
  or monthly 月利率), frequency, interest mode, day count, due-date rules, principal grace, management
  fee (管理费), rounding. Frozen; a value that cannot make a schedule is refused when it is built.
* :class:`RepaymentMethod` — equal instalment 等额本息 (annuity), equal principal 等额本金, interest only
  with principal at maturity 按月付息到期还本 / 按季结息, bullet 一次性还本付息 / 利随本清 (the national
  幸福工程 default, usually interest-free) and custom (caller-given principal amounts).
  Also 等本等息 (flat interest on the original principal, common in 小额贷款).
* :class:`InterestGrace` — whether the interest of an interest grace (宽限期) is waived or deferred.
* :class:`RatePeriod`, :class:`InterestMode`, :class:`FeeTiming` — how the rate and fee are read;
  :class:`PrepaymentOption` — what a prepayment changes.

An enum field accepts its member or the member's value (``"bullet"``); :func:`revolve.checks.check_choice` does that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from revolve.checks import check_choice, check_money, check_rate, check_rounding, check_term_date, check_whole
from revolve.dates import MONTHLY, DayCount, Frequency, due_dates
from revolve.errors import InvalidTerms
from revolve.money import Money

__all__ = [
    "FeeTiming",
    "InterestGrace",
    "InterestMode",
    "LoanTerms",
    "PrepaymentOption",
    "RatePeriod",
    "RepaymentMethod",
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
    FLAT = "flat"
    """等本等息: the same principal every period and the same interest, the interest reckoned on the
    original principal for the whole term (as a bullet loan's) and split equally (小额贷款)."""


class InterestGrace(StrEnum):
    """What becomes of the interest of the first periods under an interest grace (宽限期)."""

    WAIVED = "waived"
    """免息: the interest of the grace periods is forgiven; it is never owed."""
    DEFERRED = "deferred"
    """缓息: the interest of the grace periods is owed, without interest on it, and spread equally over
    the instalments after the grace (the last takes the remainder)."""


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


_ZERO = Decimal(0)
_MAX_TERM = 10_000
_LEVEL_METHODS = (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL, RepaymentMethod.FLAT)


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
        installment_multiple: for ``EQUAL_INSTALLMENT``, ``EQUAL_PRINCIPAL`` and ``FLAT``: round the
            level instalment (等额本息, 等本等息) or the level principal (等额本金) to a multiple of this
            amount, e.g. ``yuan(1)`` or ``yuan(10)``; the last instalment takes the difference.
        interest_grace_periods: interest grace (宽限期) for ``EQUAL_INSTALLMENT``, ``EQUAL_PRINCIPAL`` and
            ``FLAT``: the first k instalments carry no interest (principal is still repaid). Not with
            principal grace (an instalment in both would be ¥0.00); k must be below the term.
        interest_grace: whether that interest is waived (forgiven) or deferred (spread equally over the
            instalments after the grace).

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
    interest_grace_periods: int = 0
    interest_grace: InterestGrace = InterestGrace.WAIVED

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # normalising a frozen value while it is being built
        principal = check_money("principal", self.principal, positive=True, terms=True)
        check_term_date("start", self.start)
        term = check_whole("term", self.term, minimum=1)
        if term > _MAX_TERM:
            raise InvalidTerms("term", term, reason="term_max", most=_MAX_TERM)
        method = check_choice(RepaymentMethod, "method", self.method, terms=True)
        set_(self, "method", method)
        rate_period = check_choice(RatePeriod, "rate_period", self.rate_period, terms=True)
        set_(self, "rate_period", rate_period)
        monthly = rate_period is RatePeriod.MONTHLY
        set_(self, "rate", check_rate("rate", self.rate, monthly=monthly, convert=True))
        set_(self, "fee_rate", check_rate("fee_rate", self.fee_rate, convert=True))
        set_(
            self, "interest_mode", check_choice(InterestMode, "interest_mode", self.interest_mode, terms=True)
        )
        set_(self, "day_count", check_choice(DayCount, "day_count", self.day_count, terms=True))
        set_(self, "fee_timing", check_choice(FeeTiming, "fee_timing", self.fee_timing, terms=True))
        if not isinstance(self.frequency, Frequency):
            raise InvalidTerms("frequency", self.frequency, reason="frequency")
        check_rounding("rounding", self.rounding)
        grace = check_whole("grace_periods", self.grace_periods, minimum=0)
        if grace >= term:
            raise InvalidTerms("grace_periods", grace, reason="grace_term", term=term)
        if grace and method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
            raise InvalidTerms(
                "grace_periods",
                grace,
                reason="grace_method",
                method=str(method),
            )
        self._check_dates(term)
        self._check_amounts(method, term, principal)
        multiple = self.installment_multiple
        if multiple is not None:
            check_money("installment_multiple", multiple, positive=True, terms=True)
            if method not in _LEVEL_METHODS:
                raise InvalidTerms(
                    "installment_multiple",
                    multiple,
                    reason="multiple_method",
                    method=str(method),
                )
        self._check_interest_grace(method, term, grace)

    def _check_interest_grace(self, method: RepaymentMethod, term: int, grace: int) -> None:
        object.__setattr__(
            self,
            "interest_grace",
            check_choice(InterestGrace, "interest_grace", self.interest_grace, terms=True),
        )
        periods = check_whole("interest_grace_periods", self.interest_grace_periods, minimum=0)
        if not periods:
            return
        if periods >= term:
            raise InvalidTerms(
                "interest_grace_periods",
                periods,
                reason="interest_grace_term",
                term=term,
            )
        if method not in _LEVEL_METHODS:
            raise InvalidTerms(
                "interest_grace_periods",
                periods,
                reason="interest_grace_method",
                method=str(method),
            )
        if grace:
            raise InvalidTerms(
                "interest_grace_periods",
                periods,
                reason="both_graces",
                grace=grace,
            )

    def _check_dates(self, term: int) -> None:
        explicit = self.due_dates
        if not isinstance(explicit, tuple):
            if isinstance(explicit, str) or not isinstance(explicit, Iterable):
                raise InvalidTerms("due_dates", explicit, reason="dates_tuple")
            explicit = tuple(explicit)
            object.__setattr__(self, "due_dates", explicit)
        if self.first_due is not None:
            check_term_date("first_due", self.first_due)
            if self.first_due <= self.start:
                raise InvalidTerms(
                    "first_due",
                    self.first_due,
                    reason="first_due_after",
                    start=self.start.isoformat(),
                )
        if self.day_of_month is not None:
            dom = self.day_of_month
            if isinstance(dom, bool) or not isinstance(dom, int) or not 1 <= dom <= 31:
                raise InvalidTerms("day_of_month", dom, reason="day_of_month")
            if not self.frequency.months:
                raise InvalidTerms(
                    "day_of_month", dom, reason="no_day_of_month", frequency=str(self.frequency)
                )
        if not explicit:
            return
        if self.first_due is not None or self.day_of_month is not None:
            raise InvalidTerms(
                "due_dates",
                explicit,
                reason="explicit_dates",
            )
        if len(explicit) != term:
            raise InvalidTerms("due_dates", explicit, reason="dates_count", count=len(explicit), term=term)
        previous = self.start
        for due in explicit:
            check_term_date("due_dates", due)
            if due <= previous:
                raise InvalidTerms(
                    "due_dates",
                    due,
                    reason="due_order",
                    due=due.isoformat(),
                    after=previous.isoformat(),
                )
            previous = due

    def _check_amounts(self, method: RepaymentMethod, term: int, principal: Money) -> None:
        amounts = self.principal_amounts
        if not isinstance(amounts, tuple):
            if isinstance(amounts, str) or not isinstance(amounts, Iterable):
                raise InvalidTerms("principal_amounts", amounts, reason="amounts_tuple")
            amounts = tuple(amounts)
            object.__setattr__(self, "principal_amounts", amounts)
        if method is not RepaymentMethod.CUSTOM:
            if amounts:
                raise InvalidTerms("principal_amounts", amounts, reason="amounts_method", method=str(method))
            return
        if len(amounts) != term:
            raise InvalidTerms(
                "principal_amounts",
                amounts,
                reason="amounts_count",
                count=len(amounts),
                term=term,
            )
        total = 0
        for amount in amounts:
            check_money("principal_amounts", amount, terms=True)
            total += amount.fen
        if total != principal.fen:
            raise InvalidTerms(
                "principal_amounts",
                amounts,
                reason="amounts_sum",
                total=Money(total),
                principal=principal,
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
