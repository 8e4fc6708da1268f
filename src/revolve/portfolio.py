"""A fund's whole lending in one frozen snapshot, for reports to compute from.

The loan records themselves (:class:`~revolve.loans.Loan`, its receipts, schedule versions and
write-offs) live with the loan rules in :mod:`revolve.loans`; this module gathers them with the fund's
contributions, outflows, households and guarantors into one :class:`Portfolio` value.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from revolve.capital_pledges import CapitalPledge
from revolve.guarantees import Guarantor
from revolve.households import Household, HouseholdRecord
from revolve.loans.records import Batch, Loan, LoanSchedule, Receipt, WriteOff
from revolve.money import Money

__all__ = [
    "Contribution",
    "GuaranteeLink",
    "Outflow",
    "Portfolio",
    "SettledLoans",
    "cycle_collector_paused",
    "receipts_by_loan",
    "schedules_by_loan",
]


@dataclass(frozen=True, slots=True)
class Contribution:
    """Money given to the fund, by source, net of any reversal of it."""

    source: str
    amount: Money
    on: date


@dataclass(frozen=True, slots=True)
class Outflow:
    """Money that left the fund for good: a grant to a household, a subsidy, a return to finance."""

    kind: str
    amount: Money
    on: date
    household_id: int | None = None


@dataclass(frozen=True, slots=True)
class GuaranteeLink:
    """A guarantor answering for a loan (and the deposit pledged, for a deposit pledge)."""

    loan_id: int
    guarantor_id: int
    pledged: Money


@dataclass(frozen=True, slots=True)
class SettledLoans:
    """The loans of a fund settled before a day, summed up instead of read one by one.

    A loan is *settled before* ``before`` when, as the books stand when read, it was closed (结清) before
    that day by repayments of its whole principal, under its first and only schedule version, and has no
    instalment falling due and no receipt on or after that day (the rule is written once, in
    :mod:`revolve.store.settled`). For a period starting on ``before`` or later, such a loan's part in
    :func:`revolve.metrics.period_figures` is the same whatever the period:

    * it was lent before the period: one loan of its round in 累计发放笔数 and ``loans_by_round``, its
      principal in 累计发放额, its household among those served and helped (a distinct set, so a
      household with a live loan too counts once); never in the period's own lending;
    * every repayment is dated before the period: its principal in ``recovered_to_date``, nothing in
      the period's recoveries, interest or fees; as a closed loan it owes nothing on any later day, so
      it is in no outstanding, ageing, PAR, 逾期 or restructured figure, nor in any area line;
    * every instalment fell due before the period: nothing due in the period (到期还款率), and to date
      its whole schedule has fallen due (its version's principal, ``fallen_due``) and the smaller of
      that and its principal repaid counts as recovered against it (回收率);
    * it closed before the period's end: its household is among those whose loan closed (脱贫率（已结清户）).

    Nothing is stored: the summary is computed when the snapshot is read, so a receipt voided later, a
    recovery or a reopened period (反结账) can never leave it stale — a loan they touch is no longer
    settled and is read one by one again. Written-off loans are never settled (a recovery can come at
    any time), nor are voided ones.
    """

    before: date
    """The day from which the summary holds: figures may be asked for periods starting then or later."""
    by_round: tuple[tuple[int, int], ...]
    """(round, loans) for each round (轮次) of the settled loans, by round: adds to ``loans_by_round``,
    ``max_round`` and ``loans_to_date``."""
    principal: Money
    """Their principal lent, which is also their principal repaid (every repayment dated before ``before``).

    Adds to 累计发放额 (``disbursed_to_date``) and to ``recovered_to_date``."""
    fallen_due: Money
    """The principal of their schedules' instalments (all fallen due before ``before``): adds to
    ``fallen_due_to_date``."""
    recovered_against_due: Money
    """Per loan the smaller of principal repaid and principal fallen due, summed: adds to
    ``recovered_against_due``."""
    households: frozenset[int]
    """The households they were lent to (each closed its loan before ``before``): joins the sets of
    households served, helped and closed (and so their national IDs, :class:`~revolve.mothers.HouseholdKeys`)."""

    @property
    def loans(self) -> int:
        """How many loans are settled."""
        return sum(n for _, n in self.by_round)


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything a report needs about one fund, read in one go: a frozen snapshot of its lending.

    Reports compute their figures from this value with pure functions (:mod:`revolve.metrics`), so a
    quarterly report costs a handful of queries however many loans the fund has.
    """

    fund_id: int
    fund_code: str
    fund_name: str
    loans: tuple[Loan, ...]
    schedules: tuple[LoanSchedule, ...]
    receipts: tuple[Receipt, ...]
    write_offs: tuple[WriteOff, ...]
    contributions: tuple[Contribution, ...]
    outflows: tuple[Outflow, ...]
    households: tuple[Household, ...]
    records: tuple[HouseholdRecord, ...]
    guarantors: tuple[Guarantor, ...]
    guarantees: tuple[GuaranteeLink, ...]
    batches: tuple[Batch, ...]
    lent_before_opening: tuple[tuple[date, Money], ...] = ()
    """Principal lent before the fund's books opened in revolve by loans not brought in, with the opening
    day it counts from (empty when the books began in revolve): 累计发放 and 滚动次数 include it."""
    capital_pledges: tuple[CapitalPledge, ...] = ()
    """The register of pledges of capital (认捐), each with the contributions received on it: 资金到位率."""
    settled: SettledLoans | None = None
    """When the snapshot was read for periods from a day on (``Ledger.portfolio(settled_before=…)``), the
    loans settled before that day, summed up: ``loans``, ``schedules``, ``receipts`` and ``guarantees`` then
    hold only the other loans' (None: every loan is read one by one)."""


def schedules_by_loan(portfolio: Portfolio) -> dict[int, list[LoanSchedule]]:
    """Each loan's schedule versions, oldest first, by loan id (a loan without any maps to an empty list)."""
    found: dict[int, list[LoanSchedule]] = defaultdict(list)
    for schedule in portfolio.schedules:
        found[schedule.loan_id].append(schedule)
    return found


def receipts_by_loan(portfolio: Portfolio, *, through: date | None = None) -> dict[int, list[Receipt]]:
    """Each loan's receipts (dated ``through`` a day or before, when given), by loan id."""
    found: dict[int, list[Receipt]] = defaultdict(list)
    for receipt in portfolio.receipts:
        if through is None or receipt.value_date <= through:
            found[receipt.loan_id].append(receipt)
    return found


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector (:mod:`gc`) paused while many portfolios are made or folded into
    figures (a province's report), and resumed on the way out (left paused if it was paused before).

    The values made are frozen dataclasses, tuples and dicts of them that form no reference cycle, so
    reference counting frees every one: the collector has nothing to find, yet the tens of thousands of
    objects a roll-up makes set off its passes over every object alive again and again, a third of the
    report's time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
