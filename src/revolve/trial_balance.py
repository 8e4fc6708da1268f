"""The trial balance (科目余额表): every account of a fund with its turnover and balance, as of a date.

Built from per-role sums the store provides; sub-ledger accounts (one receivable per loan) are summed
under their role. Balances are shown on the account's normal side: a debit balance in the debit column
for assets and expenses, a credit balance in the credit column for liabilities, net assets and revenue
(and for the contra-asset 坏账准备). Because every entry balances, total debits equal total credits at
every date; :attr:`TrialBalance.balanced` says so, and ``check()`` proves it for every date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from revolve.chart import AccountKind, AccountRole, Chart
from revolve.funds import Fund
from revolve.money import Money

__all__ = ["TrialBalance", "TrialBalanceLine", "build_trial_balance"]


@dataclass(frozen=True, slots=True)
class TrialBalanceLine:
    """One account of the trial balance."""

    role: AccountRole
    code: str
    name_zh: str
    name_en: str
    kind: AccountKind
    debit_turnover: Money
    credit_turnover: Money
    balance: Money
    """Signed balance, positive = debit."""

    @property
    def debit_balance(self) -> Money:
        """The balance if it is a debit, else zero."""
        return self.balance if self.balance.fen > 0 else Money(0)

    @property
    def credit_balance(self) -> Money:
        """The balance, as a positive amount, if it is a credit, else zero."""
        return -self.balance if self.balance.fen < 0 else Money(0)


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """A fund's trial balance as of a date (``as_of=None``: everything posted so far)."""

    fund: Fund
    chart_title: str
    as_of: date | None
    lines: tuple[TrialBalanceLine, ...]

    @property
    def total_debit(self) -> Money:
        """Sum of the debit balances."""
        return Money.total(line.debit_balance for line in self.lines)

    @property
    def total_credit(self) -> Money:
        """Sum of the credit balances."""
        return Money.total(line.credit_balance for line in self.lines)

    @property
    def balanced(self) -> bool:
        """True when debits equal credits (the signed balances sum to zero) — on each side separately
        for a 政府会计制度 book, whose financial and budget entries each balance on their own."""
        return all(sum(line.balance.fen for line in side) == 0 for side in (self.financial, self.budget))

    @property
    def financial(self) -> tuple[TrialBalanceLine, ...]:
        """The financial-accounting lines (财务会计): every line of a 民非 book."""
        return tuple(line for line in self.lines if not line.kind.budget)

    @property
    def budget(self) -> tuple[TrialBalanceLine, ...]:
        """The budget-accounting lines (预算会计) of a 政府会计制度 book; empty for other charts."""
        return tuple(line for line in self.lines if line.kind.budget)

    def totals(self, *, budget: bool) -> tuple[Money, Money]:
        """(debit, credit) balance totals of one side: financial (``budget=False``) or budget."""
        side = self.budget if budget else self.financial
        return (
            Money.total(line.debit_balance for line in side),
            Money.total(line.credit_balance for line in side),
        )

    def line(self, role: AccountRole) -> TrialBalanceLine:
        """The line of one role."""
        for line in self.lines:
            if line.role == role:
                return line
        raise KeyError(role)


def build_trial_balance(
    fund: Fund, chart: Chart, by_role: Mapping[str, tuple[int, int, int]], *, as_of: date | None
) -> TrialBalance:
    """Assemble the trial balance from ``role → (balance, debit turnover, credit turnover)`` in fen.

    Every role of the chart gets a line, in code order, including those with nothing posted.
    """
    lines = []
    for spec in sorted(chart.specs, key=lambda s: s.code):
        balance, debit, credit = by_role.get(spec.role.value, (0, 0, 0))
        lines.append(
            TrialBalanceLine(
                role=spec.role,
                code=spec.code,
                name_zh=spec.name_zh,
                name_en=spec.name_en,
                kind=spec.kind,
                debit_turnover=Money(debit),
                credit_turnover=Money(credit),
                balance=Money(balance),
            )
        )
    return TrialBalance(fund=fund, chart_title=chart.title, as_of=as_of, lines=tuple(lines))
