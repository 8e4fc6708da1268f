"""政府会计制度 (财会〔2017〕25号) books for ``chart="gov"`` funds: the financial chart, budget accounting in
parallel (平行记账), the year-end close, on both backends (docs/books-gov.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from revolve import AccountRole, Ledger, yuan
from revolve.chart import GOV_CHART, AccountKind
from revolve.errors import InvalidEntry, UnknownAccount
from revolve.funds import Fund
from revolve.money import Money
from revolve.rules import write_off_entry

R = AccountRole
D = date


def _codes(ledger: Ledger, fund: Fund) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (e.kind, [(line.account_code, line.amount.fen) for line in e.lines]) for e in ledger.entries(fund)
    ]


def _balance(ledger: Ledger, fund: Fund, role: AccountRole) -> Money:
    return ledger.trial_balance(fund).line(role).balance


def test_the_chart_uses_the_codes_and_names_of_the_system() -> None:
    names = {spec.code: spec.name_zh for spec in GOV_CHART.specs}
    for code, name in (
        ("1002", "银行存款"),
        ("1219", "坏账准备"),
        ("3001", "累计盈余"),
        ("3301", "本期盈余"),
        ("3302", "本年盈余分配"),
        ("4001", "财政拨款收入"),
        ("4201", "上级补助收入"),
        ("4601", "非同级财政拨款收入"),
        ("4603", "捐赠收入"),
        ("4604", "利息收入"),
        ("6001", "财政拨款预算收入"),
        ("6201", "上级补助预算收入"),
        ("6601", "非同级财政拨款预算收入"),
        ("6609", "其他预算收入"),
        ("7201", "事业支出"),
        ("8101", "财政拨款结转"),
        ("8201", "非财政拨款结转"),
    ):
        assert names[code] == name
    assert all(n.startswith("其他应收款") for c, n in names.items() if c.startswith("1218"))
    assert all(n.startswith("其他应付款") for c, n in names.items() if c.startswith("2307"))
    # no restricted / unrestricted split, nothing in 3101 专用基金, no 单位管理费用 for 上缴
    assert "3101" not in names and not any(c.startswith("5101") for c in names)
    assert not any("限定" in n for n in names.values())
    with pytest.raises(UnknownAccount):
        GOV_CHART.spec(R.RESTRICTED_NET_ASSETS)


@pytest.mark.parametrize(
    ("source", "revenue", "budget"),
    [
        ("fiscal", "4001", "6001"),
        ("upper_level", "4201", "6201"),
        ("nonpeer_fiscal", "4601", "6601"),
        ("matching", "4601", "6601"),
        ("donation", "4603", "6609"),
        ("other", "460909", "6609"),
    ],
)
def test_each_source_of_money_has_its_revenue_and_budget_revenue(
    ledger: Ledger, make_fund: Callable[..., Fund], source: str, revenue: str, budget: str
) -> None:
    fund = make_fund(chart="gov")
    ledger.contribute(fund, amount=yuan("500"), on=D(2020, 1, 5), source=source, restricted=True)
    assert _codes(ledger, fund) == [
        (f"contribution.{source}", [("1002", 50_000), (revenue, -50_000)]),
        (f"budget.contribution.{source}", [(budget, -50_000), ("800102", 50_000)]),
    ]


def test_a_time_restriction_is_refused_on_a_government_fund(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund(chart="gov")
    with pytest.raises(InvalidEntry):
        ledger.contribute(fund, amount=yuan("500"), on=D(2020, 1, 5), restricted_until=D(2021, 1, 1))
    assert ledger.entries(fund) == []


def test_money_returned_to_finance_goes_through_accumulated_surplus(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund(chart="gov")
    ledger.contribute(fund, amount=yuan("1000"), on=D(2020, 1, 5), source="fiscal")
    ledger.return_to_finance(fund, amount=yuan("300"), on=D(2020, 6, 1), reference="财预〔2020〕1号")
    assert _codes(ledger, fund)[2:] == [
        ("return_to_finance", [("3001", 30_000), ("1002", -30_000)]),
        ("budget.return_to_finance", [("8101", 30_000), ("800102", -30_000)]),
    ]


def _loan_book(ledger: Ledger, fund: Fund) -> None:
    """1,000 from finance; a 600 loan lent, 200 repaid with 5 interest; 100 granted; 400 written off."""
    from revolve.rules import PayerKind, RepaymentSplit, disbursement_entry, grant_entry, repayment_entry

    ledger.contribute(fund, amount=yuan("1000"), on=D(2020, 1, 5), source="fiscal")
    ledger.post_entries(
        fund,
        [
            disbursement_entry(loan="L1", amount=yuan("600"), on=D(2020, 2, 1), memo="", key=None),
            repayment_entry(
                loan="L1",
                split=RepaymentSplit(yuan("200"), yuan("5"), Money(0), Money(0)),
                on=D(2020, 5, 1),
                payer=PayerKind.BORROWER,
                receipt="R1",
                memo="",
            ),
            grant_entry(amount=yuan("100"), on=D(2020, 6, 1), memo="", key=None),
            write_off_entry(loan="L1", amount=yuan("400"), on=D(2020, 11, 1), memo="核销"),
        ],
    )


def test_lending_and_repaying_principal_has_no_budget_entry_and_a_write_off_is_budget_expenditure(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund(chart="gov")
    _loan_book(ledger, fund)
    kinds = [kind for kind, _ in _codes(ledger, fund)]
    assert kinds == [
        "contribution.fiscal",
        "budget.contribution.fiscal",
        "disbursement",  # 暂付: no budget entry
        "repayment.borrower",
        "budget.repayment.borrower",  # only the interest: 其他预算收入
        "grant",
        "budget.grant",
        "write_off",
        "budget.write_off",  # the 暂付 settled for good: 事业支出
    ]
    lines = dict(_codes(ledger, fund))
    assert lines["budget.repayment.borrower"] == [("6609", -500), ("800102", 500)]
    assert lines["budget.write_off"] == [("7201", 40_000), ("800102", -40_000)]
    tb = ledger.trial_balance(fund)
    assert tb.balanced
    assert {line.kind.budget for line in tb.budget} == {True}
    assert tb.totals(budget=True) == (yuan("1005"), yuan("1005"))  # 8001 505 + 7201 500 = 6001 + 6609
    # 资金结存 is the cash plus what is lent out and not yet settled (暂付)
    assert _balance(ledger, fund, R.BUDGET_FUNDS) == _balance(ledger, fund, R.FUND_CASH) + _balance(
        ledger, fund, R.LOANS_RECEIVABLE
    )


def test_a_reversal_reverses_the_budget_entry_too(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund(chart="gov")
    posted = ledger.contribute(fund, amount=yuan("1000"), on=D(2020, 1, 5), source="upper_level")
    ledger.reverse(fund, posted, on=D(2020, 1, 6))
    assert _balance(ledger, fund, R.BUDGET_UPPER_REVENUE) == Money(0)
    assert _balance(ledger, fund, R.BUDGET_FUNDS) == Money(0)


def test_the_year_end_close_runs_surplus_into_accumulated_surplus_and_budget_into_carryovers(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund(chart="gov")
    _loan_book(ledger, fund)
    ledger.contribute(fund, amount=yuan("300"), on=D(2020, 3, 1), source="donation")
    ledger.close_period(fund, through=D(2020, 12, 31))
    tb = ledger.trial_balance(fund)
    for line in tb.lines:
        if line.kind in (
            AccountKind.REVENUE,
            AccountKind.EXPENSE,
            AccountKind.BUDGET_REVENUE,
            AccountKind.BUDGET_EXPENSE,
        ) or line.role in (R.CURRENT_SURPLUS, R.SURPLUS_DISTRIBUTION):
            assert line.balance == Money(0), line.code
    # revenue 1,000 + 5 + 300; expense 100 (grant); the write-off went against the allowance (1219)
    assert _balance(ledger, fund, R.UNRESTRICTED_NET_ASSETS) == -yuan("1205")
    # budget: 1,000 fiscal in, 500 spent (grant 100, write-off 400) fiscal first; 305 non-fiscal in
    assert _balance(ledger, fund, R.BUDGET_FISCAL_CARRYOVER) == -yuan("500")
    assert _balance(ledger, fund, R.BUDGET_NONFISCAL_CARRYOVER) == -yuan("305")
    kinds = [e.kind for e in ledger.entries(fund) if e.kind.startswith("close.")]
    assert kinds == [
        "close.revenue",
        "close.expense",
        "close.surplus",
        "close.distribution",
        "close.budget.revenue",
        "close.budget.expense",
    ]
    assert tb.balanced
