"""吉林省 农村幸福家庭小额贴息贷款 (seed 002): banks lend 8,000万 to 4,000 families, the fund pays 400万 of interest.

The seed: "全面實施農村幸福家庭小額貼息貸款，投放貸款資金8000萬元，貼息400萬元，為4000個家庭發展提供了幫助。"

In a 贴息 programme the bank lends, the family pays the bank its interest, and the fund reimburses that
interest within the programme's caps (domain.md §12). The bank's loans are not the fund's assets, so
revolve records them for information (``register_bank_loan``), computes what each one earns under the
caps (``subsidy_due``), and posts only the subsidy the fund pays (``pay_subsidy``). This script:

* registers 4,000 families across nine of Jilin's cities and prefectures, each with a one-year loan of
  2万 from its rural credit co-op (农村信用社) at the 2012 one-year benchmark rate, repaid with its
  interest at maturity (利随本清);
* asks revolve for the subsidy each loan earns, and has the provincial treasury appropriate exactly
  that total to the fund (财政拨款) — the fund then covers every payment;
* pays each family's subsidy once the loan has matured and its interest has been paid to the bank;
* closes the fund's books (结账) on 31 December of 2012, once the year's loans are registered and
  before the 2013 appropriation, and of 2013 at the end; the subsidy paid is the journal's movement
  on the subsidy expense without the closing entries (结转), so the close changes no figure;
* prints the figures revolve computed, the years closed and the 2013 资产负债表, and the fund's 年报表
  for the year the subsidies were paid.

The caps. The seed's 400万 on 8,000万 is 5 % of the principal. Domain.md §12 gives the rule
``subsidy = min(principal, cap) × min(rate, cap rate) × min(days, cap days) / 360``; the one-year
benchmark rate of 2012 (6.56 %) is above 福清's 5 % rate cap (§12.3), so the subsidised rate is 5 %, and
the principal cap is the 2万 every family borrowed. A one-year loan runs 365 or 366 interest days; with
the cap on days at 365 (福清) a family would get 20,000 × 5 % × 365/360 = 1,013.89 yuan and the total
would come to 405万, not the round 400万 the seed reports. So the caps here subsidise one interest year
of 360 days (日利率 = 年利率 / 360, §12.7): 20,000 × 5 % × 360/360. revolve does that arithmetic; the
script only states the caps.

Run it with ``python examples/jilin_subsidy.py``. The books are kept in an in-memory SQLite database:
the example makes some 16,000 operations, and memory keeps them fast (nothing needs to outlive it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from seedcheck import ASSUMED, INPUT, OUTPUT, Row, print_side_by_side

import revolve
from revolve import AccountRole, LoanTerms, Money, OrgLevel, RepaymentMethod, SubsidyCaps, yuan
from revolve.closing import CLOSE_PREFIX
from revolve.reports.financial import build_balance_sheet
from revolve.reports.quarterly import build_quarterly
from revolve.reports.render import Format, render
from revolve.subsidy import bank_loan_subsidy

CAPS = SubsidyCaps(max_principal=yuan("20000"), max_rate=Decimal("0.05"), max_days=360)
"""The programme's caps: principal up to 2万, rate up to 5 %, one 360-day interest year (see above)."""

BANK_RATE = Decimal("0.0656")
"""The one-year benchmark lending rate in force from July 2011 to June 2012."""

LOAN = yuan("20000")

# (org code, city or prefecture, a county in it whose address code starts the mothers' ID numbers, families)
CITIES = (
    ("JL-CC", "长春市", "220122", 620),
    ("JL-JL", "吉林市", "220221", 560),
    ("JL-SP", "四平市", "220322", 520),
    ("JL-LY", "辽源市", "220421", 300),
    ("JL-TH", "通化市", "220521", 420),
    ("JL-BS", "白山市", "220621", 280),
    ("JL-SY", "松原市", "220721", 480),
    ("JL-BC", "白城市", "220821", 380),
    ("JL-YB", "延边朝鲜族自治州", "222426", 440),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董金崔朴"
GIVEN = (
    "淑芬",
    "桂芝",
    "玉兰",
    "秀梅",
    "丽华",
    "春燕",
    "艳红",
    "凤霞",
    "海英",
    "晓丽",
    "美玲",
    "秀珍",
    "英子",
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(region: str, born: date, sequence: int) -> str:
    """An 18-character 居民身份证号码 with its GB 11643 check character (an even sequence: a woman)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


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


def print_closes(books: revolve.Ledger, fund: str) -> None:
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
        province = books.create_org("JL", "吉林省", OrgLevel.PROVINCE)
        fund = books.create_fund("JL-TX", "吉林省农村幸福家庭贴息资金", org=province).code

        loans: list[tuple[int, date]] = []  # (bank loan id, its start)
        terms_of: list[LoanTerms] = []  # each bank loan's terms, to price the 365-day alternative below
        n = 0
        for code, name, region, families in CITIES:
            city = books.create_org(code, name, OrgLevel.CITY, parent=province)
            for k in range(families):
                n += 1
                start = date(2012, 3, 1) + timedelta(days=n % 92)  # spring ploughing to early summer
                family = books.register_household(
                    fund,
                    code=f"{code}-{k + 1:04d}",
                    mother_name=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                    national_id=national_id(
                        region, date(1968, 1, 1) + timedelta(days=41 * k), 2 * (k % 450) + 100
                    ),
                    registered_on=start - timedelta(days=20),
                    org=city.id,
                )
                terms = LoanTerms(
                    principal=LOAN, start=start, term=12, method=RepaymentMethod.BULLET, rate=BANK_RATE
                )
                terms_of.append(terms)
                bank_loan = books.register_bank_loan(
                    fund,
                    number=f"TX-{code}-{k + 1:04d}",
                    household=family,
                    bank=f"{name}农村信用合作联社",
                    terms=terms,
                    caps=CAPS,
                )
                loans.append((bank_loan, start))

        books.close_period(fund, through=date(2012, 12, 31))  # 2012's loans are all registered

        # What each loan earns under the caps; the province appropriates the total (贴息资金).
        due = {bank_loan: books.subsidy_due(fund, bank_loan) for bank_loan, _ in loans}
        needed = Money.total(line.amount for lines in due.values() for line in lines)
        books.contribute(
            fund,
            amount=needed,
            on=date(2013, 1, 10),
            source="fiscal",
            receipt="CZ-2013-TX",
            donor="吉林省财政厅",
        )

        # Each family's interest is paid to the bank at maturity; the subsidy follows a month later.
        for bank_loan, _ in loans:
            for line in due[bank_loan]:
                books.pay_subsidy(fund, bank_loan, period=line.number, on=line.end + timedelta(days=30))

        portfolio = books.portfolio(fund)
        payments = [o for o in portfolio.outflows if o.kind == "subsidy"]
        subsidised_principal = Money.total(lines[0].base for lines in due.values())
        paid_year = max(o.on for o in payments).year
        for year in range(2013, paid_year + 1):
            books.close_period(fund, through=date(year, 12, 31))
        report = build_quarterly(books, fund=fund, year=paid_year)
        moved = books.period_movements(fund, start=date(2012, 1, 1), end=date(paid_year, 12, 31))
        paid = Money.total(
            m
            for (role, kind), m in moved.items()
            if role is AccountRole.SUBSIDY_EXPENSE and not kind.startswith(CLOSE_PREFIX)
        )

        print("吉林省农村幸福家庭小额贴息贷款")
        print(f"贴息家庭数：{len(portfolio.households)}")
        print(f"贴息贷款本金：{subsidised_principal}")
        print(f"应付贴息：{needed}")
        print(f"已付贴息笔数：{len(payments)}")
        print(f"已付贴息：{paid}")
        print(f"贴息占贷款本金：{revolve.Ratio(paid, subsidised_principal).percent}")
        print(f"财政拨入：{books.figures(fund).capital}")
        print(f"基金结余：{books.available(fund)}")
        print(f"守恒检查：{len(books.check(fund))} 项违规")
        print_closes(books, fund)
        print()
        # the same loans priced with 福清's 365-day cap instead: what the seed's 400万 rules out
        on_365 = Money.total(
            line.amount
            for terms in terms_of
            for line in bank_loan_subsidy(terms, replace(CAPS, max_days=365))
        )
        print_side_by_side(
            "吉林省农村幸福家庭小额贴息贷款（种子 002）",
            [
                Row(
                    "受助家庭", "4000个", str(len(portfolio.households)), INPUT, "示例登记 4,000 户的银行贷款"
                ),
                Row(
                    "投放贷款资金",
                    "8000万元",
                    str(subsidised_principal),
                    INPUT,
                    "每户 2万、一年期（示例假设）",
                ),
                Row("贴息", "400万元", str(paid), OUTPUT, "revolve 按上限 2万 / 5% / 360天 逐笔计算并支付"),
                Row(
                    "贴息天数上限",
                    "—（种子未给）",
                    f"{CAPS.max_days}天",
                    ASSUMED,
                    f"日利率＝年利率÷360、一个计息年（domain.md §12.7）；若按 365 天则为 {on_365}，与种子不符",
                ),
                Row(
                    "财政拨入",
                    "—",
                    str(books.figures(fund).capital),
                    ASSUMED,
                    "示例让省财政按 revolve 算出的应付贴息拨款",
                ),
            ],
        )
        print(render(report, Format.TEXT))


if __name__ == "__main__":
    main()
