"""The arithmetic of 政府会计制度's statements for a fund, pure: which account feeds which line.

Financial statements (财务报表, on the accrual basis):

* 资产负债表 (会政财01表): balances as of a date; net assets are 累计盈余 and 本期盈余, where 本期盈余 takes
  in the revenue and expense not yet closed, so the lines are the same before and after a close;
* 收入费用表 (会政财02表): a period's revenue and expense by account, leaving out closes and openings;
  本期盈余 = 本期收入 − 本期费用;
* 净资产变动表 (会政财03表): 累计盈余 at the start of the year, the year's 本年盈余, what was handed back to
  finance (上缴), other changes, and the balance at the end;
* 现金流量表 (会政财04表), direct method, from the cash moved against each account.

Budget statements (预算会计报表, on the cash basis):

* 预算收入支出表 (会政预01表): a period's budget revenue and expenditure by account, 本年预算收支差额;
* 预算结转结余变动表 (会政预02表): 财政拨款结转 and 非财政拨款结转 at the start of the year, the year's
  budget surplus closed into them, what was handed back (归集上缴), and the balance at the end.

The 差异调节 (:func:`revolve.budget.reconcile`) ties 本年预算收支差额 to 本期盈余.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from revolve.budget import is_budget
from revolve.chart import AccountKind, AccountRole, Chart
from revolve.closing import CLOSE_PREFIX
from revolve.money import Money
from revolve.statements import OPENING_PREFIX, KindSum

__all__ = [
    "budget_balance_lines",
    "budget_lines",
    "gov_balance_sheet_lines",
    "gov_cash_flow_lines",
    "income_expense_lines",
    "net_asset_change_lines",
]

R = AccountRole


def _flow(kind: str) -> bool:
    return not kind.startswith((CLOSE_PREFIX, OPENING_PREFIX))


def _specs(chart: Chart, kind: AccountKind) -> list[tuple[str, AccountRole]]:
    """(4-digit 总账科目 code, role) of the chart's accounts of one kind, in code order."""
    return sorted((spec.code[:4], spec.role) for spec in chart.specs if spec.kind is kind)


def _by_account(chart: Chart, sums: Iterable[KindSum], kind: AccountKind) -> dict[str, int]:
    """The period's flow per 总账科目 code of one kind (revenue as a positive credit, expense as a debit)."""
    sign = -1 if kind in (AccountKind.REVENUE, AccountKind.BUDGET_REVENUE) else 1
    out = {code: 0 for code, _ in _specs(chart, kind)}
    for s in sums:
        if not _flow(s.kind) or not chart.has(s.role):
            continue
        spec = chart.spec(s.role)
        if spec.kind is kind:
            out[spec.code[:4]] += sign * (s.debit - s.credit)
    return out


def gov_balance_sheet_lines(chart: Chart, by_role: Mapping[str, int]) -> list[tuple[str, Money]]:
    """The 资产负债表's lines (label key, amount) for the lines a fund uses, in the order of 会政财01表."""
    cash = receivables = allowance = payables = to_finance = accumulated = current = 0
    for role, fen in by_role.items():
        if not chart.has(role):
            continue
        spec = chart.spec(role)
        if spec.kind is AccountKind.ASSET:
            if spec.role is R.FUND_CASH:
                cash += fen
            elif spec.contra:
                allowance -= fen
            else:
                receivables += fen
        elif spec.kind is AccountKind.LIABILITY:
            if spec.role is R.PAYABLE_TO_FINANCE:
                to_finance -= fen
            else:
                payables -= fen
        elif spec.role is R.UNRESTRICTED_NET_ASSETS:
            accumulated -= fen
        elif spec.kind in (AccountKind.NET_ASSETS, AccountKind.REVENUE, AccountKind.EXPENSE):
            current -= fen  # 3301, 3302 and the revenue and expense not yet closed
    assets = cash + receivables - allowance
    liabilities = payables + to_finance
    net = accumulated + current
    return [
        ("gb_cash", Money(cash)),
        ("gb_other_receivables", Money(receivables - allowance)),
        ("gb_receivables_gross", Money(receivables)),
        ("gb_allowance", Money(allowance)),
        ("gb_current_assets", Money(assets)),
        ("gb_total_assets", Money(assets)),
        ("gb_payable_to_finance", Money(to_finance)),
        ("gb_other_payables", Money(payables)),
        ("gb_current_liabilities", Money(liabilities)),
        ("gb_total_liabilities", Money(liabilities)),
        ("gb_accumulated_surplus", Money(accumulated)),
        ("gb_current_surplus", Money(current)),
        ("gb_total_net_assets", Money(net)),
        ("gb_total_liabilities_and_net_assets", Money(liabilities + net)),
    ]


def income_expense_lines(chart: Chart, sums: Iterable[KindSum]) -> list[tuple[str, Money]]:
    """The 收入费用表's lines: each revenue account (``gi_4001`` …), 本期收入合计, each expense account
    (``gi_5001`` …), 本期费用合计, 本期盈余."""
    sums = list(sums)
    revenue = _by_account(chart, sums, AccountKind.REVENUE)
    expense = _by_account(chart, sums, AccountKind.EXPENSE)
    lines = [(f"gi_{code}", Money(fen)) for code, fen in revenue.items()]
    lines.append(("gi_total_revenue", Money(sum(revenue.values()))))
    lines += [(f"gi_{code}", Money(fen)) for code, fen in expense.items()]
    lines.append(("gi_total_expense", Money(sum(expense.values()))))
    lines.append(("gi_surplus", Money(sum(revenue.values()) - sum(expense.values()))))
    return lines


def net_asset_change_lines(
    chart: Chart, opening: Mapping[str, int], year: Iterable[KindSum]
) -> list[tuple[str, Money]]:
    """The 净资产变动表's lines (累计盈余 column; a fund has no 专用基金 or 权益法调整).

    Args:
        chart: the fund's chart.
        opening: signed balances per role at the start of the year (年初, opening entries included).
        year: the year's sums through the statement's date.
    """
    start = -sum(
        fen
        for role, fen in opening.items()
        if chart.has(role)
        and chart.spec(role).kind in (AccountKind.NET_ASSETS, AccountKind.REVENUE, AccountKind.EXPENSE)
    )
    year = list(year)
    surplus = dict(income_expense_lines(chart, year))["gi_surplus"].fen
    returned = other = 0
    for s in year:
        if not _flow(s.kind) or is_budget(s.kind) or not chart.has(s.role):
            continue
        if chart.spec(s.role).kind is AccountKind.NET_ASSETS:
            if s.kind == "return_to_finance":
                returned += s.debit - s.credit
            else:
                other += s.credit - s.debit
    return [
        ("gn_opening", Money(start)),
        ("gn_surplus", Money(surplus)),
        ("gn_returned", Money(-returned)),
        ("gn_other", Money(other)),
        ("gn_change", Money(surplus - returned + other)),
        ("gn_closing", Money(start + surplus - returned + other)),
    ]


# the 现金流量表 line of cash moved against a role: (line when received, line when paid)
_OTHER = ("gc_other_in", "gc_other_out")
_CASH_LINES: dict[AccountRole, tuple[str, str]] = {
    R.GRANT_REVENUE: ("gc_fiscal_in", "gc_other_out"),
    R.FEE_REVENUE: ("gc_operating_in", "gc_other_out"),
    R.ACCRUED_FEE: ("gc_operating_in", "gc_other_out"),
    R.GRANT_EXPENSE: ("gc_other_in", "gc_aid_out"),
    R.SUBSIDY_EXPENSE: ("gc_other_in", "gc_aid_out"),
    R.SUBSIDY_PAYABLE: ("gc_other_in", "gc_aid_out"),
    R.ALLOCATION_EXPENSE: ("gc_other_in", "gc_aid_out"),
    R.ALLOCATION_INTERNAL: ("gc_other_in", "gc_aid_out"),
    R.LOANS_RECEIVABLE: ("gc_loans_repaid", "gc_loans_paid"),
    R.DUE_FROM_FUND: ("gc_investing_other_in", "gc_investing_other_out"),
    R.DUE_TO_FUND: ("gc_financing_other_in", "gc_financing_other_out"),
    R.UNRESTRICTED_NET_ASSETS: ("gc_other_in", "gc_returned_out"),
}
_SECTIONS = (
    ("gc_daily", ("gc_fiscal_in", "gc_operating_in", "gc_other_in"), ("gc_aid_out", "gc_other_out")),
    ("gc_investing", ("gc_investing_other_in",), ("gc_investing_other_out",)),
    ("gc_financing", ("gc_financing_other_in",), ("gc_financing_other_out",)),
)
_DETAIL = {
    "gc_loans_repaid": "gc_other_in",
    "gc_loans_paid": "gc_other_out",
    "gc_returned_out": "gc_other_out",
}


def gov_cash_flow_lines(chart: Chart, counterparts: Mapping[str, tuple[int, int]]) -> list[tuple[str, Money]]:
    """The 现金流量表's lines, direct method, from ``role → (paid, received)``.

    Loans to mothers are 日常活动 (the fund's purpose), shown as 其中 lines of the other daily-activity cash;
    money lent to another fund is 投资活动, money borrowed from one 筹资活动; 上缴财政 is a 其中 line of the
    other daily-activity cash paid.
    """
    amounts: dict[str, int] = {}
    for role, (paid, received) in counterparts.items():
        if not chart.has(role):
            continue
        inflow, outflow = _CASH_LINES.get(chart.spec(role).role, _OTHER)
        for key, fen in ((inflow, received), (outflow, paid)):
            amounts[key] = amounts.get(key, 0) + fen
            if key in _DETAIL:
                amounts[_DETAIL[key]] = amounts.get(_DETAIL[key], 0) + fen
    lines: list[tuple[str, Money]] = []
    change = 0
    for section, inflows, outflows in _SECTIONS:
        total_in = sum(amounts.get(k, 0) for k in inflows)
        total_out = sum(amounts.get(k, 0) for k in outflows)
        for key in inflows:
            lines.append((key, Money(amounts.get(key, 0))))
            if key == "gc_other_in":
                lines.append(("gc_loans_repaid", Money(amounts.get("gc_loans_repaid", 0))))
        lines.append((f"{section}_in", Money(total_in)))
        for key in outflows:
            lines.append((key, Money(amounts.get(key, 0))))
            if key == "gc_other_out":
                lines.append(("gc_loans_paid", Money(amounts.get("gc_loans_paid", 0))))
                lines.append(("gc_returned_out", Money(amounts.get("gc_returned_out", 0))))
        lines.append((f"{section}_out", Money(total_out)))
        lines.append((f"{section}_net", Money(total_in - total_out)))
        change += total_in - total_out
    lines.append(("gc_net_increase", Money(change)))
    return lines


def budget_lines(chart: Chart, sums: Iterable[KindSum]) -> list[tuple[str, Money]]:
    """The 预算收入支出表's lines: each budget revenue account (``gp_6001`` …), 本年预算收入合计, each budget
    expenditure account (``gp_7201`` …), 本年预算支出合计, 本年预算收支差额."""
    sums = list(sums)
    revenue = _by_account(chart, sums, AccountKind.BUDGET_REVENUE)
    spent = _by_account(chart, sums, AccountKind.BUDGET_EXPENSE)
    lines = [(f"gp_{code}", Money(fen)) for code, fen in revenue.items()]
    lines.append(("gp_total_revenue", Money(sum(revenue.values()))))
    lines += [(f"gp_{code}", Money(fen)) for code, fen in spent.items()]
    lines.append(("gp_total_expenditure", Money(sum(spent.values()))))
    lines.append(("gp_surplus", Money(sum(revenue.values()) - sum(spent.values()))))
    return lines


_CARRYOVERS = (R.BUDGET_FISCAL_CARRYOVER, R.BUDGET_NONFISCAL_CARRYOVER)


def budget_balance_lines(
    chart: Chart, opening: Mapping[str, int], year: Iterable[KindSum]
) -> list[tuple[str, Money, Money]]:
    """The 预算结转结余变动表's lines (label key, 财政拨款结转, 非财政拨款结转).

    年初 is what the two accounts held (and the budget revenue and expenditure not yet closed into them);
    本年收支差额 is the year's budget revenue less expenditure of each (fiscal money spent first, as the
    budget close does); 归集上缴 is what was handed back to finance; 年末 the sum.
    """
    year = list(year)

    def held(by_role: Mapping[str, int], role: AccountRole) -> int:
        return -by_role.get(role.value, 0)

    start = [held(opening, role) for role in _CARRYOVERS]
    unclosed = sum(
        -fen
        for role, fen in opening.items()
        if chart.has(role)
        and chart.spec(role).kind in (AccountKind.BUDGET_REVENUE, AccountKind.BUDGET_EXPENSE)
    )
    start[1] += unclosed  # a fund that never closed: its budget surplus so far is non-fiscal until closed
    returned = [0, 0]
    for s in year:
        if s.kind.startswith(CLOSE_PREFIX) or s.kind.startswith(OPENING_PREFIX):
            continue
        for i, role in enumerate(_CARRYOVERS):
            if s.role == role.value:
                returned[i] += s.debit - s.credit
    end_balances: dict[str, int] = dict(opening)
    for s in year:
        end_balances[s.role] = end_balances.get(s.role, 0) + s.debit - s.credit
    end = [held(end_balances, role) for role in _CARRYOVERS]
    # what is not yet closed at the end: fiscal revenue to 财政拨款结转, the rest to 非财政 (spent fiscal first)
    rev_fiscal = -end_balances.get(R.BUDGET_FISCAL_REVENUE.value, 0)
    rev_other = sum(
        -fen
        for role, fen in end_balances.items()
        if chart.has(role)
        and chart.spec(role).kind is AccountKind.BUDGET_REVENUE
        and role != R.BUDGET_FISCAL_REVENUE.value
    )
    spent = sum(
        fen
        for role, fen in end_balances.items()
        if chart.has(role) and chart.spec(role).kind is AccountKind.BUDGET_EXPENSE
    )
    from_fiscal = min(spent, max(end[0] + rev_fiscal, 0)) if spent > 0 else 0
    end = [end[0] + rev_fiscal - from_fiscal, end[1] + rev_other - (spent - from_fiscal)]
    surplus = [end[i] - start[i] + returned[i] for i in (0, 1)]
    return [
        ("gq_opening", Money(start[0]), Money(start[1])),
        ("gq_surplus", Money(surplus[0]), Money(surplus[1])),
        ("gq_returned", Money(-returned[0]), Money(-returned[1])),
        ("gq_closing", Money(end[0]), Money(end[1])),
    ]
