"""Budget accounting (预算会计) beside financial accounting (财务会计): 政府会计制度's 平行记账, pure.

政府会计制度 (财会〔2017〕25号) keeps two accountings in one book: financial accounting on the accrual
basis (权责发生制) and budget accounting on the cash basis (收付实现制), which records only the cash
receipts and payments that fall under the department budget (纳入部门预算管理的现金收支). For such a
receipt or payment a unit books the financial entry and, in parallel, a budget entry (平行记账).

revolve derives the budget entry from the financial one (:func:`budget_entry`), so every operation —
voids and reversals included — gets it without knowing about it. The budget entry is a balanced entry
of its own, in the same journal and hash chain, marked by its kind (``budget.`` + the financial kind)
and by its accounts, all of the budget kinds (6xxx 预算收入, 7xxx 预算支出, 8xxx 预算结余).

Which cash is budget cash (docs/books-gov.md quotes the articles):

* Money crossing the fund's bank account against a **revenue or expense** (a contribution, a grant, a
  subsidy, interest or fees, a recovery after write-off) is budget revenue into 资金结存 or budget
  expenditure out of it: Dr 8001 资金结存 / Cr 6xxx, or Dr 7xxx / Cr 8001.
* Money lent to a mother and repaid by her (principal), a cash deposit (保证金) held and handed back, and
  money lent between funds are **暂付 / 暂收** (temporary payments and receipts, 其他应收款 / 其他应付款):
  no budget entry when they move. A temporary payment becomes budget expenditure when it is settled other
  than by repayment — a loan written off (核销) is Dr 7201 事业支出 / Cr 8001 on that day.
* Money returned to finance (上缴) is Dr 8101 财政拨款结转 / Cr 8001, as the 8101 note books it.

A receipt of a revenue *already accrued* (应收利息 settled) is budget revenue when the cash arrives: the
budget side knows nothing of accruals, and the 差异调节 shows the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from revolve.chart import AccountKind, AccountRole, Chart
from revolve.closing import CLOSE_PREFIX
from revolve.journal import Entry, Posting
from revolve.money import Money

__all__ = [
    "BUDGET_PREFIX",
    "BudgetReconciliation",
    "budget_closing_entries",
    "budget_entry",
    "is_budget",
    "reconcile",
]

R = AccountRole
BUDGET_PREFIX = "budget."
"""Every budget entry's kind starts with this: ``budget.contribution.fiscal``, ``budget.grant``, …"""

_CLEARING = frozenset({R.FUND_CASH, R.LOANS_RECEIVABLE, R.PLEDGE_DEPOSITS, R.DUE_FROM_FUND, R.DUE_TO_FUND})
"""Cash and the 暂付 / 暂收 accounts: an entry that touches one of them moves money; an entry that touches
none (an accrual, a provision, a close) is no cash receipt or payment and has no budget side."""

# what the counterpart of cash becomes on the budget side, by financial role; the amount keeps its sign
_BUDGET_OF: dict[AccountRole, AccountRole] = {
    R.GRANT_REVENUE: R.BUDGET_FISCAL_REVENUE,
    R.UPPER_GRANT_REVENUE: R.BUDGET_UPPER_REVENUE,
    R.NONPEER_GRANT_REVENUE: R.BUDGET_NONPEER_REVENUE,
    R.DONATION_REVENUE: R.BUDGET_OTHER_REVENUE,
    R.OTHER_REVENUE: R.BUDGET_OTHER_REVENUE,
    R.INTEREST_REVENUE: R.BUDGET_OTHER_REVENUE,
    R.PENALTY_REVENUE: R.BUDGET_OTHER_REVENUE,
    R.RECOVERY_REVENUE: R.BUDGET_OTHER_REVENUE,
    R.ACCRUED_INTEREST: R.BUDGET_OTHER_REVENUE,
    R.FEE_REVENUE: R.BUDGET_OPERATING_REVENUE,
    R.ACCRUED_FEE: R.BUDGET_OPERATING_REVENUE,
    R.GRANT_EXPENSE: R.BUDGET_EXPENDITURE,
    R.SUBSIDY_EXPENSE: R.BUDGET_EXPENDITURE,
    R.SUBSIDY_PAYABLE: R.BUDGET_EXPENDITURE,
    R.ALLOCATION_INTERNAL: R.BUDGET_EXPENDITURE,
    R.ALLOCATION_EXPENSE: R.BUDGET_ALLOCATION_EXPENDITURE,
}


def is_budget(kind: str) -> bool:
    """Whether entries of this kind are budget accounting (预算会计)."""
    return kind.startswith(BUDGET_PREFIX) or kind.startswith(f"{CLOSE_PREFIX}budget")


def _budget_role(role: AccountRole, amount: Money, kind: str) -> AccountRole | None:
    if role in _BUDGET_OF:
        return _BUDGET_OF[role]
    if role is R.BAD_DEBT_ALLOWANCE:
        # Dr 坏账准备 against a receivable: a write-off settles a 暂付 for good (budget expenditure);
        # Cr 坏账准备 with cash: money recovered after a write-off (其他预算收入)
        return R.BUDGET_EXPENDITURE if amount.is_positive() else R.BUDGET_OTHER_REVENUE
    if role is R.UNRESTRICTED_NET_ASSETS:
        # 上缴财政 (Dr 累计盈余 / Cr 银行存款) is 财政拨款结转—归集上缴; an opening balance or another
        # posting straight to 累计盈余 against cash is money carried over (非财政拨款结转)
        return R.BUDGET_FISCAL_CARRYOVER if kind == "return_to_finance" else R.BUDGET_NONFISCAL_CARRYOVER
    return None


def budget_entry(entry: Entry, chart: Chart) -> Entry | None:
    """The budget entry (平行记账) of a financial entry on a 政府会计制度 chart, or None when it has none.

    Args:
        entry: the financial entry, as an operation builds it.
        chart: the fund's chart; a chart without budget accounting never has budget entries.

    Returns:
        ``budget.<kind>``: each budget-nature counterpart of the cash (or of the 暂付 / 暂收 account it
        settles) on its budget account, balanced on 8001 资金结存; None for a chart without budget
        accounting, a budget entry or a close, an entry that moves no money, and one whose money is all
        暂付 / 暂收 (a loan's principal lent or repaid, a deposit, a transfer between funds).
    """
    if not chart.government or is_budget(entry.kind) or entry.kind.startswith(CLOSE_PREFIX):
        return None
    roles = [p.key.role for p in entry.postings]
    if not any(role in _CLEARING for role in roles):
        return None
    lines: dict[AccountRole, int] = {}
    for posting in entry.postings:
        role = posting.key.role
        if role in _CLEARING:
            continue
        target = _budget_role(role, posting.amount, entry.kind)
        if target is not None:
            lines[target] = lines.get(target, 0) + posting.amount.fen
    postings = [Posting(role, Money(fen)) for role, fen in lines.items() if fen]
    funds = -sum(p.amount.fen for p in postings)
    if not postings:
        return None
    if funds:
        postings.append(Posting(R.BUDGET_FUNDS, Money(funds)))
    if len(postings) < 2:
        return None  # pragma: no cover - a lone non-zero line cannot balance
    return Entry(
        entry.value_date,
        f"{BUDGET_PREFIX}{entry.kind}",
        tuple(postings),
        memo=f"预算会计：{entry.memo}".rstrip("："),
        idempotency_key=None if entry.idempotency_key is None else f"{entry.idempotency_key}:budget",
    )


def budget_closing_entries(
    chart: Chart, balances: Mapping[AccountRole, Money], *, through: date, key: str
) -> list[Entry]:
    """The budget side's closing entries (结转): every 预算收入 and 预算支出 account to zero at ``through``.

    财政拨款预算收入 closes into 8101 财政拨款结转, every other budget revenue into 8201 非财政拨款结转. The
    year's budget expenditure is met from the fiscal money carried over first (8101's credit balance after
    its revenue is closed in, at most the expenditure), the rest from 8201: money is fungible in one fund,
    and this is the order the 制度 uses for 财政拨款 (spent before the unit's own money) — a policy of
    revolve's, stated in docs/books-gov.md.

    Args:
        chart: the fund's chart (budget revenue and expenditure roles by kind).
        balances: each role's signed balance at ``through``.
        through: the closing date.
        key: the idempotency key's stem.

    Returns:
        ``close.budget.revenue`` and ``close.budget.expense``, either left out when it has nothing to close.
    """
    revenue: list[Posting] = []
    fiscal = nonfiscal = 0
    expenditure: list[Posting] = []
    spent = 0
    for spec in chart.specs:
        balance = balances.get(spec.role, Money(0))
        if balance.is_zero():
            continue
        if spec.kind is AccountKind.BUDGET_REVENUE:
            revenue.append(Posting(spec.role, -balance))
            if spec.role is R.BUDGET_FISCAL_REVENUE:
                fiscal -= balance.fen
            else:
                nonfiscal -= balance.fen
        elif spec.kind is AccountKind.BUDGET_EXPENSE:
            expenditure.append(Posting(spec.role, -balance))
            spent += balance.fen
    out = []
    memo = f"{through.isoformat()} 预算收支结转"
    if revenue:
        targets = [
            Posting(role, Money(-fen))
            for role, fen in ((R.BUDGET_FISCAL_CARRYOVER, fiscal), (R.BUDGET_NONFISCAL_CARRYOVER, nonfiscal))
            if fen
        ]
        out.append(
            Entry(
                through, "close.budget.revenue", (*revenue, *targets), memo=memo, idempotency_key=f"{key}:cbr"
            )
        )
    if expenditure:
        carried = -balances.get(R.BUDGET_FISCAL_CARRYOVER, Money(0)).fen + fiscal
        from_fiscal = min(spent, max(carried, 0)) if spent > 0 else 0
        targets = [
            Posting(role, Money(fen))
            for role, fen in (
                (R.BUDGET_FISCAL_CARRYOVER, from_fiscal),
                (R.BUDGET_NONFISCAL_CARRYOVER, spent - from_fiscal),
            )
            if fen
        ]
        out.append(
            Entry(
                through,
                "close.budget.expense",
                (*expenditure, *targets),
                memo=memo,
                idempotency_key=f"{key}:cbe",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class BudgetReconciliation:
    """本年预算结余与本期盈余的差异调节 for a period: the budget surplus, the four kinds of difference, and the
    period's surplus they reconcile to, exactly.

    Attributes:
        budget_surplus: 本年预算收支差额 (budget revenue − budget expenditure).
        revenue_not_budget: 当期确认为收入但没有确认为预算收入 (accrued interest and fees, …), added.
        budget_not_revenue: 当期确认为预算收入但没有确认为收入 (receipts of revenue accrued before), less.
        budget_not_expense: 当期确认为预算支出但没有确认为费用 (a write-off, a subsidy accrued before and
            paid now), added.
        expense_not_budget: 当期确认为费用但没有确认为预算支出 (a provision, an accrued subsidy), less.
        surplus: 本期盈余 (revenue − expense).
    """

    budget_surplus: Money
    revenue_not_budget: Money
    budget_not_revenue: Money
    budget_not_expense: Money
    expense_not_budget: Money
    surplus: Money

    @property
    def reconciles(self) -> bool:
        """Whether the budget surplus and the differences make the period's surplus exactly."""
        return (
            self.budget_surplus
            + self.revenue_not_budget
            - self.budget_not_revenue
            + self.budget_not_expense
            - self.expense_not_budget
            == self.surplus
        )


def reconcile(chart: Chart, sums: Iterable[tuple[str, str, int]]) -> BudgetReconciliation:
    """The 差异调节 of a period from ``(entry kind, role, net amount)`` sums (debit positive).

    The differences are found per financial event kind: what the events of one kind recognised as revenue
    (expense) against what their budget entries (``budget.<kind>``) recognised as budget revenue
    (expenditure). Closing and opening entries are left out (they are not flows of the period).

    Args:
        chart: the fund's chart.
        sums: the period's net movement per entry kind and role.
    """
    per_kind: dict[str, list[int]] = {}  # kind → [revenue, expense, budget revenue, budget expenditure]
    for kind, role, amount in sums:
        if kind.startswith(CLOSE_PREFIX) or kind.startswith("opening"):
            continue
        if not chart.has(role):
            continue
        spec = chart.spec(role)
        base = kind[len(BUDGET_PREFIX) :] if kind.startswith(BUDGET_PREFIX) else kind
        row = per_kind.setdefault(base, [0, 0, 0, 0])
        if spec.kind is AccountKind.REVENUE:
            row[0] -= amount
        elif spec.kind is AccountKind.EXPENSE:
            row[1] += amount
        elif spec.kind is AccountKind.BUDGET_REVENUE:
            row[2] -= amount
        elif spec.kind is AccountKind.BUDGET_EXPENSE:
            row[3] += amount
    items = [0, 0, 0, 0]
    for revenue, expense, budget_revenue, budget_expense in per_kind.values():
        d_revenue, d_expense = revenue - budget_revenue, budget_expense - expense
        items[0 if d_revenue > 0 else 1] += abs(d_revenue)
        items[2 if d_expense > 0 else 3] += abs(d_expense)
    totals = [sum(row[i] for row in per_kind.values()) for i in range(4)]
    return BudgetReconciliation(
        budget_surplus=Money(totals[2] - totals[3]),
        revenue_not_budget=Money(items[0]),
        budget_not_revenue=Money(items[1]),
        budget_not_expense=Money(items[2]),
        expense_not_budget=Money(items[3]),
        surplus=Money(totals[0] - totals[1]),
    )
