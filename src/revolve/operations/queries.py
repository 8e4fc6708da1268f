"""Queries: reading a fund's lending — loans, schedules, receipts, how late loans are, the ageing, the
fund's headline figures, and the whole portfolio as one snapshot for reports.

How late a loan is comes from the one rule of :mod:`revolve.loans.position`, which the quarterly figures,
the loan register and the repayment statement use too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from revolve.chart import AccountKey, AccountRole
from revolve.checks import ref_of
from revolve.funds import FundFigures
from revolve.loans import Ageing, Due, Loan, LoanSchedule, LoanStatus, Receipt, ScheduleVersion, ageing
from revolve.loans.position import loan_position
from revolve.money import Money
from revolve.operations.books import Family, FundRef
from revolve.portfolio import Portfolio, receipts_by_loan, schedules_by_loan
from revolve.ratios import Ratio
from revolve.schedule import LoanTerms
from revolve.store import accounts as store_accounts
from revolve.store import figures as store_figures
from revolve.store import funds as store_funds
from revolve.store import loans as store_loans
from revolve.store import receipts as store_receipts
from revolve.store.portfolio import load_portfolio, load_portfolios

__all__ = ["Queries"]

R = AccountRole


class Queries(Family):
    """Reading loans, schedules, receipts, delinquency and the fund's figures."""

    def loan(self, fund: FundRef, ref: Loan | int | str) -> Loan:
        """The loan with this id or number, with its repayment state.

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_loans.find_loan(conn, found.id, ref_of(ref))

    def loans(self, fund: FundRef, *, status: LoanStatus | None = None) -> list[Loan]:
        """The fund's loans (of one status).

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_loans.list_loans(conn, found.id, status=status)

    def schedule(
        self, fund: FundRef, loan: Loan | int | str, *, version: int | None = None
    ) -> tuple[Due, ...]:
        """The instalments of a loan's schedule (the current version unless one is named).

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            return store_loans.dues(conn, found.id, ln.id, version or ln.schedule_version)

    def loan_terms(self, fund: FundRef, loan: Loan | int | str, *, version: int = 1) -> LoanTerms:
        """The terms a schedule version of a loan was generated from (the terms it was paid out on, unless
        a later version is named): what its 借款借据 prints.

        Raises:
            UnknownLoan: no such loan.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            return store_loans.terms_of_version(conn, found.id, ln.id, version)

    def schedule_versions(self, fund: FundRef, loan: Loan | int | str) -> list[ScheduleVersion]:
        """Every schedule version of a loan; extensions and reschedulings keep the old ones.

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_loans.schedule_versions(
                conn, found.id, store_loans.find_loan(conn, found.id, ref_of(loan)).id
            )

    def receipts(self, fund: FundRef, loan: Loan | int | str) -> list[Receipt]:
        """Every receipt on a loan: repayments (by whom, how allocated) and recoveries.

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_receipts.receipts(conn, store_loans.find_loan(conn, found.id, ref_of(loan)).id)

    def receipts_by_number(self, fund: FundRef, numbers: Iterable[str]) -> dict[str, Receipt]:
        """The fund's receipts with these receipt numbers (还款凭证号), by number; numbers not used yet are
        left out.

        Raises:
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            return store_receipts.find_receipts(conn, found.id, numbers)

    def days_past_due(self, fund: FundRef, loan: Loan | int | str, *, as_of: date) -> int:
        """Days since the oldest instalment due by ``as_of`` that was not fully paid by then (0 for a loan
        closed or written off by then).

        Raises:
            UnknownLoan: no such loan.
            UnknownFund: no fund has this id or code.
        """
        with self._books.reading(fund) as (conn, found):
            ln = store_loans.find_loan(conn, found.id, ref_of(loan))
            versions = [
                LoanSchedule(
                    ln.id, v.version, v.effective_on, store_loans.dues(conn, found.id, ln.id, v.version)
                )
                for v in store_loans.schedule_versions(conn, found.id, ln.id)
            ]
            return loan_position(
                ln, versions, store_receipts.receipts(conn, ln.id), as_of=as_of
            ).days_past_due

    def ageing(self, fund: FundRef, *, as_of: date) -> Ageing:
        """The fund's loans outstanding on ``as_of`` by days past due (current, 1–30, 31–60, 61–90, 90+),
        with PAR30.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        p = self.portfolio(fund)
        schedules, receipts = schedules_by_loan(p), receipts_by_loan(p)
        positions = (loan_position(ln, schedules[ln.id], receipts[ln.id], as_of=as_of) for ln in p.loans)
        return ageing((pos.outstanding, pos.days_past_due) for pos in positions if pos.outstanding.fen > 0)

    def portfolio(self, fund: FundRef, *, settled_before: date | None = None) -> Portfolio:
        """A frozen snapshot of the fund's whole lending — loans, schedules, receipts, write-offs,
        contributions, outflows, households and their records, guarantors — read in one transaction,
        for reports to compute from.

        Args:
            fund: the fund.
            settled_before: for a report of periods starting on this day or later: the loans settled
                before it (closed and repaid in full, nothing falling due or received since) are summed
                up in ``Portfolio.settled`` instead of read one by one, so the read grows with the
                lending still live then, not with the fund's age. None: every loan is read.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``settled_before`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, found):
            return load_portfolio(conn, found.id, settled_before=settled_before)

    def portfolios(self, funds: Sequence[FundRef], *, settled_before: date | None = None) -> list[Portfolio]:
        """The snapshots of several funds (:meth:`portfolio` of each, in this order), read in one
        transaction and each table once for all of them: a roll-up over an org's subtree costs a handful
        of queries, not a handful a fund.

        Args:
            funds: the funds (objects, ids or codes).
            settled_before: as for :meth:`portfolio`.

        Raises:
            UnknownFund: one of them is no fund.
            InvalidDate: ``settled_before`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.tx(write=False) as conn:
            found = store_funds.find_funds(conn, [ref_of(f) for f in funds])
            return load_portfolios(conn, [f.id for f in found], settled_before=settled_before)

    def figures(self, fund: FundRef, *, as_of: date | None = None) -> FundFigures:
        """Capital by source, cumulative disbursed, households served, outstanding, turnover and rounds.

        Raises:
            UnknownFund: no fund has this id or code.
            InvalidDate: ``as_of`` is not a date (a ``datetime`` or a text is refused).
        """
        with self._books.reading(fund) as (conn, f):
            by_source = store_figures.capital_by_source(conn, f.id, as_of)
            capital = Money.total(by_source.values())
            disbursed = store_figures.disbursed_total(conn, f.id, as_of)
            loans = [
                ln for ln in store_loans.list_loans(conn, f.id) if as_of is None or ln.disbursed_on <= as_of
            ]
            if as_of is None:
                outstanding = Money.total(ln.outstanding for ln in loans)
                cash = Money(store_accounts.role_balance(conn, f.id, R.FUND_CASH))
                held = Money(-store_accounts.role_balance(conn, f.id, R.PLEDGE_DEPOSITS))
            else:
                outstanding = Money(
                    sum(store_accounts.subledger_balances(conn, f.id, R.LOANS_RECEIVABLE, as_of).values())
                )
                cash = Money(
                    store_accounts.account_balance_by_key(conn, f.id, AccountKey(R.FUND_CASH), as_of)
                )
                held = Money(
                    -store_accounts.account_balance_by_key(conn, f.id, AccountKey(R.PLEDGE_DEPOSITS), as_of)
                )
            written = [
                w for w in store_receipts.write_offs(conn, f.id) if as_of is None or w.written_on <= as_of
            ]
            return FundFigures(
                fund=f,
                as_of=as_of,
                capital_by_source=by_source,
                capital=capital,
                disbursed=disbursed,
                households_served=len({ln.household_id for ln in loans}),
                loans=len(loans),
                outstanding=outstanding,
                cash=cash,
                available=cash - held,
                turnover=Ratio(disbursed, capital),
                max_round=max((ln.round for ln in loans), default=0),
                written_off=Money.total(w.amount for w in written),
                recovered_after_write_off=Money.total(
                    r.amount
                    for w in written
                    for r in store_receipts.receipts(conn, w.loan_id)
                    if r.kind == "recovery" and (as_of is None or r.value_date <= as_of)
                ),
            )
