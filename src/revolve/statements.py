"""The arithmetic of the three 民非 statements, pure: which account feeds which line, and the lines' sums.

The store hands over sums per (account role, entry kind) over a span of dates (:class:`KindSum`); this module
turns them into the lines of

* the 资产负债表 (会民非01表): balances as of a date. Net assets are the posted net-asset accounts (3101
  非限定性净资产, 3102 限定性净资产) **plus the result of the revenue and expense not yet closed**: restricted
  revenue into 限定性, the other revenue and every expense into 非限定性 — the closing rule of the 制度's
  3101/3102 notes. Before a period close the result is all "not yet closed"; after it the closing entries
  (kinds ``close.*``) have moved it into 3101/3102; either way the line is the same;
* the 业务活动表 (会民非02表): the period's revenue and expense, **leaving out closing entries** (``close.*``)
  and opening balances (``opening*``), which are not activity of the period; the release of restrictions
  (限定性净资产转为非限定性净资产) is what entries of kind ``restriction.release`` moved out of 3102; any other
  posting straight to a net-asset account (a prior-period adjustment) is shown on a line of its own so that
  the statement's change in net assets always equals the balance sheet's;
* the 现金流量表 (会民非03表), direct method: the cash of each entry classified by what it moved against.

Which line an account feeds is decided by its role, and for a role this module does not know (a chart
extended later) by its kind and Chinese name (应收 → 应收款项, 应付 → 应付款项, 限定 → restricted revenue, …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from revolve.chart import AccountKind, AccountRole, AccountSpec, Chart
from revolve.closing import CLOSE_PREFIX, RELEASE_KIND, RESTRICTED_REVENUE_ROLES
from revolve.money import Money
from revolve.opening import OPENING_KIND

__all__ = [
    "OPENING_PREFIX",
    "OPTIONAL_LINES",
    "KindSum",
    "activity_lines",
    "balance_sheet_lines",
    "balances",
    "cash_flow_lines",
    "is_activity",
    "net_assets",
    "year_balances",
]

R = AccountRole
OPENING_PREFIX = OPENING_KIND
"""Kinds of opening-balance entries: the start of the books, not activity of a period."""
_CASH = frozenset({R.FUND_CASH})
_RECEIVABLES = frozenset({R.LOANS_RECEIVABLE, R.DUE_FROM_FUND, R.BAD_DEBT_ALLOWANCE})
_PAYABLES = frozenset({R.PLEDGE_DEPOSITS, R.DUE_TO_FUND, R.PAYABLE_TO_FINANCE})


@dataclass(frozen=True, slots=True)
class KindSum:
    """Debits and credits (fen, both ≥ 0) posted to one account role by entries of one kind."""

    role: str
    kind: str
    debit: int
    credit: int


def is_activity(kind: str) -> bool:
    """Whether entries of this kind are flows of their period (not a close and not an opening)."""
    return not kind.startswith((CLOSE_PREFIX, OPENING_PREFIX))


def balances(sums: Iterable[KindSum], keep: Callable[[str], bool] = lambda _kind: True) -> dict[str, int]:
    """Signed balance (fen, positive = debit) per role of the sums whose kind ``keep`` accepts."""
    out: dict[str, int] = {}
    for s in sums:
        if keep(s.kind):
            out[s.role] = out.get(s.role, 0) + s.debit - s.credit
    return out


def year_balances(
    before: Iterable[KindSum], this_year: Iterable[KindSum]
) -> tuple[dict[str, int], dict[str, int]]:
    """The balances at the start of a year (年初数) and at a date in it (期末数).

    Args:
        before: the sums of everything dated before the year.
        this_year: the sums from 1 January through the date.

    Returns:
        ``(opening, closing)`` signed balances per role. The opening takes in the opening-balance entries
        (``opening*``) of a fund whose books start in the year: its 年初数 are the balances it opened with.
    """
    this_year = list(this_year)
    start = balances(before)
    opening = dict(start)
    for role, fen in balances(this_year, lambda kind: kind.startswith(OPENING_PREFIX)).items():
        opening[role] = opening.get(role, 0) + fen
    closing = dict(start)
    for role, fen in balances(this_year).items():
        closing[role] = closing.get(role, 0) + fen
    return opening, closing


def _specs(chart: Chart, by_role: Mapping[str, int]) -> Iterable[tuple[AccountSpec, int]]:
    for role, fen in by_role.items():
        yield chart.spec(role), fen


def _restricted(spec: AccountSpec) -> bool:
    return spec.role in RESTRICTED_REVENUE_ROLES or ("限定" in spec.name_zh and "非限定" not in spec.name_zh)


def net_assets(chart: Chart, by_role: Mapping[str, int]) -> tuple[Money, Money]:
    """(非限定性, 限定性) net assets from signed balances: the posted 3101/3102 plus revenue and expense not yet
    closed (restricted revenue into 限定性, the rest into 非限定性)."""
    unrestricted = restricted = 0
    for spec, fen in _specs(chart, by_role):
        if spec.role is R.RESTRICTED_NET_ASSETS or (spec.kind is AccountKind.REVENUE and _restricted(spec)):
            restricted -= fen
        elif spec.kind in (AccountKind.NET_ASSETS, AccountKind.REVENUE, AccountKind.EXPENSE):
            unrestricted -= fen
    return Money(unrestricted), Money(restricted)


def balance_sheet_lines(chart: Chart, by_role: Mapping[str, int]) -> list[tuple[str, Money]]:
    """The 资产负债表's lines (label key, amount) in the order of 会民非01表, for the lines a fund uses.

    货币资金; 应收款项 (其他应收款 less 坏账准备, with its parts); 其他流动资产 if any; 流动资产合计 and 资产合计
    (a fund holds no long-term assets); 应付款项 (其他应付款); 其他流动负债 if any; 流动负债合计 and 负债合计;
    非限定性 and 限定性净资产; 净资产合计; 负债和净资产总计.
    """
    cash = receivables = allowance = other_assets = payables = other_liabilities = 0
    for spec, fen in _specs(chart, by_role):
        if spec.kind is AccountKind.ASSET:
            if spec.role in _CASH:
                cash += fen
            elif spec.contra:
                allowance -= fen
            elif spec.role in _RECEIVABLES or "应收" in spec.name_zh:
                receivables += fen
            else:
                other_assets += fen
        elif spec.kind is AccountKind.LIABILITY:
            if spec.role in _PAYABLES or "应付" in spec.name_zh:
                payables -= fen
            else:
                other_liabilities -= fen
    unrestricted, restricted = net_assets(chart, by_role)
    assets = cash + receivables - allowance + other_assets
    liabilities = payables + other_liabilities
    lines = [
        ("bs_cash", Money(cash)),
        ("bs_receivables_net", Money(receivables - allowance)),
        ("bs_receivables", Money(receivables)),
        ("bs_allowance", Money(allowance)),
    ]
    if other_assets:
        lines.append(("bs_other_current_assets", Money(other_assets)))
    lines += [
        ("bs_current_assets", Money(assets)),
        ("bs_total_assets", Money(assets)),
        ("bs_other_payables", Money(payables)),
    ]
    if other_liabilities:
        lines.append(("bs_other_current_liabilities", Money(other_liabilities)))
    total_na = unrestricted + restricted
    lines += [
        ("bs_current_liabilities", Money(liabilities)),
        ("bs_total_liabilities", Money(liabilities)),
        ("bs_unrestricted", unrestricted),
        ("bs_restricted", restricted),
        ("bs_total_net_assets", total_na),
        ("bs_total_liabilities_and_net_assets", Money(liabilities) + total_na),
    ]
    return lines


_REVENUE_LINES = {
    R.DONATION_REVENUE: "ac_donations",
    R.DONATION_REVENUE_UNRESTRICTED: "ac_donations",
    R.GRANT_REVENUE: "ac_government_grants",
    R.FEE_REVENUE: "ac_service_revenue",
}
_EXPENSE_LINES = {
    R.GRANT_EXPENSE: "ac_program_cost",
    R.SUBSIDY_EXPENSE: "ac_program_cost",
    R.BAD_DEBT_EXPENSE: "ac_admin_expense",
    R.FINANCE_RETURN_EXPENSE: "ac_admin_expense",
}
_REVENUE_BY_NAME = (
    ("捐赠", "ac_donations"),
    ("补助", "ac_government_grants"),
    ("财政", "ac_government_grants"),
)
_EXPENSE_BY_NAME = (
    ("业务活动", "ac_program_cost"),
    ("管理费用", "ac_admin_expense"),
    ("筹资费用", "ac_fundraising_expense"),
)


def _line(spec: AccountSpec) -> str:
    if spec.kind is AccountKind.REVENUE:
        by_name = next((key for word, key in _REVENUE_BY_NAME if word in spec.name_zh), "ac_other_revenue")
        return _REVENUE_LINES.get(spec.role, by_name)
    by_name = next((key for word, key in _EXPENSE_BY_NAME if word in spec.name_zh), "ac_other_expense")
    return _EXPENSE_LINES.get(spec.role, by_name)


OPTIONAL_LINES = frozenset({"ac_fundraising_expense", "ac_other_expense", "ac_direct_adjustment"})
"""Lines of the 业务活动表 a fund rarely uses: a statement shows them only when one of its columns is not zero."""
REVENUE_KEYS = ("ac_donations", "ac_service_revenue", "ac_government_grants", "ac_other_revenue")
EXPENSE_KEYS = ("ac_program_cost", "ac_admin_expense", "ac_fundraising_expense", "ac_other_expense")


def activity_lines(chart: Chart, sums: Iterable[KindSum]) -> list[tuple[str, Money, Money]]:
    """The 业务活动表's lines (label key, 非限定性, 限定性) for the sums of one period.

    Closing and opening entries are left out. Expenses are all 非限定性 (the 制度 closes every expense into
    3101). The release is what ``restriction.release`` entries debited to 3102; other postings straight to a
    net-asset account form the line ``ac_direct_adjustment``. Every line is returned, the
    :data:`OPTIONAL_LINES` too; a statement leaves those out when they are zero.
    """
    amounts: dict[str, list[int]] = {key: [0, 0] for key in (*REVENUE_KEYS, *EXPENSE_KEYS)}
    released = 0
    adjustment = [0, 0]
    for s in sums:
        if not is_activity(s.kind):
            continue
        spec = chart.spec(s.role)
        fen = s.debit - s.credit
        if spec.kind is AccountKind.REVENUE:
            amounts[_line(spec)][1 if _restricted(spec) else 0] -= fen
        elif spec.kind is AccountKind.EXPENSE:
            amounts[_line(spec)][0] += fen
        elif spec.kind is AccountKind.NET_ASSETS:
            column = 1 if spec.role is R.RESTRICTED_NET_ASSETS else 0
            if s.kind != RELEASE_KIND:
                adjustment[column] -= fen
            elif column:  # a release: Dr 3102 / Cr 3101, shown on its own line
                released += fen
    revenue = [sum(amounts[k][i] for k in REVENUE_KEYS) for i in (0, 1)]
    expense = sum(amounts[k][0] for k in EXPENSE_KEYS)
    lines = [(k, Money(amounts[k][0]), Money(amounts[k][1])) for k in REVENUE_KEYS]
    lines.append(("ac_total_revenue", Money(revenue[0]), Money(revenue[1])))
    lines += [(k, Money(amounts[k][0]), Money(0)) for k in EXPENSE_KEYS]
    lines.append(("ac_total_expense", Money(expense), Money(0)))
    lines.append(("ac_released", Money(released), Money(-released)))
    lines.append(("ac_direct_adjustment", Money(adjustment[0]), Money(adjustment[1])))
    lines.append(
        (
            "ac_change_in_net_assets",
            Money(revenue[0] - expense + released + adjustment[0]),
            Money(revenue[1] - released + adjustment[1]),
        )
    )
    return lines


# where the cash moved against a role goes on the 现金流量表: (line when received, line when paid)
_OPERATING = ("cf_other_operating_in", "cf_other_operating_out")
_CASH_LINES: dict[AccountRole, tuple[str, str]] = {
    R.DONATION_REVENUE: ("cf_donations_received", "cf_other_operating_out"),
    R.DONATION_REVENUE_UNRESTRICTED: ("cf_donations_received", "cf_other_operating_out"),
    R.GRANT_REVENUE: ("cf_grants_received", "cf_other_operating_out"),
    R.FEE_REVENUE: ("cf_services_received", "cf_other_operating_out"),
    R.GRANT_EXPENSE: ("cf_other_operating_in", "cf_aid_paid"),
    R.SUBSIDY_EXPENSE: ("cf_other_operating_in", "cf_aid_paid"),
    R.LOANS_RECEIVABLE: ("cf_loans_repaid", "cf_loans_paid"),
    R.DUE_FROM_FUND: ("cf_other_investing_in", "cf_other_investing_out"),
    R.DUE_TO_FUND: ("cf_borrowings_received", "cf_borrowings_repaid"),
}
# (section, inflow lines, outflow lines); the 其中 lines (loans) are inside 其他 and not added again
CASH_SECTIONS = (
    (
        "cf_operating",
        ("cf_donations_received", "cf_services_received", "cf_grants_received", "cf_other_operating_in"),
        ("cf_aid_paid", "cf_other_operating_out"),
    ),
    ("cf_investing", ("cf_other_investing_in",), ("cf_other_investing_out",)),
    ("cf_financing", ("cf_borrowings_received",), ("cf_borrowings_repaid",)),
)
_DETAIL = {"cf_loans_repaid": "cf_other_operating_in", "cf_loans_paid": "cf_other_operating_out"}


def cash_flow_lines(chart: Chart, counterparts: Mapping[str, tuple[int, int]]) -> list[tuple[str, Money]]:
    """The 现金流量表's lines (label key, amount), direct method, from ``role → (paid, received)``.

    Loans to mothers are 业务活动 (their 其中 lines show them inside 其他与业务活动有关的现金); money lent to
    another fund is 投资活动; money borrowed from another fund is 筹资活动.
    """
    amounts: dict[str, int] = {}
    for role, (paid, received) in counterparts.items():
        spec = chart.spec(role)
        inflow, outflow = _CASH_LINES.get(spec.role, _OPERATING)
        for key, fen in ((inflow, received), (outflow, paid)):
            amounts[key] = amounts.get(key, 0) + fen
            if key in _DETAIL:  # a 其中 line is counted in its 其他 line too
                amounts[_DETAIL[key]] = amounts.get(_DETAIL[key], 0) + fen
    lines: list[tuple[str, Money]] = []
    change = 0
    for section, inflows, outflows in CASH_SECTIONS:
        total_in = sum(amounts.get(k, 0) for k in inflows)
        total_out = sum(amounts.get(k, 0) for k in outflows)
        for key in inflows:
            lines.append((key, Money(amounts.get(key, 0))))
            if key == "cf_other_operating_in":
                lines.append(("cf_loans_repaid", Money(amounts.get("cf_loans_repaid", 0))))
        lines.append((f"{section}_in", Money(total_in)))
        for key in outflows:
            lines.append((key, Money(amounts.get(key, 0))))
            if key == "cf_other_operating_out":
                lines.append(("cf_loans_paid", Money(amounts.get("cf_loans_paid", 0))))
        lines.append((f"{section}_out", Money(total_out)))
        lines.append((f"{section}_net", Money(total_in - total_out)))
        change += total_in - total_out
    lines.append(("cf_net_increase", Money(change)))
    return lines
