"""福建省 幸福工程 2021 (seed 004): a province roll-up over city and county funds, a mother counted once.

The seed (福建省计生协会 2021年工作综述): "据统计，全省共投入幸福工程项目资金1.4496亿元，帮扶4589户计生家庭发展
致富。" It gives the province's totals only — no city's figures, no loan sizes.

How this script reads the seed (the modelling choices, said once):

* "投入 … 1.4496亿元" is read as the money lent (放款) in 2021 by the province's 幸福工程 funds, and the
  4,589 households as the mothers lent to. Both are recorded as inputs at full scale: 4,589 mothers;
* the split over the nine cities is the example's assumption (the seed gives none): each city's
  households and amount are in ``CITIES``, the amounts whole 万元 adding up to the seed's 14,496万. A
  city's amount is shared equally, in hundreds of yuan, among the loans its funds make; so the
  province's total is the seed's by construction — it is an input revolve adds up, not a result;
* each city has a city fund and two county funds. Every mother borrows from her county fund in March.
  Twenty mothers a city borrow for six months, repay in September and borrow again from the **city**
  fund in October (扩大生产); twelve mothers move to the next city for work (务工迁居) and, their first loan
  repaid, borrow again from a county fund there. The city fund counts loans "in the county and below"
  (``HouseholdScope.COUNTY``: its own subtree, the city); the county funds count them everywhere
  (``HouseholdScope.ALL``); both allow one loan at a time, three in a lifetime (福清: 最多三次). So the
  city fund refuses a mother still owing her county fund, and a county refuses a newcomer still owing
  in her old city — the example tries both and prints revolve's refusals;
* loans are interest-free, repaid in one sum at maturity (一次性还本), without guarantee; each fund's
  capital arrives on 5 January from finance, its year's lending rounded up to the next 10万;
* every fund closes its books on 31 December 2021.

The province's 年报表 (``build_quarterly(books, org="FJ", year=2021)``) counts a mother once by her
national ID, whichever funds lent to her; each city's row is revolve's figures for that city's org
(``quarterly_figures(org=…)``, the figures the report is built from). Every figure printed is revolve's own value. The books are kept in an in-memory SQLite database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from seedcheck import ASSUMED, INPUT, OUTPUT, OUTSIDE, Row, print_side_by_side
from tabulate import tabulate

import revolve
from revolve import (
    Disbursement,
    HouseholdScope,
    Ledger,
    LoanTerms,
    Money,
    OrgLevel,
    Payment,
    Policy,
    PolicyViolation,
    Registration,
    RepaymentMethod,
    yuan,
)
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly, quarterly_figures
from revolve.reports.render import Format, render

YEAR = 2021
SEED_AMOUNT = yuan("14496万")
"""全省共投入幸福工程项目资金1.4496亿元."""
SEED_HOUSEHOLDS = 4589
"""帮扶4589户计生家庭发展致富."""

FIRST_ROUND, REPAID, SECOND_ROUND = date(YEAR, 3, 8), date(YEAR, 9, 8), date(YEAR, 10, 11)
SECOND_LOANS = 20
"""Mothers a city whose six-month county loan is followed by a loan from the city fund (an assumption)."""
MOVED = 12
"""Mothers who move to the next city and borrow again there (an assumption)."""


@dataclass(frozen=True)
class City:
    code: str
    name: str
    households: int  # mothers whose first file is in the city's counties (an assumption)
    wan: int  # the city's share of the seed's 14,496万 (an assumption)
    counties: tuple[tuple[str, str], ...]  # (address code, name)


CITIES = (
    City("FZ", "福州市", 700, 2260, (("350121", "闽侯县"), ("350181", "福清市"))),
    City("XM", "厦门市", 420, 1450, (("350212", "同安区"), ("350213", "翔安区"))),
    City("PT", "莆田市", 450, 1380, (("350322", "仙游县"), ("350303", "涵江区"))),
    City("SM", "三明市", 520, 1560, (("350426", "尤溪县"), ("350428", "将乐县"))),
    City("QZ", "泉州市", 680, 2200, (("350524", "安溪县"), ("350582", "晋江市"))),
    City("ZZ", "漳州市", 560, 1760, (("350623", "漳浦县"), ("350628", "平和县"))),
    City("NP", "南平市", 430, 1330, (("350783", "建瓯市"), ("350722", "浦城县"))),
    City("LY", "龙岩市", 420, 1290, (("350803", "永定区"), ("350821", "长汀县"))),
    City("ND", "宁德市", 409, 1266, (("350902", "蕉城区"), ("350921", "霞浦县"))),
)

SURNAMES = "陈林黄张李王吴刘蔡杨郑许"
GIVEN = ("秀英", "丽娟", "美玲", "淑华", "碧霞", "惠珍", "玉兰", "雪梅", "宝珠", "秋月", "燕玲")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(region: str, born: date, sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Mother:
    name: str
    national_id: str
    city: int  # index of her first city
    county: int  # 0 or 1
    k: int  # her number in the city

    @property
    def code(self) -> str:
        return f"{CITIES[self.city].code}-{self.k + 1:04d}"


def mothers_of(c: int, city: City) -> list[Mother]:
    out = []
    for k in range(city.households):
        n = c * 1000 + k
        region = city.counties[k % 2][0]
        born = date(1975, 1, 1) + timedelta(days=(7 * k) % 7000)
        out.append(
            Mother(
                SURNAMES[n % 12] + GIVEN[n % 11], national_id(region, born, 2 * (k // 20) + 100), c, k % 2, k
            )
        )
    return out


def movers(everyone: list[list[Mother]]) -> list[tuple[Mother, int]]:
    """The mothers who move, each with the index of the city she moves to (the next one)."""
    return [(everyone[j % 9][SECOND_LOANS + j // 9], (j % 9 + 1) % 9) for j in range(MOVED)]


def loan_sizes(city: City, loans: int) -> list[Money]:
    """The city's amount shared equally among its loans, in hundreds of yuan (the first ones 100 more)."""
    base, extra = divmod(city.wan * 100, loans)
    return [yuan((base + (1 if i < extra else 0)) * 100) for i in range(loans)]


def policy(scope: HouseholdScope) -> Policy:
    return Policy(
        effective_from=date(YEAR, 1, 1),
        min_amount=yuan("1000"),
        max_amount=yuan("50000"),
        min_term_months=6,
        max_term_months=24,
        max_loans_per_household=3,
        max_active_loans_per_household=1,
        guarantee_required=False,
        household_scope=scope,
    )


def terms(amount: Money, on: date, months: int) -> LoanTerms:
    return LoanTerms(principal=amount, start=on, term=months, method=RepaymentMethod.BULLET)


def run(books: Ledger) -> list[str]:
    """The province's year. Returns the refusals revolve gave."""
    province = books.create_org("FJ", "福建省", OrgLevel.PROVINCE)
    everyone = [mothers_of(c, city) for c, city in enumerate(CITIES)]
    moving = movers(everyone)
    # what each fund lends in the year: (fund code → [(mother, months, on)])
    plan: dict[str, list[tuple[Mother, int, date]]] = {}
    for c, city in enumerate(CITIES):
        org = books.create_org(f"FJ-{city.code}", city.name, OrgLevel.CITY, parent=province)
        books.create_fund(f"{city.code}-XFGC", f"{city.name}幸福工程资金", org=org)
        books.set_policy(f"{city.code}-XFGC", policy(HouseholdScope.COUNTY))
        plan[f"{city.code}-XFGC"] = [(m, 12, SECOND_ROUND) for m in everyone[c][:SECOND_LOANS]]
        for i, (region, name) in enumerate(city.counties):
            county = books.create_org(f"FJ-{city.code}-{region}", name, OrgLevel.COUNTY, parent=org)
            fund = books.create_fund(f"{city.code}-{region}", f"{name}幸福工程资金", org=county).code
            books.set_policy(fund, policy(HouseholdScope.ALL))
            short = {m.k for m in everyone[c][:SECOND_LOANS]} | {m.k for m, _ in moving if m.city == c}
            plan[fund] = [(m, 6 if m.k in short else 12, FIRST_ROUND) for m in everyone[c] if m.county == i]
            plan[fund] += [(m, 12, SECOND_ROUND) for m, to in moving if to == c and i == 0]
    # each city's amount, shared among its funds' loans
    sizes: dict[tuple[str, str], Money] = {}
    for city in CITIES:
        funds = [f for f in plan if f.startswith(f"{city.code}-")]
        loans = [(f, m.code) for f in funds for m, _, _ in plan[f]]
        sizes.update(zip(loans, loan_sizes(city, len(loans)), strict=True))

    for fund, lines in plan.items():
        need = Money.total(sizes[(fund, m.code)] for m, _, _ in lines)
        capital = yuan(-(-need.fen // 10_000_000) * 100_000)  # rounded up to the next 10万
        books.contribute(fund, amount=capital, on=date(YEAR, 1, 5), source="fiscal", receipt=f"{fund}-CZ")
        first = [m for m, _, on in lines if on == FIRST_ROUND]
        books.register_households(
            fund,
            [
                Registration(m.code, m.name, m.national_id, date(YEAR, 2, 20), persons=3 + m.k % 3)
                for m in first
            ],
        )

    six_months: dict[str, list[Payment]] = {}  # the repayments the six-month loans will bring

    def lend(fund: str, on: date) -> None:
        payouts = [
            Disbursement(
                f"{fund}-{on:%m}-{i + 1:04d}", m.code, f"{on:%Y-%m}", terms(sizes[(fund, m.code)], on, n)
            )
            for i, (m, n, day) in enumerate(plan[fund])
            if day == on
        ]
        if not payouts:
            return
        books.open_batch(fund, code=f"{on:%Y-%m}", on=on)
        books.disburse_many(fund, payouts)
        six_months[fund] = six_months.get(fund, []) + [
            Payment(p.number, p.terms.principal, REPAID, f"HK-{p.number}")
            for p in payouts
            if p.terms.term == 6
        ]

    for fund in plan:
        lend(fund, FIRST_ROUND)
    # the later borrowers are registered with their new fund in June, and the funds try to lend at once
    refusals = []
    for fund, lines in plan.items():
        later = [m for m, _, on in lines if on == SECOND_ROUND]
        books.register_households(
            fund, [Registration(m.code, m.name, m.national_id, date(YEAR, 6, 1), persons=3) for m in later]
        )
    for fund, m in (
        ("FZ-XFGC", everyone[0][0]),
        (f"{CITIES[1].code}-{CITIES[1].counties[0][0]}", moving[0][0]),
    ):
        books.open_batch(fund, code=f"{YEAR}-06", on=date(YEAR, 6, 15))
        try:
            books.disburse(
                fund,
                number=f"{fund}-06-0001",
                household=m.code,
                batch=f"{YEAR}-06",
                terms=terms(yuan("30000"), date(YEAR, 6, 15), 12),
            )
        except PolicyViolation as refused:
            refusals.append(f"{fund} 借款给 {m.code} {m.name}（2021-06-15）：{refused}")
    # six-month loans come back on the day they fall due
    for fund, payments in six_months.items():
        if payments:
            books.repay_many(fund, payments)
    for fund in plan:
        lend(fund, SECOND_ROUND)
    for fund in plan:
        books.close_period(fund, through=date(YEAR, 12, 31))
    return refusals


def main() -> None:
    with revolve.open("sqlite://") as books:
        refusals = run(books)
        report = build_quarterly(books, org="FJ", year=YEAR)
        funds = [f.code for f in books.funds()]
        households = report.fact("households_disbursed")
        disbursed = report.fact("amount_disbursed")
        assert isinstance(households, int)
        assert isinstance(disbursed, Money)
        year = (date(YEAR, 1, 1), date(YEAR, 12, 31))
        by_fund = sum(
            quarterly_figures(books, start=year[0], end=year[1], fund=f)[0].households_disbursed
            for f in funds
        )

        rows, cities = [], []
        for city in CITIES:
            f, _ = quarterly_figures(books, start=year[0], end=year[1], org=f"FJ-{city.code}")
            rows.append(
                (
                    city.name,
                    f.funds,
                    f.households_disbursed,
                    f.loans_disbursed,
                    f.disbursed,
                    f.average_loan,
                    f.outstanding,
                )
            )
            cities.append(f)
        whole, _ = quarterly_figures(books, start=year[0], end=year[1], org="FJ")
        rows.append(("全省（去重）", whole.funds, whole.households_disbursed, whole.loans_disbursed,
                     whole.disbursed, whole.average_loan, whole.outstanding))  # fmt: skip
        print(f"福建省幸福工程 {YEAR}年（{len(funds)} 个基金：9 个市级、18 个县级）")
        print("各市（revolve 按各市机构汇总）：")
        print(
            tabulate(
                rows,
                headers=("市", "基金数", "放款户数", "放款笔数", "放款金额", "户均借款额", "年末借款余额"),
                disable_numparse=True,
            )
        )
        print()
        print(f"全省投入（本年放款）：{disbursed}")
        print(f"帮扶户数（按身份证号去重）：{households}")
        print(f"各市户数之和：{sum(f.households_disbursed for f in cities)}")
        print(f"各基金户数之和：{by_fund}")
        print(f"放款笔数：{report.fact('loans_disbursed')}")
        print(f"户均借款额：{report.fact('average_loan')}")
        print(f"受益人数：{report.fact('persons_disbursed')}")
        for refusal in refusals:
            print(f"拒绝：{refusal}")
        moved = movers([mothers_of(c, city) for c, city in enumerate(CITIES)])[0][0]
        her = books.mother(moved.national_id)
        print(
            f"跨市母亲 {moved.name}：{len(her.households)} 份档案，借款 "
            + "；".join(f"{ln.number} {ln.principal} {ln.disbursed_on}" for ln in her.loans)
        )
        print(f"守恒检查：{len(books.check())} 项违规")
        print()
        print_closes(books, funds)
        print_side_by_side(
            "福建省幸福工程（种子 004），2021年",
            [
                Row(
                    "全省投入幸福工程项目资金",
                    "1.4496亿元",
                    str(disbursed),
                    INPUT,
                    "种子总额按假设分到各市、逐笔放款；revolve 的合计即记录的总额",
                ),
                Row("各市户数与金额", "—", "9 市，见上表", ASSUMED, "种子只给全省合计"),
                Row(
                    "帮扶计生家庭户数",
                    f"{SEED_HOUSEHOLDS}户",
                    str(households),
                    OUTPUT,
                    f"示例登记 {SEED_HOUSEHOLDS} 位母亲（输入）；按身份证号去重，各基金相加为 {by_fund}",
                ),
                Row("户均借款额", "—", str(report.fact("average_loan")), OUTPUT, "全省放款 ÷ 去重户数"),
                Row(
                    "在两个基金借款的母亲",
                    "—",
                    f"{SECOND_LOANS * 9 + MOVED}位",
                    ASSUMED,
                    "每市 20 位再向市基金借款，12 位迁往邻市",
                ),
                Row("规模", "4589户", "全量", ASSUMED, "未缩小规模"),
                Row("助学金、安居工程", "1676.83万元、1621万元", "—", OUTSIDE, "非幸福工程借款"),
            ],
        )
        print(render(report, Format.TEXT))


def print_closes(books: Ledger, funds: list[str]) -> None:
    """revolve's OUTPUT after the year-end closes: the years closed and the funds' summed 资产负债表."""
    closes = books.period_closes(funds[0])
    assert all(books.period_closes(f) == closes for f in funds)
    last = closes[-1]
    total: dict[str, Money] = {}
    for f in funds:
        table = build_balance_sheet(books, f, as_of=last).section("balance_sheet").table
        assert table is not None
        for row in table.rows:
            if hasattr(row[0], "key") and isinstance(row[2], Money):
                total[row[0].key] = total.get(row[0].key, Money(0)) + row[2]
    print("revolve 输出（OUTPUT）— 年度结账：")
    print(
        f"结账年度：{closes[0].year}–{last.year}（{len(closes)} 个年度，{len(funds)} 个基金，各于12月31日结账；资产负债表为各基金合计）"
    )
    for key, label in (
        ("bs_cash", "货币资金"),
        ("bs_receivables_net", "应收款项（净额）"),
        ("bs_total_assets", "资产合计"),
        ("bs_other_payables", "应付款项"),
        ("bs_total_net_assets", "净资产合计"),
        ("bs_total_liabilities_and_net_assets", "负债和净资产总计"),
    ):
        print(f"  {last.year}年末资产负债表 {label}：{total[key]}")
    print()


if __name__ == "__main__":
    main()
