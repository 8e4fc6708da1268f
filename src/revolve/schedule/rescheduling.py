"""Rescheduling: a new schedule from the principal outstanding on a date.

* :func:`reschedule_extension` (展期) moves the maturity out by some periods on the same due-date grid;
* :func:`reschedule_after_prepayment` (提前还款) keeps the due dates and lowers the instalments, or keeps
  the instalment and ends the loan sooner.

Either way the new terms start on the date, carry explicit due dates and keep the method and rates; an
up-front fee is not charged again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from revolve.checks import check_choice, check_money, check_term_date, check_whole
from revolve.dates import add_months, due_dates
from revolve.errors import Hint, InvalidTerms
from revolve.money import Money
from revolve.schedule.amortisation import broken_first_period, generate_schedule, periods_for_level
from revolve.schedule.installments import Schedule
from revolve.schedule.terms import FeeTiming, InterestGrace, LoanTerms, PrepaymentOption, RepaymentMethod

__all__ = ["reschedule_after_prepayment", "reschedule_extension"]


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
        raise InvalidTerms("terms", terms, reason="current_terms")
    check_term_date("on", on)
    if on < terms.start:
        raise InvalidTerms("on", on, reason="before_start", start=terms.start.isoformat())
    check_money("outstanding", outstanding, positive=True, terms=True)
    if terms.method is RepaymentMethod.CUSTOM:
        raise InvalidTerms("method", terms.method, reason="custom_reschedule")
    if (
        terms.interest_grace_periods
        and terms.interest_grace is InterestGrace.DEFERRED
        and on >= terms.period_end_dates()[0]
    ):
        # interest deferred from grace periods already passed is owed outside the principal outstanding
        raise InvalidTerms(
            "on",
            on,
            reason="deferred_interest",
        )


def _remaining(grid: tuple[date, ...], periods: int, on: date) -> int:
    """How many of the first ``periods`` periods of the grid end after ``on``."""
    return sum(1 for end in grid[:periods] if end > on)


def _rescheduled(
    terms: LoanTerms, on: date, outstanding: Money, ends: tuple[date, ...], grace: int
) -> LoanTerms:
    # An up-front fee settled the original term at disbursement; a fee for an extension, if the
    # programme charges one, is its own decision, so the new schedule charges none up front.
    fee_rate = Decimal(0) if terms.fee_timing is FeeTiming.UPFRONT else terms.fee_rate
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
        interest_grace_periods=min(
            _remaining(_grid(terms, terms.term), terms.interest_grace_periods, on), len(ends) - 1
        ),
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
        raise InvalidTerms("on", on, reason="after_extended", maturity=grid[-1].isoformat())
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
    option = check_choice(PrepaymentOption, "option", option, terms=True)
    grid = terms.period_end_dates()
    remaining = tuple(end for end in grid if end > on)
    if not remaining:
        raise InvalidTerms("on", on, reason="after_last_due", last_due=grid[-1].isoformat())
    grace = min(sum(1 for end in grid[: terms.grace_periods] if end > on), len(remaining) - 1)
    if option is PrepaymentOption.FEWER_INSTALLMENTS:
        method = terms.method
        if method not in (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL):
            raise InvalidTerms(
                "option",
                option,
                reason="fewer_bullet",
                method=str(method),
                hint=Hint(argument="prepayment", values=("lower_installments",)),
            )
        # an instalment at the level: after the principal grace, not a long first period's (which carries
        # the broken period's extra interest), and without an interest grace's waived or deferred interest
        level_at = terms.grace_periods + broken_first_period(terms)
        old_items = generate_schedule(replace(terms, interest_grace_periods=0)).installments
        old = old_items[min(level_at, len(old_items) - 1)]
        amortising = len(remaining) - grace
        if method is RepaymentMethod.EQUAL_PRINCIPAL:
            per_period = max(old.principal.fen, 1)
            periods = min(amortising, -(-outstanding.fen // per_period))
        else:
            periods = periods_for_level(
                _rescheduled(terms, on, outstanding, remaining, grace),
                grace,
                old.principal.fen + old.interest.fen,
            )
        remaining = remaining[: grace + periods]
    return generate_schedule(_rescheduled(terms, on, outstanding, remaining, grace))
