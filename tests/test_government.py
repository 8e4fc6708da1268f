"""政府会计制度 (财会〔2017〕25号) books for ``chart="gov"`` funds: the financial chart, budget accounting in
parallel (平行记账), the year-end close, on both backends (docs/books-gov.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from revolve import AccountRole, Ledger, OrgLevel, yuan
from revolve.chart import GOV_CHART, AccountKind
from revolve.errors import InvalidEntry, UnknownAccount
from revolve.funds import Fund
from revolve.money import Money
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_cash_flow
from revolve.reports.government import (
    build_budget_balances,
    build_budget_statement,
    build_net_asset_changes,
    reconciliation,
)
from revolve.reports.model import Report, Term
from revolve.reports.render import Format, render
from revolve.reports.rollup import build_rollup
from revolve.rules import provision_entry, write_off_entry
from test_cli import ok, run

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


# ---- statements (会政财01–04, 会政预01–02, 差异调节) ------------------------------------------------------


def _rows(report: Report) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for section in report.sections:
        if section.table is not None:
            for row in section.table.rows:
                assert isinstance(row[0], Term)
                out[row[0].key] = row[1:]
    return out


def _year_book(ledger: Ledger, fund: Fund) -> None:
    """The loan book of 2020 with a donation, a provision and money returned to finance, closed."""
    _loan_book(ledger, fund)
    ledger.contribute(fund, amount=yuan("300"), on=D(2020, 3, 1), source="donation")
    ledger.post_entries(fund, [provision_entry(amount=yuan("50"), on=D(2020, 9, 30), memo="计提坏账准备")])
    ledger.return_to_finance(fund, amount=yuan("20"), on=D(2020, 10, 1), reference="缴回")


def test_a_government_fund_prints_the_government_statements(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    fund = make_fund(chart="gov")
    _year_book(ledger, fund)
    end = D(2020, 12, 31)
    for closed in (False, True):
        if closed:
            ledger.close_period(fund, through=end)
        sheet = build_balance_sheet(ledger, fund, as_of=end)
        income = build_activity_statement(ledger, fund, start=D(2020, 1, 1), end=end)
        assert (sheet.title, income.title) == ("gov_balance_sheet", "gov_income_expense")
        rows, flows = _rows(sheet), _rows(income)
        # cash 1000 − 600 + 205 − 100 + 300 − 20 = 785; receivable 600 − 200 − 400 = 0; allowance 400 − 50
        assert rows["gb_cash"][1] == yuan("785")
        assert rows["gb_other_receivables"][1] == yuan("350")  # 1219 holds a debit of 350 after the write-off
        net = rows["gb_total_net_assets"][1]
        assert net == yuan("1135") and rows["gb_total_assets"][1] == net
        assert (rows["gb_accumulated_surplus"][1], rows["gb_current_surplus"][1]) == (
            (yuan("1135"), Money(0)) if closed else (-yuan("20"), yuan("1155"))
        )
        assert flows["gi_4001"] == (yuan("1000"), yuan("1000"))
        assert flows["gi_4603"][1] == yuan("300")
        assert flows["gi_4604"][1] == yuan("5")
        assert flows["gi_5901"][1] == yuan("50")
        assert flows["gi_surplus"][1] == yuan("1155")  # 1305 − 100 − 50
        text = render(sheet, Format.TEXT) + render(income, Format.TEXT)
        assert "会政财01" in text and "会政财02" in text and "会民非" not in text
        assert "限定性净资产" not in text
    changes = _rows(build_net_asset_changes(ledger, fund, as_of=end))
    assert [changes[k][0] for k in ("gn_opening", "gn_surplus", "gn_returned", "gn_closing")] == [
        Money(0),
        yuan("1155"),
        -yuan("20"),
        yuan("1135"),
    ]
    cash = _rows(build_cash_flow(ledger, fund, start=D(2020, 1, 1), end=end))
    assert cash["gc_fiscal_in"][0] == yuan("1000")
    assert (cash["gc_loans_paid"][0], cash["gc_loans_repaid"][0]) == (yuan("600"), yuan("200"))
    assert cash["gc_returned_out"][0] == yuan("20")
    assert cash["gc_net_increase"][0] == yuan("785")


def test_the_budget_statements_and_the_reconciliation(ledger: Ledger, make_fund: Callable[..., Fund]) -> None:
    fund = make_fund(chart="gov")
    _year_book(ledger, fund)
    start, end = D(2020, 1, 1), D(2020, 12, 31)
    ledger.close_period(fund, through=end)
    budget = build_budget_statement(ledger, fund, start=start, end=end)
    rows = _rows(budget)
    assert rows["gp_6001"][0] == yuan("1000")
    assert rows["gp_6609"][0] == yuan("305")  # donation 300, interest 5
    assert rows["gp_7201"][0] == yuan("500")  # grant 100, write-off 400
    assert rows["gp_surplus"][0] == yuan("805")
    # 805 + 0 − 0 + 0 − 0 … the write-off is budget expenditure, not expense (+400); the provision is
    # expense, not budget expenditure (−50): 805 + 400 − 50 = 1155, the 本期盈余
    assert rows["gr_budget_surplus"][0] == yuan("805")
    assert rows["gr_budget_not_expense"][0] == yuan("400")
    assert rows["gr_expense_not_budget"][0] == yuan("50")
    assert rows["gr_surplus"][0] == yuan("1155")
    assert reconciliation(ledger, fund, start=start, end=end).reconciles
    balances = _rows(build_budget_balances(ledger, fund, as_of=end))
    # fiscal: 1000 in, 500 spent, 20 handed back; non-fiscal: 305 in
    assert balances["gq_surplus"][:2] == (yuan("500"), yuan("305"))
    assert balances["gq_returned"][:2] == (-yuan("20"), Money(0))
    assert balances["gq_closing"] == (yuan("480"), yuan("305"), yuan("785"))
    for report in (budget, build_budget_balances(ledger, fund, as_of=end)):
        for fmt in Format:
            for lang in ("zh", "en"):
                assert render(report, fmt, lang=lang)
    zh = render(budget, Format.TEXT)
    assert "会政预01" in zh and "差异调节" in zh
    assert "Budget revenue and expenditure" in str(render(budget, Format.TEXT, lang="en"))


def test_the_report_command_prints_the_government_statements(tmp_path: Path) -> None:
    db = tmp_path / "books.db"
    d = ("--db", db)
    ok(
        run(
            "init", *d, "--org-code", "XC", "--org-name", "县卫健局", "--fund-code", "XC-HP",
            "--fund-name", "县幸福工程资金", "--chart", "gov",
        )
    )  # fmt: skip
    ok(
        run(
            "contribute",
            *d,
            "--fund",
            "XC-HP",
            "--amount",
            "300000",
            "--on",
            "2020-01-05",
            "--source",
            "fiscal",
        )
    )
    period = ("--fund", "XC-HP", "--from", "2020-01-01", "--to", "2020-12-31", *d)
    out = {kind: ok(run("report", kind, *period)).out for kind in (
        "balance-sheet", "activity", "cash-flow", "net-assets", "budget", "budget-balances", "trial-balance"
    )}  # fmt: skip
    for kind, form in (
        ("balance-sheet", "会政财01"),
        ("activity", "会政财02"),
        ("net-assets", "会政财03"),
        ("cash-flow", "会政财04"),
        ("budget", "会政预01"),
        ("budget-balances", "会政预02"),
    ):
        assert form in out[kind] and "会民非" not in out[kind]
    assert "财政拨款预算收入" in out["trial-balance"] and "300,000.00" in out["budget"]
    rollup = ok(run("report", "rollup", "--org", "XC", "--year", "2020", *d)).out
    assert "会政财01" in rollup and "财政拨款" in rollup
    # the 科目余额表 shows each side on its own, each with its total
    financial, budget = out["trial-balance"].split("科目余额表——预算会计")[-2:]
    assert "科目余额表——财务会计" in financial and "1002" in financial and "6001" not in financial
    assert "6001" in budget and "800102" in budget and "1002" not in budget


def test_a_province_rolls_up_funds_under_both_systems(ledger: Ledger) -> None:
    province = ledger.create_org("P", "某省", OrgLevel.PROVINCE)
    a = ledger.create_org("PA", "甲县", OrgLevel.COUNTY, parent=province)
    b = ledger.create_org("PB", "乙县", OrgLevel.COUNTY, parent=province)
    npo = ledger.create_fund("NPO", "甲县计生协幸福工程资金", org=a)
    gov = ledger.create_fund("GOV", "乙县卫健局幸福工程资金", org=b, chart="gov")
    ledger.contribute(npo, amount=yuan("3000"), on=D(2020, 1, 5), source="donation")
    ledger.contribute(gov, amount=yuan("1000"), on=D(2020, 1, 5), source="fiscal")
    ledger.contribute(gov, amount=yuan("500"), on=D(2020, 2, 5), source="nonpeer_fiscal")
    report = build_rollup(ledger, province, year=2020)
    capital = {row[0].key: row[1] for row in report.section("programme.capital").table.rows}  # type: ignore[union-attr]
    assert capital == {
        "source_donation": yuan("3000"),
        "source_fiscal": yuan("1000"),
        "source_nonpeer_fiscal": yuan("500"),
    }
    titles = [s.title for s in report.sections if not s.key.startswith("programme.")]
    assert titles == [
        "rollup_fund",
        "balance_sheet",
        "activity_statement",
        "rollup_fund",
        "gov_balance_sheet",
        "gov_income_expense",
    ]
    text = render(report, Format.TEXT)
    assert "会民非01" in text and "会政财01" in text and "非同级财政拨款" in text
    for fmt in Format:
        assert render(report, fmt, lang="en")


def test_an_allocation_from_the_level_above_is_upper_level_revenue_and_budget_expenditure_of_the_giver(
    ledger: Ledger,
) -> None:
    city = ledger.create_org("C", "某市", OrgLevel.CITY)
    county = ledger.create_org("CC", "某县", OrgLevel.COUNTY, parent=city)
    giver = ledger.create_fund("CITY", "市幸福工程资金", org=city, chart="gov")
    receiver = ledger.create_fund("COUNTY", "县幸福工程资金", org=county, chart="gov")
    ledger.contribute(giver, amount=yuan("1000"), on=D(2020, 1, 5), source="fiscal")
    ledger.allocate(giver, receiver, amount=yuan("400"), on=D(2020, 2, 1))
    assert _codes(ledger, receiver) == [
        ("allocation.in", [("1002", 40_000), ("4201", -40_000)]),
        ("budget.allocation.in", [("6201", -40_000), ("800102", 40_000)]),
    ]
    assert _codes(ledger, giver)[2:] == [
        ("allocation.out", [("550101.COUNTY", 40_000), ("1002", -40_000)]),
        ("budget.allocation.out", [("7501", 40_000), ("800102", -40_000)]),
    ]


def test_voiding_the_receipt_that_closed_a_loan_puts_back_its_deposit_on_a_government_fund(
    ledger: Ledger, make_fund: Callable[..., Fund]
) -> None:
    from decimal import Decimal

    from revolve import GuarantorKind, LoanTerms, RepaymentMethod

    fund = make_fund(chart="gov")
    ledger.contribute(fund, amount=yuan("10000"), on=D(2020, 1, 5), source="fiscal")
    mother = ledger.register_household(
        fund,
        code="H1",
        mother_name="王秀英",
        national_id="130826198503120024",
        registered_on=D(2020, 1, 6),
        org=ledger.fund(fund).org_id,
    )
    committee = ledger.register_guarantor(
        fund, code="V1", kind=GuarantorKind.VILLAGE_COMMITTEE, name="村委会"
    )
    batch = ledger.open_batch(fund, code="B1", on=D(2020, 2, 1))
    terms = LoanTerms(
        principal=yuan("1000"),
        start=D(2020, 2, 1),
        term=1,
        method=RepaymentMethod.BULLET,
        fee_rate=Decimal("0.12"),
    )
    loan = ledger.disburse(
        fund,
        number="L1",
        household=mother,
        batch=batch,
        terms=terms,
        guarantors=[committee],
        pledge=yuan("100"),
    )
    due = next(d for d in ledger.schedule(fund, loan) if d.number)
    ledger.repay(fund, loan, amount=due.principal + due.fee, on=due.due_date, receipt="R1")
    # the receipt's fee has a budget entry, written between the receipt and the deposit handed back
    kinds = [e.kind for e in ledger.entries(fund)]
    assert kinds[-3:] == ["repayment.borrower", "budget.repayment.borrower", "pledge.released"]
    ledger.void_receipt(fund, "R1", on=due.due_date, reason="录错", approved_by="会计")
    assert _balance(ledger, fund, R.PLEDGE_DEPOSITS) == -yuan("100")  # the deposit is held again
    assert _balance(ledger, fund, R.BUDGET_OPERATING_REVENUE) == Money(0)
    assert ledger.trial_balance(fund).balanced
