"""Financial statements in the layout of 民间非营利组织会计制度: the trial balance (科目余额表), the balance
sheet (资产负债表, 会民非01表) and the activity statement (业务活动表, 会民非02表).

Net assets are read from the books: the posted balances of 非限定性净资产 and 限定性净资产, plus — for a
period not yet closed — the period's result still in the revenue and expense accounts (restricted
revenue to 限定性, the rest of revenue and every expense to 非限定性), exactly what the closing entries
(:mod:`revolve.closing`) would move; so the statements agree before and after a close. Restrictions
are released by posted entries (``restriction.release``) when restricted money is used, never computed
here. A period's flows leave the closing entries (kinds ``close.…``) out. A statement of a year whose
previous year has entries and no year-end close is refused (:class:`~revolve.errors.YearEndNotClosed`).
"""

from __future__ import annotations

from datetime import date

from revolve.chart import AccountKind, AccountRole
from revolve.closing import CLOSE_PREFIX, RESTRICTED_REVENUE_ROLES
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.trial_balance import TrialBalance

__all__ = ["build_activity_statement", "build_balance_sheet", "build_trial_balance", "net_assets"]

R = AccountRole
M, T = ColumnKind.MONEY, ColumnKind.TEXT
UNRESTRICTED_REVENUE = (
    R.DONATION_REVENUE_UNRESTRICTED,
    R.FEE_REVENUE,
    R.INTEREST_REVENUE,
    R.PENALTY_REVENUE,
    R.RECOVERY_REVENUE,
)
PROGRAM_COST = (R.GRANT_EXPENSE, R.SUBSIDY_EXPENSE)
ADMIN_EXPENSE = (R.BAD_DEBT_EXPENSE, R.FINANCE_RETURN_EXPENSE)


def _balance(tb: TrialBalance, *roles: AccountRole) -> Money:
    return Money.total(tb.line(r).balance for r in roles)


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def net_assets(tb: TrialBalance) -> tuple[Money, Money]:
    """(unrestricted, restricted) net assets at the trial balance's date: the posted net-asset balances
    plus what is still in the revenue and expense accounts (the result of a period not yet closed)."""
    restricted = -_balance(tb, R.RESTRICTED_NET_ASSETS, *RESTRICTED_REVENUE_ROLES)
    rest = [
        line.role
        for line in tb.lines
        if line.kind in (AccountKind.REVENUE, AccountKind.EXPENSE)
        and line.role not in RESTRICTED_REVENUE_ROLES
    ]
    unrestricted = -_balance(tb, R.UNRESTRICTED_NET_ASSETS, *rest)
    return unrestricted, restricted


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
    ledger.require_year_end_close(f, year=as_of.year)
    now = ledger.trial_balance(f, as_of=as_of)
    opening = ledger.trial_balance(f, as_of=_before(date(as_of.year, 1, 1)))

    def lines(tb: TrialBalance) -> list[tuple[str, Money]]:
        unrestricted, restricted = net_assets(tb)
        cash = _balance(tb, R.FUND_CASH)
        receivables = _balance(tb, R.LOANS_RECEIVABLE, R.DUE_FROM_FUND, R.ACCRUED_INTEREST, R.ACCRUED_FEE)
        allowance = -_balance(tb, R.BAD_DEBT_ALLOWANCE)
        assets = cash + receivables - allowance
        payables = -_balance(tb, R.PLEDGE_DEPOSITS, R.DUE_TO_FUND, R.PAYABLE_TO_FINANCE, R.SUBSIDY_PAYABLE)
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
    ledger.require_year_end_close(f, year=end.year)
    chart = ledger.chart(f)
    movements = ledger.period_movements(f, start=start, end=end)

    def moved(*roles: AccountRole) -> Money:
        # the period's flows, closing entries left out; revenue is a credit, shown as a positive amount
        change = Money.total(
            amount
            for (role, kind), amount in movements.items()
            if role in roles and not kind.startswith(CLOSE_PREFIX)
        )
        return -change if chart.spec(roles[0]).kind is AccountKind.REVENUE else change

    # restrictions released by posted entries in the period (Dr 限定性净资产)
    released = movements.get((R.RESTRICTED_NET_ASSETS, "restriction.release"), Money(0))
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
