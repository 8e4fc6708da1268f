"""Property: over random operation sequences on a ``gov`` fund, both sides of the book balance, the year-end
close leaves every revenue, expense, budget revenue and expenditure account at zero, and the 差异调节
reconciles 本年预算收支差额 to 本期盈余 exactly — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from revolve import AccountRole, Ledger
from revolve.budget import reconcile
from revolve.chart import GOV_CHART, AccountKind
from revolve.funds import Fund
from revolve.gov_statements import budget_lines, income_expense_lines
from revolve.money import Money
from revolve.rules import (
    PayerKind,
    RepaymentSplit,
    disbursement_entry,
    grant_entry,
    provision_entry,
    repayment_entry,
    subsidy_entry,
    write_off_entry,
)

R = AccountRole
START = date(2020, 1, 1)
SOURCES = ("fiscal", "upper_level", "nonpeer_fiscal", "matching", "donation", "other")
OPS = st.sampled_from(
    (*SOURCES, "lend", "repay", "grant", "subsidy", "provide", "write_off", "return", "reverse")
)
plan = st.lists(
    st.tuples(OPS, st.integers(0, 364), st.integers(1, 500_000), st.integers(0, 9)), min_size=1, max_size=25
)
_FLOWS = (AccountKind.REVENUE, AccountKind.EXPENSE, AccountKind.BUDGET_REVENUE, AccountKind.BUDGET_EXPENSE)


def test_government_books_balance_close_and_reconcile(
    ledger: Ledger, backend: str, make_fund: Callable[..., Fund]
) -> None:
    codes = itertools.count(1)

    @settings(
        max_examples=int(30 * EXAMPLES[backend]),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(plan=plan)
    def run(plan: list[tuple[str, int, int, int]]) -> None:
        fund = make_fund(f"G{next(codes)}", chart="gov")
        cash = 0
        loans: dict[str, int] = {}
        posted = []
        for n, (op, day, fen, pick) in enumerate(sorted(plan, key=lambda p: p[1])):
            on, amount = START + timedelta(days=day), Money(fen)
            if op in SOURCES:
                posted.append(ledger.contribute(fund, amount=amount, on=on, source=op))
                cash += fen
            elif op == "lend" and fen <= cash:
                ledger.post_entries(
                    fund, [disbursement_entry(loan=f"L{n}", amount=amount, on=on, memo="", key=None)]
                )
                loans[f"L{n}"], cash = fen, cash - fen
            elif op in ("repay", "write_off") and loans:
                number = sorted(loans)[pick % len(loans)]
                principal = min(fen, loans[number])
                if op == "repay":
                    interest = Money(fen % 1000)
                    split = RepaymentSplit(Money(principal), interest, Money(0), Money(0))
                    entry = repayment_entry(
                        loan=number, split=split, on=on, payer=PayerKind.BORROWER, receipt=f"R{n}", memo=""
                    )
                    cash += principal + interest.fen
                else:
                    entry = write_off_entry(loan=number, amount=Money(principal), on=on, memo="")
                ledger.post_entries(fund, [entry])
                loans[number] -= principal
                if not loans[number]:
                    del loans[number]
            elif op in ("grant", "subsidy") and fen <= cash:
                rule = grant_entry if op == "grant" else subsidy_entry
                ledger.post_entries(fund, [rule(amount=amount, on=on, memo="", key=None)])
                cash -= fen
            elif op == "provide":
                ledger.post_entries(fund, [provision_entry(amount=amount, on=on, memo="")])
            elif op == "return" and fen <= cash:
                ledger.return_to_finance(fund, amount=amount, on=on, reference=f"X{n}")
                cash -= fen
            elif op == "reverse" and posted:
                target = posted.pop(pick % len(posted))
                brought = target.total.fen
                if brought <= cash:
                    ledger.reverse(fund, target, on=on)
                    cash -= brought
            tb = ledger.trial_balance(fund)
            assert tb.balanced  # each side on its own
        end = date(2020, 12, 31)
        (sums,) = ledger.kind_sums(fund, [(START, end)])
        rec = reconcile(GOV_CHART, ((s.kind, s.role, s.debit - s.credit) for s in sums))
        assert rec.reconciles
        assert rec.surplus == dict(income_expense_lines(GOV_CHART, sums))["gi_surplus"]
        assert rec.budget_surplus == dict(budget_lines(GOV_CHART, sums))["gp_surplus"]
        ledger.close_period(fund, through=end)
        tb = ledger.trial_balance(fund)
        assert tb.balanced
        for line in tb.lines:
            if line.kind in _FLOWS or line.role in (R.CURRENT_SURPLUS, R.SURPLUS_DISTRIBUTION):
                assert line.balance == Money(0), line.code
        assert tb.line(R.FUND_CASH).balance == Money(cash)
        # after the close, 资金结存 is carried in the two 结转 accounts, and 累计盈余 holds the year's result
        carried = tb.line(R.BUDGET_FISCAL_CARRYOVER).balance + tb.line(R.BUDGET_NONFISCAL_CARRYOVER).balance
        assert tb.line(R.BUDGET_FUNDS).balance == -carried
        returned = sum(
            s.debit - s.credit
            for s in sums
            if s.kind == "return_to_finance" and s.role == R.UNRESTRICTED_NET_ASSETS
        )
        assert -tb.line(R.UNRESTRICTED_NET_ASSETS).balance == rec.surplus - Money(returned)
        # the close's result is the statements' own: re-read after the close, the flows are the same
        (again,) = ledger.kind_sums(fund, [(START, end)])
        assert reconcile(GOV_CHART, ((s.kind, s.role, s.debit - s.credit) for s in again)) == rec

    run()
