"""A fund's whole lending in one frozen snapshot, for reports to compute from.

The loan records themselves (:class:`~revolve.loans.Loan`, its receipts, schedule versions and
write-offs) live with the loan rules in :mod:`revolve.loans`; this module gathers them with the fund's
contributions, outflows, households and guarantors into one :class:`Portfolio` value.
"""

from __future__ import annotations

from collections import defaultdict
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

    A loan is *settled before* ``before`` when, as the books stand now, it is closed (结清) before that
    day, repaid in full by its own repayments (its principal repaid equals its principal, so nothing is
    outstanding), has a single schedule version (no extension or prepayment rebuilt it), and has no
    instalment falling due, no receipt and no schedule change on or after that day. From ``before`` on,
    such a loan's part in every figure of :func:`revolve.metrics.period_figures` is the same whatever
    the period, so long as the period starts on or after ``before``: it counts in the loans, rounds,
    households and principal lent to date, in what was recovered to date and, as a matured loan, in
    principal fallen due and recovered against it (both its whole schedule); it is outstanding,
    late, due or paid in no such period. Computed from the books when read (never stored), so a receipt
    voided later, a recovery or a reopened period can never leave it stale.
    """

    before: date
    """The day from which the summary holds: figures may be asked for periods starting then or later."""
    by_round: tuple[tuple[int, int], ...]
    """(round, loans) for each round (轮次) of the settled loans, by round."""
    principal: Money
    """Their principal lent, which is also their principal repaid (every repayment dated before ``before``)."""
    fallen_due: Money
    """The principal of their schedules' instalments (all fallen due before ``before``)."""
    recovered_against_due: Money
    """Per loan the smaller of principal repaid and principal fallen due, summed."""
    households: frozenset[int]
    """The households they were lent to (each closed its loan before ``before``)."""

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
