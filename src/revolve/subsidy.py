"""Interest subsidy (小额贴息): what the fund pays towards the interest of a bank-lent loan.

In a 贴息 programme a bank or rural credit co-op (承贷金融机构) lends to the household, the household pays
the bank its interest, and the fund reimburses that interest within caps set by the programme
(domain.md §12). The bank's loan is not the fund's asset; the subsidy is the fund's expense. 福清 puts
the rule as "限额内按实际贷款额度、利率和期限予以贴息，超过部分不予贴息" (§12.3): the subsidy follows the
actual principal, rate and term, each capped. For each interest period of the bank loan::

    subsidy = min(balance, cap principal) × min(rate, cap rate) × subsidised days / 360 × share

* days are counted 算头不算尾 — the start day counts, the end day does not — and the year has 360 days
  (日利率 = 年利率 / 360, domain.md §15);
* subsidised days stop at the cap on days: the periods are taken in date order, and the part of a period
  beyond ``max_days`` cumulative days gets nothing;
* ``share`` is the part of the capped interest the programme pays (1 for 全额贴息; 0.7 for the 70 %
  subsidy of §12.8).

Rounding happens once per period, to the fen, in :func:`_round_fen` (ROUND_HALF_UP unless the caller
names another mode), on the exact rational product — never on a pre-rounded factor, because days / 360
does not terminate as a decimal and a rounded factor can turn an exact half fen into 0.4999…

Invariants (proved by the tests):

* each period's subsidy is at most the bank interest of that period (balance × rate × days / 360,
  rounded the same way);
* the total is at most the programme's subsidy limit (贴息限额, §12.2) — cap principal × cap rate ×
  cap days / 360 × share, rounded down to the fen. The caps alone guarantee this for the exact
  amounts; per-period rounding could add up to half a fen a period, so a period that would take the
  total past the limit is paid only what remains of it (超过部分不予贴息).

Whether a period qualifies at all — interest the borrower actually paid, a loan not in breach (§9.2,
§12.7) — is the caller's decision: pass only the periods that qualify.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import (
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
)
from fractions import Fraction

from revolve.checks import check_date, check_money, check_rate, check_rounding, check_whole
from revolve.errors import BankLoanCapExceeded, InvalidDate, InvalidTerms
from revolve.money import Money
from revolve.rounding import div_round
from revolve.schedule import LoanTerms, generate_schedule

__all__ = [
    "FUQING_CAPS",
    "NINGDE_CAPS",
    "YEAR_DAYS",
    "BankLoan",
    "InterestPeriod",
    "SubsidyCaps",
    "SubsidyLine",
    "bank_loan_subsidy",
    "check_household_year",
    "subsidy_limit",
    "subsidy_lines",
    "subsidy_total",
]

YEAR_DAYS = 360
"""Days in the interest year: 日利率 = 年利率 / 360 (domain.md §15, PBOC practice)."""


def _round_fen(exact: Fraction, rounding: str) -> Money:
    """An exact non-negative amount of fen rounded to a whole fen: the one rounding of this module."""
    return Money(div_round(exact.numerator, exact.denominator, rounding))


@dataclass(frozen=True, slots=True)
class SubsidyCaps:
    """A programme's caps on the subsidy (贴息限额的计算口径).

    Attributes:
        max_principal: the largest principal subsidised (e.g. 福清 5万); the part above gets nothing.
        max_rate: the highest annual rate subsidised, a Decimal (``Decimal("0.05")`` for 5 %).
        max_days: the most interest days subsidised over the loan's life (365 for a one-year term).
        share: the part of the capped interest the programme pays, in (0, 1]; 1 unless given.
        max_per_household_year: the most a household may borrow from the bank under the programme in one
            calendar year (少生快富 "每户一年一万": 1万), or None for no such cap. Unlike the other caps
            it is a refusal, not a limit on the subsidy: ``register_bank_loan`` refuses a loan that would
            take the household's principal in the loan's starting year past it
            (:func:`check_household_year`).

    Raises:
        MoneyTypeError, InvalidAmount: ``max_principal`` (or ``max_per_household_year``) is not positive
            Money.
        InvalidRate: a rate or share that is not a Decimal (a float is refused), is out of range.
        InvalidTerms: ``max_days`` is not an int of at least 1.
    """

    max_principal: Money
    max_rate: Decimal
    max_days: int
    share: Decimal = Decimal(1)
    max_per_household_year: Money | None = None

    def __post_init__(self) -> None:
        check_money("max_principal", self.max_principal, positive=True)
        check_rate("max_rate", self.max_rate, positive=True)
        check_whole("max_days", self.max_days, minimum=1)
        check_rate("share", self.share, positive=True)
        if self.max_per_household_year is not None:
            check_money("max_per_household_year", self.max_per_household_year, positive=True)


FUQING_CAPS = SubsidyCaps(max_principal=Money(50_000_00), max_rate=Decimal("0.05"), max_days=365)
"""福清 2018 (domain.md §12.3): principal ≤ 5万, subsidised rate ≤ 5 % a year, a one-year term."""

NINGDE_CAPS = SubsidyCaps(max_principal=Money(30_000_00), max_rate=Decimal("0.084"), max_days=365)
"""宁德 2016 (domain.md §12.2): principal ≤ 3万, subsidised rate ≤ 8.4 % a year, a one-year term."""


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One interest period of the bank's loan (计息期): from ``start`` (counted) to ``end`` (not counted).

    Attributes:
        number: the period's number (1, 2, …), carried through to the subsidy line.
        start: the first interest day.
        end: the settlement day (结息日), the first day after the period; strictly after ``start``.
        balance: the principal outstanding during the period.

    Raises:
        InvalidTerms: ``number`` is not an int of at least 1.
        InvalidDate: a date that is not a date, or ``end`` not after ``start``.
        MoneyTypeError, InvalidAmount: ``balance`` is not Money or is negative.
    """

    number: int
    start: date
    end: date
    balance: Money

    def __post_init__(self) -> None:
        check_whole("number", self.number, minimum=1)
        check_date("start", self.start)
        check_date("end", self.end)
        if self.end <= self.start:
            raise InvalidDate(self.end, reason="period_end", start=self.start.isoformat())
        check_money("balance", self.balance)

    @property
    def days(self) -> int:
        """Interest days, 算头不算尾: ``end - start``."""
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class SubsidyLine:
    """The subsidy for one interest period, with every figure it was computed from.

    Attributes:
        number: the period's number.
        start: the period's first day.
        end: the period's settlement day (not counted).
        days: interest days in the period.
        subsidised_days: the days the subsidy covers, after the cap on days (0 once it is used up).
        base: the principal subsidised: min(balance, cap principal).
        rate: the rate subsidised: min(the bank's annual rate, cap rate).
        amount: the subsidy, rounded to the fen.
    """

    number: int
    start: date
    end: date
    days: int
    subsidised_days: int
    base: Money
    rate: Decimal
    amount: Money


@dataclass(frozen=True, slots=True)
class BankLoan:
    """A bank-lent loan the fund records for information and subsidises (not the fund's asset).

    Attributes:
        id: its id.
        fund_id: the fund that records it.
        number: its number in the fund.
        household_id: the borrowing household.
        bank: the lending bank.
        terms: the bank's terms.
        caps: the programme's caps.
        in_breach_from: the day it was recorded in breach (no subsidy after), if it was.
        closed_on: the day it was repaid to the bank, if it was.
    """

    id: int
    fund_id: int
    number: str
    household_id: int
    bank: str
    terms: LoanTerms
    caps: SubsidyCaps
    in_breach_from: date | None
    closed_on: date | None


def subsidy_limit(caps: SubsidyCaps) -> Money:
    """The programme's subsidy limit for one loan (贴息限额): the most its subsidy can ever total.

    Args:
        caps: the programme's caps.

    Returns:
        cap principal × cap rate × cap days / 360 × share, rounded down to the fen (a ceiling is
        never rounded up past itself). 福清: 50,000 × 5 % × 365 / 360 = ¥2,534.72.
    """
    exact = (
        Fraction(caps.max_principal.fen) * Fraction(caps.max_rate) * caps.max_days * Fraction(caps.share)
    ) / YEAR_DAYS
    return _round_fen(exact, ROUND_FLOOR)


def subsidy_lines(
    periods: Sequence[InterestPeriod],
    annual_rate: Decimal,
    caps: SubsidyCaps,
    *,
    rounding: str = ROUND_HALF_UP,
) -> tuple[SubsidyLine, ...]:
    """The subsidy for each interest period of a bank loan.

    Args:
        periods: the loan's interest periods in date order, not overlapping (gaps are allowed: a period
            the caller leaves out, e.g. one whose interest was not paid, earns nothing and uses up no
            subsidised days).
        annual_rate: the bank's annual rate (年利率) as a Decimal.
        caps: the programme's caps.
        rounding: the ``decimal`` rounding mode for each period's amount.

    Returns:
        One line per period, in the order given. Their amounts sum to at most :func:`subsidy_limit`.

    Raises:
        InvalidRate: ``annual_rate`` is not a Decimal in [0, 1].
        InvalidDate: a period starts before the previous one ends.
        InvalidTerms: an unknown rounding mode, a period number repeated, or a period that is not an
            :class:`InterestPeriod`.
    """
    rate = min(check_rate("annual_rate", annual_rate), caps.max_rate)
    check_rounding("rounding", rounding)
    limit = subsidy_limit(caps)
    lines: list[SubsidyLine] = []
    numbers: set[int] = set()
    days_left = caps.max_days
    paid = Money(0)
    previous_end: date | None = None
    for period in periods:
        if not isinstance(period, InterestPeriod):
            raise InvalidTerms("periods", period, reason="periods")
        if previous_end is not None and period.start < previous_end:
            raise InvalidDate(
                period.start,
                reason="period_overlap",
                number=period.number,
                previous_end=previous_end.isoformat(),
            )
        if period.number in numbers:
            raise InvalidTerms("number", period.number, reason="period_number_twice")
        numbers.add(period.number)
        previous_end = period.end

        subsidised = min(period.days, days_left)
        days_left -= subsidised
        base = min(period.balance, caps.max_principal)
        exact = Fraction(base.fen) * Fraction(rate) * subsidised * Fraction(caps.share) / YEAR_DAYS
        # Rounding up each period could carry the total a fraction of a fen per period past the
        # limit; what lies beyond the limit is not subsidised (超过部分不予贴息).
        amount = min(_round_fen(exact, rounding), limit - paid)
        paid += amount
        lines.append(
            SubsidyLine(
                number=period.number,
                start=period.start,
                end=period.end,
                days=period.days,
                subsidised_days=subsidised,
                base=base,
                rate=rate,
                amount=amount,
            )
        )
    return tuple(lines)


def subsidy_total(
    periods: Sequence[InterestPeriod],
    annual_rate: Decimal,
    caps: SubsidyCaps,
    *,
    rounding: str = ROUND_HALF_UP,
) -> Money:
    """The whole subsidy for a bank loan: the sum of :func:`subsidy_lines`.

    Args:
        periods: the loan's interest periods in date order (see :func:`subsidy_lines`).
        annual_rate: the bank's annual rate as a Decimal.
        caps: the programme's caps.
        rounding: the rounding mode for each period's amount.

    Returns:
        The total subsidy, at most :func:`subsidy_limit` of ``caps``.

    Raises:
        InvalidRate, InvalidDate, InvalidTerms: as :func:`subsidy_lines`.
    """
    return Money.total(line.amount for line in subsidy_lines(periods, annual_rate, caps, rounding=rounding))


def bank_loan_subsidy(terms: LoanTerms, caps: SubsidyCaps) -> tuple[SubsidyLine, ...]:
    """The subsidy of each interest period of a bank loan with ``terms``, under ``caps``: each period
    runs from the previous due date (or the start) to its due date on the balance outstanding then."""
    schedule = generate_schedule(terms)
    periods = []
    start = terms.start
    balance = terms.principal
    for inst in schedule.installments:
        periods.append(InterestPeriod(number=inst.number, start=start, end=inst.due_date, balance=balance))
        start = inst.due_date
        balance = inst.balance_after
    return subsidy_lines(periods, terms.annual_rate, caps)


def check_household_year(
    caps: SubsidyCaps,
    principal: Money,
    start: date,
    earlier: Sequence[tuple[date, Money]],
    *,
    household: object = None,
) -> None:
    """Refuse a bank loan that would take a household past the programme's cap for one year.

    少生快富 lent "每户一年一万" (seed 001): a household's bank loans under the programme that start in
    one calendar year may total at most ``caps.max_per_household_year``.

    Args:
        caps: the programme's caps (nothing is checked when ``max_per_household_year`` is None).
        principal: the new loan's principal.
        start: the new loan's start (its calendar year is the year counted).
        earlier: (start, principal) of the household's bank loans already recorded, in any year.
        household: the household, named in the refusal.

    Raises:
        BankLoanCapExceeded: the year's total with this loan passes the cap (``value`` is that total,
            ``limit`` the cap; a :class:`~revolve.errors.PolicyViolation`).
    """
    cap = caps.max_per_household_year
    if cap is None:
        return
    total = Money.total([principal, *(amount for day, amount in earlier if day.year == start.year)])
    if total > cap:
        raise BankLoanCapExceeded(household, year=start.year, total=total, cap=cap)
