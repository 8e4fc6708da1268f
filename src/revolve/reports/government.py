"""The statements of 政府会计制度 (财会〔2017〕25号) for a fund on the ``gov`` chart: 会政财01–04 (financial
accounting) and 会政预01–02 (budget accounting), with the 本年预算结余与本期盈余差异调节.

The arithmetic is :mod:`revolve.gov_statements` and :func:`revolve.budget.reconcile`; this module lays it
out. ``build_balance_sheet``, ``build_activity_statement`` and ``build_cash_flow`` of
:mod:`revolve.reports.financial` hand a ``gov`` fund to the builders here, so a government fund never
prints a 民非 statement (docs/books-gov.md).
"""

from __future__ import annotations

from datetime import date

from revolve.budget import BudgetReconciliation, reconcile
from revolve.chart import AccountRole, chart_named
from revolve.funds import Fund
from revolve.gov_statements import (
    budget_balance_lines,
    budget_lines,
    gov_balance_sheet_lines,
    gov_cash_flow_lines,
    income_expense_lines,
    net_asset_change_lines,
)
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.model import Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.statements import KindSum, balances, year_balances

__all__ = [
    "build_budget_balances",
    "build_budget_statement",
    "build_gov_balance_sheet",
    "build_gov_cash_flow",
    "build_income_expense",
    "build_net_asset_changes",
    "reconciliation",
]

M, T = ColumnKind.MONEY, ColumnKind.TEXT
_AMOUNT = (Column("item", "item", T), Column("amount", "amount", M))


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def _report(
    ledger: Ledger,
    f: Fund,
    kind: str,
    sections: tuple[Section, ...],
    *,
    as_of: date,
    period: tuple[date, date] | None = None,
    notes: tuple[str, ...] = (),
) -> Report:
    return Report(
        kind=kind,
        checkpoints=(ledger.checkpoint(f),),
        title=kind,
        subject=f.name,
        as_of=as_of,
        period=period,
        sections=sections,
        notes=notes,
    )


def _year_sums(ledger: Ledger, f: Fund, end: date) -> tuple[dict[str, int], dict[str, int], list[KindSum]]:
    """(年初 balances, balances at ``end``, the year's sums through ``end``)."""
    before, this_year = ledger.kind_sums(f, [(None, date(end.year - 1, 12, 31)), (date(end.year, 1, 1), end)])
    opening, closing = year_balances(before, this_year)
    return opening, closing, this_year


def build_gov_balance_sheet(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The 资产负债表 (会政财01表) as of a date: 年初余额 and 期末余额.

    Raises:
        UnknownFund: no such fund.
        YearEndNotClosed: the year before has entries and no year-end close.
    """
    f = ledger.fund(fund)
    ledger.require_year_end_close(f, year=as_of.year)
    chart = chart_named(f.chart)
    opening, closing, _ = _year_sums(ledger, f, as_of)
    start, end = gov_balance_sheet_lines(chart, opening), gov_balance_sheet_lines(chart, closing)
    table = Table(
        columns=(
            Column("item", "item", T),
            Column("opening", "gov_year_opening", M),
            Column("closing", "gov_period_closing", M),
        ),
        rows=tuple((Term(key), a, b) for (key, a), (_, b) in zip(start, end, strict=True)),
    )
    return _report(
        ledger,
        f,
        "gov_balance_sheet",
        (Section("balance_sheet", "gov_balance_sheet", table=table),),
        as_of=as_of,
        notes=("note_gov_surplus_unclosed",),
    )


def _period_table(current: list[tuple[str, Money]], ytd: list[tuple[str, Money]]) -> Table:
    return Table(
        columns=(
            Column("item", "item", T),
            Column("period", "gov_period_amount", M),
            Column("ytd", "gov_ytd_amount", M),
        ),
        rows=tuple((Term(key), a, b) for (key, a), (_, b) in zip(current, ytd, strict=True)),
    )


def build_income_expense(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 收入费用表 (会政财02表): 本月数 for [start, end] and 本年累计数 from 1 January.

    Raises:
        UnknownFund: no such fund.
        YearEndNotClosed: the year before has entries and no year-end close.
    """
    f = ledger.fund(fund)
    ledger.require_year_end_close(f, year=end.year)
    chart = chart_named(f.chart)
    period, year = ledger.kind_sums(f, [(start, end), (date(end.year, 1, 1), end)])
    table = _period_table(income_expense_lines(chart, period), income_expense_lines(chart, year))
    return _report(
        ledger,
        f,
        "gov_income_expense",
        (Section("income_expense", "gov_income_expense", table=table),),
        as_of=end,
        period=(start, end),
        notes=("note_gov_flows",),
    )


def build_net_asset_changes(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The 净资产变动表 (会政财03表) of ``as_of``'s year through ``as_of`` (累计盈余 column).

    Raises:
        UnknownFund: no such fund.
        YearEndNotClosed: the year before has entries and no year-end close.
    """
    f = ledger.fund(fund)
    ledger.require_year_end_close(f, year=as_of.year)
    chart = chart_named(f.chart)
    opening, _, year = _year_sums(ledger, f, as_of)
    lines = net_asset_change_lines(chart, opening, year)
    table = Table(columns=_AMOUNT, rows=tuple((Term(key), amount) for key, amount in lines))
    return _report(
        ledger,
        f,
        "gov_net_asset_changes",
        (Section("net_asset_changes", "gov_net_asset_changes", table=table),),
        as_of=as_of,
        period=(date(as_of.year, 1, 1), as_of),
    )


def build_gov_cash_flow(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 现金流量表 (会政财04表), direct method, for [start, end], with 货币资金 at both ends.

    Raises:
        UnknownFund: no such fund.
    """
    f = ledger.fund(fund)
    chart = chart_named(f.chart)
    lines = gov_cash_flow_lines(chart, ledger.cash_counterparts(f, start=start, end=end))
    before, through = ledger.kind_sums(f, [(None, _before(start)), (None, end)])
    cash = AccountRole.FUND_CASH.value
    opening, closing = Money(balances(before).get(cash, 0)), Money(balances(through).get(cash, 0))
    table = Table(columns=_AMOUNT, rows=tuple((Term(key), amount) for key, amount in lines))
    return _report(
        ledger,
        f,
        "gov_cash_flow",
        (
            Section("cash_flow", "gov_cash_flow", table=table),
            Section(
                "cash",
                "cf_cash_reconciliation",
                facts=(Fact("cf_cash_opening", opening), Fact("cf_cash_closing", closing)),
            ),
        ),
        as_of=end,
        period=(start, end),
        notes=("note_gov_cash_flow",),
    )


def reconciliation(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> BudgetReconciliation:
    """The 差异调节 of [start, end]: 本年预算收支差额, the four kinds of difference, and 本期盈余."""
    f = ledger.fund(fund)
    (sums,) = ledger.kind_sums(f, [(start, end)])
    return reconcile(chart_named(f.chart), ((s.kind, s.role, s.debit - s.credit) for s in sums))


def _reconciliation_table(rec: BudgetReconciliation) -> Table:
    return Table(
        columns=_AMOUNT,
        rows=(
            (Term("gr_budget_surplus"), rec.budget_surplus),
            (Term("gr_revenue_not_budget"), rec.revenue_not_budget),
            (Term("gr_budget_not_revenue"), rec.budget_not_revenue),
            (Term("gr_budget_not_expense"), rec.budget_not_expense),
            (Term("gr_expense_not_budget"), rec.expense_not_budget),
            (Term("gr_surplus"), rec.surplus),
        ),
    )


def build_budget_statement(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 预算收入支出表 (会政预01表) for [start, end] and 本年累计数, with the 差异调节 of [start, end]
    from 本年预算收支差额 to the 收入费用表's 本期盈余.

    Raises:
        UnknownFund: no such fund.
        YearEndNotClosed: the year before has entries and no year-end close.
    """
    f = ledger.fund(fund)
    ledger.require_year_end_close(f, year=end.year)
    chart = chart_named(f.chart)
    period, year = ledger.kind_sums(f, [(start, end), (date(end.year, 1, 1), end)])
    table = _period_table(budget_lines(chart, period), budget_lines(chart, year))
    rec = reconcile(chart, ((s.kind, s.role, s.debit - s.credit) for s in period))
    return _report(
        ledger,
        f,
        "gov_budget_statement",
        (
            Section("budget", "gov_budget_statement", table=table),
            Section("reconciliation", "gov_reconciliation", table=_reconciliation_table(rec)),
        ),
        as_of=end,
        period=(start, end),
        notes=("note_gov_budget",),
    )


def build_budget_balances(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The 预算结转结余变动表 (会政预02表) of ``as_of``'s year through ``as_of``.

    Raises:
        UnknownFund: no such fund.
        YearEndNotClosed: the year before has entries and no year-end close.
    """
    f = ledger.fund(fund)
    ledger.require_year_end_close(f, year=as_of.year)
    chart = chart_named(f.chart)
    opening, _, year = _year_sums(ledger, f, as_of)
    lines = budget_balance_lines(chart, opening, year)
    table = Table(
        columns=(
            Column("item", "item", T),
            Column("fiscal", "gov_fiscal_carryover", M),
            Column("nonfiscal", "gov_nonfiscal_carryover", M),
            Column("total", "period_total", M),
        ),
        rows=tuple((Term(key), a, b, a + b) for key, a, b in lines),
    )
    return _report(
        ledger,
        f,
        "gov_budget_balances",
        (Section("budget_balances", "gov_budget_balances", table=table),),
        as_of=as_of,
        period=(date(as_of.year, 1, 1), as_of),
        notes=("note_gov_carryover",),
    )
