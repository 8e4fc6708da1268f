"""A county fund kept by a 行政事业单位 under 政府会计制度 (财会〔2017〕25号), through two years.

The county's 卫生健康服务中心 (a 事业单位) holds the 幸福工程 fund and keeps its books on the ``gov`` chart:
financial accounting (财务会计, accrual basis) and budget accounting (预算会计, cash basis) in parallel
(平行记账). Money comes from the county's own finance (4001 财政拨款收入), matching money from the
province's finance (4601 非同级财政拨款收入) and a donation (4603 捐赠收入). Ten mothers borrow 6,000 yuan
each with a 2 % management fee, repaid in four quarterly parts; one loan is written off in the second
year, and the bad-debt allowance is trued up at each year's end; one household gets a one-off grant; leftover fiscal money is handed back to finance (上缴). Each year
is closed on 31 December (本期盈余 → 本年盈余分配 → 累计盈余; budget revenue and expenditure into 结转).

The example prints what it recorded (输入), what revolve computed from it (输出), and then the second year's
statements: 会政财01–04 and 会政预01–02 with the 差异调节. docs/books-gov.md explains each posting. Run::

    python examples/government_unit.py [BOOKS.db]

With a file name, the books are kept in that SQLite file (to print from with ``revolve --db BOOKS.db``);
without, in memory.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import revolve
from revolve import QUARTERLY, GuarantorKind, LoanTerms, OrgLevel, RepaymentMethod, yuan
from revolve.reports import government
from revolve.reports.financial import build_activity_statement, build_balance_sheet, build_cash_flow
from revolve.reports.model import Report, Term
from revolve.reports.render import Format, render

INPUT, OUTPUT = "输入", "输出：revolve 计算"

FISCAL = yuan("200000")
MATCHING = yuan("100000")
DONATION = yuan("50000")
PRINCIPAL = yuan("6000")
MOTHERS = 10
GRANT = yuan("2000")
RETURNED = yuan("10000")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"130826198{sequence % 10}0312{2 * sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def say(label: str, value: object, kind: str) -> None:
    """One summary line, saying whether the figure is an input or revolve's output."""
    print(f"{label}（{kind}）：{value}")


def rows(report: Report, section: str, column: int = 1) -> dict[str, object]:
    """A report section's rows by label key, one column."""
    table = report.section(section).table
    assert table is not None
    return {row[0].key: row[column] for row in table.rows if isinstance(row[0], Term)}


def main(url: str = "sqlite://") -> None:
    with revolve.open(url) as books:
        county = books.create_org("XC", "某县", OrgLevel.COUNTY)
        fund = books.create_fund("XC-HP", "某县卫生健康服务中心幸福工程资金", org=county, chart="gov")
        books.contribute(fund, amount=FISCAL, on=date(2021, 1, 10), source="fiscal", receipt="CZ-2021-01")
        books.contribute(fund, amount=MATCHING, on=date(2021, 2, 1), source="matching", receipt="SZ-2021-01")
        books.contribute(fund, amount=DONATION, on=date(2021, 2, 20), source="donation", receipt="JZ-2021-01")
        committee = books.register_guarantor(
            fund, code="CWH-01", kind=GuarantorKind.VILLAGE_COMMITTEE, name="某村村委会"
        )
        batch = books.open_batch(fund, code="2021-1", on=date(2021, 3, 1))
        loans = []
        for n in range(1, MOTHERS + 1):
            mother = books.register_household(
                fund,
                code=f"XC-{n:04d}",
                mother_name=f"母亲{n}",
                national_id=national_id(n),
                registered_on=date(2021, 2, 25),
                org=county.id,
            )
            loans.append(
                books.disburse(
                    fund,
                    number=f"XC-2021-{n:03d}",
                    household=mother,
                    batch=batch,
                    terms=LoanTerms(
                        principal=PRINCIPAL,
                        start=date(2021, 3, 1),
                        term=4,
                        frequency=QUARTERLY,
                        method=RepaymentMethod.EQUAL_PRINCIPAL,
                        fee_rate=Decimal("0.02"),
                    ),
                    guarantors=[committee],
                )
            )
        books.grant(fund, "XC-0001", amount=GRANT, on=date(2021, 6, 1), memo="一次性帮扶")
        receipts = 0
        for quarter, on in enumerate(
            (date(2021, 6, 1), date(2021, 9, 1), date(2021, 12, 1), date(2022, 3, 1))
        ):
            for n, loan in enumerate(loans, start=1):
                if n == MOTHERS and quarter >= 2:
                    continue  # the last mother stops paying after two instalments
                due = [d for d in books.schedule(fund, loan) if d.number][quarter]
                amount = due.principal + due.interest + due.fee
                books.repay(fund, loan, amount=amount, on=on, receipt=f"HK-{quarter}-{n:03d}")
                receipts += 1
            if on.year == 2021 and quarter == 2:
                books.true_up_allowance(fund, on=date(2021, 12, 31))  # 计提坏账准备 (其他费用)
                books.close_period(fund, through=date(2021, 12, 31))
        books.write_off(
            fund,
            loans[-1],
            on=date(2022, 9, 30),
            approval_ref="某卫健〔2022〕8号",
            reason="户主外出，无力偿还",
        )
        books.return_to_finance(fund, amount=RETURNED, on=date(2022, 11, 15), reference="财政存量资金收回")
        books.true_up_allowance(fund, on=date(2022, 12, 31))
        books.close_period(fund, through=date(2022, 12, 31))

        start, end = date(2022, 1, 1), date(2022, 12, 31)
        sheet = build_balance_sheet(books, fund, as_of=end)
        income = build_activity_statement(books, fund, start=start, end=end)
        changes = government.build_net_asset_changes(books, fund, as_of=end)
        cash = build_cash_flow(books, fund, start=start, end=end)
        budget = government.build_budget_statement(books, fund, start=start, end=end)
        carryover = government.build_budget_balances(books, fund, as_of=end)
        rec = government.reconciliation(books, fund, start=start, end=end)
        tb = books.trial_balance(fund)

        print("某县卫生健康服务中心 幸福工程资金 — 政府会计制度（财会〔2017〕25号）")
        say("财政拨款", FISCAL, INPUT)
        say("省级配套（非同级财政拨款）", MATCHING, INPUT)
        say("社会捐赠", DONATION, INPUT)
        say("借款户数", MOTHERS, INPUT)
        say("每户借款", PRINCIPAL, INPUT)
        say("一次性帮扶", GRANT, INPUT)
        say("上缴财政", RETURNED, INPUT)
        say("还款笔数", receipts, INPUT)
        say("2022年末银行存款", rows(sheet, "balance_sheet", 2)["gb_cash"], OUTPUT)
        say("2022年末累计盈余", rows(sheet, "balance_sheet", 2)["gb_accumulated_surplus"], OUTPUT)
        say("2022年本期盈余", rows(income, "income_expense", 1)["gi_surplus"], OUTPUT)
        say("2022年本年预算收支差额", rec.budget_surplus, OUTPUT)
        say("差异调节：预算支出非费用（核销）", rec.budget_not_expense, OUTPUT)
        say("差异调节：收入非预算收入（计提管理费）", rec.revenue_not_budget, OUTPUT)
        say("差异调节：预算收入非收入（收回以前年度计提）", rec.budget_not_revenue, OUTPUT)
        say("差异调节：费用非预算支出（计提坏账准备）", rec.expense_not_budget, OUTPUT)
        say("差异调节相符", "是" if rec.reconciles else "否", OUTPUT)
        say("2022年末财政拨款结转", rows(carryover, "budget_balances", 1)["gq_closing"], OUTPUT)
        say("2022年末非财政拨款结转", rows(carryover, "budget_balances", 2)["gq_closing"], OUTPUT)
        say(
            "财务会计借贷平衡",
            "是" if tb.totals(budget=False)[0] == tb.totals(budget=False)[1] else "否",
            OUTPUT,
        )
        say(
            "预算会计借贷平衡",
            "是" if tb.totals(budget=True)[0] == tb.totals(budget=True)[1] else "否",
            OUTPUT,
        )
        say("守恒检查", f"{len(books.check(fund))} 项违规", OUTPUT)
        print()
        for report in (sheet, income, changes, cash, budget, carryover):
            print(render(report, Format.TEXT))


if __name__ == "__main__":
    main(f"sqlite:///{sys.argv[1]}" if len(sys.argv) > 1 else "sqlite://")
