"""厦门市 幸福工程 (seed 000): six districts, twenty years, 3,605 mothers — rolled up into one 季报表.

The seed (厦门市计生协会, 2017): "截止9月底，我市累计投入资金2401.43万元，实现脱贫率98.95%、还款率100%，惠及全市
3605户计生母亲。" It also says how the districts work:

* 思明 and 湖里 (岛内) lend and re-lend, as the provincial association does, and guard every loan with
  a village or residents' committee guarantee (村(居)委会担保制度); 思明's 帮扶款 is 2万, and 湖里
  raised it to 5万 in 2017;
* the four districts off the island (岛外: 海沧, 集美, 同安, 翔安) now give one-off grants that are not
  repaid (不还款的一次性帮扶) and 幸福工程小额贴息 — interest subsidies on bank loans (同安 lent 许大姐
  10万 to found her 歌仔戏 troupe);
* early in 2017 湖里 handed the money its streets had rolled back over the years, 31.85万, to the
  district finance bureau as 财政存量资金 (上缴财政).

How this script reads the seed (the modelling choices, said once):

* every one of the 3,605 mothers borrowed from her district's revolving fund at some point between
  1998 and 2016 — the 岛外 districts ran the provincial lending model until 2012 and then switched to
  grants and subsidies, which go to mothers already on their books (一户一档), so each mother is counted
  once. revolve counts a household *helped* when it has had a loan, a grant or a subsidy, and its 脱贫率
  is over the households helped (the variant over households whose loan has closed is in the report
  too, under its own name);
* the poverty-exit assessments (脱贫评估) are inputs, as the town offices record them: 38 of the 3,605
  mothers were still assessed as poor. The report divides;
* applicants come each year, are lent to on Mother's Day (每年借助母亲节启动新一轮幸福工程帮扶工作) as
  far as the district's cash allows, and wait for the next round otherwise; each loan is one year,
  interest-free, repaid in full in the three weeks before it falls due;
* the return to finance is the seed's event, 318,500 yuan on a day in February 2017; the figure
  printed is what the books hold on the finance-return account;
* the city fund and every district fund close their books (结账) on 31 December of each year once the
  year's repayments are in, before the next year's money arrives: 1998 to 2016. 2017 is not closed —
  the seed stops at the end of September. The cumulative expense figures are the journal's movements
  without the closing entries (结转), so a close does not change them; the 资产负债表 printed is the
  last closed year's, drawn by revolve, and shows what the districts owe the city: nothing, because the
  city's money was allocated (拨付), not lent.

Every figure printed — households, rates, amounts — is computed by revolve from the operations run
here. The books are kept in an in-memory SQLite database: some 15,000 operations run, and the example
must finish in well under half a minute, which a durable file (one fsync per operation) would not.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from seedcheck import INPUT, OUTPUT, Row, print_side_by_side

import revolve
from revolve import (
    AccountRole,
    GuarantorKind,
    Household,
    Ledger,
    LoanStatus,
    LoanTerms,
    Money,
    Org,
    OrgLevel,
    Payment,
    Policy,
    RepaymentMethod,
    SubsidyCaps,
    generate_schedule,
    yuan,
)
from revolve.closing import CLOSE_PREFIX
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render

REPORT_YEAR, REPORT_QUARTER = 2017, 3
AS_OF = date(2017, 9, 30)
"""截止9月底: the seed's figures are as of the end of September 2017."""

FIRST_YEAR = 1998


@dataclass(frozen=True)
class District:
    """One district's programme: who applies, what it lends, where its money comes from."""

    code: str
    name: str
    region: str  # the address code that starts its mothers' ID numbers
    streets: tuple[str, ...]
    mothers: int  # mothers who applied and were approved over the years
    last_lending_year: int  # after it, 岛外 districts give grants and subsidies instead
    capital: tuple[tuple[date, str, Money], ...]  # (day, source, amount) contributions to its fund
    city_transfers: tuple[tuple[date, Money], ...] = ()
    second_loans_2017: int = 0  # second loans in 2017 to mothers who have just repaid
    grants_a_year: int = 0
    bank_loans: tuple[tuple[int, int], ...] = ()  # (year, number of 小额贴息 bank loans)


def _wan(text: str) -> Money:
    return yuan(f"{text}万")


DISTRICTS = (
    District(
        "XM-SM",
        "思明区",
        "350203",
        ("鹭江街道", "中华街道", "厦港街道", "嘉莲街道", "莲前街道", "滨海街道"),
        mothers=1020,
        last_lending_year=2016,
        capital=((date(1998, 3, 2), "matching", _wan("20")), (date(2009, 3, 2), "fiscal", _wan("30"))),
        city_transfers=((date(1998, 3, 10), _wan("20")), (date(2013, 3, 11), _wan("60"))),
        second_loans_2017=20,
    ),
    District(
        "XM-HL",
        "湖里区",
        "350206",
        ("湖里街道", "殿前街道", "禾山街道", "江头街道", "金山街道"),
        mothers=880,
        last_lending_year=2016,
        capital=((date(1998, 3, 3), "matching", _wan("20")), (date(2009, 3, 3), "fiscal", _wan("30"))),
        city_transfers=((date(1998, 3, 10), _wan("20")), (date(2013, 3, 11), _wan("80"))),
        second_loans_2017=6,
    ),
    District(
        "XM-HC",
        "海沧区",
        "350205",
        ("海沧街道", "新阳街道", "嵩屿街道", "东孚街道"),
        mothers=390,
        last_lending_year=2012,
        capital=(
            (date(1998, 3, 4), "matching", _wan("10")),
            (date(2009, 3, 4), "fiscal", _wan("20")),
            (date(2013, 3, 4), "fiscal", _wan("10")),
        ),
        city_transfers=((date(1998, 3, 10), _wan("10")),),
        grants_a_year=8,
    ),
    District(
        "XM-JM",
        "集美区",
        "350211",
        ("集美街道", "侨英街道", "杏林街道", "杏滨街道", "灌口镇", "后溪镇"),
        mothers=420,
        last_lending_year=2012,
        capital=(
            (date(1998, 3, 5), "matching", _wan("10")),
            (date(2009, 3, 5), "fiscal", _wan("20")),
            (date(2013, 3, 5), "fiscal", _wan("10")),
        ),
        city_transfers=((date(1998, 3, 10), _wan("10")),),
        grants_a_year=8,
        bank_loans=((2017, 8),),
    ),
    District(
        "XM-TA",
        "同安区",
        "350212",
        ("大同街道", "祥平街道", "汀溪镇", "莲花镇", "新民镇", "五显镇", "洪塘镇"),
        mothers=505,
        last_lending_year=2012,
        capital=(
            (date(1998, 3, 6), "matching", _wan("15")),
            (date(2009, 3, 6), "fiscal", _wan("25")),
            (date(2013, 3, 6), "fiscal", _wan("10")),
        ),
        city_transfers=((date(1998, 3, 10), _wan("15")),),
        grants_a_year=10,
        bank_loans=((2016, 12), (2017, 12)),
    ),
    District(
        "XM-XA",
        "翔安区",
        "350213",
        ("新店街道", "马巷街道", "内厝镇", "新圩镇", "大嶝街道"),
        mothers=390,
        last_lending_year=2012,
        capital=(
            (date(1998, 3, 9), "matching", _wan("10")),
            (date(2009, 3, 9), "fiscal", _wan("20")),
            (date(2013, 3, 9), "fiscal", _wan("10")),
        ),
        city_transfers=((date(1998, 3, 10), _wan("10")),),
        grants_a_year=8,
    ),
)

CITY_CAPITAL = (
    (date(1998, 3, 1), "upper_level", _wan("85")),  # 省幸福工程 start-up funds
    (date(2013, 3, 1), "fiscal", _wan("140")),  # 市财政 when loans grew to 2万
)

CITY_FUND = "XM-XFGC"

HULI_RETURN = (date(2017, 2, 20), yuan("318500"))
"""湖里区: 各街道历年来滚动收回的幸福工程专项资金剩余款, 上缴区财政局 as 财政存量资金 (the seed's event)."""

STILL_POOR_EVERY = 95
"""The assessments: one mother in 95, counted through the districts' files in order, was still assessed as poor."""

BANK_TIERS = (_wan("2"), _wan("5"), _wan("10"))
"""小额贴息 loan tiers: 2万, 5万 and 10万 (同安's loan to 许大姐 was 10万)."""

SUBSIDY_CAPS = SubsidyCaps(max_principal=_wan("10"), max_rate=Decimal("0.05"), max_days=365)
"""Fujian's 贴息 caps as 福清 sets them (rate ≤ 5 %, one year), with Xiamen's top tier of 10万 as the principal cap."""

BANK_RATE = Decimal("0.0566")
"""厦门农商银行's one-year rate for these loans: the 4.35 % benchmark floated up 30 %."""

SURNAMES = "陈林黄张李王吴刘蔡杨郑许洪谢郭曾庄苏叶邱周卓柯颜施"
GIVEN = (
    "秀英",
    "丽娟",
    "婷婷",
    "雅琴",
    "美玲",
    "淑华",
    "碧霞",
    "秋月",
    "惠珍",
    "玉兰",
    "燕玲",
    "雪梅",
    "宝珠",
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(region: str, born: date, sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def mothers_day(year: int) -> date:
    """The second Sunday of May: each year's round of 幸福工程 starts on Mother's Day."""
    first = date(year, 5, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def loan_amount(year: int, district: District) -> Money:
    """帮扶款 per mother: 5,000 yuan at first, 1万 from 2009, 2万 from 2013, 5万 in 湖里 from 2017."""
    if year >= 2017 and district.code == "XM-HL":
        return _wan("5")
    if year >= 2013:
        return _wan("2")
    if year >= 2009:
        return _wan("1")
    return yuan("5000")


class Programme:
    """The city's programme as it runs: the books, and the repayments the mothers are going to make."""

    def __init__(self, books: Ledger) -> None:
        self.books = books
        self.pending: list[tuple[date, str, str, Money]] = []  # (day, loan number, fund, amount)

    def expect_repayment(self, fund: str, number: str, on: date, amount: Money) -> None:
        heapq.heappush(self.pending, (on, number, fund, amount))

    def repayments_until(self, day: date) -> None:
        """Record, in date order, every repayment the mothers make before ``day``: each district's
        receipts in one call, as its office enters a stack of receipt slips."""
        slips: dict[str, list[Payment]] = {}
        while self.pending and self.pending[0][0] < day:
            on, number, fund, amount = heapq.heappop(self.pending)
            slips.setdefault(fund, []).append(Payment(number, amount, on, f"HK-{number}"))
        for fund, payments in slips.items():
            self.books.repay_many(fund, payments)


@dataclass
class DistrictBooks:
    """A district as the programme runs it: its fund, its mothers' files, its guarantors, who borrowed."""

    spec: District
    fund: str
    mothers: list[Household]
    guarantors: dict[int, str]  # street org id → the code of its residents' committee as guarantor
    borrowed: list[Household] = field(default_factory=list)  # in the order of their first loans
    served: set[int] = field(default_factory=set)
    bank_loans: list[str] = field(default_factory=list)


def open_district(books: Ledger, city_id: int, spec: District, first_index: int) -> DistrictBooks:
    """Create the district and its streets, its fund and policy, its guarantors and its mothers' files."""
    org = books.create_org(spec.code, spec.name, OrgLevel.COUNTY, parent=city_id)
    fund = books.create_fund(f"{spec.code}-XFGC", f"{spec.name}幸福工程资金", org=org).code
    books.set_policy(
        fund,
        Policy(
            effective_from=date(FIRST_YEAR, 1, 1),
            min_amount=yuan("5000"),
            max_amount=_wan("5"),
            min_term_months=12,
            max_term_months=12,
            max_loans_per_household=2,
            max_active_loans_per_household=1,
            guarantee_required=True,  # 村(居)委会担保制度
        ),
    )
    guarantors: dict[int, str] = {}
    streets = []
    for k, street in enumerate(spec.streets):
        town = books.create_org(f"{spec.code}-{k + 1:02d}", street, OrgLevel.TOWN, parent=org)
        streets.append(town.id)
        guarantors[town.id] = books.register_guarantor(
            fund,
            code=f"{spec.code}-CWH-{k + 1:02d}",
            kind=GuarantorKind.VILLAGE_COMMITTEE,
            name=f"{street}社区居委会",
            reference="项目协议书（申请人、项目负责人、镇(街)三方签订）",
        ).code
    years = spec.last_lending_year - FIRST_YEAR + 1
    mothers = []
    for k in range(spec.mothers):
        n = first_index + k
        mothers.append(
            books.register_household(
                fund,
                code=f"{spec.code}-{k + 1:04d}",
                mother_name=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                national_id=national_id(
                    spec.region, date(1960, 1, 1) + timedelta(days=7 * k), 2 * (n % 450) + 100
                ),
                # applications arrive evenly over the district's lending years
                registered_on=date(FIRST_YEAR + k * years // spec.mothers, 4, 1),
                org=streets[k % len(streets)],
                income_before=yuan(3000 + 200 * (n % 7)),
            )
        )
    return DistrictBooks(spec, fund, mothers, guarantors)


def _city_source(on: date) -> str:
    """Who first paid the money the city passes down on ``on``: the city's latest capital by then."""
    return [source for day, source, _ in CITY_CAPITAL if day <= on][-1]


def receive_money(books: Ledger, city_fund: str, districts: list[DistrictBooks], year: int) -> None:
    """The year's contributions and the city's allocations (拨付) to the districts, each on its own day."""
    for on, source, amount in CITY_CAPITAL:
        if on.year == year:
            books.contribute(city_fund, amount=amount, on=on, source=source, receipt=f"XM-{on:%Y%m%d}")
    for district in districts:
        for on, source, amount in district.spec.capital:
            if on.year == year:
                books.contribute(
                    district.fund, amount=amount, on=on, source=source, receipt=f"{district.fund}-{on:%Y%m%d}"
                )
        for on, amount in district.spec.city_transfers:
            if on.year == year:
                # 拨付, not 借调: the district's capital for good, not a loan it owes the city back
                books.allocate(
                    city_fund,
                    district.fund,
                    amount=amount,
                    on=on,
                    source=_city_source(on),
                    memo=f"市协会拨付{district.spec.name}",
                    receipt=f"XM-BF-{district.spec.code}-{on:%Y%m%d}",
                )


def lend_round(
    programme: Programme, district: DistrictBooks, year: int, *, applicants: list[Household]
) -> None:
    """Mother's Day: lend to the applicants in turn, as far as the cash revolve says is available goes."""
    books = programme.books
    day = mothers_day(year)
    amount = loan_amount(year, district.spec)
    lent = applicants[: books.available(district.fund).fen // amount.fen]
    if not lent:
        return
    batch = books.open_batch(
        district.fund, code=f"{district.fund}-{year}", on=day, note=f"{year}年母亲节启动"
    ).code
    for k, mother in enumerate(lent):
        number = f"{district.spec.code}-{year}-{k + 1:04d}"
        terms = LoanTerms(principal=amount, start=day, term=12, method=RepaymentMethod.BULLET)
        books.disburse(
            district.fund,
            number=number,
            household=mother,
            batch=batch,
            terms=terms,
            guarantors=[district.guarantors[mother.org_id or 0]],
        )
        # she repays in full in the three weeks before the loan falls due
        maturity = generate_schedule(terms).maturity_date
        programme.expect_repayment(district.fund, number, maturity - timedelta(days=mother.id % 21), amount)
        if mother.id not in district.served:
            district.served.add(mother.id)
            district.borrowed.append(mother)


def give_grants(books: Ledger, district: DistrictBooks, year: int) -> None:
    """岛外: one-off grants (不还款的一次性帮扶) on Mother's Day to mothers on the district's books."""
    start = (year - district.spec.last_lending_year - 1) * district.spec.grants_a_year
    for mother in district.borrowed[start : start + district.spec.grants_a_year]:
        books.grant(
            district.fund, mother, amount=yuan("3000"), on=mothers_day(year), memo=f"{year}年一次性帮扶"
        )


def register_bank_loans(books: Ledger, district: DistrictBooks, year: int, *, count: int) -> None:
    """小额贴息: the bank lends 2万, 5万 or 10万 for a year to mothers on file; the fund pays the interest."""
    day = mothers_day(year) + timedelta(days=10)
    earlier = len(district.bank_loans)
    for k, mother in enumerate(district.borrowed[earlier : earlier + count]):
        number = f"TX-{district.spec.code}-{year}-{k + 1:02d}"
        books.register_bank_loan(
            district.fund,
            number=number,
            household=mother,
            bank="厦门农村商业银行",
            terms=LoanTerms(
                principal=BANK_TIERS[k % len(BANK_TIERS)],
                start=day,
                term=12,
                method=RepaymentMethod.BULLET,
                rate=BANK_RATE,
            ),
            caps=SUBSIDY_CAPS,
        )
        district.bank_loans.append(number)


def pay_subsidies(books: Ledger, district: DistrictBooks) -> None:
    """Pay each bank loan's subsidy for every interest period that ended — and was paid — by the report date."""
    for number in district.bank_loans:
        for line in books.subsidy_due(district.fund, number):
            paid_on = line.end + timedelta(days=20)
            if paid_on <= AS_OF:
                books.pay_subsidy(district.fund, number, period=line.number, on=paid_on)


def assess(books: Ledger, districts: list[DistrictBooks]) -> None:
    """脱贫评估: two months after a mother's first loan closes, her town office records its assessment."""
    n = 0
    for district in districts:
        first_closed: dict[int, date] = {}
        for loan in books.loans(district.fund, status=LoanStatus.CLOSED):
            assert loan.closed_on is not None
            first_closed[loan.household_id] = min(
                first_closed.get(loan.household_id, loan.closed_on), loan.closed_on
            )
        for household_id, closed_on in sorted(first_closed.items()):
            out = n % STILL_POOR_EVERY != STILL_POOR_EVERY // 2
            n += 1
            books.record_household(
                district.fund,
                household_id,
                kind="poverty_exit",
                on=min(closed_on + timedelta(days=60), AS_OF),
                exited_poverty=out,
                note="入户核实" if out else "尚未脱贫，继续帮扶",
            )


def close_year(programme: Programme, funds: list[str], year: int) -> None:
    """结账: the repayments made by 31 December are in; the city fund and each district fund close ``year``."""
    programme.repayments_until(date(year + 1, 1, 1))
    for fund in funds:
        programme.books.close_period(fund, through=date(year, 12, 31))


def run(books: Ledger) -> tuple[Org, list[DistrictBooks]]:
    """Twenty years of the city's programme, through the end of September 2017, each finished year closed."""
    province = books.create_org("FJ", "福建省", OrgLevel.PROVINCE)
    city = books.create_org("FJ-XM", "厦门市", OrgLevel.CITY, parent=province)
    city_fund = books.create_fund(CITY_FUND, "厦门市幸福工程资金", org=city).code
    districts: list[DistrictBooks] = []
    for spec in DISTRICTS:
        districts.append(open_district(books, city.id, spec, sum(d.spec.mothers for d in districts)))

    programme = Programme(books)
    funds = [city_fund, *(d.fund for d in districts)]
    for year in range(FIRST_YEAR, REPORT_YEAR + 1):
        if year > FIRST_YEAR:
            close_year(programme, funds, year - 1)
        # money is lent only once it has arrived: contributions and transfers first, on their own days
        receive_money(books, city_fund, districts, year)
        returned_on, returned = HULI_RETURN
        if year == returned_on.year:
            programme.repayments_until(returned_on)
            books.return_to_finance(
                "XM-HL-XFGC", amount=returned, on=returned_on, reference="湖里区财政存量资金"
            )
        programme.repayments_until(mothers_day(year))
        for district in districts:
            spec = district.spec
            if year <= spec.last_lending_year:
                waiting = [
                    m
                    for m in district.mothers
                    if m.registered_on <= mothers_day(year) and m.id not in district.served
                ]
                lend_round(programme, district, year, applicants=waiting)
            elif year == REPORT_YEAR and spec.second_loans_2017:
                # the mothers who have just repaid may borrow a second time (湖里: 5万)
                lend_round(programme, district, year, applicants=district.borrowed[-spec.second_loans_2017 :])
            if year > spec.last_lending_year and spec.grants_a_year:
                give_grants(books, district, year)
            for bank_year, count in spec.bank_loans:
                if bank_year == year:
                    register_bank_loans(books, district, year, count=count)
    programme.repayments_until(AS_OF + timedelta(days=1))
    for district in districts:
        never = len(district.mothers) - len(district.borrowed)
        if never:
            raise SystemExit(
                f"{district.spec.name}: {never} mothers never borrowed: give the district more capital"
            )
        pay_subsidies(books, district)
    assess(books, districts)
    return city, districts


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


def balance_sheet(books: Ledger, fund: str, as_of: date) -> dict[str, Money]:
    """The 期末数 of each line of revolve's 资产负债表 of ``fund`` as of ``as_of``, by row key."""
    table = build_balance_sheet(books, fund, as_of=as_of).section("balance_sheet").table
    assert table is not None
    out: dict[str, Money] = {}
    for row in table.rows:
        item, closing = row[0], row[2]
        if hasattr(item, "key") and isinstance(closing, Money):
            out[item.key] = closing
    return out


def print_closes(books: Ledger, *, city_fund: str, district_funds: list[str]) -> None:
    """revolve's OUTPUT after the year-end closes: the years closed and the last one's 资产负债表."""
    closes = books.period_closes(city_fund)
    last = closes[-1]
    everyone = [city_fund, *district_funds]
    assert all(books.period_closes(f) == closes for f in everyone)
    print()
    print("revolve 输出（OUTPUT）— 年度结账：")
    print(
        f"结账年度：{closes[0].year}–{last.year}（{len(closes)} 个年度，{len(everyone)} 个基金，各于12月31日结账）"
    )
    city = balance_sheet(books, city_fund, last)
    for key, label in BALANCE_SHEET_LINES:
        print(f"  {last.year}年末资产负债表 {label}：{city[key]}")
    owed = Money.total(balance_sheet(books, f, last)["bs_other_payables"] for f in district_funds)
    print(f"  {last.year}年末各区资产负债表 应付款项合计：{owed}")
    accrued = -Money.total(books.balance(f, AccountRole.SUBSIDY_PAYABLE, as_of=last) for f in district_funds)
    print(f"  {last.year}年末各区应付贴息（结账时按天计提）：{accrued}")
    print(
        f"  {last.year}年末各区应付市协会（拨付款）：{-Money.total(books.balance(f, AccountRole.DUE_TO_FUND, as_of=last) for f in district_funds)}"
    )


def main() -> None:
    with revolve.open("sqlite://") as books:
        city, districts = run(books)
        report = build_quarterly(books, org=city.code, year=REPORT_YEAR, quarter=REPORT_QUARTER)
        funds = [d.fund for d in districts]

        def total(role: AccountRole) -> Money:
            return Money.total(books.balance(f, role, as_of=AS_OF) for f in funds)

        def flows(fund: str, role: AccountRole) -> Money:
            """What was posted to an expense since the start, without the closing entries (结转)."""
            moved = books.period_movements(fund, start=date(FIRST_YEAR, 1, 1), end=AS_OF)
            return Money.total(
                m for (r, kind), m in moved.items() if r is role and not kind.startswith(CLOSE_PREFIX)
            )

        def spent(role: AccountRole) -> Money:
            return Money.total(flows(f, role) for f in funds)

        print(f"厦门市幸福工程（截至 {AS_OF}）")
        print(f"惠及户数：{report.fact('households_helped')}")
        print(f"累计借款户数：{report.fact('households_served')}")
        print(f"累计发放：{report.fact('disbursed_to_date')}")
        print(f"还款率：{report.rate('recovery_rate')}")
        print(f"脱贫率：{report.rate('poverty_exit_rate')}")
        print(f"上缴财政：{spent(AccountRole.FINANCE_RETURN_EXPENSE)}")
        print(f"一次性帮扶累计：{spent(AccountRole.GRANT_EXPENSE)}")
        print(f"贴息累计：{spent(AccountRole.SUBSIDY_EXPENSE)}")
        print(f"各区应付市协会：{-total(AccountRole.DUE_TO_FUND)}")
        print(f"市拨付各区：{flows(CITY_FUND, AccountRole.ALLOCATION_EXPENSE)}")
        print(f"各区资金本金：{Money.total(books.figures(f, as_of=AS_OF).capital for f in funds)}")
        print(f"守恒检查：{len(books.check())} 项违规")
        print_closes(books, city_fund=CITY_FUND, district_funds=funds)
        print()
        disbursed = report.fact("disbursed_to_date")
        assert isinstance(disbursed, Money)
        exit_rate = report.rate("poverty_exit_rate")
        put_in = disbursed + spent(AccountRole.GRANT_EXPENSE) + spent(AccountRole.SUBSIDY_EXPENSE)
        print_side_by_side(
            "厦门市幸福工程（种子 000），截至 2017年9月底",
            [
                Row(
                    "惠及计生母亲户数",
                    "3605户",
                    str(report.fact("households_helped")),
                    OUTPUT,
                    "示例每年按种子登记申请户（输入），revolve 计借款或受助户",
                ),
                Row(
                    "评估为仍贫困的户数",
                    "—（种子只给 98.95%）",
                    str(exit_rate.denominator - exit_rate.numerator),
                    INPUT,
                    f"乡镇的脱贫评估由示例记录（每 {STILL_POOR_EVERY} 户 1 户仍贫困），按种子的结果安排",
                ),
                Row(
                    "脱贫率",
                    "98.95%",
                    str(report.rate("poverty_exit_rate")),
                    OUTPUT,
                    "受助户中最近一次评估为脱贫的比例",
                ),
                Row(
                    "还款率",
                    "100%",
                    str(report.rate("recovery_rate")),
                    OUTPUT,
                    "示例中母亲均按期还款（输入），比率由 revolve 计算",
                ),
                Row("湖里上缴财政", "31.85万元", str(spent(AccountRole.FINANCE_RETURN_EXPENSE)), INPUT),
                Row(
                    "资金使用率",
                    "—（种子未给）",
                    str(report.rate("utilisation_rate")),
                    OUTPUT,
                    "借款余额 ÷ 可用资金（docs/metrics.md）；截至季末，多数当年借款已收回",
                ),
                Row(
                    "累计投入资金",
                    "2401.43万元",
                    str(put_in),
                    OUTPUT,
                    "累计发放＋一次性帮扶＋贴息；每户借款额为示例假设，未按种子倒推，故不相等",
                ),
            ],
        )
        print(render(report, Format.TEXT))


if __name__ == "__main__":
    main()
