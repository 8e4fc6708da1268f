"""Repayment schedules (还款计划): loan terms in, a tuple of instalments out, exact to the fen.

Concepts, one module each:

* :mod:`~revolve.schedule.terms` — :class:`LoanTerms`, everything a schedule depends on, and the enums
  it is made of (:class:`RepaymentMethod`, :class:`InterestGrace`, :class:`RatePeriod`, :class:`InterestMode`,
  :class:`FeeTiming`, :class:`PrepaymentOption`);
* :mod:`~revolve.schedule.installments` — :class:`Installment`, one due date with its principal,
  interest, fee, total and the principal balance left after it; :class:`Schedule`, the instalments and
  their totals;
* :mod:`~revolve.schedule.amortisation` — :func:`generate_schedule` builds a schedule, method by method;
* :mod:`~revolve.schedule.effective` — :func:`effective_annual_rate`, the compounded rate a schedule
  implies (实际年化利率), to set beside a flat or fee-laden loan's nominal rate;
* :mod:`~revolve.schedule.rescheduling` — :func:`reschedule_extension` (展期) and
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

The package is pure: it imports only the standard library and revolve's core, and never reads a clock.
"""

from __future__ import annotations

from revolve.schedule.amortisation import generate_schedule
from revolve.schedule.effective import effective_annual_rate
from revolve.schedule.installments import Installment, Schedule
from revolve.schedule.rescheduling import reschedule_after_prepayment, reschedule_extension
from revolve.schedule.terms import (
    FeeTiming,
    InterestGrace,
    InterestMode,
    LoanTerms,
    PrepaymentOption,
    RatePeriod,
    RepaymentMethod,
)

__all__ = [
    "FeeTiming",
    "Installment",
    "InterestGrace",
    "InterestMode",
    "LoanTerms",
    "PrepaymentOption",
    "RatePeriod",
    "RepaymentMethod",
    "Schedule",
    "effective_annual_rate",
    "generate_schedule",
    "reschedule_after_prepayment",
    "reschedule_extension",
]
