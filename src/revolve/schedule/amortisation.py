"""Amortisation: how each repayment method spreads principal, interest and fee over the periods.

:func:`generate_schedule` builds the schedule of a loan's terms: 等额本息 (the exact annuity, rounded
once; a long first period's extra interest in the first instalment), 等额本金, 等本等息 (flat interest on
the original principal), interest only, bullet (simple interest) and custom principal amounts, with
principal grace, interest grace (waived or deferred), a management fee and an instalment multiple. :func:`periods_for_level` is the annuity read
backwards, for a prepayment that shortens the loan.

Computation is exact: money stays an ``int`` of fen and rates become exact integer ratios
(``Decimal.as_integer_ratio``), so ``balance × 4.9 % / 12`` is rounded once from its exact value rather
than from a 28-digit approximation (:func:`revolve.rounding.div_round`). ``Money`` values are built once,
at the end (:func:`revolve.schedule.installments.assemble`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP
from fractions import Fraction

from revolve.dates import add_months, day_count_days, days_in_year
from revolve.errors import InvalidTerms
from revolve.money import Money
from revolve.rounding import div_round
from revolve.schedule.installments import Schedule, assemble
from revolve.schedule.terms import FeeTiming, InterestGrace, InterestMode, LoanTerms, RepaymentMethod

__all__ = ["broken_first_period", "generate_schedule", "periods_for_level"]

_LEVEL_METHODS = (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL, RepaymentMethod.FLAT)


# ---- integers of fen, exact ratios, one rounding per amount ----------------------------------------


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
    last may pay less than its interest or more principal than is outstanding, and the last may not be
    ¥0.00 (the level would have repaid the loan a period early). (With every principal
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
    # a level that repays the loan in fewer periods would leave a ¥0.00 last instalment: not valid
    valid = (balance > 0 or (balance == 0 and due > 0) or not principal) and (
        len(principal) == 0 or min(principal) >= 0
    )
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


def _regular_first_length(terms: LoanTerms, ends: tuple[date, ...]) -> int | None:
    """The interest days of a regular first period when the first period is longer (a broken period).

    In the daily mode, a start earlier than one period before the first due date (放款日 15 January, first
    repayment 1 March, monthly) makes a long first period. Its regular part runs from one period before
    the first due date to it; the days before are the broken period's extra. Returns None when the first
    period is not longer than a regular one, or in the per-period mode (where every period earns one
    regular period's interest).
    """
    if terms.interest_mode is not InterestMode.DAILY:
        return None
    first_end, frequency = ends[0], terms.frequency
    if frequency.months:
        if first_end.year * 12 + first_end.month <= frequency.months:
            return None
        regular_start = add_months(first_end, -frequency.months, day=terms.day_of_month)
    else:
        if first_end.toordinal() <= frequency.days:
            return None
        regular_start = date.fromordinal(first_end.toordinal() - frequency.days)
    if terms.start >= regular_start:
        return None
    return day_count_days(regular_start, first_end, terms.day_count)


def broken_first_period(terms: LoanTerms) -> bool:
    """Whether a 等额本息 loan's first instalment carries a long first period's extra interest.

    True for the daily mode, no principal grace, at least two periods, and a start earlier than one
    period before the first due date (docs/schedules.md, "Dates").
    """
    return (
        terms.method is RepaymentMethod.EQUAL_INSTALLMENT
        and not terms.grace_periods
        and terms.term > 1
        and _regular_first_length(terms, terms.period_end_dates()) is not None
    )


def _equal_installment(
    terms: LoanTerms, fee: int, basis: _Basis, ends: tuple[date, ...]
) -> tuple[list[int], list[int]]:
    principal_fen, grace, rounding = terms.principal.fen, terms.grace_periods, terms.rounding
    num, den, lengths = basis.num, basis.den, basis.lengths
    unit = terms.installment_multiple.fen if terms.installment_multiple is not None else 1
    pre_interest = [div_round(principal_fen * num * t, den, rounding) for t in lengths[:grace]]
    amortising = lengths[grace:]
    # A long first period (a broken period) that amortises: the level is computed as if the period were
    # regular, and its extra days' interest is added to the first instalment (the banks' practice).
    regular_first = _regular_first_length(terms, ends) if not grace and len(amortising) > 1 else None
    if regular_first is not None:
        amortising = (regular_first, *amortising[1:])
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
                reason="no_level",
            )
        principal, interest = settled
    if regular_first is not None:
        # The first instalment carries the interest of the whole broken period, rounded once.
        interest[0] = div_round(principal_fen * num * lengths[0], den, rounding)
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
    for candidate in sorted(c for c in candidates if c > 0):
        principal, interest, valid = _amortise(principal_fen, candidate, basis, amortising)
        if valid:
            key = (abs(principal[-1] + interest[-1] - candidate), abs(candidate - level))
            if best is None or key < best[0]:
                best = (key, principal, interest)
    return None if best is None else (best[1], best[2])


def _equal_principal_parts(principal_fen: int, periods: int, unit: int, rounding: str) -> list[int]:
    """The same principal every period, rounded to the unit; the last period takes the remainder."""
    part = unit * div_round(principal_fen, periods * unit, rounding)
    if part * (periods - 1) >= principal_fen and periods > 1:
        # Rounding up left nothing (or less than nothing) for the last period: round down instead, so
        # that the schedule never ends with a ¥0.00 instalment.
        part = unit * (principal_fen // (periods * unit))
    return [part] * (periods - 1) + [principal_fen - part * (periods - 1)]


def _simple_interest(terms: LoanTerms, ends: tuple[date, ...], basis: _Basis) -> int:
    """The whole term's simple interest on the original principal, rounded once.

    ``P × R × periods ÷ periods per year`` in the per-period mode, ``P × R × days ÷ 360`` (or 365)
    from the start to the last due date in the daily mode.
    """
    if terms.interest_mode is InterestMode.DAILY:
        span = day_count_days(terms.start, ends[-1], terms.day_count)
    else:
        span = basis.regular * terms.term
    return div_round(terms.principal.fen * basis.num * span, basis.den, terms.rounding)


def _split_equally(total: int, parts: int, rounding: str) -> list[int]:
    """``total`` fen in ``parts`` equal shares rounded once; the last takes the remainder (never < 0)."""
    share = div_round(total, parts, rounding)
    if share * (parts - 1) > total:
        share = total // parts
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def _flat(terms: LoanTerms, fee: int, basis: _Basis, ends: tuple[date, ...]) -> tuple[list[int], list[int]]:
    """等本等息: the whole term's simple interest split equally, the principal split equally.

    With an instalment multiple the borrower's instalment (principal + interest + fee) is rounded to the
    multiple, the interest share stays as it is and the principal share is the rest; the last instalment
    takes the remainder. If the rounded instalment would repay the loan before the last period (or repay
    no principal), it is rounded down, then up; if neither works the terms are refused.
    """
    principal_fen, count, rounding = terms.principal.fen, terms.term, terms.rounding
    total_interest = _simple_interest(terms, ends, basis)
    interest = _split_equally(total_interest, count, rounding)
    multiple = terms.installment_multiple
    if multiple is None or count == 1:
        return _equal_principal_parts(principal_fen, count, 1, rounding), interest
    unit, share = multiple.fen, interest[0]
    owed = principal_fen + total_interest + count * fee
    for level in (
        unit * div_round(owed, count * unit, rounding),
        unit * (owed // (count * unit)),
        unit * -(-owed // (count * unit)),
    ):
        part = level - fee - share
        if part > 0 and part * (count - 1) < principal_fen:
            return [part] * (count - 1) + [principal_fen - part * (count - 1)], interest
    raise InvalidTerms(
        "installment_multiple",
        multiple,
        reason="multiple_count",
        multiple=multiple,
        count=count,
    )


def _interest_grace(terms: LoanTerms, interest: list[int]) -> list[int]:
    """No interest in the first k instalments: waived (forgiven), or deferred — spread equally over the
    instalments after the grace, the last taking the remainder, without interest on it."""
    k = terms.interest_grace_periods
    owed = sum(interest[:k])
    after = interest[k:]
    if terms.interest_grace is InterestGrace.DEFERRED and owed:
        after = [a + b for a, b in zip(after, _split_equally(owed, len(after), terms.rounding), strict=True)]
    return [0] * k + after


def generate_schedule(terms: LoanTerms) -> Schedule:
    """Build the repayment schedule of a loan.

    Args:
        terms: the loan terms.

    Returns:
        The schedule: one instalment per period (one in all for a bullet loan), principal summing
        exactly to the loan principal, the balance falling to zero.

    Raises:
        InvalidTerms: ``terms`` is not a LoanTerms; due dates beyond the year 9999; an
            ``installment_multiple`` so coarse that no level instalment (等额本息, 等本等息) can repay the
            loan in exactly its term.
        AmountOutOfRange: interest so large that the total leaves the 64-bit fen range.
    """
    if not isinstance(terms, LoanTerms):
        raise InvalidTerms("terms", terms, reason="loan_terms")
    ends = terms.period_end_dates()
    basis = _basis(terms, ends)
    principal_fen, rounding, method = terms.principal.fen, terms.rounding, terms.method
    upfront = terms.fee_timing is FeeTiming.UPFRONT
    fee_num, fee_den, regular = basis.fee_num, basis.fee_den, basis.regular
    whole_fee = div_round(principal_fen * fee_num * regular * terms.term, fee_den, rounding) if fee_num else 0

    if method is RepaymentMethod.BULLET:
        # Simple interest (利随本清): the whole term's interest on the principal, rounded once.
        interest = _simple_interest(terms, ends, basis)
        return assemble(
            terms,
            ends[-1:],
            principal=[principal_fen],
            interest=[interest],
            fee=[0 if upfront else whole_fee],
            upfront_fee=whole_fee * upfront,
        )

    count = terms.term
    if method in _LEVEL_METHODS:
        # 等本等息 rounds its whole instalment to the multiple, not its principal: one fen per period
        multiple = terms.installment_multiple if method is not RepaymentMethod.FLAT else None
        unit = multiple.fen if multiple is not None else 1
        periods = count - terms.grace_periods
        if principal_fen < unit * periods:
            # fewer units than instalments: some instalment would repay nothing (a ¥0.00 instalment)
            field, value = (
                ("installment_multiple", multiple) if multiple is not None else ("principal", terms.principal)
            )
            raise InvalidTerms(
                field,
                value,
                reason="too_small",
                periods=periods,
                least=Money(unit * periods),
            )
    fee = 0 if upfront or not fee_num else div_round(principal_fen * fee_num * regular, fee_den, rounding)
    if method is RepaymentMethod.EQUAL_INSTALLMENT:
        principal, interest_column = _equal_installment(terms, fee, basis, ends)
    elif method is RepaymentMethod.FLAT:
        principal, interest_column = _flat(terms, fee, basis, ends)
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
    if terms.interest_grace_periods:
        interest_column = _interest_grace(terms, interest_column)
    return assemble(
        terms,
        ends,
        principal=principal,
        interest=interest_column,
        fee=[fee] * count,
        upfront_fee=whole_fee * upfront,
    )


def periods_for_level(terms: LoanTerms, grace: int, level: int) -> int:
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
