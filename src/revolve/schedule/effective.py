"""The effective annual rate a schedule implies (实际年化利率): what the borrower really pays.

A flat rate (等本等息) or an up-front fee makes the quoted rate understate the cost of a loan: the
borrower pays interest on the whole principal while she repays it month by month. The effective annual
rate is the internal rate of return of her cash flows — the disbursement less any up-front fee, then
every instalment on its due date — with time in days over a 365-day year, compounded (an XIRR). It is
the figure to set beside the nominal rate when a borrower is told what a loan costs.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from revolve.errors import InvalidTerms
from revolve.schedule.installments import Schedule

__all__ = ["effective_annual_rate"]

_STEPS = 32  # 2**-32 of the bracket: far below the hundredth of a per cent returned


def effective_annual_rate(schedule: Schedule) -> Decimal:
    """The compounded annual rate at which the schedule's payments repay what the borrower received.

    Solves ``Σ_k total_k / (1 + r)^(days_k / 365) = principal − upfront_fee`` for ``r`` by bisection,
    with ``days_k`` the days from the start to instalment k's due date.

    Args:
        schedule: a repayment schedule.

    Returns:
        ``r`` rounded to a hundredth of a per cent (``Decimal("0.2118")`` is 21.18 %); 0 for an
        interest- and fee-free loan.

    Raises:
        InvalidTerms: ``schedule`` is not a Schedule, or the up-front fee is the whole principal.
    """
    if not isinstance(schedule, Schedule):
        raise InvalidTerms("schedule", schedule, reason="schedule")
    terms = schedule.terms
    received = Decimal(terms.principal.fen - schedule.upfront_fee.fen)
    if received <= 0:
        raise InvalidTerms("schedule", schedule, reason="fee_all")
    flows = [(Decimal(item.total.fen), (item.due_date - terms.start).days) for item in schedule.installments]
    if sum(amount for amount, _ in flows) <= received:
        return Decimal(0)
    with localcontext() as context:
        context.prec = 20
        low, high = Decimal(0), Decimal(1)
        while _present_value(flows, high) > received:  # the rate is above `high`
            low, high = high, high * 2
        for _ in range(_STEPS):
            middle = (low + high) / 2
            if _present_value(flows, middle) > received:
                low = middle
            else:
                high = middle
    return ((low + high) / 2).quantize(Decimal("0.0001"))


def _present_value(flows: list[tuple[Decimal, int]], rate: Decimal) -> Decimal:
    daily = ((1 + rate).ln() / -365).exp()  # one day's discount factor, (1 + r)^(−1/365)
    return sum((amount * daily**days for amount, days in flows), Decimal(0))
