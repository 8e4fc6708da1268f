"""Financial statements in the layout of 民间非营利组织会计制度: the trial balance (科目余额表), the balance
sheet (资产负债表, 会民非01表) and the activity statement (业务活动表, 会民非02表).

revolve posts no period-closing entries, so the statements close the revenue and expense accounts into
net assets as they are drawn: restricted revenue (捐赠收入 and 政府补助收入, 限定性) into 限定性净资产;
unrestricted revenue and all expenses into 非限定性净资产; and, because restricted money spent on its
purpose is released from its restriction (domain.md §14.1, 解释 N2), every expense — grants, subsidies,
bad debts, money returned to finance — releases (限定性净资产转为非限定性净资产) as much restricted net
assets as it used, up to what is restricted. This release rule is a policy choice to confirm with the
association's accountant (domain.md §14.2).
"""

from __future__ import annotations

from datetime import date

from revolve.chart import AccountKind, AccountRole
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.trial_balance import TrialBalance

__all__ = ["build_activity_statement", "build_balance_sheet", "build_trial_balance", "net_assets"]

R = AccountRole
M, T = ColumnKind.MONEY, ColumnKind.TEXT
RESTRICTED_REVENUE = (R.DONATION_REVENUE, R.GRANT_REVENUE)
UNRESTRICTED_REVENUE = (
    R.DONATION_REVENUE_UNRESTRICTED,
    R.FEE_REVENUE,
    R.INTEREST_REVENUE,
    R.PENALTY_REVENUE,
    R.RECOVERY_REVENUE,
)
PROGRAM_COST = (R.GRANT_EXPENSE, R.SUBSIDY_EXPENSE, R.ALLOCATION_EXPENSE, R.ALLOCATION_INTERNAL)
ADMIN_EXPENSE = (R.BAD_DEBT_EXPENSE, R.FINANCE_RETURN_EXPENSE)


def _balance(tb: TrialBalance, *roles: AccountRole) -> Money:
    return Money.total(tb.line(r).balance for r in roles)


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def net_assets(tb: TrialBalance) -> tuple[Money, Money, Money]:
    """(unrestricted, restricted, released) net assets at the trial balance's date, closed as described above."""
    restricted = -_balance(tb, R.RESTRICTED_NET_ASSETS, *RESTRICTED_REVENUE)
    expenses = _balance(tb, *PROGRAM_COST, *ADMIN_EXPENSE)
    released = max(Money(0), min(expenses, restricted))
    unrestricted = -_balance(tb, R.UNRESTRICTED_NET_ASSETS, *UNRESTRICTED_REVENUE) - expenses + released
    return unrestricted, restricted - released, released


def build_trial_balance(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The trial balance (科目余额表) as of a date: turnover and closing balance per account."""
    f = ledger.fund(fund)
    tb = ledger.trial_balance(f, as_of=as_of)
    rows: list[tuple[Cell, ...]] = [
        (
            line.code,
            Term(f"account_{f.chart}_{line.role.value}"),
            line.debit_turnover,
            line.credit_turnover,
            line.debit_balance,
            line.credit_balance,
        )
        for line in tb.lines
        if not (line.balance.is_zero() and line.debit_turnover.is_zero() and line.credit_turnover.is_zero())
    ]
    table = Table(
        columns=(
            Column("code", "account_code", T),
            Column("account", "account_name", T),
            Column("debit_turnover", "debit_turnover", M),
            Column("credit_turnover", "credit_turnover", M),
            Column("debit_balance", "debit_balance", M),
            Column("credit_balance", "credit_balance", M),
        ),
        rows=tuple(rows),
        total=(
            Term("total"),
            None,
            Money.total(line.debit_turnover for line in tb.lines),
            Money.total(line.credit_turnover for line in tb.lines),
            tb.total_debit,
            tb.total_credit,
        ),
    )
    return Report(
        kind="trial_balance",
        title="trial_balance",
        subject=f.name,
        as_of=as_of,
        sections=(
            Section("chart", "chart_of_accounts", facts=(Fact("chart", tb.chart_title),)),
            Section("accounts", "trial_balance", table=table),
        ),
    )


def build_balance_sheet(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The balance sheet (资产负债表, 会民非01表) as of a date, with the figures at the start of its year."""
    f = ledger.fund(fund)
    now = ledger.trial_balance(f, as_of=as_of)
    opening = ledger.trial_balance(f, as_of=_before(date(as_of.year, 1, 1)))

    def lines(tb: TrialBalance) -> list[tuple[str, Money]]:
        unrestricted, restricted, _ = net_assets(tb)
        cash = _balance(tb, R.FUND_CASH)
        receivables = _balance(tb, R.LOANS_RECEIVABLE, R.DUE_FROM_FUND)
        allowance = -_balance(tb, R.BAD_DEBT_ALLOWANCE)
        assets = cash + receivables - allowance
        payables = -_balance(tb, R.PLEDGE_DEPOSITS, R.DUE_TO_FUND, R.PAYABLE_TO_FINANCE)
        return [
            ("bs_cash", cash),
            ("bs_receivables", receivables),
            ("bs_allowance", allowance),
            ("bs_receivables_net", receivables - allowance),
            ("bs_total_assets", assets),
            ("bs_other_payables", payables),
            ("bs_total_liabilities", payables),
            ("bs_unrestricted", unrestricted),
            ("bs_restricted", restricted),
            ("bs_total_net_assets", unrestricted + restricted),
            ("bs_total_liabilities_and_net_assets", payables + unrestricted + restricted),
        ]

    start, end = lines(opening), lines(now)
    table = Table(
        columns=(
            Column("item", "item", T),
            Column("opening", "year_opening", M),
            Column("closing", "period_closing", M),
        ),
        rows=tuple((Term(key), a, b) for (key, a), (_, b) in zip(start, end, strict=True)),
    )
    return Report(
        kind="balance_sheet",
        title="balance_sheet",
        subject=f.name,
        as_of=as_of,
        sections=(Section("balance_sheet", "balance_sheet", table=table),),
        notes=("note_net_assets_closing",),
    )


def build_activity_statement(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The activity statement (业务活动表, 会民非02表) for a period: revenue, expenses and the change in net assets,
    split into unrestricted and restricted."""
    f = ledger.fund(fund)
    after = ledger.trial_balance(f, as_of=end)
    before = ledger.trial_balance(f, as_of=_before(start))

    def moved(*roles: AccountRole) -> Money:
        # revenue is a credit: its movement in the period, as a positive amount; expenses are debits
        change = _balance(after, *roles) - _balance(before, *roles)
        kind = after.line(roles[0]).kind
        return -change if kind is AccountKind.REVENUE else change

    released = net_assets(after)[2] - net_assets(before)[2]
    rows_spec: list[tuple[str, Money, Money]] = [
        ("ac_donations", moved(R.DONATION_REVENUE_UNRESTRICTED), moved(R.DONATION_REVENUE)),
        ("ac_government_grants", Money(0), moved(R.GRANT_REVENUE)),
        ("ac_service_revenue", moved(R.FEE_REVENUE), Money(0)),
        ("ac_other_revenue", moved(R.INTEREST_REVENUE, R.PENALTY_REVENUE, R.RECOVERY_REVENUE), Money(0)),
    ]
    revenue_u = Money.total(u for _, u, _ in rows_spec)
    revenue_r = Money.total(r for _, _, r in rows_spec)
    program = moved(*PROGRAM_COST)
    admin = moved(*ADMIN_EXPENSE)
    rows: list[tuple[Cell, ...]] = [(Term(k), u, r, u + r) for k, u, r in rows_spec]
    rows += [
        (Term("ac_total_revenue"), revenue_u, revenue_r, revenue_u + revenue_r),
        (Term("ac_program_cost"), program, Money(0), program),
        (Term("ac_admin_expense"), admin, Money(0), admin),
        (Term("ac_total_expense"), program + admin, Money(0), program + admin),
        (Term("ac_released"), released, -released, Money(0)),
        (
            Term("ac_change_in_net_assets"),
            revenue_u - program - admin + released,
            revenue_r - released,
            revenue_u + revenue_r - program - admin,
        ),
    ]
    table = Table(
        columns=(
            Column("item", "item", T),
            Column("unrestricted", "unrestricted", M),
            Column("restricted", "restricted", M),
            Column("total", "total", M),
        ),
        rows=tuple(rows),
    )
    return Report(
        kind="activity",
        title="activity_statement",
        subject=f.name,
        as_of=end,
        period=(start, end),
        sections=(Section("activity", "activity_statement", table=table),),
        notes=("note_net_assets_closing",),
    )
