"""Where a loan stands as of a date: its status then, the principal outstanding, and how late it is.

One rule, used by the ledger's queries (``days_past_due``, ``ageing``), the quarterly figures
(:mod:`revolve.metrics`), the loan register and the repayment statement alike:

* before the loan is paid out it owes nothing and is not late;
* **outstanding** (未还本金) = principal − principal repaid by the date − written off by the date;
* a loan **written off** by the date is not late (it has left the performing portfolio: DESIGN §6);
  a loan with nothing outstanding is **closed** and not late either;
* otherwise it is **active**, and its **days past due** (逾期天数) come from the schedule version in force
  on the date and what was paid under that version by then (:func:`revolve.loans.dues.days_past_due`).

Pure: the loan's schedule versions and receipts are handed in; nothing is read, and there is no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from revolve.loans.ageing import AgeingBucket, bucket_for
from revolve.loans.dues import days_past_due
from revolve.loans.records import Loan, LoanSchedule, LoanStatus, Receipt
from revolve.money import Money

__all__ = ["LoanPosition", "loan_position", "paid_in_version", "version_in_force"]

_ZERO = Money(0)


@dataclass(frozen=True, slots=True)
class LoanPosition:
    """A loan as of a date (see the module docstring for the rule)."""

    as_of: date
    status: LoanStatus
    """The loan's status on that date (a loan closed or written off later was still active then)."""
    outstanding: Money
    """Principal still owed on that date."""
    days_past_due: int
    """Days since the oldest instalment due by then and not settled by then; 0 unless active."""

    @property
    def bucket(self) -> AgeingBucket:
        """The ageing band of :attr:`days_past_due`."""
        return bucket_for(self.days_past_due)


def version_in_force(schedules: Sequence[LoanSchedule], on: date) -> LoanSchedule | None:
    """The schedule version in force on ``on``: the latest effective by then (versions oldest first)."""
    current = None
    for schedule in schedules:
        if schedule.effective_on <= on:
            current = schedule
    return current


def paid_in_version(receipts: Sequence[Receipt], version: int, on: date) -> Money:
    """What the repayments under schedule ``version`` paid by ``on`` (the waterfall's one number)."""
    return Money(
        sum(
            r.amount.fen
            for r in receipts
            if r.kind == "repayment" and r.schedule_version == version and r.value_date <= on
        )
    )


def loan_position(
    loan: Loan, schedules: Sequence[LoanSchedule], receipts: Sequence[Receipt], *, as_of: date
) -> LoanPosition:
    """Where ``loan`` stands on ``as_of``.

    Args:
        loan: the loan as the books hold it now.
        schedules: its schedule versions, oldest first, with their dues.
        receipts: its receipts (any date: those after ``as_of`` are left out here).
        as_of: the date asked about.

    Returns:
        Its status, outstanding principal and days past due on that date.
    """
    if loan.status is LoanStatus.VOIDED:
        # a voided loan was never lent, as the books now stand: nothing is owed on it on any date
        return LoanPosition(as_of, LoanStatus.VOIDED, _ZERO, 0)
    if as_of < loan.disbursed_on:
        return LoanPosition(as_of, LoanStatus.ACTIVE, _ZERO, 0)
    repaid = sum(r.principal.fen for r in receipts if r.kind == "repayment" and r.value_date <= as_of)
    written_off_by_then = (
        loan.status is LoanStatus.WRITTEN_OFF and loan.closed_on is not None and loan.closed_on <= as_of
    )
    written_off = loan.written_off.fen if written_off_by_then else 0
    outstanding = Money(loan.principal.fen - repaid - written_off)
    if written_off_by_then:
        return LoanPosition(as_of, LoanStatus.WRITTEN_OFF, outstanding, 0)
    if outstanding.fen <= 0:
        return LoanPosition(as_of, LoanStatus.CLOSED, outstanding, 0)
    version = version_in_force(schedules, as_of)
    if version is None:
        return LoanPosition(as_of, LoanStatus.ACTIVE, outstanding, 0)
    late = days_past_due(version.dues, paid=paid_in_version(receipts, version.version, as_of), as_of=as_of)
    return LoanPosition(as_of, LoanStatus.ACTIVE, outstanding, late)
