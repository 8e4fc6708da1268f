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

The seed's other programme, 少生快富, is run beside it in its own fund (丰宁县少生快富资金): bank loans of
1万 a household a year (每户一年一万) from 中国建设银行 (the seed's 建信银行), each household's passbook
pledged to the bank (存折抵押) and kept in the fund's pledge register off the books; the fund pays the
interest (贴息). A one-in-four sample of the seed's 1,104 households is recorded over 2008–2015; the bank
rate, the defaults and the incomes after aid are the example's assumptions (the seed gives none), and the
side-by-side table says so. The 2016 change to 多年多款多抵押 loans is not modelled.

Every figure printed — capital, cumulative disbursed, turnover, households served, rounds, recovery
rate, 脱贫率 and the report — is computed by revolve from these operations; none is written down here.
The report is the 季报表 built over the whole of the programme's last year (its 年报表).

Run it with ``python examples/fengning.py``. The books are kept in an in-memory SQLite database: a
simulation has nothing to keep, and memory spares each of its ~2,600 operations a write to disk.
"""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta
from decimal import Decimal

from seedcheck import ASSUMED, INPUT, OUTPUT, Row, print_side_by_side

import revolve
from revolve import (
    AccountRole,
    ContributionSource,
    Household,
    Ledger,
    LoanStatus,
    LoanTerms,
    OrgLevel,
    Passbook,
    Policy,
    PolicyViolation,
    RepaymentMethod,
    yuan,
)
from revolve.households import Registration
from revolve.income import income_gain
from revolve.reports import build_passbook_register
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render
from revolve.subsidy import SubsidyCaps

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


# ---- 少生快富 bank loans (the seed's other programme) ------------------------------------------------
SSKF_TOWNS = (
    ("FN-HMY", "胡麻营镇"),
    ("FN-DT", "大滩镇"),
    ("FN-YES", "鱼儿山镇"),
    ("FN-NG", "南关蒙古族乡"),
    ("FN-XJY", "选将营乡"),
    ("FN-XGY", "西官营乡"),
    ("FN-WY", "王营乡"),
    ("FN-BTY", "北头营乡"),
    ("FN-SRG", "石人沟乡"),
    ("FN-TH", "汤河乡"),
    ("FN-YMZZ", "杨木栅子乡"),
    ("FN-KLS", "窟窿山乡"),
    ("FN-XBZ", "小坝子乡"),
    ("FN-WDY", "五道营乡"),
    ("FN-SJD", "苏家店乡"),
    ("FN-WGM", "外沟门乡"),
    ("FN-CY", "草原乡"),
    ("FN-WSY", "万胜永乡"),
    ("FN-SCK", "四岔口乡"),
    ("FN-GLY", "阁老营乡"),
)
"""With the six towns above, the 26 乡镇 the seed says the programme covers (丰宁's 乡镇, for the example)."""

SSKF_HOUSEHOLDS = 1104
"""计生贫困户 supported: the seed's "1100多户" (taken as 1,104 = 138 a year over 8 years)."""

SSKF_SAMPLE = 276
"""The households recorded: one in four of the 1,104, spread evenly over the 8 years and the 26 乡镇 (a
documented sample, so that the example runs in seconds; the whole programme runs the same operations 4×)."""

SSKF_YEARS = range(2008, 2016)
"""The one-year loans of the old way (每户一年一万存折抵押), 2008–2015; repaid by 2016, the programme's ninth
year ("开展九年来"), when the association and the bank changed to 多年多款多抵押 (not modelled)."""

SSKF_BANK = "中国建设银行丰宁支行"
"""The lending bank (the seed's 建信银行, read as 中国建设银行), which also keeps the pledged passbooks."""

SSKF_RATE = Decimal("0.0531")
"""ASSUMED: the seed gives no rate ("以最低的利息"); the PBOC one-year lending rate of 2009–2010, subsidised in
full (全额贴息) from the programme's fund."""

SSKF_CAPS = SubsidyCaps(
    max_principal=yuan("10000"), max_rate=SSKF_RATE, max_days=365, max_per_household_year=yuan("10000")
)
"""每户一年一万: 1万 a household a year (a refusal above it), the interest on it subsidised for one year."""

SSKF_DEFAULT_EVERY = 23
"""ASSUMED: one loan in 23 falls into default on the bank, which takes the pledged passbook (the seed is
silent on defaults)."""


def sskf_household(i: int, towns: list[int]) -> Registration:
    """The i-th 少生快富 household: a family of 3 to 5 with an income before aid of 3,600–5,200 yuan (ASSUMED)."""
    return Registration(
        code=f"SS-{i + 1:04d}",
        mother_name=SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 5) % len(GIVEN)],
        national_id=national_id("130826", date(1972, 1, 1) + timedelta(days=7 * i), 2 * (i % 400) + 100),
        registered_on=date(2008 + i % len(SSKF_YEARS), 2, 1),
        org=towns[i % len(towns)],
        income_before=yuan(3600 + 200 * (i % 9)),
        persons=3 + i % 3,
    )


def shaosheng_kuaifu(books: Ledger, county: int, towns: list[int]) -> str:
    """The 少生快富 programme: bank loans of 1万 a year, each household's passbook pledged to the bank.

    The bank lends; the association's fund pays the interest (贴息) and keeps the passbooks in its pledge
    register (off the books). A loan repaid releases its passbook; a loan in default loses its subsidy and
    the bank takes the passbook. After her loan the town office records the household's income.
    """
    fund = books.create_fund("FN-SSKF", "丰宁县少生快富资金", org=county).code
    for year in SSKF_YEARS:
        books.contribute(
            fund,
            amount=yuan("20000"),
            on=date(year, 1, 10),
            source="fiscal",
            receipt=f"SSKF-{year}",
            donor="少生快富专项资金（示例假设：样本每年2万元）",
        )
    households = books.register_households(fund, [sskf_household(i, towns) for i in range(SSKF_SAMPLE)])
    for i, h in enumerate(households):
        start = h.registered_on + timedelta(days=28 + i % 30)
        terms = LoanTerms(
            principal=yuan("10000"), start=start, term=12, method=RepaymentMethod.BULLET, rate=SSKF_RATE
        )
        number = f"SS-{start.year}-{i + 1:04d}"
        account = f"6227{start.year}{i + 1:011d}"
        books.register_bank_loan(
            fund,
            number=number,
            household=h,
            bank=SSKF_BANK,
            terms=terms,
            caps=SSKF_CAPS,
            passbook=Passbook(SSKF_BANK, account, yuan("10000")),
        )
        maturity = books.subsidy_due(fund, number)[-1].end
        if (i + 1) % SSKF_DEFAULT_EVERY == 0:
            # in default on the bank at maturity: no subsidy, and the bank takes the pledged passbook
            books.mark_breach(fund, number, on=maturity)
            (line,) = books.passbook_pledges(fund, bank_loan=number)
            books.apply_bank_passbook(fund, line, on=maturity + timedelta(days=30), reference=f"KH-{number}")
            books.close_bank_loan(fund, number, on=maturity + timedelta(days=30))
        else:
            books.close_bank_loan(fund, number, on=maturity)
            books.pay_subsidy(fund, number, period=1, on=maturity + timedelta(days=5))
        # ASSUMED: each person's income rose by 3,000–3,900 yuan (the seed gives only "人均增收3000多元")
        assert h.income_before is not None
        assert h.persons is not None
        gain = yuan(3000 + 100 * (i % 10)) * h.persons
        books.record_household(
            fund, h, kind="income", on=maturity + timedelta(days=60), income=h.income_before + gain
        )
    return fund


def sskf_refusal(books: Ledger, fund: str) -> str:
    """A second loan to one household in one year: refused by the programme's cap (每户一年一万)."""
    first = books.bank_loans(fund)[0]
    try:
        books.register_bank_loan(
            fund,
            number="SS-REFUSED",
            household=first.household_id,
            bank=SSKF_BANK,
            terms=LoanTerms(
                principal=yuan("5000"),
                start=first.terms.start + timedelta(days=60),
                term=12,
                method=RepaymentMethod.BULLET,
                rate=SSKF_RATE,
            ),
            caps=SSKF_CAPS,
        )
    except PolicyViolation as refused:
        return f"{type(refused).__name__}（{refused.value} > {refused.limit}）"
    raise AssertionError("the programme's cap did not refuse a second loan in the year")


def print_sskf(books: Ledger, fund: str, refusal: str) -> list[Row]:
    """Print the 少生快富 figures revolve holds; return the side-by-side table's rows for them."""
    as_of = date(2016, 12, 31)
    bank_loans = books.bank_loans(fund)
    helped = {bl.household_id for bl in bank_loans}
    register = build_passbook_register(books, fund, as_of=as_of)
    facts = {f.label: f.value for f in register.section("summary").facts}
    table = register.section("passbooks").table
    assert table is not None
    assert table.total is not None
    pledged = table.total[6]
    subsidy = books.balance(fund, AccountRole.SUBSIDY_EXPENSE)
    households = [h for h in books.households(fund) if h.id in helped]
    gain = income_gain(households, books.household_records(fund), as_of=as_of)
    towns = {h.org_id for h in households}
    print()
    print("revolve 输出（OUTPUT）— 少生快富 银行贷款（存折质押于承贷银行，本会备查）：")
    print(f"银行贷款笔数：{len(bank_loans)}")
    print(f"扶持户数（样本）：{len(helped)}")
    print(f"覆盖乡镇：{len(towns)}")
    print(f"违约笔数：{sum(1 for bl in bank_loans if bl.in_breach_from is not None)}")
    print(f"存折质押笔数：{facts['passbook_pledges']}")
    print(f"存折质押金额合计：{pledged}")
    print(f"截至{as_of}质押中：{facts['passbook_status_held']}")
    print(f"银行扣划金额：{facts['passbook_applied_bank_loans']}")
    print(f"贴息支出：{subsidy}")
    print(f"每户一年一万（超限拒绝）：{refusal}")
    print(f"人均增收：{gain.per_person}（{gain.total} ÷ {gain.persons}人，{gain.households}户）")
    print(f"守恒检查（少生快富）：{len(books.check(fund))} 项违规")
    return [
        Row(
            "少生快富 扶持户数",
            "1100多户",
            str(len(helped)),
            OUTPUT,
            f"示例记录 {SSKF_HOUSEHOLDS} 户的四分之一样本（输入），revolve 计贷款户",
        ),
        Row("少生快富 覆盖乡镇", "26个乡镇", str(len(towns)), INPUT, "示例把各户分在 26 个乡镇"),
        Row(
            "少生快富 每户一年一万",
            "每户一年一万",
            str(SSKF_CAPS.max_per_household_year),
            INPUT,
            "计划上限，超限由 revolve 拒绝",
        ),
        Row("少生快富 存折质押", "存折抵押", str(pledged), OUTPUT, "质押于银行，登记备查簿，不入本基金账"),
        Row("少生快富 贴息", "—", str(subsidy), OUTPUT, "示例假设年利率 5.31%、全额贴息"),
        Row(
            "少生快富 各户帮扶后收入",
            "—",
            f"{gain.households}户",
            ASSUMED,
            "种子只给平均数；示例设每人增收3,000–3,900元",
        ),
        Row(
            "少生快富 人均增收", "3000多元", str(gain.per_person), OUTPUT, "由上行假设的收入算出，只核对算术"
        ),
    ]


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
        sskf_towns = towns + [
            books.create_org(code, name, OrgLevel.TOWN, parent=county).id for code, name in SSKF_TOWNS
        ]
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
        sskf = shaosheng_kuaifu(books, county.id, sskf_towns)
        sskf_rows = print_sskf(books, sskf, sskf_refusal(books, sskf))
        print()
        exited, helped = report.rate("poverty_exit_rate").numerator, figures.households_served
        by_source = figures.capital_by_source
        print_side_by_side(
            "丰宁县幸福工程与少生快富（种子 001）",
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
                *sskf_rows,
            ],
        )
        print(render(report, Format.TEXT))


if __name__ == "__main__":
    main()
