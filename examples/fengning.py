"""丰宁县 幸福工程 (seed 001): 35万 of capital lent and re-lent four times over, 270 mothers helped.

The seed: "丰宁县'幸福工程'项目自2006年开始，争取资金30万元，从生育关怀募捐款中提出5万元作为补充，共投35万元，
通过4次滚动使用，使270户贫困母亲实现了脱贫。"

This script runs that programme through revolve's public API:

* 300,000 yuan obtained from the upper level (争取资金) and 50,000 yuan taken from fertility-care
  donations (生育关怀募捐款) make the fund's capital;
* each spring the county office lends all the cash it holds, in interest-free one-year loans of 5,000
  yuan paid in one sum at maturity (一次性还本), one batch per town; new applicants come first, and
  once every registered mother has borrowed, mothers who repaid on time may borrow a second time;
* mothers repay in the weeks before maturity — some in two parts — and what comes back is re-lent in
  the next spring's batches (滚动), four years running;
* each mother's file gets her income and a poverty-exit assessment (脱贫评估) after her loan closes;
* the fund closes its books (结账) on 31 December of each year: a season's year once its collections
  are recorded (before the next spring's loans), the last years at the end. Closing moves the year's
  result into net assets and changes none of the figures below; the last year's 资产负债表 is printed.

Every figure printed — capital, cumulative disbursed, turnover, households served, rounds, recovery
rate, 脱贫率 and the report — is computed by revolve from these operations; none is written down here.
The report is the 季报表 built over the whole of the programme's last year (its 年报表).

Run it with ``python examples/fengning.py``. The books are kept in an in-memory SQLite database: a
simulation has nothing to keep, and memory spares each of its ~1,500 operations a write to disk.
"""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta

from seedcheck import INPUT, OUTPUT, Row, print_side_by_side

import revolve
from revolve import (
    ContributionSource,
    Household,
    Ledger,
    LoanStatus,
    LoanTerms,
    OrgLevel,
    Policy,
    RepaymentMethod,
    yuan,
)
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render

LOAN = yuan("5000")
"""The loan every mother gets: 5,000 yuan, within the 1,000–5,000 yuan of the national guidance."""

HOUSEHOLDS = 270
"""Mothers who applied and were approved (the 270户 of the seed) — an input; the report counts borrowers."""

LENDING_DAYS = (date(2006, 4, 10), date(2007, 5, 8), date(2008, 6, 5), date(2009, 7, 2))
"""One lending season a year: each re-lends what came back within 20 working days (domain.md §7.3)."""

TOWNS = (
    ("FN-DG", "大阁镇"),
    ("FN-FS", "凤山镇"),
    ("FN-HQ", "黄旗镇"),
    ("FN-TC", "土城镇"),
    ("FN-BLN", "波罗诺镇"),
    ("FN-TQ", "天桥镇"),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("秀英", "桂兰", "玉梅", "淑珍", "凤英", "秀兰", "丽娟", "春梅", "海燕", "红梅", "金凤", "小红")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(region: str, born: date, sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def register_mothers(books: Ledger, fund: str, towns: list[int]) -> list[Household]:
    """Open the 270 household files (一户一档), spread over the towns."""
    mothers = []
    for i in range(HOUSEHOLDS):
        born = date(1966, 1, 1) + timedelta(days=53 * i)
        mothers.append(
            books.register_household(
                fund,
                code=f"FN-{i + 1:04d}",
                mother_name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                national_id=national_id("130826", born, 2 * (i % 400) + 100),
                registered_on=date(2006, 3, 1),
                org=towns[i % len(towns)],
                income_before=yuan(1800 + 100 * (i % 9)),
            )
        )
    return mothers


def lend_season(
    books: Ledger, fund: str, on: date, queue: deque[Household], repeaters: deque[Household]
) -> list[Household]:
    """Lend all the cash the fund holds on ``on``: new applicants first, then repeat borrowers.

    Returns the first-time borrowers of the season. How many loans there are is decided by the cash
    revolve says is available — what the previous season's loans brought back.
    """
    made = 0
    first_timers = []
    batches: dict[int | None, str] = {}
    while books.available(fund) >= LOAN and (queue or repeaters):
        if queue:
            mother = queue.popleft()
            first_timers.append(mother)
        else:
            mother = repeaters.popleft()
        if mother.org_id not in batches:
            batch = books.open_batch(
                fund, code=f"{on.year}-{mother.org_id}", on=on, site=mother.org_id, note=f"{on.year}年滚动"
            )
            batches[mother.org_id] = batch.code
        made += 1
        books.disburse(
            fund,
            number=f"FN-{on.year}-{made:03d}",
            household=mother,
            batch=batches[mother.org_id],
            terms=LoanTerms(principal=LOAN, start=on, term=12, method=RepaymentMethod.BULLET),
        )
    return first_timers


def collect(books: Ledger, fund: str, on: date) -> None:
    """Every loan paid out on ``on`` comes back in full before it matures — some in two parts."""
    for n, loan in enumerate(
        ln for ln in books.loans(fund, status=LoanStatus.ACTIVE) if ln.disbursed_on == on
    ):
        maturity = books.schedule(fund, loan)[-1].due_date
        if n % 4 == 0:
            # a part five months early, the rest on the day the loan falls due
            books.repay(
                fund, loan, amount=yuan("2000"), on=maturity - timedelta(days=150), receipt=f"{loan.number}-1"
            )
            books.repay(
                fund, loan, amount=loan.outstanding - yuan("2000"), on=maturity, receipt=f"{loan.number}-2"
            )
        else:
            books.repay(
                fund,
                loan,
                amount=loan.outstanding,
                on=maturity - timedelta(days=n % 20),
                receipt=f"{loan.number}-1",
            )


def assess(books: Ledger, fund: str, mothers: list[Household]) -> None:
    """After her last loan closes, the town office records each mother's income and assesses her (脱贫评估)."""
    closed: dict[int, date] = {}
    for loan in books.loans(fund, status=LoanStatus.CLOSED):
        assert loan.closed_on is not None
        closed[loan.household_id] = max(closed.get(loan.household_id, loan.closed_on), loan.closed_on)
    for mother in mothers:
        on = closed[mother.id] + timedelta(days=30)
        books.record_household(fund, mother, kind="income", on=on, income=yuan(3600 + 150 * (mother.id % 11)))
        books.record_household(fund, mother, kind="poverty_exit", on=on, exited_poverty=True, note="入户核实")


BALANCE_SHEET_LINES = (
    ("bs_cash", "货币资金"),
    ("bs_receivables_net", "应收款项（净额）"),
    ("bs_total_assets", "资产合计"),
    ("bs_other_payables", "应付款项"),
    ("bs_total_liabilities", "负债合计"),
    ("bs_unrestricted", "非限定性净资产"),
    ("bs_restricted", "限定性净资产"),
    ("bs_total_net_assets", "净资产合计"),
    ("bs_total_liabilities_and_net_assets", "负债和净资产总计"),
)
"""The 资产负债表's key lines printed, by the report's row keys."""


FIRST_YEAR = 2006
"""The fund's first year of books: its capital arrived in January 2006."""


def close_years(books: Ledger, fund: str, through_year: int) -> None:
    """结账: close every year not yet closed, through 31 December of ``through_year``."""
    closes = books.period_closes(fund)
    first = closes[-1].year + 1 if closes else FIRST_YEAR
    for year in range(first, through_year + 1):
        books.close_period(fund, through=date(year, 12, 31))


def print_closes(books: Ledger, fund: str) -> None:
    """revolve's OUTPUT after the year-end closes: the years closed and the last one's 资产负债表."""
    closes = books.period_closes(fund)
    last = closes[-1]
    table = build_balance_sheet(books, fund, as_of=last).section("balance_sheet").table
    assert table is not None
    lines = {row[0].key: row[2] for row in table.rows if hasattr(row[0], "key")}
    print()
    print("revolve 输出（OUTPUT）— 年度结账：")
    print(f"结账年度：{closes[0].year}–{last.year}（{len(closes)} 个年度，各于12月31日结账）")
    for key, label in BALANCE_SHEET_LINES:
        print(f"  {last.year}年末资产负债表 {label}：{lines[key]}")


def main() -> None:
    with revolve.open("sqlite://") as books:
        province = books.create_org("HE", "河北省", OrgLevel.PROVINCE)
        city = books.create_org("HE-CD", "承德市", OrgLevel.CITY, parent=province)
        county = books.create_org("HE-CD-FN", "丰宁满族自治县", OrgLevel.COUNTY, parent=city)
        towns = [books.create_org(code, name, OrgLevel.TOWN, parent=county).id for code, name in TOWNS]
        fund = books.create_fund("FN-XFGC", "丰宁县幸福工程资金", org=county).code

        books.contribute(
            fund,
            amount=yuan("300000"),
            on=date(2006, 1, 16),
            source="upper_level",
            receipt="SJ-2006-01",
            donor="幸福工程组委会（争取资金）",
        )
        books.contribute(
            fund,
            amount=yuan("50000"),
            on=date(2006, 3, 20),
            source="donation",
            receipt="SG-2006-01",
            donor="生育关怀募捐款",
        )
        # Fengning's rules: 1,000–5,000 yuan for one year, one loan at a time, at most two in a lifetime.
        # The seed names no guarantee for 幸福工程 here (the passbook pledge is for 少生快富 bank loans).
        books.set_policy(
            fund,
            Policy(
                effective_from=date(2006, 1, 1),
                min_amount=yuan("1000"),
                max_amount=yuan("5000"),
                min_term_months=12,
                max_term_months=12,
                max_loans_per_household=2,
                max_active_loans_per_household=1,
                guarantee_required=False,
            ),
        )

        mothers = register_mothers(books, fund, towns)
        queue = deque(mothers)
        repeaters: deque[Household] = deque()
        for on in LENDING_DAYS:
            first_timers = lend_season(books, fund, on, queue, repeaters)
            collect(books, fund, on)
            close_years(books, fund, on.year)  # the season's year is complete; the next season is later
            # a mother who has repaid her first loan may apply for a second one in a later season
            repeaters.extend(first_timers)
        assess(books, fund, mothers)
        last_activity = max(ln.closed_on for ln in books.loans(fund) if ln.closed_on is not None)
        close_years(books, fund, last_activity.year)

        figures = books.figures(fund)
        last_year = max(ln.closed_on for ln in books.loans(fund) if ln.closed_on is not None).year
        report = build_quarterly(books, fund=fund, year=last_year)

        print(f"丰宁县幸福工程资金（{figures.fund.code}）")
        print(f"资金本金：{figures.capital}")
        for source, amount in figures.capital_by_source.items():
            print(f"  其中{ContributionSource(source).label_zh}：{amount}")
        print(f"累计投放：{figures.disbursed}")
        print(f"累计笔数：{figures.loans}")
        print(
            f"滚动次数：{figures.turnover.multiple_text()}（{figures.turnover.numerator} ÷ {figures.turnover.denominator}）"
        )
        print(f"受助户数：{figures.households_served}")
        print(f"最高轮次：{figures.max_round}")
        print(f"贷款余额：{figures.outstanding}")
        print(f"核销：{figures.written_off}")
        print(f"回收率：{report.rate('recovery_rate')}")
        print(f"脱贫率：{report.rate('poverty_exit_rate')}")
        print(f"守恒检查：{len(books.check())} 项违规")
        print_closes(books, fund)
        print()
        exited, helped = report.rate("poverty_exit_rate").numerator, figures.households_served
        by_source = figures.capital_by_source
        print_side_by_side(
            "丰宁县幸福工程（种子 001）",
            [
                Row("争取资金（上级拨付）", "30万元", str(by_source["upper_level"]), INPUT),
                Row("生育关怀募捐款", "5万元", str(by_source["donation"]), INPUT),
                Row("共投资金（资金本金）", "35万元", str(figures.capital), OUTPUT, "两笔到位资金之和"),
                Row(
                    "滚动次数",
                    "4次滚动使用",
                    figures.turnover.multiple_text(),
                    OUTPUT,
                    "累计发放 ÷ 资金本金；示例安排 4 个放款季（输入）",
                ),
                Row(
                    "受助户数",
                    "270户",
                    str(helped),
                    OUTPUT,
                    f"示例登记并批准 {HOUSEHOLDS} 户（输入），revolve 计借款户",
                ),
                Row("脱贫户数", "270户", str(exited), INPUT, "各户结清后的脱贫评估由示例按种子记录"),
                Row("脱贫率", "—", str(report.rate("poverty_exit_rate")), OUTPUT, "由记录的评估计算"),
                Row("少生快富 银行贷款", "1100多户", "—", "未建模", "存折质押的银行贷款尚未纳入本示例"),
            ],
        )
        print(render(report, Format.TEXT))


if __name__ == "__main__":
    main()
