"""The three statements of 民间非营利组织会计制度 (财会〔2004〕7号, 第六十六条): the 资产负债表 (会民非01表),
the 业务活动表 (会民非02表) and the 现金流量表 (会民非03表), drawn from the journal so that they are right both
before and after a period close.

* Balances as of a date (资产负债表) show net assets as the posted 非限定性/限定性净资产 **plus** the result of
  the revenue and expense not yet closed (the 制度's closing rule, 3101/3102 notes).
* Flows of a period (业务活动表, 现金流量表) leave closing entries (kinds ``close.*``) out: closing moves a
  result, it is not one. The restriction release line comes from the posted ``restriction.release`` entries.
* The statements tie: the 业务活动表's 净资产变动额 equals the change of 净资产合计 between the 资产负债表's
  columns, and the 现金流量表's 现金净增加额 equals the change of 货币资金.

The arithmetic is :mod:`revolve.statements`; this module lays it out (docs/statements.md shows samples).
"""

from __future__ import annotations

from datetime import date

from revolve.chart import AccountRole, chart_named
from revolve.funds import Fund
from revolve.ledger import Ledger
from revolve.money import Money
from revolve.reports.books_print import build_trial_balance
from revolve.reports.model import Cell, Column, ColumnKind, Fact, Report, Section, Table, Term
from revolve.statements import (
    OPTIONAL_LINES,
    activity_lines,
    balance_sheet_lines,
    balances,
    cash_flow_lines,
    year_balances,
)

__all__ = ["build_activity_statement", "build_balance_sheet", "build_cash_flow", "build_trial_balance"]

M, T = ColumnKind.MONEY, ColumnKind.TEXT


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def build_balance_sheet(ledger: Ledger, fund: Fund | int | str, *, as_of: date) -> Report:
    """The 资产负债表 (会民非01表) as of a date: 年初数 (the balances at the end of the previous year, or those
    the fund opened with in this year) and 期末数.

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        as_of: the balance-sheet date.

    Returns:
        A report with one table (项目, 年初数, 期末数).

    Raises:
        UnknownFund: no such fund.
    """
    f = ledger.fund(fund)
    if chart_named(f.chart).government:
        from revolve.reports.government import build_gov_balance_sheet  # noqa: PLC0415

        return build_gov_balance_sheet(ledger, f, as_of=as_of)
    ledger.require_year_end_close(f, year=as_of.year)
    chart = chart_named(f.chart)
    before, this_year = ledger.kind_sums(
        f, [(None, date(as_of.year - 1, 12, 31)), (date(as_of.year, 1, 1), as_of)]
    )
    opening, closing = year_balances(before, this_year)
    start, end = balance_sheet_lines(chart, opening), balance_sheet_lines(chart, closing)
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
        checkpoints=(ledger.checkpoint(f),),
        title="balance_sheet",
        subject=f.name,
        as_of=as_of,
        sections=(Section("balance_sheet", "balance_sheet", table=table),),
        notes=("note_net_assets_unclosed",),
    )


def build_activity_statement(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 业务活动表 (会民非02表): 本期数 for [start, end] and 本年累计数 from 1 January of ``end``'s year, each
    in 非限定性 / 限定性 / 合计 columns.

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        start: the period's first day.
        end: its last day.

    Returns:
        A report with one table (项目 and the six money columns).

    Raises:
        UnknownFund: no such fund.
    """
    f = ledger.fund(fund)
    if chart_named(f.chart).government:  # 会政财02 收入费用表
        from revolve.reports.government import build_income_expense  # noqa: PLC0415

        return build_income_expense(ledger, f, start=start, end=end)
    ledger.require_year_end_close(f, year=end.year)
    chart = chart_named(f.chart)
    period, year = ledger.kind_sums(f, [(start, end), (date(end.year, 1, 1), end)])
    rows: list[tuple[Cell, ...]] = []
    for (key, u, r), (_, yu, yr) in zip(
        activity_lines(chart, period), activity_lines(chart, year), strict=True
    ):
        if key in OPTIONAL_LINES and not (u.fen or r.fen or yu.fen or yr.fen):
            continue
        rows.append((Term(key), u, r, u + r, yu, yr, yu + yr))
    table = Table(
        columns=(
            Column("item", "item", T),
            Column("unrestricted", "period_unrestricted", M),
            Column("restricted", "period_restricted", M),
            Column("total", "period_total", M),
            Column("ytd_unrestricted", "ytd_unrestricted", M),
            Column("ytd_restricted", "ytd_restricted", M),
            Column("ytd_total", "ytd_total", M),
        ),
        rows=tuple(rows),
    )
    return Report(
        kind="activity",
        checkpoints=(ledger.checkpoint(f),),
        title="activity_statement",
        subject=f.name,
        as_of=end,
        period=(start, end),
        sections=(Section("activity", "activity_statement", table=table),),
        notes=("note_activity_flows",),
    )


def build_cash_flow(ledger: Ledger, fund: Fund | int | str, *, start: date, end: date) -> Report:
    """The 现金流量表 (会民非03表), direct method, for [start, end], with 货币资金 at both ends.

    Loans paid out to mothers and repaid by them are 业务活动 flows (the fund's purpose; docs/statements.md
    quotes why), shown as 其中 lines of 支付/收到的其他与业务活动有关的现金.

    Args:
        ledger: the books.
        fund: the fund, by object, id or code.
        start: the period's first day.
        end: its last day.

    Returns:
        A report with a table of lines (项目, 金额) and the facts 期初/期末货币资金.

    Raises:
        UnknownFund: no such fund.
    """
    f = ledger.fund(fund)
    if chart_named(f.chart).government:  # 会政财04
        from revolve.reports.government import build_gov_cash_flow  # noqa: PLC0415

        return build_gov_cash_flow(ledger, f, start=start, end=end)
    chart = chart_named(f.chart)
    lines = cash_flow_lines(chart, ledger.cash_counterparts(f, start=start, end=end))
    before, through = ledger.kind_sums(f, [(None, _before(start)), (None, end)])
    cash = AccountRole.FUND_CASH.value
    opening, closing = Money(balances(before).get(cash, 0)), Money(balances(through).get(cash, 0))
    table = Table(
        columns=(Column("item", "item", T), Column("amount", "amount", M)),
        rows=tuple((Term(key), amount) for key, amount in lines),
    )
    return Report(
        kind="cash_flow",
        checkpoints=(ledger.checkpoint(f),),
        title="cash_flow_statement",
        subject=f.name,
        as_of=end,
        period=(start, end),
        sections=(
            Section("cash_flow", "cash_flow_statement", table=table),
            Section(
                "cash",
                "cf_cash_reconciliation",
                facts=(Fact("cf_cash_opening", opening), Fact("cf_cash_closing", closing)),
            ),
        ),
        notes=("note_cash_flow_loans",),
    )
