"""The bad-debt allowance (坏账准备): each fund's policy (a rate per ageing bucket), the allowance it
requires on a date, and the true-up (补提 / 冲减) that brings the books to it. The decisions are pure
(:mod:`revolve.loans.allowance`); this family reads the loans' positions and the allowance's balance under
the fund's lock, and writes the policy or the entry. Write-offs and recoveries, which move the allowance
too, are :class:`revolve.operations.losses.Losses`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.errors import InvalidTerms
from revolve.journal import Entry
from revolve.loans.allowance import (
    AllowancePolicy,
    AllowanceTrueUp,
    RequiredAllowance,
    allowance_policy_in_force,
    decide_true_up,
    required_allowance,
)
from revolve.loans.position import LoanPosition, loan_position
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.portfolio import Portfolio, receipts_by_loan, schedules_by_loan
from revolve.store import accounts as store_accounts
from revolve.store import allowance as store_allowance
from revolve.store.portfolio import load_portfolio

__all__ = ["Allowances"]

_ALLOWANCE = AccountKey(AccountRole.BAD_DEBT_ALLOWANCE)


def _positions(portfolio: Portfolio, on: date) -> list[LoanPosition]:
    schedules, receipts = schedules_by_loan(portfolio), receipts_by_loan(portfolio)
    return [loan_position(ln, schedules[ln.id], receipts[ln.id], as_of=on) for ln in portfolio.loans]


class Allowances(Family):
    """The allowance policy, the required allowance and its true-up."""

    def set_allowance_policy(self, fund: FundRef, policy: AllowancePolicy) -> None:
        """Put an allowance policy in force from its ``effective_from`` date (a policy set earlier for
        the same date is replaced). Nothing is posted: the next ``true_up_allowance`` applies it.

        Raises:
            InvalidTerms: ``policy`` is not an :class:`AllowancePolicy`.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        if not isinstance(policy, AllowancePolicy):
            raise InvalidTerms("policy", policy, reason="allowance_policy")
        with self._books.locked(fund) as unit:
            store_allowance.upsert_allowance_policy(unit.conn, unit.fund.id, policy)

    def allowance_policy(self, fund: FundRef, *, on: date) -> AllowancePolicy:
        """The allowance policy in force on a date (revolve's default when none was set).

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``on`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return allowance_policy_in_force(store_allowance.allowance_policies(conn, found.id), on)

    def required_allowance(self, fund: FundRef, *, as_of: date) -> RequiredAllowance:
        """The allowance the policy in force requires on ``as_of`` (应计提的坏账准备金额), by ageing bucket;
        nothing is posted.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            policy = allowance_policy_in_force(store_allowance.allowance_policies(conn, found.id), as_of)
            return required_allowance(_positions(load_portfolio(conn, found.id), as_of), policy)

    def true_up_allowance(self, fund: FundRef, *, on: date) -> AllowanceTrueUp:
        """Bring the allowance to what the policy requires on ``on`` (补提 / 冲减).

        当期应补提或冲减的坏账准备 = 应计提的坏账准备金额 − 坏账准备期初贷方余额 (民间非营利组织会计制度, 1131
        坏账准备 note): a shortfall posts Dr 管理费用—坏账损失 / Cr 坏账准备, an excess the reverse, and
        nothing is posted when they agree. The balance compared is the allowance's on ``on``: entries
        dated later (a later write-off, a later true-up) are not in it, so a back-dated true-up is right
        as of its own date and the next one corrects any later date.

        Returns:
            The required allowance, the balance before, the adjustment and the entry posted (None when
            the adjustment is zero).

        Raises:
            PeriodClosed: ``on`` is in a closed period.
            UnknownFund: no fund has this id or code.
            BooksBusy: the database stayed busy (lock or serialization); nothing was written: run it again.
        """
        with self._books.locked(fund) as unit:
            conn, f = unit.conn, unit.fund
            policy = allowance_policy_in_force(store_allowance.allowance_policies(conn, f.id), on)
            balance = Money(-store_accounts.account_balance_by_key(conn, f.id, _ALLOWANCE, as_of=on))
            positions = _positions(load_portfolio(conn, f.id), on)
            outcome = decide_true_up(positions, policy=policy, balance=balance, fund=f, on=on)
            if not isinstance(outcome.entry, Entry):
                return outcome
            (posted,) = self._books.write(unit, [outcome.entry])
            return replace(outcome, entry=posted)
