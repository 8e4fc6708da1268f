"""Each loan of a portfolio where it stands on a day, computed once and shared by a report's figures.

:class:`Positions` holds, per loan and day, the loan's position (:func:`revolve.loans.position.loan_position`)
and the principal that had fallen due by then with what was recovered against it (the two parts of
回收率, :mod:`revolve.metrics`). Pure, no I/O: the answers are functions of the frozen portfolio.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from revolve.loans import Loan, LoanSchedule, LoanStatus, Receipt
from revolve.loans.position import LoanPosition, loan_position
from revolve.money import Money
from revolve.portfolio import Portfolio, receipts_by_loan, schedules_by_loan

__all__ = ["Positions"]


def _principal_repaid(receipts: Sequence[Receipt], on: date) -> Money:
    return Money(sum(r.principal.fen for r in receipts if r.kind == "repayment" and r.value_date <= on))


def _fallen_due(
    loan: Loan, schedules: Sequence[LoanSchedule], receipts: Sequence[Receipt], on: date
) -> Money:
    """Principal of the loan that had fallen due by ``on``, under the schedules in force at each date.

    Each version counts the principal repaid under the versions before it plus its own instalments
    due while it was in force (from its effective date to the day before the next version's, or to
    ``on``). What had fallen due never falls back: a version made later (an extension, 展期) that
    spreads unpaid arrears over new dates cannot lower the figure, so the result is the largest of
    these sums. A prepayment's version starts from principal already repaid, so it changes nothing.
    """
    if loan.status is LoanStatus.WRITTEN_OFF and loan.closed_on is not None:
        on = min(on, loan.closed_on)
    fallen = 0
    for index, version in enumerate(schedules):
        if version.effective_on > on:
            break
        last = on
        if index + 1 < len(schedules) and schedules[index + 1].effective_on <= on:
            last = date.fromordinal(schedules[index + 1].effective_on.toordinal() - 1)
        earlier = sum(
            r.principal.fen
            for r in receipts
            if r.kind == "repayment" and r.schedule_version < version.version
        )
        due = sum(d.principal.fen for d in version.dues if d.due_date <= last)
        fallen = max(fallen, earlier + due)
    return Money(fallen)


class Positions:
    """Each loan of one portfolio where it stands on a day, computed once and shared.

    A report asks the same questions of a loan many times: the 季报表's three columns (本期, 本年累计,
    上年同期) and its two area tables (乡镇, 村) all take the loan's position at the period's end, and two
    of the columns end on the same day. Pass one :class:`Positions` to every
    :func:`revolve.metrics.period_figures` and :func:`revolve.area_figures.overdue_by_area` of a portfolio
    and each loan's position (and principal fallen due) on a day is computed once. The answers are pure functions of the portfolio, which is
    frozen, so sharing them changes no figure.
    """

    __slots__ = ("_due", "_seen", "portfolio", "receipts", "schedules")

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.schedules = schedules_by_loan(portfolio)
        self.receipts = receipts_by_loan(portfolio)
        self._seen: dict[tuple[int, date], LoanPosition] = {}
        self._due: dict[tuple[int, date], tuple[Money, Money]] = {}

    def at(self, loan: Loan, on: date) -> LoanPosition:
        """The loan's position on ``on`` (:func:`revolve.loans.position.loan_position`)."""
        key = (loan.id, on)
        found = self._seen.get(key)
        if found is None:
            found = loan_position(loan, self.schedules[loan.id], self.receipts[loan.id], as_of=on)
            self._seen[key] = found
        return found

    def fallen_due(self, loan: Loan, on: date) -> tuple[Money, Money]:
        """(principal fallen due by ``on``, principal recovered against it): the 回收率's two parts."""
        key = (loan.id, on)
        found = self._due.get(key)
        if found is None:
            plan, mine = self.schedules[loan.id], self.receipts[loan.id]
            owed = _fallen_due(loan, plan, mine, on)
            found = (owed, min(_principal_repaid(mine, on), owed))
            self._due[key] = found
        return found

    def of(self, portfolio: Portfolio) -> Positions:
        """This, checked to be of ``portfolio``.

        Raises:
            ValueError: it belongs to another portfolio.
        """
        if portfolio is not self.portfolio:
            raise ValueError("these positions are of another portfolio")
        return self
