"""Reports built from the books, checked against independent arithmetic over the operations the test ran.

A county fund and a town fund under it take known contributions, loans, repayments (late, on time, by a
guarantor), a write-off and a recovery, grants and a return to finance; every expected figure below is
worked out by hand from those operations in the comments, not read back from the library.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revolve import AccountRole, Ledger, OrgLevel, yuan
from revolve.guarantees import GuarantorKind
from revolve.policy import Policy
from revolve.ratios import Ratio
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_trial_balance
from revolve.reports.model import Report, Term
from revolve.reports.quarterly import build_quarterly, period_of
from revolve.reports.registers import build_loan_register, build_write_off_register
from revolve.reports.statement import build_statement
from revolve.schedule import LoanTerms, RepaymentMethod

R = AccountRole
D = date
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(n: int) -> str:
    body = f"11010519800101{n:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


@pytest.fixture
def books(ledger: Ledger) -> Ledger:
    """County fund C with 3 loans; town fund T with 1; operations in 2016."""
    county = ledger.create_org("C", "丰宁县", OrgLevel.COUNTY)
    town = ledger.create_org("T", "某镇", OrgLevel.TOWN, parent=county)
    village = ledger.create_org("V", "某村", OrgLevel.VILLAGE, parent=town)
    ledger.create_fund("C", "县幸福工程资金", org=county)
    ledger.create_fund("T", "镇幸福工程资金", org=town)
    for fund in ("C", "T"):
        ledger.set_policy(
            fund,
            Policy(
                effective_from=D(2016, 1, 1),
                min_amount=yuan("100"),
                max_amount=yuan("50000"),
                min_term_months=1,
                max_term_months=36,
                max_loans_per_household=5,
                max_active_loans_per_household=2,
                guarantee_required=False,
            ),
        )
        ledger.open_batch(fund, code="B1", on=D(2016, 1, 10))
    ledger.contribute("C", amount=yuan("20000"), on=D(2016, 1, 5), source="donation")
    ledger.contribute("C", amount=yuan("10000"), on=D(2016, 1, 6), source="fiscal")
    ledger.contribute("T", amount=yuan("5000"), on=D(2016, 1, 6), source="matching")
    for n, fund in ((1, "C"), (2, "C"), (3, "C"), (4, "T")):
        ledger.register_household(
            fund,
            code=f"H{n}",
            mother_name=f"母亲{n}",
            national_id=_id(n),
            registered_on=D(2016, 1, 1),
            org=village.id,
            phone="13812345678",
        )
    ledger.register_guarantor("C", code="VC", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村委会")

    def monthly(amount: str, term: int, start: date) -> LoanTerms:
        return LoanTerms(
            principal=yuan(amount), start=start, term=term, method=RepaymentMethod.EQUAL_PRINCIPAL
        )

    # L1: 1,200 over 12 months from 01-15 (100 a month, due the 15th from 02-15)
    ledger.disburse(
        "C",
        number="L1",
        household="H1",
        batch="B1",
        terms=monthly("1200", 12, D(2016, 1, 15)),
        guarantors=["VC"],
    )
    # L2: 3,000 bullet, one year from 02-01 (due 2017-02-01)
    ledger.disburse(
        "C",
        number="L2",
        household="H2",
        batch="B1",
        terms=LoanTerms(principal=yuan("3000"), start=D(2016, 2, 1), term=12, method=RepaymentMethod.BULLET),
    )
    # L3: 600 over 3 months from 04-10 (200 due 05-10, 06-10, 07-10)
    ledger.disburse("C", number="L3", household="H3", batch="B1", terms=monthly("600", 3, D(2016, 4, 10)))
    # L4 (town): 1,000 over 2 months from 04-01 (500 due 05-01 and 06-01)
    ledger.disburse("T", number="L4", household="H4", batch="B1", terms=monthly("1000", 2, D(2016, 4, 1)))

    # L1: on time 02-15, 03-15; 04-15's instalment paid late on 04-25 by the village committee; nothing after
    ledger.repay("C", "L1", amount=yuan("100"), on=D(2016, 2, 15), receipt="C-1")
    ledger.repay("C", "L1", amount=yuan("100"), on=D(2016, 3, 15), receipt="C-2")
    ledger.repay(
        "C", "L1", amount=yuan("100"), on=D(2016, 4, 25), receipt="C-3", payer="guarantor", guarantor="VC"
    )
    # L3: all three on time; closes 07-10; the household is then assessed out of poverty
    for k, day in enumerate((D(2016, 5, 10), D(2016, 6, 10), D(2016, 7, 10)), start=1):
        ledger.repay("C", "L3", amount=yuan("200"), on=day, receipt=f"C-3{k}")
    ledger.record_household("C", "H3", kind="poverty_exit", on=D(2016, 8, 1), exited_poverty=True)
    # L4: 500 on time 05-01; the second 500 on 06-20, 19 days late; closes; assessed still poor
    ledger.repay("T", "L4", amount=yuan("500"), on=D(2016, 5, 1), receipt="T-1")
    ledger.repay("T", "L4", amount=yuan("500"), on=D(2016, 6, 20), receipt="T-2")
    ledger.record_household("T", "H4", kind="poverty_exit", on=D(2016, 7, 1), exited_poverty=False)
    # L2 written off on 06-30 (3,000), 400 recovered on 09-01
    ledger.provide("C", amount=yuan("1000"), on=D(2016, 6, 29))
    ledger.write_off("C", "L2", on=D(2016, 6, 30), approval_ref="县协〔2016〕9号", reason="借款人外出失联")
    ledger.recover("C", "L2", amount=yuan("400"), on=D(2016, 9, 1), receipt="V-1")
    # money out for good
    ledger.grant("C", "H1", amount=yuan("300"), on=D(2016, 5, 20))
    ledger.return_to_finance("T", amount=yuan("100"), on=D(2016, 9, 30), reference="财")
    return ledger


def _facts(report: Report, section: str) -> dict[str, object]:
    return {f.label: f.value for f in report.section(section).facts}


def test_period_of() -> None:
    assert period_of(2016, 2) == (D(2016, 4, 1), D(2016, 6, 30))
    assert period_of(2016, None) == (D(2016, 1, 1), D(2016, 12, 31))


def test_statement_shows_the_schedule_payments_and_what_is_due(books: Ledger) -> None:
    report = build_statement(books, "C", "L1", as_of=D(2016, 6, 20))
    schedule = report.section("schedule").table
    assert schedule is not None and len(schedule.rows) == 12
    # paid 300 of 1,200: instalments 1–3 settled; 4 (05-15) and 5 (06-15) due and unpaid
    statuses = [row[-1] for row in schedule.rows[:6]]
    assert statuses == [Term("settled")] * 3 + [Term("overdue")] * 2 + [Term("not_yet_due")]
    assert schedule.total is not None and schedule.total[6] == yuan("300")
    payments = report.section("payments").table
    assert payments is not None
    assert [(row[1], row[3]) for row in payments.rows] == [
        ("C-1", yuan("100")),
        ("C-2", yuan("100")),
        ("C-3", yuan("100")),
    ]
    assert payments.rows[2][2] == Term("payer_guarantor")
    summary = _facts(report, "summary")
    # due by 06-20: instalments 4 and 5 = 200; overdue the same; oldest unpaid 05-15 → 36 days
    assert summary["due_to_date"] == yuan("200")
    assert summary["overdue"] == yuan("200")
    assert summary["days_past_due"] == 36
    assert summary["outstanding_principal"] == yuan("900")
    assert summary["next_due_date"] == D(2016, 7, 15)
    assert summary["next_due_amount"] == yuan("100")
    borrower = _facts(report, "borrower")
    assert borrower["national_id"] == _id(1)[:6] + "********" + _id(1)[-4:]
    assert borrower["phone"] == "138****5678"
    assert _facts(build_statement(books, "C", "L1", as_of=D(2016, 6, 20), reveal=True), "borrower")[
        "national_id"
    ] == _id(1)
    guarantee = _facts(report, "guarantee")
    assert guarantee["guarantor"] == "某村委会"


def test_statement_shows_the_status_on_its_date(books: Ledger) -> None:
    # L2 was written off on 06-30: a statement of 05-31 shows it active, one of 07-31 written off
    assert _facts(build_statement(books, "C", "L2", as_of=D(2016, 5, 31)), "loan")["loan_status"] == Term(
        "status_active"
    )
    assert _facts(build_statement(books, "C", "L2", as_of=D(2016, 7, 31)), "loan")["loan_status"] == Term(
        "status_written_off"
    )
    # L3 closed on 07-10
    assert _facts(build_statement(books, "C", "L3", as_of=D(2016, 7, 9)), "loan")["loan_status"] == Term(
        "status_active"
    )
    assert _facts(build_statement(books, "C", "L3", as_of=D(2016, 7, 10)), "loan")["loan_status"] == Term(
        "status_closed"
    )


def test_statement_as_of_an_earlier_date_ignores_later_payments(books: Ledger) -> None:
    report = build_statement(books, "C", "L1", as_of=D(2016, 3, 1))
    summary = _facts(report, "summary")
    # only C-1 by 03-01: 1,100 outstanding, nothing overdue
    assert summary["outstanding_principal"] == yuan("1100")
    assert summary["days_past_due"] == 0
    assert len(report.section("payments").table.rows) == 1  # type: ignore[union-attr]


def test_quarterly_report_of_one_fund(books: Ledger) -> None:
    report = build_quarterly(books, fund="C", year=2016, quarter=2)
    capital = report.section("capital").table
    assert capital is not None and capital.total == (Term("total"), yuan("30000"))
    to_date = _facts(report, "to_date")
    # lent by 06-30: 1,200 + 3,000 + 600 = 4,800 to 3 households
    assert to_date["disbursed_to_date"] == yuan("4800")
    assert to_date["households_served"] == 3
    # principal repaid by 06-30: L1 300 + L3 400 = 700
    assert to_date["recovered_to_date"] == yuan("700")
    # outstanding: L1 900 + L3 200 (L2 written off) = 1,100
    assert to_date["outstanding_principal"] == yuan("1100")
    # cash 06-30: 30,000 − 4,800 lent + 700 repaid − 300 grant = 25,600
    assert to_date["cash_on_hand"] == yuan("25600")
    disbursed = _facts(report, "disbursed")
    # in Q2 only L3 (04-10)
    assert (disbursed["loans_disbursed"], disbursed["amount_disbursed"]) == (1, yuan("600"))
    recovered = report.section("recovered").table
    assert recovered is not None
    # Q2 receipts: C-3 by the guarantor 100; L3 400 by the borrower
    assert {row[0].key: row[1] for row in recovered.rows} == {  # type: ignore[union-attr]
        "payer_borrower": yuan("400"),
        "payer_guarantor": yuan("100"),
        "payer_pledge": yuan("0"),
    }
    maturity = _facts(report, "maturity")
    # falling due in Q2: L1 04-15, 05-15, 06-15 (300) + L3 05-10, 06-10 (400) = 700; on time: L3's 400
    # (L1's 04-15 was paid 04-25, late); L2 was written off before its maturity
    assert maturity["due_in_period"] == yuan("700")
    assert maturity["repaid_on_time"] == yuan("400")
    assert maturity["due_repayment_rate"] == Ratio(yuan("400"), yuan("700"))
    losses = _facts(report, "losses")
    assert losses["written_off_this_period"] == yuan("3000")
    # 06-30: L1 has 900 outstanding, oldest unpaid 05-15 → 46 days; L3 200, current
    par = _facts(report, "ageing")["par30"]
    assert par == Ratio(yuan("900"), yuan("1100"))
    outflows = _facts(report, "outflows")
    assert (outflows["grant_households"], outflows["grants"]) == (1, yuan("300"))
    revolving = _facts(report, "revolving")
    # turnover 4,800 / 30,000 = 0.16
    assert revolving["turnover_times"] == Decimal("0.16")
    # fallen due by 06-30: L1 5 instalments 500 (02-15 … 06-15) + L2 nothing (written off before due) + L3 400 = 900;
    # recovered against it: L1 300 + L3 400 = 700
    assert report.rate("recovery_rate") == Ratio(yuan("700"), yuan("900"))
    # Q2 re-lending: lent 600 ÷ recovered 500
    assert report.rate("relending_rate") == Ratio(yuan("600"), yuan("500"))
    # no loan closed in C by 06-30 (L3 closes 07-10)
    assert report.rate("poverty_exit_rate_closed") == Ratio(0, 0)
    # 脱贫率 over all households helped: H1, H2, H3 helped, none assessed out of poverty by 06-30
    assert report.rate("poverty_exit_rate") == Ratio(0, 3)
    with pytest.raises(KeyError):
        report.rate("turnover_times")  # a fact of another section, not a rate


def test_quarterly_rolls_up_the_subtree(books: Ledger) -> None:
    report = build_quarterly(books, org="C", year=2016, quarter=3)
    overview = _facts(report, "overview")
    assert overview["funds_included"] == 2
    capital = report.section("capital").table
    assert capital is not None and capital.total == (Term("total"), yuan("35000"))
    to_date = _facts(report, "to_date")
    # both funds: 4,800 + 1,000 lent to 4 households
    assert to_date["disbursed_to_date"] == yuan("5800")
    assert to_date["households_served"] == 4
    # closed by 09-30: H3 (L3, assessed out of poverty) and H4 (L4, assessed still poor) → 1 ÷ 2
    assert report.rate("poverty_exit_rate_closed") == Ratio(1, 2)
    # over all four households helped, H3 is out of poverty → 1 ÷ 4
    assert report.rate("poverty_exit_rate") == Ratio(1, 4)
    losses = _facts(report, "losses")
    assert losses["recovered_after_write_off"] == yuan("400")
    assert _facts(report, "outflows")["returned_to_finance"] == yuan("100")
    annual = build_quarterly(books, org="C", year=2016)
    assert annual.title == "annual_report"
    assert annual.period == (D(2016, 1, 1), D(2016, 12, 31))


def test_loan_and_write_off_registers(books: Ledger) -> None:
    register = build_loan_register(books, "C", as_of=D(2016, 9, 30))
    table = register.section("loans").table
    assert table is not None
    by_loan = {row[0]: row for row in table.rows}
    assert set(by_loan) == {"L1", "L2", "L3"}
    # L1: 1,200, 300 repaid, 900 outstanding; L2 written off 3,000; L3 repaid in full
    assert by_loan["L1"][9:12] == (yuan("300"), yuan("0"), yuan("900"))
    assert by_loan["L2"][10:12] == (yuan("3000"), yuan("0"))
    assert by_loan["L3"][11] == yuan("0")
    assert by_loan["L3"][13] == Term("status_closed")
    # totals: lent 4,800 = repaid 900 (L1 300 + L3 600) + written off 3,000 + outstanding 900
    assert table.total is not None and table.total[8:12] == (
        yuan("4800"),
        yuan("900"),
        yuan("3000"),
        yuan("900"),
    )
    assert "********" in str(by_loan["L1"][3])
    write_offs = build_write_off_register(books, "C", as_of=D(2016, 12, 31)).section("write_offs").table
    assert write_offs is not None
    (row,) = write_offs.rows
    assert (row[0], row[4], row[7], row[8]) == ("L2", yuan("3000"), yuan("400"), yuan("2600"))


def test_balance_sheet_balances_and_activity_statement(books: Ledger) -> None:
    sheet = build_balance_sheet(books, "C", as_of=D(2016, 12, 31))
    lines = {row[0].key: row[2] for row in sheet.section("balance_sheet").table.rows}  # type: ignore[union-attr]
    # cash: 30,000 − 4,800 + 700 (L1 300, L3 400) + 200 (L3's last) + 400 recovery − 300 grant = 26,200
    assert lines["bs_cash"] == yuan("26200")
    # receivables: L1 900 (L2 written off, L3 repaid); the allowance: 1,000 provided − 3,000 written off
    # + 400 recovered through it = 1,600 in debit, shown as −1,600 until a true-up restores it
    assert lines["bs_receivables"] == yuan("900")
    assert lines["bs_allowance"] == yuan("-1600")
    assert lines["bs_total_assets"] == yuan("28700")
    assert lines["bs_total_liabilities"] == yuan("0")
    assert lines["bs_total_net_assets"] == yuan("28700")
    assert lines["bs_total_liabilities_and_net_assets"] == lines["bs_total_assets"]
    activity = build_activity_statement(books, "C", start=D(2016, 1, 1), end=D(2016, 12, 31))
    rows = {row[0].key: row[1:4] for row in activity.section("activity").table.rows}  # type: ignore[union-attr]
    # revenue: donations 20,000 and government 10,000, both restricted; the recovery is not revenue: it
    # goes back through the allowance (issue 11, finding 3)
    assert rows["ac_donations"] == (yuan("0"), yuan("20000"), yuan("20000"))
    assert rows["ac_government_grants"] == (yuan("0"), yuan("10000"), yuan("10000"))
    assert rows["ac_other_revenue"] == (yuan("0"), yuan("0"), yuan("0"))
    # expenses: grant 300 (programme); bad debts: the 1,000 provision only, the write-off being charged
    # wholly to the allowance (finding 4)
    assert rows["ac_program_cost"][2] == yuan("300")
    assert rows["ac_admin_expense"][2] == yuan("1000")
    # change in net assets: 30,000 − 1,300 = 28,700, equal to the closing net assets (no opening balance)
    assert rows["ac_change_in_net_assets"][2] == yuan("28700")
    trial = build_trial_balance(books, "C", as_of=D(2016, 12, 31)).section("accounts").table
    assert trial is not None and trial.total is not None and trial.total[4] == trial.total[5]
